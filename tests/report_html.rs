//! `qingdan report`: the HTML page rendered by headless Chromium — no console errors, the
//! script ran, no external resources, and the numbers in the DOM equal `check --format json`
//! and `stats --format json`. A screenshot is left at `target/report.png`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const EXAMPLE: &str = "examples/baotou";

fn qingdan(args: &[&str]) -> std::process::Output {
    assert_cmd::cargo::cargo_bin_cmd!("qingdan").current_dir(root()).arg("--quiet").args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&qingdan(args).stdout).unwrap()
}

fn report(out: &Path, lang: &str) -> String {
    let o = assert_cmd::cargo::cargo_bin_cmd!("qingdan")
        .current_dir(root())
        .args(["--quiet", "--lang", lang, "report", EXAMPLE, "-o"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

/// One start tag: name, attributes, and the text right after it.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

/// The start tags of an HTML document in order (enough for the DOM Chromium serializes).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[..end];
        let name_end = inside.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(inside.len());
        let mut attrs = BTreeMap::new();
        let mut a = &inside[name_end..];
        while let Some(eq) = a.find("=\"") {
            let key = a[..eq].trim().trim_start_matches('/').to_string();
            let vstart = eq + 2;
            let vend = vstart + a[vstart..].find('"').unwrap();
            attrs.insert(key, a[vstart..vend].replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">"));
            a = &a[vend + 1..];
        }
        let after = &rest[(end + 1).min(rest.len())..];
        let text = after[..after.find('<').unwrap_or(after.len())].trim().to_string();
        out.push(Tag { name: inside[..name_end].to_string(), attrs, text });
    }
    out
}

fn chromium() -> Option<&'static str> {
    for cmd in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(cmd).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Some(cmd);
        }
    }
    assert!(std::env::var_os("CI").is_none(), "CI: chromium is required; .ci/run installs it");
    eprintln!("SKIPPED: chromium not found (install Debian's chromium to run the browser test)");
    None
}

/// Runs headless Chromium on `page` with `extra` arguments; returns (stdout, stderr).
fn headless(browser: &str, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn the_page_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(&dir.path().join("报告.html"), "zh");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    for t in tags(&html) {
        for key in ["src", "href"] {
            if let Some(v) = t.attrs.get(key) {
                assert!(!v.contains("://"), "external resource: <{} {key}={v}>", t.name);
            }
        }
        assert_ne!(t.name, "link", "no linked stylesheets");
    }
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    assert!(html.contains("政务服务事项清单检查报告"), "Chinese first");
    let en = report(&dir.path().join("report.html"), "en");
    assert!(en.contains("Government service catalog check report") && en.contains("lang=\"en\""));
    // Not an .html output: refused, nothing written.
    let txt = dir.path().join("报告.txt");
    let o = qingdan(&["report", EXAMPLE, "-o", txt.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".html"));
    assert!(!txt.exists());
}

#[test]
fn headless_chromium_renders_the_report_without_errors_and_with_the_numbers_of_check_and_stats() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("报告.html");
    report(&page, "zh");
    let (dom, log) = headless(browser, &page, &["--dump-dom".to_string()]);
    for line in log.lines() {
        assert!(!line.contains("Uncaught") && !line.contains(":CONSOLE("), "console: {line}");
    }
    let tags = tags(&dom);
    let body = tags.iter().find(|t| t.name == "body").expect("a body");
    assert_eq!(body.attrs.get("data-ready").map(String::as_str), Some("1"), "the script ran to the end");
    assert!(!body.attrs.contains_key("data-script-error"), "{:?}", body.attrs);

    let check = json(&["check", EXAMPLE, "--format", "json"]);
    let stats = json(&["stats", EXAMPLE, "--format", "json"]);

    // Overview numbers.
    let key = |k: &str| tags.iter().find(|t| t.attrs.get("data-key").map(String::as_str) == Some(k)).map(|t| t.text.clone());
    for k in ["files", "items", "errors", "warnings", "infos"] {
        assert_eq!(key(k), Some(check["summary"][k].to_string()), "{k}");
    }
    assert_eq!(key("implementation_items"), Some(stats["all"]["items"].to_string()));
    assert_eq!(key("listed"), Some(check["findings"].as_array().unwrap().len().to_string()));

    // Walk the sections: matrix summary, indicator bars, ranking.
    let mut section = String::new();
    let mut indicator = String::new();
    let mut row = String::new();
    let mut bars: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut matrix: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut ranking: BTreeMap<(String, String), String> = BTreeMap::new();
    for t in &tags {
        if t.name == "section" {
            section = t.attrs.get("id").cloned().unwrap_or_default();
        }
        if let Some(i) = t.attrs.get("data-indicator") {
            indicator = i.clone();
        }
        if t.name == "tr" {
            row = t.attrs.get("data-code").cloned().unwrap_or_default();
        }
        if t.name == "g" && section == "indicators" {
            bars.insert((indicator.clone(), t.attrs["data-code"].clone()), t.attrs["data-value"].clone());
        }
        if let Some(k) = t.attrs.get("data-key").filter(|_| t.name == "td") {
            let target = if section == "matrix" { &mut matrix } else { &mut ranking };
            target.insert((row.clone(), k.clone()), t.text.clone());
        }
    }
    let mut compared = 0;
    for g in stats["jurisdictions"].as_array().unwrap() {
        let code = g["code"].as_str().unwrap();
        for (k, v) in g["indicators"].as_object().unwrap() {
            let expected = v["value"].as_f64().map(|x| x.to_string()).unwrap_or_default();
            let shown = bars.get(&(k.clone(), code.to_string())).unwrap_or_else(|| panic!("no bar {k} {code}"));
            let same = match (shown.parse::<f64>(), expected.parse::<f64>()) {
                (Ok(a), Ok(b)) => (a - b).abs() < 1e-9,
                _ => shown == &expected,
            };
            assert!(same, "{k} {code}: DOM {shown}, stats {expected}");
            compared += 1;
        }
    }
    assert_eq!(compared, 9 * stats["jurisdictions"].as_array().unwrap().len());
    for j in check["consistency"]["jurisdictions"].as_array().unwrap() {
        let code = j["code"].as_str().unwrap().to_string();
        for k in ["claimed", "missing", "deviating"] {
            assert_eq!(matrix.get(&(code.clone(), k.to_string())), Some(&j[k].to_string()), "{code} {k}");
        }
    }
    let mut by_jurisdiction: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in check["findings"].as_array().unwrap() {
        let code = f["jurisdiction"].as_str().unwrap_or_default().to_string();
        let sev = format!("{}s", f["severity"].as_str().unwrap());
        *by_jurisdiction.entry((code, sev)).or_default() += 1;
    }
    for ((code, sev), n) in &by_jurisdiction {
        assert_eq!(ranking.get(&(code.clone(), sev.clone())), Some(&n.to_string()), "ranking {code} {sev}");
    }

    // The filters work in the browser: preset from the address, the rows shown are the errors.
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}#severity=error", page.display()))
        .output()
        .unwrap();
    let filtered = String::from_utf8_lossy(&o.stdout);
    let shown = self::tags(&filtered).into_iter().find(|t| t.attrs.get("id").map(String::as_str) == Some("shown-count")).unwrap().text;
    assert_eq!(shown, check["summary"]["errors"].to_string(), "severity=error shows the errors only");
    assert_eq!(filtered.matches("class=\"hidden\"").count(), check["findings"].as_array().unwrap().len() - shown.parse::<usize>().unwrap());

    // The English page runs as cleanly.
    let en = dir.path().join("report.html");
    report(&en, "en");
    let (dom_en, log_en) = headless(browser, &en, &["--dump-dom".to_string()]);
    assert!(!log_en.contains("Uncaught") && !log_en.contains(":CONSOLE("), "{log_en}");
    assert!(dom_en.contains("data-ready=\"1\"") && dom_en.contains("Jurisdictions by problems"));

    // Printed (as a person would, to PDF): A4 landscape pages.
    let pdf = dir.path().join("报告.pdf");
    let (_, log) = headless(browser, &page, &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_string()]);
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF ({e}): {log}"));
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<&str> = text.match_indices("/MediaBox").map(|(i, _)| &text[i..(i + 60).min(text.len())]).collect();
    assert!(!boxes.is_empty());
    for b in &boxes {
        let nums: Vec<f64> = b[b.find('[').unwrap() + 1..b.find(']').unwrap()].split_whitespace().filter_map(|x| x.parse().ok()).collect();
        assert!((nums[2] - 841.9).abs() < 1.5 && (nums[3] - 595.3).abs() < 1.5, "A4 landscape: {b}");
    }

    // A screenshot for people to look at.
    let shot = root().join("target/report.png");
    // `target/` may not exist (a clean clone built with CARGO_TARGET_DIR elsewhere).
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&shot);
    let (_, log) = headless(browser, &page, &[format!("--screenshot={}", shot.display()), "--window-size=1280,3000".to_string()]);
    assert!(shot.exists(), "no screenshot: {log}");
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}
