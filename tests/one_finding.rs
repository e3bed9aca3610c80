//! Issue 12, "one problem, one finding": a missing column is one finding per table, a value
//! that could not be read is not also missing, help fits the field, and the human report's
//! layout (one head line per finding, wrapped to the width, summary last).

mod common;

use assert_cmd::Command;
use common::{ITEM_FIELDS, header, valid_row};
use qingdan::model::field::Field;
use serde_json::Value;

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

/// Writes a CSV of `rows` (a header first) to `dir/name`.
fn write_csv(dir: &std::path::Path, name: &str, rows: &[Vec<String>]) -> std::path::PathBuf {
    let p = dir.join(name);
    let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
    std::fs::write(&p, text).unwrap();
    p
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

fn check_json(args: &[&str]) -> (i32, Value) {
    let out = qingdan().arg("check").args(args).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

/// A list of `n` valid rows (distinct 实施编码) without the column of `missing`, with an extra
/// unmapped column headed `extra` when given.
fn rows_without(missing: Field, n: usize, extra: Option<&str>) -> Vec<Vec<String>> {
    let fields: Vec<Field> = ITEM_FIELDS.iter().copied().filter(|f| *f != missing).collect();
    let mut head = strings(header(&fields));
    head.extend(extra.map(str::to_string));
    let mut rows = vec![head];
    let impl_col = fields.iter().position(|f| *f == Field::ImplCode).unwrap();
    for i in 0..n {
        let mut r = strings(valid_row(&fields));
        r[impl_col] = format!("{}{i}", r[impl_col]);
        r.extend(extra.map(|_| "x".to_string()));
        rows.push(r);
    }
    rows
}

#[test]
fn a_missing_column_is_one_finding_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let rows = rows_without(Field::Department, 500, Some("实施机关统一社会信用代码X"));
    let p = write_csv(dir.path(), "东河区.csv", &rows);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    assert_eq!(rules.iter().filter(|r| *r == "QD009").count(), 1, "{rules:?}");
    assert_eq!(rules.iter().filter(|r| *r == "QD100").count(), 0, "{rules:?}");
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "QD009").unwrap();
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("表头中缺少：主管部门"), "{msg}");
    assert!(msg.contains("未对应的列：") && msg.contains("实施机关统一社会信用代码X"), "{msg}");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn a_missing_materials_column_is_one_finding_without_a_materials_table() {
    let dir = tempfile::tempdir().unwrap();
    let rows = rows_without(Field::Materials, 50, None);
    let p = write_csv(dir.path(), "东河区.csv", &rows);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    assert_eq!(rules.iter().filter(|r| *r == "QD009").count(), 1, "{rules:?}");
    assert_eq!(rules.iter().filter(|r| *r == "QD100").count(), 0, "{rules:?}");
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "QD009").unwrap();
    assert!(f["message"].as_str().unwrap().contains("申请材料"), "{f}");
}

#[test]
fn an_unreadable_value_is_not_also_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut row = strings(valid_row(ITEM_FIELDS));
    let level = ITEM_FIELDS.iter().position(|f| *f == Field::Level).unwrap();
    row[level] = "片区以上".into();
    let p = write_csv(dir.path(), "a.csv", &[strings(header(ITEM_FIELDS)), row]);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    assert!(rules.contains(&"QD010".to_string()), "{rules:?}");
    assert!(!rules.contains(&"QD100".to_string()), "{rules:?}");
}

/// `(file name, rule, row, column, message)` of the findings about `file`.
fn about(v: &Value, file: &str) -> Vec<(String, String, Value, Value, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|x| x.ends_with(file)))
        .map(|f| {
            (
                f["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["row"].clone(),
                f["column"].clone(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_file_checked_alone_has_its_findings_of_the_repository_check() {
    let (_, repo) = check_json(&["examples/baotou"]);
    let expected = about(&repo, "青山区.csv");
    assert!(expected.iter().any(|f| f.1 == "QD201"), "the fixture has an unsourced item: {expected:?}");
    assert!(expected.iter().any(|f| f.1 == "QD205"), "and a sibling difference: {expected:?}");
    // With a path into the repository: qingdan.yaml and the base catalog are found walking up.
    let (_, alone) = check_json(&["examples/baotou/青山区.csv"]);
    assert_eq!(about(&alone, "青山区.csv"), expected);
    assert_eq!(alone["findings"].as_array().unwrap().len(), expected.len(), "only the named file's findings");
    assert!(!alone.to_string().contains("QD200"));
    assert_eq!(alone["summary"]["files"], 1);
    // From inside the repository.
    let out = qingdan().current_dir("examples/baotou").args(["check", "青山区.csv", "--format", "json"]).output().unwrap();
    let inside: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(about(&inside, "青山区.csv"), expected);
}

#[test]
fn a_missing_path_is_one_accurate_finding() {
    let out = qingdan().args(["check", "没有这个文件.csv"]).env("COLUMNS", "80").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("QD001").count(), 2, "one finding (and its line in the counts): {text}");
    assert!(text.contains("路径不存在") && text.contains("没有这个文件.csv"), "{text}");
    assert!(!text.contains("xlsx"), "no advice to re-export: {text}");
}

#[test]
fn export_with_no_readable_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("发布.xlsx");
    let out = qingdan().args(["export", "没有这个文件夹", "-o"]).arg(&target).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("没有这个文件夹") && err.contains("路径不存在"), "{err}");
    assert!(!target.exists());
    // A folder with only an empty file: nothing readable either.
    std::fs::write(dir.path().join("空.csv"), "").unwrap();
    let out = qingdan().arg("export").arg(dir.path()).arg("-o").arg(&target).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!target.exists());
}

#[test]
fn an_unreadable_file_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("锁定.csv");
    std::fs::write(&p, "事项名称\n甲\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    if std::fs::read(&p).is_ok() {
        // Running as root (or not on unix): permissions cannot be taken away; the mapping of
        // the error is unit-tested in i18n.
        return;
    }
    let (code, v) = check_json(&[p.to_str().unwrap()]);
    assert_eq!(code, 2);
    let fs = v["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 1, "{fs:?}");
    assert!(fs[0]["message"].as_str().unwrap().contains("无权限读取"));
}

#[test]
fn qingdan_outputs_in_the_input_folder_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    for f in std::fs::read_dir("tests/fixtures/repos/unsourced").unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), repo.join(f.file_name())).unwrap();
    }
    let (_, before) = check_json(&[repo.to_str().unwrap()]);
    let out = qingdan().args(["export", repo.to_str().unwrap(), "-o"]).arg(repo.join("发布.xlsx")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = qingdan().args(["template", "-o"]).arg(repo.join("模板.xlsx")).output().unwrap();
    assert!(out.status.success());
    let (_, after) = check_json(&[repo.to_str().unwrap()]);
    let skipped: Vec<&Value> = after["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "QD016").collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped.iter().all(|f| f["severity"] == "info"));
    assert!(skipped[0]["message"].as_str().unwrap().contains("已跳过"));
    let others: Vec<&Value> = after["findings"].as_array().unwrap().iter().filter(|f| f["rule"] != "QD016").collect();
    assert_eq!(others, before["findings"].as_array().unwrap().iter().collect::<Vec<_>>());
    assert_eq!(after["summary"]["items"], before["summary"]["items"]);
}

#[test]
fn a_typo_in_a_header_is_one_warning_and_its_values_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut head = strings(header(ITEM_FIELDS));
    head[0] = "事项明称".into();
    let mut row = strings(valid_row(ITEM_FIELDS));
    let level = ITEM_FIELDS.iter().position(|f| *f == Field::Level).unwrap();
    row[level] = "片区".into();
    let p = write_csv(dir.path(), "东河区.csv", &[head, row]);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    // The header is read as 事项名称 with a warning (QD006); no missing column, no missing value.
    let typo = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "QD006").unwrap();
    assert_eq!(typo["severity"], "warning");
    for r in ["QD009", "QD100"] {
        assert!(!rules.contains(&r.to_string()), "{r} in {rules:?}");
    }
    // 片区 is no level: QD010 only, whose help lists the levels and the accepted forms.
    let qd010: Vec<&Value> = v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "QD010").collect();
    assert_eq!(qd010.len(), 1, "{rules:?}");
    assert_eq!(qd010[0]["value"], "片区");
    let help = qd010[0]["help"].as_str().unwrap();
    assert!(help.starts_with("行使层级可填：国家级 / 省级 / 市级 / 县级 / 乡级 / 村级；也接受："), "{help}");
    assert!(help.contains("旗县区级") && !help.contains("county") && !help.contains("工作日"), "{help}");
    // The values are kept.
    let out = qingdan().args(["ingest", "--format", "json"]).arg(&p).output().unwrap();
    let items: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items["items"][0]["name"], "建筑工程施工许可证核发");
    // A config next to the file, with Chinese field names, takes the local header and value.
    std::fs::write(dir.path().join("qingdan.yaml"), "aliases:\n  事项名称: [事项明称]\nvalues:\n  行使层级: {片区: 县级}\n").unwrap();
    let (code, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    for r in ["QD003", "QD006", "QD009", "QD010", "QD100"] {
        assert!(!rules.contains(&r.to_string()), "{r} in {rules:?}");
    }
    assert_eq!(code, 0, "{rules:?}");
}

#[test]
fn config_errors_speak_the_language_and_suggest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), format!("{}\n{}\n", header(ITEM_FIELDS).join(","), valid_row(ITEM_FIELDS).join(","))).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "rules:\n  QD999: off\n").unwrap();
    let out = qingdan().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("没有规则 QD999") && err.contains("QD101"), "{err}");
    std::fs::write(dir.path().join("qingdan.yaml"), "alias:\n  agency: [办理机关]\n").unwrap();
    let out = qingdan().args(["--lang", "en", "check"]).arg(dir.path()).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown key \"alias\"; did you mean \"aliases\"?"), "{err}");
}

fn human(args: &[&str], columns: &str) -> (i32, String) {
    let out = qingdan().arg("check").args(args).env("COLUMNS", columns).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn human_report_one_head_line_per_finding_within_80_columns() {
    use unicode_width::UnicodeWidthStr;
    let (code, text) = human(&["examples/baotou"], "80");
    assert_eq!(code, 1);
    for line in text.lines() {
        assert!(line.width() <= 80, "{} columns: {line}", line.width());
    }
    let (_, v) = check_json(&["examples/baotou"]);
    let heads = text.lines().filter(|l| ["错误 QD", "警告 QD", "提示 QD"].iter().any(|p| l.starts_with(p))).count();
    assert_eq!(heads, v["findings"].as_array().unwrap().len(), "one head line per finding");
    assert!(text.contains("错误 QD101 实施主体编码“11150202000000021A”校验位错误"), "{text}");
    assert!(text.contains("examples/baotou/东河区.xlsx 实施清单!H5"));
    assert!(text.contains("    实施主体编码 │ 11150202000000021A"));
    assert!(text.contains("    修改建议：向实施机关核实 18 位统一社会信用代码"));
    // The summary comes last: counts per rule, then the total.
    let by_rule = text.find("按规则统计：").unwrap();
    assert!(text.find("四级同源（按地区）：").unwrap() < by_rule);
    assert!(text[by_rule..].contains("  QD101  2  错误  统一社会信用代码不合规"));
    let s = &v["summary"];
    let total = format!(
        "共检查 {} 个文件、{} 个事项：错误 {} 个，警告 {} 个，提示 {} 条",
        s["files"], s["items"], s["errors"], s["warnings"], s["infos"]
    );
    assert_eq!(text.trim_end().lines().last().unwrap(), total);
    // No English or internal words, no `:1:1`, no `!4`.
    for word in ["extra", "help:", "info:", "error:", "warning", "seed", "种子", "cli.md", "fields.md", ":1:1"] {
        assert!(!text.contains(word), "{word:?} in the Chinese report");
    }
    assert!(!text.as_bytes().windows(2).any(|w| w[0] == b'!' && w[1].is_ascii_digit()), "a row located as !N");
    // Narrow terminals too.
    let (_, narrow) = human(&["examples/baotou"], "60");
    assert!(narrow.lines().all(|l| l.width() <= 60));
}

#[test]
fn a_row_level_problem_is_located_by_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let fields: Vec<Field> = ITEM_FIELDS.iter().copied().filter(|f| *f != Field::Department).collect();
    let p = write_csv(dir.path(), "东河区.csv", &[strings(header(&fields)), strings(valid_row(&fields))]);
    let (_, text) = human(&[p.to_str().unwrap()], "200");
    let line = text.lines().find(|l| l.starts_with("错误 QD009")).unwrap();
    assert!(line.ends_with("东河区.csv 第1行"), "{line}");
    let (_, en) = human(&["--lang", "en", p.to_str().unwrap()], "200");
    let line = en.lines().find(|l| l.starts_with("error QD009")).unwrap();
    assert!(line.ends_with("东河区.csv row 1"), "{line}");
}

#[test]
fn statistics_quiet_select_and_ignore() {
    let (_, stats) = human(&["examples/baotou", "--statistics"], "80");
    assert!(!stats.lines().any(|l| l.starts_with("错误 QD")), "no individual findings");
    assert!(stats.contains("按规则统计：") && stats.contains("按文件统计："));
    assert!(stats.contains("  examples/baotou/青山区.csv  错误 2 个，警告 3 个，提示 1 条"), "{stats}");
    assert!(stats.trim_end().lines().last().unwrap().starts_with("共检查"));

    let (_, quiet) = human(&["examples/baotou", "--quiet"], "80");
    assert!(!quiet.lines().any(|l| l.starts_with("提示 QD")));
    let (_, v) = check_json(&["examples/baotou"]);
    assert!(quiet.contains(&format!("另有 {} 条提示未显示（--quiet）", v["summary"]["infos"])), "{quiet}");

    let (_, v) = check_json(&["examples/baotou", "--select", "QD1"]);
    let rules = rules_of(&v);
    assert!(!rules.is_empty() && rules.iter().all(|r| r.starts_with("QD1")), "{rules:?}");
    let (_, v) = check_json(&["examples/baotou", "--ignore", "QD003,QD2"]);
    let rules = rules_of(&v);
    assert!(rules.iter().all(|r| r != "QD003" && !r.starts_with("QD2")), "{rules:?}");
    assert!(rules.contains(&"QD101".to_string()));
    let out = qingdan().args(["check", "examples/baotou", "--select", "QD9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("没有规则 QD9"));
}

#[test]
fn command_line_speaks_chinese_where_clap_allows() {
    let out = qingdan().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("用法：qingdan check") && help.contains("选项:") && help.contains("显示帮助"), "{help}");
    assert!(help.contains("只运行这些规则") && !help.contains("Files or directories"), "{help}");
    let out = qingdan().args(["--lang", "en", "check", "--help"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("Usage: qingdan check"));
    let out = qingdan().args(["check", "--formt", "json", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--format") && err.contains("提示：没有这个选项"), "{err}");
    let out = qingdan().args(["chek", "x"]).output().unwrap();
    assert!(String::from_utf8(out.stderr).unwrap().contains("提示：没有这个命令"));
}
