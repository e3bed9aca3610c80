//! `qingdan.yaml`: the repository's configuration, validated against
//! `schemas/qingdan.schema.json` on load so that a bad config is one clear error naming the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::{Policy, Severity};
use crate::model::field::Field;

/// The config schema, embedded at compile time.
pub const CONFIG_SCHEMA: &str = include_str!("../schemas/qingdan.schema.json");

/// The config file name looked for.
pub const FILE_NAME: &str = "qingdan.yaml";

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Switched off.
    Off,
    /// Info.
    Info,
    /// Warning.
    Warning,
    /// Error.
    Error,
}

/// Resource limits for reading (see the README for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest declared uncompressed size of a workbook, in MiB.
    pub max_uncompressed_mib: u64,
    /// Largest compression ratio of a workbook entry.
    pub max_compression_ratio: u64,
    /// Most rows in a sheet.
    pub max_rows: u64,
    /// Most columns in a sheet.
    pub max_columns: u64,
    /// Largest CSV field, in KiB.
    pub max_field_kib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_uncompressed_mib: 2048, max_compression_ratio: 200, max_rows: 2_000_000, max_columns: 1000, max_field_kib: 1024 }
    }
}

/// The parsed config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The base catalog, relative to the config file.
    pub base: Option<PathBuf>,
    /// Glob patterns of paths to skip.
    pub ignore: Vec<String>,
    /// Extra header synonyms per field key.
    pub aliases: BTreeMap<Field, Vec<String>>,
    /// Severity overrides per rule code.
    pub rules: BTreeMap<String, RuleLevel>,
    /// Names of jurisdictions by 12-digit division code.
    pub jurisdictions: BTreeMap<String, String>,
    /// Resource limits.
    pub limits: Limits,
    /// Digit counts a 基本编码 may have (`[12]` unless configured).
    pub basic_code_lengths: Vec<usize>,
    /// Problems the office has accepted (已认可), each with its reason and expiry.
    pub accept: Vec<Accept>,
    /// The directory the config was found in.
    #[serde(skip)]
    pub root: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base: None,
            ignore: Vec::new(),
            aliases: BTreeMap::new(),
            rules: BTreeMap::new(),
            jurisdictions: BTreeMap::new(),
            limits: Limits::default(),
            basic_code_lengths: vec![12],
            accept: Vec::new(),
            root: None,
        }
    }
}

/// One accepted problem (`accept:` in `qingdan.yaml`): findings of `rule` about `item` (its
/// 实施编码 or 基本编码, or its name) in `jurisdiction` are listed as 已认可 until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    /// The rule code (`QD205`).
    pub rule: String,
    /// The item: 实施编码, 基本编码 or 事项名称.
    pub item: String,
    /// The 12-digit division code; any jurisdiction when absent.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// The field key; any field when absent.
    #[serde(default)]
    pub field: Option<Field>,
    /// Why the office accepted it.
    pub reason: String,
    /// The last day the acceptance holds (`YYYY-MM-DD`); for ever when absent.
    #[serde(default)]
    pub until: Option<String>,
}

/// A config that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// The key path (`/rules/QD101`), when known.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(k) => write!(f, "{}: {k}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The most bytes a config may have: configs are small, and this bounds every parse.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl Config {
    /// Finds and loads `qingdan.yaml`: the explicit path, else in the first directory among
    /// `paths`, else in the current directory. No file is an empty config.
    pub fn discover(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Config, ConfigError> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        let mut candidates: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).map(|p| p.join(FILE_NAME)).collect();
        candidates.push(PathBuf::from(FILE_NAME));
        match candidates.into_iter().find(|c| c.is_file()) {
            Some(p) => Config::load(&p),
            None => Ok(Config::default()),
        }
    }

    /// Loads and validates one config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err = |key: Option<String>, message: String| ConfigError { file: path.to_path_buf(), key, message };
        let meta = std::fs::metadata(path).map_err(|e| err(None, e.to_string()))?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(err(None, format!("配置文件过大（{} 字节）/ config too large", meta.len())));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(None, e.to_string()))?;
        let mut cfg = Config::parse(&text).map_err(|(key, message)| err(key, message))?;
        cfg.root = path.parent().map(Path::to_path_buf);
        if let (Some(base), Some(root)) = (&cfg.base, &cfg.root)
            && base.is_relative()
        {
            cfg.base = Some(root.join(base));
        }
        Ok(cfg)
    }

    /// Parses and validates config text; the error names the key path when known.
    pub fn parse(text: &str) -> Result<Config, (Option<String>, String)> {
        // yaml_serde refuses alias bombs and deep nesting while parsing into a Value.
        let value: serde_json::Value = if text.trim().is_empty() {
            serde_json::Value::Object(Default::default())
        } else {
            serde_yaml::from_str(text).map_err(|e| (None, e.to_string()))?
        };
        let schema: serde_json::Value = serde_json::from_str(CONFIG_SCHEMA).map_err(|e| (None, e.to_string()))?;
        let validator = jsonschema::validator_for(&schema).map_err(|e| (None, e.to_string()))?;
        if let Some(e) = validator.iter_errors(&value).next() {
            let path = e.instance_path().to_string();
            return Err((Some(if path.is_empty() { "/".into() } else { path }), e.to_string()));
        }
        serde_json::from_value(value).map_err(|e| (None, e.to_string()))
    }

    /// The severity policy for the sink.
    pub fn policy(&self) -> Policy {
        let mut p = Policy::default();
        for (code, level) in &self.rules {
            let sev = match level {
                RuleLevel::Off => None,
                RuleLevel::Info => Some(Severity::Info),
                RuleLevel::Warning => Some(Severity::Warning),
                RuleLevel::Error => Some(Severity::Error),
            };
            p.overrides.insert(code.to_ascii_uppercase(), sev);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse("base: 基本目录.xlsx\nignore: ['old/**']\naliases:\n  agency: [办理机关]\nrules:\n  QD101: warning\n  QD204: off\njurisdictions:\n  '150202000000': 东河区\nlimits:\n  max_rows: 10\n").unwrap();
        assert_eq!(c.aliases[&Field::Agency], vec!["办理机关".to_string()]);
        assert_eq!(c.rules["QD204"], RuleLevel::Off);
        assert_eq!(c.limits.max_rows, 10);
        assert!(c.policy().is_off("QD204"));
    }

    #[test]
    fn errors_point_at_the_key() {
        let (key, _) = Config::parse("rules:\n  QD101: loud\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/rules/QD101"));
        let (key, _) = Config::parse("colour: red\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/"));
        let (key, _) = Config::parse("aliases:\n  agencyy: [x]\n").unwrap_err();
        assert!(key.is_some());
        let (key, _) = Config::parse("limits:\n  max_rows: many\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/limits/max_rows"));
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
        }
        let start = std::time::Instant::now();
        assert!(Config::parse(&bomb).is_err());
        assert!(start.elapsed().as_secs() < 5);
    }
}
