//! Command-line definitions (clap derive) only; commands live in `commands/`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::i18n::Lang;
use crate::ingest::Layout;
use crate::ingest::csv::CsvEncoding;
use crate::publish::csvout::OutputEncoding;

/// qingdan（清单）：政务服务事项清单与办事指南的标准化检查与发布工具。
#[derive(Debug, Parser)]
#[command(name = "qingdan", version, about, long_about = None)]
pub struct Cli {
    /// Language of messages: zh (简体中文, default) or en.
    #[arg(long, global = true, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// Config file (default: the nearest qingdan.yaml above the first PATH, else above the current directory).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Quieter: no progress bar; `check`'s report for people leaves info findings out (counted in the summary).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Worker threads for reading files (default: the number of cores, or QINGDAN_THREADS).
    #[arg(short = 'j', long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 读取部门报送的表格，映射表头、规范化，输出标准化清单 (read and normalize spreadsheets).
    Ingest(IngestArgs),
    /// 逐项检查并进行四级同源检查 (validate items and cross-level consistency).
    Check(CheckArgs),
    /// 比较两个版本的清单 (what changed between two versions).
    Diff(DiffArgs),
    /// 统计便利化指标并对照目标 (convenience indicators against the plan's targets).
    Stats(StatsArgs),
    /// 导出发布用工作簿 (the publication workbook).
    Export(ExportArgs),
    /// 退回修改：每个部门一份批注工作簿和问题清单，另附汇总排名 (per-department marked-up workbooks).
    Return(ReturnArgs),
    /// 生成空白填报模板 (a blank departmental template).
    Template(TemplateArgs),
    /// 生成给领导看的 HTML 报告 (a self-contained HTML report).
    Report(ReportArgs),
    /// 显示规则说明 (a rule's documentation).
    Explain {
        /// Rule code (QD101) or name (credit-code).
        rule: String,
    },
    /// 列出全部规则 (list the rules).
    Rules,
    /// 输出事项（或 --report：检查报告）的 JSON Schema (print the item or report schema).
    Schema {
        /// The schema of `check --format json` instead of the item's.
        #[arg(long)]
        report: bool,
    },
    /// Generate a synthetic four-level catalog (for benchmarks and tests).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// Options shared by commands that read catalogs.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// CSV encoding (detected when auto).
    #[arg(long, value_enum, default_value = "auto")]
    pub encoding: CsvEncoding,
    /// The base catalog (基本目录), when its name does not contain 基本目录.
    #[arg(long)]
    pub base: Option<PathBuf>,
    /// Sheet layout: detect, table (one row per item) or form (办事指南).
    #[arg(long, value_enum, default_value = "auto")]
    pub layout: Layout,
}

/// Output formats of `ingest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IngestFormat {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
    /// One JSON item per line.
    Ndjson,
    /// CSV with canonical headers.
    Csv,
}

/// `qingdan ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "yaml")]
    pub format: IngestFormat,
    /// Write one file per source table into this directory instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Encoding of CSV output (`--encoding` names the input's): UTF-8 with BOM so that Excel
    /// shows Chinese, plain UTF-8, or GB18030.
    #[arg(long, value_enum, default_value = "utf8-bom")]
    pub output_encoding: OutputEncoding,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Graphical report for people.
    Human,
    /// The JSON report of cli.md.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions annotations.
    Github,
}

/// `qingdan check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Exit 1 when a finding at or above this severity is found (`new`: a new error or warning
    /// compared with --baseline). Accepted problems never fail.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// The JSON report of the previous round: findings are classified 新增 / 仍存在, and the
    /// baseline's others listed as 已整改.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub baseline: Option<PathBuf>,
    /// Only these rules: codes or code prefixes, comma-separated (`--select QD1,QD201`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Not these rules: codes or code prefixes, comma-separated (`--ignore QD003`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Counts per rule and per file instead of each finding (human format).
    #[arg(long)]
    pub statistics: bool,
}

impl CheckArgs {
    /// The check that `export`, `report` and `return` publish from: every rule, JSON, with an
    /// optional baseline.
    pub fn for_publication(input: &InputArgs, baseline: Option<PathBuf>) -> CheckArgs {
        CheckArgs {
            input: input.clone(),
            format: CheckFormat::Json,
            fail_on: FailOn::Error,
            baseline,
            select: Vec::new(),
            ignore: Vec::new(),
            statistics: false,
        }
    }
}

/// Thresholds for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// New errors and warnings only (needs --baseline).
    New,
}

impl FailOn {
    /// The lowest failing severity.
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning | FailOn::New => Severity::Warning,
        }
    }
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Human,
    /// JSON.
    Json,
    /// Markdown.
    Md,
    /// A workbook with changed cells marked (needs -o).
    Xlsx,
}

/// `qingdan diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older version (file or directory).
    pub old: PathBuf,
    /// The newer version (file or directory).
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: DiffFormat,
    /// Output file (required for xlsx).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Also report changes of separators only (line breaks vs ；) in list-like fields.
    #[arg(long)]
    pub strict: bool,
}

/// Output formats of `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// For people.
    Human,
    /// JSON.
    Json,
    /// Markdown.
    Md,
}

/// `qingdan stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: StatsFormat,
    /// Human format: every scope in full (numerators, denominators, targets, counts) instead of
    /// one compact table.
    #[arg(long)]
    pub long: bool,
}

/// `qingdan export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// The workbook to write.
    #[arg(long, short = 'o', required = true)]
    pub output: PathBuf,
}

/// `qingdan return`.
#[derive(Debug, Args)]
pub struct ReturnArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// The folder to write into (one folder per department, and 汇总.xlsx); not inside an input folder.
    #[arg(long, short = 'o', required = true)]
    pub output: PathBuf,
    /// The JSON report of the previous round (lists show 新增 / 仍存在 / 已整改).
    #[arg(long, value_name = "PREVIOUS.json")]
    pub baseline: Option<PathBuf>,
    /// Encoding of the CSV problem lists (`--encoding` names the input's).
    #[arg(long, value_enum, default_value = "utf8-bom")]
    pub output_encoding: OutputEncoding,
}

/// `qingdan report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// The HTML file to write.
    #[arg(long, short = 'o', required = true)]
    pub output: PathBuf,
}

/// `qingdan template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The workbook to write.
    #[arg(long, short = 'o', required = true)]
    pub output: PathBuf,
    /// table (one row per item) or form (办事指南).
    #[arg(long, value_enum, default_value = "table")]
    pub layout: Layout,
}

/// Output formats of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenerateFormat {
    /// UTF-8 CSV.
    Csv,
    /// GB18030 CSV.
    Gb18030,
    /// xlsx.
    Xlsx,
}

/// `qingdan generate` (hidden).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of implementation items.
    #[arg(long, default_value_t = 10_000)]
    pub items: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: GenerateFormat,
    /// Output directory.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Fraction of items with a deliberate defect.
    #[arg(long, default_value_t = 0.05)]
    pub defect_rate: f64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write every implementation item into one list (a platform export) instead of one list per
    /// jurisdiction.
    #[arg(long)]
    pub one_file: bool,
}

/// Parses the command line, with clap's headings, flags and the options' help in the language
/// asked for (`--lang`, Chinese by default); a parse error keeps clap's text and adds a line in
/// that language saying what is wrong. Exits on `--help`, `--version` and errors (status 2).
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = lang_in(&args);
    let mut cmd = Cli::command();
    if lang == Lang::Zh {
        cmd = localize(cmd);
    }
    match cmd.try_get_matches_from_mut(&args).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
                e.exit();
            }
            let _ = e.print();
            if let Some(hint) = crate::i18n::parse_error_hint(e.kind(), lang) {
                eprintln!("{hint}");
            }
            std::process::exit(crate::EXIT_FAILURE);
        }
    }
}

/// The language asked for on the command line (`--lang en`, `--lang=en`), before parsing.
fn lang_in(args: &[std::ffi::OsString]) -> Lang {
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if value.as_deref() == Some("en") {
            return Lang::En;
        }
    }
    Lang::Zh
}

/// Chinese headings, help and version flags, and option help from the message catalog, on a
/// command and its subcommands.
fn localize(cmd: clap::Command) -> clap::Command {
    let cmd = if cmd.get_name() == "qingdan" {
        cmd.disable_version_flag(true).arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本"))
    } else {
        cmd
    };
    let cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助").global(true))
        .mut_args(|a| {
            let a = match crate::i18n::arg_help(a.get_id().as_str()) {
                Some(h) => a.help(h).long_help(None::<&str>),
                None => a,
            };
            if a.is_positional() { a.help_heading("参数") } else { a.help_heading("选项") }
        });
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    names.iter().fold(cmd, |cmd, name| cmd.mut_subcommand(name, localize))
}
