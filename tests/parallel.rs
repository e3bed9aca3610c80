//! The parallel pipelines of `check` and `ingest --format ndjson` write byte for byte what one
//! thread writes, on repositories with many files (where workers finish out of order), with a
//! materials sheet (which sends later files back to the ordered thread), and on the example.

use std::path::Path;

use assert_cmd::Command;

/// Runs qingdan with the given environment and returns (status, stdout, stderr).
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>, Vec<u8>) {
    let mut cmd = Command::cargo_bin("qingdan").unwrap();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

/// A generated repository (3,000 items in ten lists and a base catalog), with defects.
fn generated(dir: &Path) -> String {
    let out = dir.join("repo");
    let (code, _, err) = run(&["generate", "--items", "3000", "--format", "csv", "--seed", "7", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    out.to_str().unwrap().to_string()
}

fn assert_same_everywhere(args: &[&str]) {
    let one = run(args, &[("QINGDAN_THREADS", "1")]);
    assert!(!one.1.is_empty(), "{args:?} printed nothing: {}", String::from_utf8_lossy(&one.2));
    for env in [[("QINGDAN_THREADS", "2"), ("QINGDAN_SEQUENTIAL", "0")], [("QINGDAN_THREADS", "5"), ("QINGDAN_SEQUENTIAL", "0")]] {
        let many = run(args, &env);
        assert_eq!(one.0, many.0, "{args:?} {env:?}: exit status");
        assert!(one.1 == many.1, "{args:?} {env:?}: stdout differs");
        assert!(one.2 == many.2, "{args:?} {env:?}: stderr differs");
    }
    let sequential = run(args, &[("QINGDAN_SEQUENTIAL", "1")]);
    assert!(one.1 == sequential.1, "{args:?}: differs from QINGDAN_SEQUENTIAL=1");
    // `-j` wins over the environment.
    let flagged: Vec<&str> = ["-j", "3"].into_iter().chain(args.iter().copied()).collect();
    let j3 = run(&flagged, &[("QINGDAN_THREADS", "1")]);
    assert!(one.1 == j3.1 && one.2 == j3.2, "{args:?}: differs with -j 3");
}

#[test]
fn check_and_ndjson_are_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let repo = generated(dir.path());
    assert_same_everywhere(&["check", &repo, "--format", "json"]);
    assert_same_everywhere(&["ingest", &repo, "--format", "ndjson"]);
}

#[test]
fn example_with_materials_sheet_is_identical_across_thread_counts() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/baotou");
    let example = example.to_str().unwrap();
    assert_same_everywhere(&["check", example, "--format", "json"]);
    assert_same_everywhere(&["ingest", example, "--format", "ndjson"]);
}

/// A separate materials file is read first and its rows wait for their items: the files after
/// it go through the ordered thread (workers skip them), and the result is still the same.
#[test]
fn separate_materials_file_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let repo = generated(dir.path());
    // Impl codes of the last list (read last, so the materials wait for most of the run).
    let mut lists: Vec<_> = std::fs::read_dir(&repo).unwrap().map(|e| e.unwrap().path()).filter(|p| !p.ends_with("基本目录.csv")).collect();
    lists.sort();
    let last = std::fs::read_to_string(lists.last().unwrap()).unwrap();
    let mut materials = String::from("实施编码,材料名称\n");
    for line in last.lines().skip(1).take(3) {
        let code = line.split(',').nth(2).unwrap();
        materials.push_str(&format!("{code},补充材料\n"));
    }
    std::fs::write(Path::new(&repo).join("申请材料.csv"), materials).unwrap();
    assert_same_everywhere(&["check", &repo, "--format", "json"]);
    assert_same_everywhere(&["ingest", &repo, "--format", "ndjson"]);
}
