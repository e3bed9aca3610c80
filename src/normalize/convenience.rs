//! The 便利化 values with notations of their own: 网上办理深度 in three notations, 到现场次数,
//! 办件类型 (即办件 / 承诺件).

use super::boolean::parse_bool;
use super::limit::parse_number;

/// Reads 网上办理深度 as 0..4 from levels (Ⅰ..Ⅳ, 一级..四级, 1..4), words (事项公开 … 全程网办)
/// or the national platform's cumulative list (互联网咨询^互联网收件^…).
pub fn parse_online_depth(s: &str) -> Option<u8> {
    let t = super::text::without_whitespace(s);
    let t = &*t;
    let level = match t {
        "0" | "无" | "否" | "不可网办" | "不支持网办" | "线下办理" | "零级" => Some(0),
        "1" | "Ⅰ" | "I" | "一级" | "Ⅰ级" | "1级" | "事项公开" => Some(1),
        "2" | "Ⅱ" | "II" | "二级" | "Ⅱ级" | "2级" | "在线预审" => Some(2),
        "3" | "Ⅲ" | "III" | "三级" | "Ⅲ级" | "3级" | "在线办理" => Some(3),
        "4" | "Ⅳ" | "IV" | "四级" | "Ⅳ级" | "4级" | "全程网办" | "全程网上办理" => Some(4),
        _ => None,
    };
    if level.is_some() {
        return level;
    }
    // The cumulative list: the deepest step present decides.
    let mut depth = None;
    for part in super::text::split_list(t) {
        let d = match part {
            "互联网咨询" => 1,
            "互联网收件" | "互联网预审" => 2,
            "互联网受理" => 3,
            "互联网办理" | "互联网办理结果信息反馈" | "互联网电子证照反馈" => 4,
            _ => return None,
        };
        depth = Some(depth.map_or(d, |x: u8| x.max(d)));
    }
    depth
}

/// Reads 到办事现场次数: `0`, `1次`, `零次`, `全程网办` (= 0).
pub fn parse_visits(s: &str) -> Option<u32> {
    let t = super::text::without_whitespace(s);
    if matches!(&*t, "全程网办" | "零跑腿" | "不见面" | "不跑" | "零跑" | "不用跑" | "无需到现场" | "不需要到现场")
    {
        return Some(0);
    }
    let t = t.trim_end_matches('次');
    parse_number(t)
}

/// Reads 办件类型 / 是否即办件: 即办件 = true, 承诺件 = false, or a boolean.
pub fn parse_instant(s: &str) -> Option<bool> {
    let key = super::text::fold_key(s);
    let (outside, _) = super::text::split_brackets(s);
    for k in [key.as_str(), super::text::fold_key(&outside).as_str()] {
        match k.trim_end_matches('类').trim_end_matches("事项") {
            "即办件" | "即办" | "即时办结" | "即时办理" | "当场办结" | "即办件当场办结" => return Some(true),
            "承诺件" | "承诺办件" | "承诺" | "承诺办结" | "上报件" | "联办件" | "非即办件" => return Some(false),
            _ => {}
        }
    }
    parse_bool(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_depth_notations() {
        assert_eq!(parse_online_depth("Ⅳ"), Some(4));
        assert_eq!(parse_online_depth("三级"), Some(3));
        assert_eq!(parse_online_depth("全程网办"), Some(4));
        assert_eq!(parse_online_depth("事项公开"), Some(1));
        assert_eq!(parse_online_depth("互联网咨询"), Some(1));
        assert_eq!(parse_online_depth("互联网咨询^互联网收件"), Some(2));
        assert_eq!(parse_online_depth("互联网咨询^互联网收件^互联网预审^互联网受理"), Some(3));
        assert_eq!(parse_online_depth("互联网咨询^互联网收件^互联网预审^互联网受理^互联网办理^互联网办理结果信息反馈"), Some(4));
        assert_eq!(parse_online_depth("5"), None);
        assert_eq!(parse_online_depth("很深"), None);
    }

    #[test]
    fn visits_and_instant() {
        assert_eq!(parse_visits("0次"), Some(0));
        assert_eq!(parse_visits("1次"), Some(1));
        assert_eq!(parse_visits("全程网办"), Some(0));
        assert_eq!(parse_visits("若干"), None);
        assert_eq!(parse_instant("即办件"), Some(true));
        assert_eq!(parse_instant("承诺件"), Some(false));
        assert_eq!(parse_instant("是"), Some(true));
        assert_eq!(parse_instant("看情况"), None);
        assert_eq!(parse_instant("即办件（当场办结）"), Some(true));
        assert_eq!(parse_instant("承诺办件"), Some(false));
        assert_eq!(parse_instant("承诺件 "), Some(false));
    }
}
