//! `qingdan.yaml`: the repository's configuration, validated against
//! `schemas/qingdan.schema.json` on load so that a bad config is one clear error naming the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::{Policy, Severity};
use crate::i18n::ConfigProblem;
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
    /// Most findings listed per rule per file; the others are counted in one summary finding.
    pub max_findings_per_rule: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_uncompressed_mib: 2048,
            max_compression_ratio: 200,
            max_rows: 2_000_000,
            max_columns: 1000,
            max_field_kib: 1024,
            max_findings_per_rule: 1000,
        }
    }
}

/// Value aliases per field: local term → the vocabulary's term.
pub type ValueAliases = BTreeMap<Field, BTreeMap<String, String>>;

/// The parsed config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The base catalog, relative to the config file.
    pub base: Option<PathBuf>,
    /// Glob patterns of paths to skip.
    pub ignore: Vec<String>,
    /// Extra header synonyms per field (key or Chinese name).
    pub aliases: BTreeMap<Field, Vec<String>>,
    /// Value aliases per field: a local term and the vocabulary's term it means
    /// (`values: {level: {区级: 县级}}`).
    pub values: ValueAliases,
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
            values: BTreeMap::new(),
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
    pub problem: Box<ConfigProblem>,
}

impl ConfigError {
    /// The error for people in `lang`: the file, the key and what is wrong.
    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        let problem = self.problem.render(lang);
        match &self.key {
            Some(k) => format!("{}: {k}: {problem}", self.file.display()),
            None => format!("{}: {problem}", self.file.display()),
        }
    }
}

/// The most bytes a config may have: configs are small, and this bounds every parse.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl Config {
    /// Finds and loads `qingdan.yaml`: the explicit path, else the nearest one walking up from
    /// the first of `paths` (its folder, then each parent, like git and cargo), else walking up
    /// from the current directory. No file is an empty config.
    pub fn discover(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Config, ConfigError> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        match Config::find(paths) {
            Some(p) => Config::load(&p),
            None => Ok(Config::default()),
        }
    }

    /// The nearest `qingdan.yaml` above the first of `paths`, else above the current directory.
    pub fn find(paths: &[PathBuf]) -> Option<PathBuf> {
        let start = paths.first().and_then(|p| {
            let abs = p.canonicalize().ok()?;
            Some(if abs.is_dir() { abs } else { abs.parent()?.to_path_buf() })
        });
        let cwd = std::env::current_dir().ok();
        [start, cwd].into_iter().flatten().find_map(|dir| dir.ancestors().map(|d| d.join(FILE_NAME)).find(|c| c.is_file()))
    }

    /// Loads and validates one config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err = |key: Option<String>, problem: ConfigProblem| ConfigError { file: path.to_path_buf(), key, problem: Box::new(problem) };
        let meta = std::fs::metadata(path).map_err(|e| err(None, ConfigProblem::Unreadable(crate::i18n::Reason::from_io(&e))))?;
        if !meta.is_file() {
            // `--config /dev/null` is the usual way to say "no config"; any other FIFO or
            // device (a read of `/dev/zero` never ends, opening a FIFO blocks) is refused.
            if path.canonicalize().is_ok_and(|p| p == Path::new("/dev/null")) {
                return Config::parse("").map_err(|(key, problem)| err(key, problem));
            }
            return Err(err(None, ConfigProblem::Unreadable(crate::i18n::Reason::NotRegularFile)));
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(err(None, ConfigProblem::TooLarge { bytes: meta.len() }));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(None, ConfigProblem::Unreadable(crate::i18n::Reason::from_io(&e))))?;
        let mut cfg = Config::parse(&text).map_err(|(key, problem)| err(key, problem))?;
        cfg.root = path.parent().map(Path::to_path_buf);
        if let (Some(base), Some(root)) = (&cfg.base, &cfg.root)
            && base.is_relative()
        {
            cfg.base = Some(root.join(base));
        }
        Ok(cfg)
    }

    /// Parses and validates config text; the error names the key path when known.
    ///
    /// Before the schema, the mistakes people make are caught with their own words and the
    /// closest valid key: unknown keys, unknown fields (a field may be named by its key or its
    /// Chinese name, `事项名称`), unknown rule codes, rule levels, value aliases outside the
    /// field's vocabulary. The schema catches the rest.
    pub fn parse(text: &str) -> Result<Config, (Option<String>, ConfigProblem)> {
        // yaml_serde refuses alias bombs and deep nesting while parsing into a Value.
        let mut value: serde_json::Value = if text.trim().is_empty() {
            serde_json::Value::Object(Default::default())
        } else {
            serde_yaml::from_str(text).map_err(|e| (None, ConfigProblem::Yaml { detail: e.to_string() }))?
        };
        precheck(&mut value)?;
        let schema: serde_json::Value =
            serde_json::from_str(CONFIG_SCHEMA).map_err(|e| (None, ConfigProblem::Schema { detail: e.to_string() }))?;
        let validator = jsonschema::validator_for(&schema).map_err(|e| (None, ConfigProblem::Schema { detail: e.to_string() }))?;
        if let Some(e) = validator.iter_errors(&value).next() {
            let path = e.instance_path().to_string();
            return Err((Some(if path.is_empty() { "/".into() } else { path }), ConfigProblem::Schema { detail: e.to_string() }));
        }
        serde_json::from_value(value).map_err(|e| (None, ConfigProblem::Schema { detail: e.to_string() }))
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
        p.cap = self.limits.max_findings_per_rule;
        p
    }
}

/// The keys the config schema allows at `pointer` (`/properties` for the top level), so that the
/// suggestions never drift from the schema.
fn schema_keys(schema: &serde_json::Value, pointer: &str) -> Vec<String> {
    schema.pointer(pointer).and_then(|v| v.as_object()).map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// The closest of `known` to `given`, when close enough to be a likely typo.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&given, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// A field named by its key (`name`), its Chinese name (`事项名称`) or a built-in header alias.
pub fn field_named(name: &str) -> Option<Field> {
    let t = name.trim();
    Field::from_key(t).or_else(|| Field::ALL.iter().copied().find(|f| f.label() == t || f.aliases().contains(&t)))
}

/// Catches the common mistakes with their own messages, and rewrites Chinese field names under
/// `aliases:` and `values:` to field keys.
fn precheck(value: &mut serde_json::Value) -> Result<(), (Option<String>, ConfigProblem)> {
    use serde_json::Value;
    let Some(top) = value.as_object_mut() else { return Ok(()) };
    let schema: serde_json::Value = serde_json::from_str(CONFIG_SCHEMA).unwrap_or_default();
    let unknown = |keys: &Vec<String>, given: &serde_json::Map<String, Value>, at: &str| {
        let key = given.keys().find(|k| !keys.contains(k))?;
        let suggestion = closest(key, keys.iter().map(String::as_str)).map(str::to_string);
        Some((Some(format!("{at}/{key}")), ConfigProblem::UnknownKey { key: key.clone(), suggestion, known: keys.clone() }))
    };
    if let Some(e) = unknown(&schema_keys(&schema, "/properties"), top, "") {
        return Err(e);
    }
    for section in ["aliases", "values"] {
        let Some(Value::Object(map)) = top.get_mut(section) else { continue };
        let mut renamed = serde_json::Map::new();
        for (k, v) in std::mem::take(map) {
            let Some(field) = field_named(&k) else {
                let suggestion = closest(&k, Field::ALL.iter().flat_map(|f| [f.key(), f.label()])).and_then(field_named);
                return Err((Some(format!("/{section}/{k}")), ConfigProblem::UnknownField { name: k, suggestion }));
            };
            if section == "values" {
                check_value_aliases(field, &k, &v)?;
            }
            renamed.insert(field.key().to_string(), v);
        }
        *map = renamed;
    }
    if let Some(Value::Object(rules)) = top.get("rules") {
        for (code, level) in rules {
            if crate::rules::registry::find(code).is_none_or(|r| !r.code.eq_ignore_ascii_case(code)) {
                let suggestion = closest(code, crate::rules::registry::RULES.iter().map(|r| r.code)).map(str::to_string);
                return Err((
                    Some(format!("/rules/{code}")),
                    ConfigProblem::UnknownRule { code: code.clone(), suggestion, known: crate::rules::registry::codes() },
                ));
            }
            if !level.as_str().is_some_and(|l| ["off", "info", "warning", "error"].contains(&l)) {
                return Err((Some(format!("/rules/{code}")), ConfigProblem::BadLevel { value: level.to_string() }));
            }
        }
    }
    if let Some(Value::Object(limits)) = top.get("limits")
        && let Some(e) = unknown(&schema_keys(&schema, "/properties/limits/properties"), limits, "/limits")
    {
        return Err(e);
    }
    Ok(())
}

/// `values: {level: {区级: 县级}}`: the field has a vocabulary and each target is one of its terms.
fn check_value_aliases(field: Field, named: &str, v: &serde_json::Value) -> Result<(), (Option<String>, ConfigProblem)> {
    let Some((canonical, other)) = crate::model::vocab::accepted_forms(field) else {
        return Err((Some(format!("/values/{named}")), ConfigProblem::NoVocabulary { field }));
    };
    let Some(map) = v.as_object() else { return Ok(()) };
    for (from, to) in map {
        let Some(to) = to.as_str() else { continue };
        if !canonical.contains(&to) && !other.contains(&to) {
            return Err((
                Some(format!("/values/{named}/{from}")),
                ConfigProblem::NotInVocabulary { field, value: to.to_string(), allowed: canonical.iter().map(|s| s.to_string()).collect() },
            ));
        }
    }
    Ok(())
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
        let (key, problem) = Config::parse("colour: red\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/colour"));
        assert!(problem.render(crate::i18n::Lang::Zh).starts_with("未知的配置项“colour”"));
        let (key, problem) = Config::parse("rulez:\n  QD101: off\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/rulez"));
        assert!(problem.render(crate::i18n::Lang::Zh).contains("是否想写“rules”"), "{problem:?}");
        let (key, problem) = Config::parse("limits:\n  max_row: 5\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/limits/max_row"));
        assert!(problem.render(crate::i18n::Lang::Zh).contains("是否想写“max_rows”"), "{problem:?}");
        let (key, problem) = Config::parse("aliases:\n  agencyy: [x]\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/aliases/agencyy"));
        assert_eq!(problem, ConfigProblem::UnknownField { name: "agencyy".into(), suggestion: Some(Field::Agency) });
        assert!(problem.render(crate::i18n::Lang::En).contains("did you mean agency"));
        let (key, _) = Config::parse("limits:\n  max_rows: many\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/limits/max_rows"));
    }

    #[test]
    fn chinese_field_names_rule_codes_and_value_aliases() {
        let c = Config::parse("aliases:\n  事项名称: [事项明称]\nvalues:\n  行使层级: {区级: 县级}\n").unwrap();
        assert_eq!(c.aliases[&Field::Name], vec!["事项明称".to_string()]);
        assert_eq!(c.values[&Field::Level]["区级"], "县级");
        let (key, problem) = Config::parse("rules:\n  QD999: off\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/rules/QD999"));
        let text = problem.render(crate::i18n::Lang::Zh);
        assert!(text.contains("没有规则 QD999") && text.contains("QD101") && text.contains("QD207"), "{text}");
        let (key, problem) = Config::parse("values:\n  level: {区级: 区县级别}\n").unwrap_err();
        assert_eq!(key.as_deref(), Some("/values/level/区级"));
        assert!(problem.render(crate::i18n::Lang::Zh).contains("不是行使层级的可填值"));
        let (_, problem) = Config::parse("values:\n  name: {a: b}\n").unwrap_err();
        assert_eq!(problem, ConfigProblem::NoVocabulary { field: Field::Name });
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
