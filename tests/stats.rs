//! `qingdan stats` on tests/fixtures/stats: 4 市级 items (包头市), 3 县级 (东河区), 3 乡级
//! (和平路街道), with every indicator's numerator and denominator checked exactly.

use assert_cmd::Command;
use serde_json::{Value, json};

const FIXTURE: &str = "tests/fixtures/stats";

fn stats(lang: &str, format: &str) -> String {
    stats_with(lang, format, &[])
}

fn stats_with(lang: &str, format: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("qingdan")
        .unwrap()
        .args(["--lang", lang, "stats", FIXTURE, "--quiet", "-f", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json_stats() -> Value {
    serde_json::from_str(&stats("zh", "json")).unwrap()
}

/// (numerator, denominator) of an indicator.
fn nd(group: &Value, key: &str) -> (Value, u64) {
    let v = &group["indicators"][key];
    (v["numerator"].clone(), v["denominator"].as_u64().unwrap())
}

#[test]
fn overall_indicators() {
    let s = json_stats();
    let all = &s["all"];
    assert_eq!(all["scope"], "all");
    assert_eq!(all["items"], 10);
    assert_eq!(all["by_type"], json!({"公共服务": 5, "行政确认": 1, "行政许可": 4}));
    assert_eq!(nd(all, "one_window"), (json!(6), 8));
    assert_eq!(nd(all, "fully_online"), (json!(3), 7));
    assert_eq!(nd(all, "online"), (json!(5), 7));
    assert_eq!(nd(all, "mobile"), (json!(3), 6));
    assert_eq!(nd(all, "instant"), (json!(3), 7));
    assert_eq!(nd(all, "zero_visits"), (json!(3), 10));
    assert_eq!(nd(all, "at_most_one_visit"), (json!(8), 10));
    assert_eq!(nd(all, "cert_free"), (json!(2), 6));
    // (0.5 + 0.75 + 0) 市级 + (1.0 + 0.5) 县级 + 3 × 0.4 乡级, over 8 comparable pairs
    // (1个月 against 工作日, and 即办 against 即办, are not comparable).
    assert_eq!(nd(all, "limit_compression"), (Value::Null, 8));
    assert_eq!(all["indicators"]["limit_compression"]["value"], 0.4938);
    assert_eq!(all["indicators"]["one_window"]["value"], 0.75);
    assert_eq!(all["indicators"]["one_window"]["target"], Value::Null, "no single target across levels");
    assert_eq!(all["indicators"]["one_window"]["met"], Value::Null);
    assert_eq!(
        all["counts"],
        json!({
            "notify_commit": {"count": 2, "denominator": 6},
            "tolerance": {"count": 2, "denominator": 6},
            "cross_area": {"count": 3, "denominator": 6},
            "one_thing_bundles": 2,
            "one_thing_items": 4,
        })
    );
    assert!(s["note"].as_str().unwrap().contains("仅对一窗受理率设定了量化目标"));
}

#[test]
fn one_window_targets_per_level_and_jurisdiction() {
    let s = json_stats();
    let levels: Vec<(&str, u64)> =
        s["levels"].as_array().unwrap().iter().map(|g| (g["level"].as_str().unwrap(), g["items"].as_u64().unwrap())).collect();
    assert_eq!(levels, [("市级", 4), ("县级", 3), ("乡级", 3)]);
    let j = s["jurisdictions"].as_array().unwrap();
    let codes: Vec<&str> = j.iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["150200000000", "150202000000", "150202001000"]);
    assert_eq!(j[0]["name"], "包头市");
    assert_eq!(j[0]["level"], "市级");
    let ow = |g: &Value| {
        let v = &g["indicators"]["one_window"];
        (v["numerator"].as_u64().unwrap(), v["denominator"].as_u64().unwrap(), v["target"].clone(), v["met"].clone())
    };
    assert_eq!(ow(&j[0]), (3, 4, json!(0.9), json!(false)));
    assert_eq!(ow(&j[1]), (2, 2, json!(0.9), json!(true)));
    assert_eq!(ow(&j[2]), (1, 2, json!(0.9), json!(false)));
    for g in s["levels"].as_array().unwrap().iter().chain(j) {
        for (k, v) in g["indicators"].as_object().unwrap() {
            if k != "one_window" {
                assert_eq!(v["target"], Value::Null, "{k} has no target in the seed");
            }
        }
    }
    // 县级: 20个工作日 → 即办 compresses fully, 30日 → 15日 by half.
    assert_eq!(j[1]["indicators"]["limit_compression"]["value"], 0.75);
    assert_eq!(j[1]["indicators"]["limit_compression"]["denominator"], 2);
    // 乡级: flags left blank are not counted in denominators.
    assert_eq!(nd(&j[2], "mobile"), (json!(0), 0));
    assert_eq!(j[2]["indicators"]["mobile"]["value"], Value::Null);
}

#[test]
fn human_output_is_one_compact_table() {
    let out = stats("zh", "human");
    insta::assert_snapshot!("stats_compact_zh", out);
    let lines: Vec<&str> = out.lines().collect();
    let head = lines.iter().position(|l| l.starts_with("范围")).unwrap();
    assert!(lines[head].contains("一窗受理") && lines[head].contains("免证办"), "indicators as columns");
    // One line per scope: all, 3 levels, 3 jurisdictions (and two rules).
    let county = lines.iter().find(|l| l.starts_with("东河区 150202000000（县级）")).expect("a jurisdiction row");
    assert!(county.contains(" 3 "), "{county}");
    let all = lines.iter().find(|l| l.starts_with("全部事项")).unwrap();
    assert!(all.contains("75.0%") && !all.contains('✓') && !all.contains('✗'), "no target for all items: {all}");
    assert!(out.lines().filter(|l| l.contains('✗') || l.contains('✓')).count() >= 4, "targets marked:\n{out}");
    assert!(out.lines().count() < 20, "compact, not 14 lines per scope");
    insta::assert_snapshot!("stats_compact_en", stats("en", "human"));
}

#[test]
fn human_long_output() {
    let out = stats_with("zh", "human", &["--long"]);
    assert!(out.contains("── 全部事项 · 10 个事项 ──"));
    assert!(out.contains("── 东河区 150202000000（县级） · 3 个事项 ──"));
    let ow: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with("一窗受理率")).collect();
    assert_eq!(ow.len(), 7, "all + 3 levels + 3 jurisdictions");
    assert!(ow[0].contains("75.0%") && ow[0].contains("6/8"));
    assert!(ow[1].contains("3/4") && ow[1].contains("≥90%") && ow[1].contains("未达标"));
    assert!(ow[2].contains("100.0%") && ow[2].contains("达标") && !ow[2].contains("未达标"));
    let en = stats_with("en", "human", &["--long"]);
    assert!(en.contains("one-window acceptance rate"));
    assert!(en.contains("not met"));
}

#[test]
fn markdown_snapshots() {
    insta::assert_snapshot!("stats_md_zh", stats("zh", "md"));
    insta::assert_snapshot!("stats_md_en", stats("en", "md"));
}

#[test]
fn base_catalog_items_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/fixtures/stats/实施清单.csv", dir.path().join("实施清单.csv")).unwrap();
    std::fs::write(
        dir.path().join("基本目录.csv"),
        "事项名称,基本编码,事项类型,主管部门,设定依据,行使层级\n事项一,000101001000,行政许可,市场监督管理局,《条例》,市级、县级\n",
    )
    .unwrap();
    let out =
        Command::cargo_bin("qingdan").unwrap().args(["stats", dir.path().to_str().unwrap(), "--quiet", "-f", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["all"]["items"], 10);
}
