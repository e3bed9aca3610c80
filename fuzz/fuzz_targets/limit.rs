//! Fuzzes the time-limit parser (`20个工作日`, `三个月`, numbers).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = qingdan::normalize::limit::parse_limit(s);
    let _ = qingdan::normalize::limit::parse_number(s);
    if let Ok(n) = s.trim().parse::<f64>() {
        let _ = qingdan::normalize::limit::limit_from_number(n);
    }
});
