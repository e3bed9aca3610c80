//! Identifier codes: 12-digit division codes (统计用区划代码) and 18-character
//! 统一社会信用代码 (GB 32100-2015).

use super::vocab::Level;

/// The depth of a 12-digit division code: 1 province, 2 city, 3 county, 4 township, 5 village;
/// `None` when the code is not 12 ASCII digits or is all zeros.
pub fn division_depth(code: &str) -> Option<u8> {
    if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups = [&code[0..2], &code[2..4], &code[4..6], &code[6..9], &code[9..12]];
    let last = groups.iter().rposition(|g| g.bytes().any(|b| b != b'0'))?;
    Some(last as u8 + 1)
}

/// The level of a division code (by its depth).
pub fn division_level(code: &str) -> Option<Level> {
    Level::from_depth(division_depth(code)?)
}

/// The parent jurisdiction's code: the last non-zero group zeroed. `None` for a province.
pub fn division_parent(code: &str) -> Option<String> {
    let depth = division_depth(code)?;
    let cut = match depth {
        2 => 2,
        3 => 4,
        4 => 6,
        5 => 9,
        _ => return None,
    };
    let mut parent = code[..cut].to_string();
    parent.push_str(&"0".repeat(12 - cut));
    Some(parent)
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// What is wrong with a 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not 18 characters long.
    Length(usize),
    /// A character outside the code's 31-character set (no I, O, S, V, Z).
    Charset { position: usize, ch: char },
    /// The 18th character does not match the computed check character.
    CheckChar { expected: char, actual: char },
}

/// Checks a 统一社会信用代码 (already upper-cased) against GB 32100-2015.
pub fn check_credit_code(code: &str) -> Result<(), CreditCodeError> {
    let len = code.chars().count();
    if len != 18 {
        return Err(CreditCodeError::Length(len));
    }
    let mut sum = 0u32;
    let mut last = ' ';
    for (i, c) in code.chars().enumerate() {
        let Some(v) = credit_value(c) else {
            return Err(CreditCodeError::Charset { position: i + 1, ch: c });
        };
        if i < 17 {
            sum += v * CREDIT_WEIGHTS[i];
        }
        last = c;
    }
    let check = (31 - sum % 31) % 31;
    let expected = CREDIT_CHARS.as_bytes()[check as usize] as char;
    if last != expected {
        return Err(CreditCodeError::CheckChar { expected, actual: last });
    }
    Ok(())
}

/// The value of a character of a credit code: its index in [`CREDIT_CHARS`].
fn credit_value(c: char) -> Option<u32> {
    /// [`CREDIT_CHARS`] inverted: value + 1 by ASCII code, 0 for characters not in the set.
    const VALUES: [u8; 128] = {
        let mut t = [0u8; 128];
        let chars = CREDIT_CHARS.as_bytes();
        let mut i = 0;
        while i < chars.len() {
            t[chars[i] as usize] = i as u8 + 1;
            i += 1;
        }
        t
    };
    let v = *VALUES.get(c as usize)?;
    (v > 0).then(|| u32::from(v - 1))
}

/// Computes the check character for the first 17 characters of a credit code (for fixtures and generators).
pub fn credit_check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, c) in first17.chars().enumerate() {
        sum += credit_value(c)? * CREDIT_WEIGHTS.get(i)?;
    }
    Some(CREDIT_CHARS.as_bytes()[((31 - sum % 31) % 31) as usize] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_and_parents() {
        assert_eq!(division_depth("150200000000"), Some(2));
        assert_eq!(division_depth("150202000000"), Some(3));
        assert_eq!(division_depth("150202001000"), Some(4));
        assert_eq!(division_depth("150202001001"), Some(5));
        assert_eq!(division_depth("000000000000"), None);
        assert_eq!(division_depth("15020200000"), None);
        assert_eq!(division_parent("150202001001").as_deref(), Some("150202001000"));
        assert_eq!(division_parent("150202001000").as_deref(), Some("150202000000"));
        assert_eq!(division_parent("150202000000").as_deref(), Some("150200000000"));
        assert_eq!(division_parent("150200000000").as_deref(), Some("150000000000"));
        assert_eq!(division_parent("150000000000"), None);
    }

    #[test]
    fn credit_codes() {
        // A real code from the 广安区 export: 11511301008778183N.
        assert_eq!(check_credit_code("11511301008778183N"), Ok(()));
        assert_eq!(credit_check_char("11511301008778183"), Some('N'));
        assert_eq!(check_credit_code("11511301008778183A"), Err(CreditCodeError::CheckChar { expected: 'N', actual: 'A' }));
        assert_eq!(check_credit_code("083372204"), Err(CreditCodeError::Length(9)));
        assert!(matches!(check_credit_code("1151130100877818IN"), Err(CreditCodeError::Charset { position: 17, ch: 'I' })));
    }
}
