//! Codes that Excel stored as numbers: `150202000000` read back as a float, or text shown in
//! scientific notation (`1.50202E+11`). Recovered exactly where the digits survive; where they
//! do not, the caller reports a finding.

/// The outcome of reading a code cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRead {
    /// The code's text.
    Ok(String),
    /// Excel kept fewer significant digits than the code has (`1.50202E+11`): the raw text.
    DigitsLost(String),
}

/// Reads a code from a number cell: integral floats up to 2^53 are exact.
pub fn code_from_number(n: f64) -> CodeRead {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        CodeRead::Ok(format!("{}", n as i64))
    } else {
        CodeRead::DigitsLost(format!("{n}"))
    }
}

/// Reads a code from width-folded text, undoing scientific notation when every digit survived.
pub fn code_from_text(s: &str) -> CodeRead {
    let t = super::text::without_whitespace(s);
    if let Some((mantissa, exp)) = split_scientific(&t) {
        let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
        let int_len = mantissa.split('.').next().map(|p| p.len()).unwrap_or(0);
        let total = int_len as i64 + exp;
        // The notation shows `digits`; the number has `total` integer digits. When the shown
        // digits are fewer, the trailing ones are unknown: only zeros would be a guess.
        if total >= digits.len() as i64 && total <= 30 {
            if digits.len() as i64 == total {
                return CodeRead::Ok(digits);
            }
            return CodeRead::DigitsLost(s.trim().to_string());
        }
        return CodeRead::DigitsLost(s.trim().to_string());
    }
    // `150202000000.0` written by a tool that printed the float.
    if let Some(int) = t.strip_suffix(".0")
        && !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
    {
        return CodeRead::Ok(int.to_string());
    }
    CodeRead::Ok(t.into_owned())
}

/// [`code_from_text`] for an owned text: the text itself when it needs no change (no
/// whitespace, no scientific notation, no `.0`), the common case, without a copy.
pub fn code_from_owned(s: String) -> CodeRead {
    if !s.bytes().any(|b| b >= 0x80 || char::from(b).is_whitespace() || b == b'E' || b == b'e') && !s.ends_with(".0") {
        return CodeRead::Ok(s);
    }
    code_from_text(&s)
}

/// Splits text in Excel's display of a large number, `1.50223E+11`: one digit, optionally a
/// point and up to 14 digits, `E+` (or `e+`) and a one- or two-digit exponent. Nothing else is
/// scientific notation: `11550294E3000116003000` is a code with a letter in it.
fn split_scientific(t: &str) -> Option<(&str, i64)> {
    let pos = t.find(['E', 'e'])?;
    let (m, e) = t.split_at(pos);
    let exp = e[1..].strip_prefix('+')?;
    if exp.is_empty() || exp.len() > 2 || !exp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mb = m.as_bytes();
    let shape_ok = match mb {
        [d] => d.is_ascii_digit(),
        [d, b'.', rest @ ..] => d.is_ascii_digit() && !rest.is_empty() && rest.len() <= 14 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !shape_ok {
        return None;
    }
    Some((m, exp.parse().ok()?))
}

/// Restores a 12-digit division code Excel displays as `1.50223E+11` when two independent
/// pieces of evidence agree on it: the list's jurisdiction `jurisdiction` (a 12-digit code)
/// rounds to the displayed digits, and the agency credit code's registration division
/// (characters 3-8) is that jurisdiction's county. Returns the jurisdiction's code; `None`
/// when either piece is missing or they disagree: a code is never guessed.
pub fn repair_division(raw: &str, agency_code: Option<&str>, jurisdiction: Option<&str>) -> Option<String> {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (mantissa, exp) = split_scientific(&t)?;
    if exp != 11 {
        return None;
    }
    let shown: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let j = jurisdiction?;
    let agency = agency_code?;
    if j.len() != 12 || !j.bytes().all(|b| b.is_ascii_digit()) || agency.len() != 18 || agency.get(2..8)? != &j[..6] {
        return None;
    }
    let value: u64 = j.parse().ok()?;
    let unit = 10u64.checked_pow(12 - u32::try_from(shown.len()).ok()?)?;
    let rounded = (value + unit / 2) / unit;
    (rounded == shown.parse::<u64>().ok()?).then(|| j.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_recovered() {
        assert_eq!(code_from_number(150202000000.0), CodeRead::Ok("150202000000".into()));
        assert_eq!(code_from_number(1.5), CodeRead::DigitsLost("1.5".into()));
        assert_eq!(code_from_number(1e20), CodeRead::DigitsLost("100000000000000000000".into()));
    }

    #[test]
    fn scientific_text() {
        assert_eq!(code_from_text("1.50202E+11"), CodeRead::DigitsLost("1.50202E+11".into()));
        assert_eq!(code_from_text("1.50202000000E+11"), CodeRead::Ok("150202000000".into()));
        assert_eq!(code_from_text("150202000000.0"), CodeRead::Ok("150202000000".into()));
        assert_eq!(code_from_text("11150200MB1234567X"), CodeRead::Ok("11150200MB1234567X".into()));
        assert_eq!(code_from_text("E12"), CodeRead::Ok("E12".into()));
        assert_eq!(code_from_text("11550294E3000116003000"), CodeRead::Ok("11550294E3000116003000".into()));
        assert_eq!(code_from_text("1550294E30"), CodeRead::Ok("1550294E30".into()), "not Excel's display shape");
        assert_eq!(code_from_text("1E+11"), CodeRead::DigitsLost("1E+11".into()));
        assert_eq!(code_from_text("1.5E11"), CodeRead::Ok("1.5E11".into()), "Excel always shows the sign");
        assert_eq!(code_from_text("000231001000"), CodeRead::Ok("000231001000".into()));
    }
}

#[cfg(test)]
mod repair_tests {
    use super::*;

    #[test]
    fn division_repaired_only_on_agreeing_evidence() {
        let agency = Some("11150223MB1234567X");
        assert_eq!(repair_division("1.50223E+11", agency, Some("150223000000")).as_deref(), Some("150223000000"));
        assert_eq!(repair_division("1.50223E+11", agency, Some("150223100000")).as_deref(), Some("150223100000"));
        // Missing evidence.
        assert_eq!(repair_division("1.50223E+11", None, Some("150223000000")), None);
        assert_eq!(repair_division("1.50223E+11", agency, None), None);
        // Disagreeing evidence.
        assert_eq!(repair_division("1.50223E+11", Some("11150202MB1234567X"), Some("150223000000")), None);
        assert_eq!(repair_division("1.50224E+11", agency, Some("150223000000")), None);
        assert_eq!(repair_division("1.50223E+10", agency, Some("150223000000")), None);
    }
}
