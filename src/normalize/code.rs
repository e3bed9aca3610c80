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
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
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
    CodeRead::Ok(t)
}

fn split_scientific(t: &str) -> Option<(&str, i64)> {
    let pos = t.find(['E', 'e'])?;
    let (m, e) = t.split_at(pos);
    let e = e[1..].trim_start_matches('+');
    if m.is_empty() || !m.bytes().all(|b| b.is_ascii_digit() || b == b'.') || m.bytes().filter(|b| *b == b'.').count() > 1 {
        return None;
    }
    let exp: i64 = e.parse().ok()?;
    Some((m, exp))
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
        assert_eq!(code_from_text("000231001000"), CodeRead::Ok("000231001000".into()));
    }
}
