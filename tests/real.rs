//! The real 广安区 export (tests/fixtures/real/README.md): every row read, exactly the invalid
//! 统一社会信用代码 flagged.

use assert_cmd::Command;
use serde_json::Value;

/// An independent GB 32100-2015 check, written apart from the product's.
fn valid_credit_code(code: &str) -> bool {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let code = code.trim().to_uppercase();
    let cs: Vec<char> = code.chars().collect();
    if cs.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (i, c) in cs.iter().enumerate() {
        let Some(v) = CHARS.find(*c) else { return false };
        if i < 17 {
            sum += v * W[i];
        }
    }
    CHARS.chars().nth((31 - sum % 31) % 31) == Some(cs[17])
}

#[test]
fn reads_every_row_and_flags_exactly_the_invalid_codes() {
    let path = "tests/fixtures/real/guangan-export.csv";
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let mut invalid_rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let code = rec.get(5).unwrap_or("");
        if !code.trim().is_empty() && !valid_credit_code(code) {
            invalid_rows.push(i as u64 + 2);
        }
    }
    let out = Command::cargo_bin("qingdan").unwrap().args(["check", path, "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["items"], 1135);
    let flagged: Vec<u64> =
        v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "QD101").map(|f| f["row"].as_u64().unwrap()).collect();
    assert_eq!(flagged, invalid_rows);
    assert!(flagged.len() > 800, "about three quarters are invalid: {}", flagged.len());
    // 部门名称 maps to 主管部门, 事项类型 numeric codes are read.
    assert!(!v["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "QD010" && f["field"] == "item_type"));
}
