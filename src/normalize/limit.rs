//! Time limits (fields.md §4): `20个工作日`, `20工作日`, `二十个工作日`, `20`, `即办`, `当场办结`,
//! `15日`, `15天`, `3个月`, `2小时`. A bare number counts working days, the usual unit of 办结时限.

use crate::model::item::{Limit, LimitUnit};

/// Reads a Chinese numeral (`二十`, `十五`, `一百二十`, `两`) or ASCII digits.
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' | '壹' => Some(1),
        '二' | '两' | '贰' => Some(2),
        '三' | '叁' => Some(3),
        '四' | '肆' => Some(4),
        '五' | '伍' => Some(5),
        '六' | '陆' => Some(6),
        '七' | '柒' => Some(7),
        '八' | '捌' => Some(8),
        '九' | '玖' => Some(9),
        _ => None,
    };
    let (mut total, mut current) = (0u32, 0u32);
    let mut seen = false;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            current = d;
            seen = true;
        } else {
            let unit = match c {
                '十' | '拾' => 10,
                '百' | '佰' => 100,
                '千' | '仟' => 1000,
                _ => return None,
            };
            let mul = if current == 0 && !seen { 1 } else { current };
            total = total.checked_add(mul.checked_mul(unit)?)?;
            current = 0;
            seen = true;
        }
    }
    if !seen {
        return None;
    }
    total.checked_add(current)
}

const INSTANT_WORDS: &[&str] = &[
    "即办",
    "即时办结",
    "当场办结",
    "当场办理",
    "立即办结",
    "即来即办",
    "当即办结",
    "现场办结",
    "即时办理",
    "当日办结",
    "当天办结",
    "即办件",
];

/// Parses a limit from width-folded text; `None` when it cannot be read.
pub fn parse_limit(s: &str) -> Option<Limit> {
    let s = super::text::without_whitespace(s);
    if s.is_empty() {
        return None;
    }
    if INSTANT_WORDS.iter().any(|w| s.starts_with(w)) || s == "0" || s == "0个工作日" || s == "0天" || s == "0日" {
        return Some(Limit::INSTANT);
    }
    // Skip a leading label such as 法定: / 承诺:
    let s = s.split_once([':', '：']).map(|(_, v)| v).unwrap_or(&*s);
    // The number: a run of digits or Chinese numerals at the start.
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟".contains(*c)))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, rest) = s.split_at(end);
    let value = parse_number(num)?;
    let rest = rest.trim_start_matches('个');
    let unit = if rest.is_empty() || rest.starts_with("工作日") || rest.starts_with("个工作日") {
        LimitUnit::WorkingDay
    } else if rest.starts_with("自然日") || rest.starts_with('日') || rest.starts_with('天') {
        LimitUnit::NaturalDay
    } else if rest.starts_with("月") {
        LimitUnit::Month
    } else if rest.starts_with("小时") || rest.starts_with("钟头") {
        LimitUnit::Hour
    } else if rest.starts_with("工日") {
        LimitUnit::WorkingDay
    } else {
        return None;
    };
    if value == 0 {
        return Some(Limit::INSTANT);
    }
    Some(Limit { value, unit })
}

/// Reads a limit from a spreadsheet number (`20` stored as a number counts working days).
pub fn limit_from_number(n: f64) -> Option<Limit> {
    if n.fract() != 0.0 || !(0.0..=100_000.0).contains(&n) {
        return None;
    }
    let value = n as u32;
    Some(if value == 0 { Limit::INSTANT } else { Limit { value, unit: LimitUnit::WorkingDay } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use LimitUnit::*;

    fn l(value: u32, unit: LimitUnit) -> Option<Limit> {
        Some(Limit { value, unit })
    }

    #[test]
    fn every_form_of_fields_md() {
        assert_eq!(parse_limit("20个工作日"), l(20, WorkingDay));
        assert_eq!(parse_limit("20工作日"), l(20, WorkingDay));
        assert_eq!(parse_limit("二十个工作日"), l(20, WorkingDay));
        assert_eq!(parse_limit("20"), l(20, WorkingDay));
        assert_eq!(parse_limit("即办"), Some(Limit::INSTANT));
        assert_eq!(parse_limit("当场办结"), Some(Limit::INSTANT));
        assert_eq!(parse_limit("15日"), l(15, NaturalDay));
        assert_eq!(parse_limit("15天"), l(15, NaturalDay));
        assert_eq!(parse_limit("30个自然日"), l(30, NaturalDay));
        assert_eq!(parse_limit("3个月"), l(3, Month));
        assert_eq!(parse_limit("2小时"), l(2, Hour));
        assert_eq!(parse_limit("20 个 工作日"), l(20, WorkingDay));
        assert_eq!(parse_limit("法定:20个工作日"), l(20, WorkingDay));
        assert_eq!(parse_limit("20个工作日(不含公示时间)"), l(20, WorkingDay));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_number("十"), Some(10));
        assert_eq!(parse_number("十五"), Some(15));
        assert_eq!(parse_number("二十"), Some(20));
        assert_eq!(parse_number("一百二十"), Some(120));
        assert_eq!(parse_number("两"), Some(2));
        assert_eq!(parse_number("六十"), Some(60));
        assert_eq!(parse_number(&"九千".repeat(1_000_000)), None);
        assert_eq!(parse_limit("六十日"), l(60, NaturalDay));
    }

    #[test]
    fn unreadable_limits() {
        assert_eq!(parse_limit("无"), None);
        assert_eq!(parse_limit("按规定"), None);
        assert_eq!(parse_limit("20分钟"), None);
        assert_eq!(parse_limit(""), None);
        assert_eq!(parse_limit("99999999999999个工作日"), None);
    }

    #[test]
    fn numbers_from_cells() {
        assert_eq!(limit_from_number(20.0), l(20, WorkingDay));
        assert_eq!(limit_from_number(0.0), Some(Limit::INSTANT));
        assert_eq!(limit_from_number(2.5), None);
        assert_eq!(limit_from_number(-1.0), None);
    }
}
