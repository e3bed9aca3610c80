//! Division names: the bundled table of 包头市's division codes (see `data/README.md` for its
//! source) plus the repository's `jurisdictions:`, looked up by code, or found in a file, folder
//! or sheet name (`东河区.xlsx`, `九原区/实施清单.csv`) to tell which jurisdiction a list is of.

use std::collections::BTreeMap;

/// 包头市's division codes and names, bundled at build time.
const BUILTIN: &str = include_str!("../../data/divisions-150200.csv");

/// The shortest name looked for inside a path (two characters: `东河区` and longer in practice).
const MIN_NAME_CHARS: usize = 3;

/// Division code ↔ name, config names first.
#[derive(Debug, Clone, Default)]
pub struct Divisions {
    names: BTreeMap<String, String>,
}

impl Divisions {
    /// The bundled table overlaid with `config` names (code → name).
    pub fn new(config: &BTreeMap<String, String>) -> Divisions {
        let mut names = config.clone();
        for line in BUILTIN.lines().skip(1) {
            let mut parts = line.split(',');
            if let (Some(code), Some(name)) = (parts.next(), parts.next()) {
                names.entry(code.to_string()).or_insert_with(|| name.to_string());
            }
        }
        Divisions { names }
    }

    /// Short names in common use for divisions whose official names are long, looked for in
    /// paths besides the official names.
    const SHORT_NAMES: &'static [(&'static str, &'static str)] =
        &[("150223000000", "达茂旗"), ("150221000000", "土右旗"), ("150206000000", "白云矿区"), ("150271000000", "稀土高新区")];

    /// Every code with its name.
    pub fn names(&self) -> &BTreeMap<String, String> {
        &self.names
    }

    /// The name of a code.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// The jurisdiction a path or sheet names: the one division whose name appears in `texts`
    /// once the divisions containing another match are dropped (`包头市东河区` is 东河区); none
    /// when two unrelated divisions are named.
    pub fn named_in<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Option<&str> {
        let texts: Vec<&str> = texts.into_iter().collect();
        let mut found: Vec<&str> = self
            .names
            .iter()
            .filter(|(_, name)| name.chars().count() >= MIN_NAME_CHARS && texts.iter().any(|t| t.contains(name.as_str())))
            .map(|(code, _)| code.as_str())
            .collect();
        for (code, short) in Divisions::SHORT_NAMES {
            if texts.iter().any(|t| t.contains(short)) && !found.contains(code) {
                found.push(code);
            }
        }
        let deepest: Vec<&str> = found.iter().copied().filter(|c| !found.iter().any(|d| d != c && is_ancestor(c, d))).collect();
        match deepest.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// Whether division `a` contains division `b`.
fn is_ancestor(a: &str, b: &str) -> bool {
    let Some(depth) = super::codes::division_depth(a) else { return false };
    let len = [2, 4, 6, 9, 12][usize::from(depth.clamp(1, 5)) - 1];
    b.len() == 12 && a.len() == 12 && b.starts_with(&a[..len]) && a != b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_paths() {
        let d = Divisions::new(&BTreeMap::new());
        assert_eq!(d.name("150202000000"), Some("东河区"));
        assert_eq!(d.named_in(["repo/东河区.xlsx"]), Some("150202000000"));
        assert_eq!(d.named_in(["repo/九原区/实施清单.csv"]), Some("150207000000"));
        assert_eq!(d.named_in(["清单.csv"]), None);
        assert_eq!(d.named_in(["包头市东河区清单.csv"]), Some("150202000000"));
        assert_eq!(d.named_in(["东河区与青山区.csv"]), None);
        assert_eq!(d.named_in(["达茂旗/实施清单.xlsx"]), Some("150223000000"));
    }
}
