//! Fuzzes the free-text materials parser (`1.申请表（原件1份）；2.身份证…`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = qingdan::normalize::materials::parse_materials(s);
    let _ = qingdan::normalize::materials::material_key(s);
});
