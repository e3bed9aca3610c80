//! `qingdan generate` (hidden): a synthetic, realistic four-level catalog for 包头市 — a
//! 基本目录 and one implementation list per jurisdiction (市, 旗县区, 苏木乡镇, 嘎查村) — with a
//! configurable share of deliberate defects. Deterministic for a given `--seed`; rows are
//! streamed to disk, so memory does not grow with `--items`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cli::{GenerateArgs, GenerateFormat};
use crate::model::codes::credit_check_char;
use crate::model::field::Field;

/// A small, fast, deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n.max(1) as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const DEPTS: &[(&str, &str)] = &[
    ("住房和城乡建设局", "建设"),
    ("市场监督管理局", "市场"),
    ("民政局", "民政"),
    ("人力资源和社会保障局", "人社"),
    ("自然资源局", "自然资源"),
    ("卫生健康委员会", "卫生健康"),
    ("交通运输局", "交通运输"),
    ("农牧局", "农牧"),
    ("生态环境局", "生态环境"),
    ("教育局", "教育"),
    ("公安局", "公安"),
    ("水务局", "水务"),
    ("文化旅游体育局", "文化旅游"),
    ("应急管理局", "应急管理"),
    ("医疗保障局", "医疗保障"),
    ("林业和草原局", "林草"),
];

const OBJECTS: &[&str] = &[
    "建筑工程施工",
    "城镇污水排入排水管网",
    "燃气经营",
    "食品经营",
    "药品零售企业",
    "社会团体成立",
    "民办非企业单位",
    "养老机构备案",
    "最低生活保障",
    "特困人员救助供养",
    "失业保险金",
    "职业技能等级",
    "建设用地规划",
    "乡村建设规划",
    "医疗机构执业",
    "母婴保健技术服务",
    "道路货物运输经营",
    "出租汽车经营",
    "种畜禽生产经营",
    "动物防疫条件",
    "排污许可",
    "建设项目环境影响评价文件",
    "民办学校办学",
    "教师资格认定",
    "取水",
    "河道管理范围内建设项目",
    "娱乐场所经营",
    "营业性演出",
    "危险化学品经营",
    "烟花爆竹经营（零售）",
    "城乡居民医疗保险参保登记",
    "林草种子生产经营",
    "临时占用草原",
    "户外广告设施设置",
    "城市道路占用挖掘",
    "房屋租赁登记",
    "残疾人两项补贴",
    "高龄津贴",
    "婚姻登记",
    "就业困难人员认定",
];

const TYPES: &[(&str, &str, &str, u32)] = &[
    ("行政许可", "01", "许可", 30),
    ("行政处罚", "02", "违法行为的处罚", 8),
    ("行政强制", "03", "行政强制措施", 2),
    ("行政征收", "04", "费的征收", 1),
    ("行政给付", "05", "发放", 8),
    ("行政检查", "06", "监督检查", 5),
    ("行政确认", "07", "确认", 10),
    ("行政奖励", "08", "表彰奖励", 1),
    ("行政裁决", "09", "纠纷裁决", 1),
    ("其他行政权力", "10", "备案", 9),
    ("公共服务", "20", "办理", 25),
];

const LAWS: &[&str] = &[
    "中华人民共和国行政许可法",
    "中华人民共和国建筑法",
    "中华人民共和国食品安全法",
    "中华人民共和国药品管理法",
    "中华人民共和国城乡规划法",
    "中华人民共和国土地管理法",
    "中华人民共和国道路运输条例",
    "中华人民共和国畜牧法",
    "中华人民共和国环境影响评价法",
    "中华人民共和国水法",
    "中华人民共和国社会保险法",
    "中华人民共和国老年人权益保障法",
    "社会团体登记管理条例",
    "城镇排水与污水处理条例",
    "城镇燃气管理条例",
    "娱乐场所管理条例",
    "危险化学品安全管理条例",
    "社会救助暂行办法",
    "内蒙古自治区城乡规划条例",
    "内蒙古自治区草原管理条例",
];

const CONDITION_PARTS: &[&str] = &[
    "申请人应当具有完全民事行为能力，依法取得相应主体资格",
    "具有与所申请事项相适应的场所、设施设备和专业技术人员",
    "有健全的安全管理制度和操作规程，近三年内无重大违法违规记录",
    "申请材料齐全、符合法定形式，所填内容真实有效",
    "已按规定办理工商登记或者事业单位法人登记手续",
    "项目选址符合国土空间规划和相关专项规划要求",
    "拟从业人员经培训考核合格并取得相应资格证书",
    "符合国家和自治区规定的其他条件",
    "申请人家庭人均收入低于当地最低生活保障标准，且家庭财产状况符合规定",
    "建设资金已经落实，施工图设计文件已按规定审查合格",
    "有符合规定的消防、环保、卫生等条件并通过相关部门验收",
    "按照规定缴纳相关社会保险费满一年以上",
];

const PROCESS_STEPS: &[(&str, &str)] = &[
    ("申请", "申请人通过内蒙古政务服务网或到政务服务大厅综合受理窗口提交申请材料"),
    ("受理", "窗口工作人员对申请材料进行核验，材料齐全、符合法定形式的当场予以受理并出具受理通知书"),
    ("审查", "承办人员对申请材料的实质内容进行审查，需要现场核查的组织两名以上工作人员进行现场核查"),
    ("决定", "经审查符合条件的，作出准予决定；不符合条件的，作出不予许可决定并书面说明理由"),
    ("制证", "准予许可的，在规定时限内制作并颁发相关证件或批准文书"),
    ("送达", "通过窗口领取、邮政寄递或电子证照方式向申请人送达办理结果"),
    ("公示", "办理结果在政务服务网和部门门户网站予以公开，接受社会监督"),
];

const MATERIALS: &[(&str, &str)] = &[
    ("申请书", "原件1份"),
    ("申请人身份证", "原件1份"),
    ("营业执照", "复印件1份"),
    ("法定代表人身份证明", "原件1份"),
    ("授权委托书", "原件1份，非必要"),
    ("场所使用证明", "复印件1份"),
    ("房屋产权证明或租赁合同", "复印件1份"),
    ("专业技术人员资格证书", "复印件1份"),
    ("安全管理制度", "原件1份"),
    ("设施设备清单", "原件1份"),
    ("户口簿", "原件及复印件各1份"),
    ("家庭收入情况声明", "原件1份"),
    ("建设工程规划许可证", "复印件1份"),
    ("施工图设计文件审查合格书", "复印件1份"),
    ("环境影响评价文件", "原件2份"),
    ("现场照片", "电子"),
    ("残疾人证", "原件1份"),
    ("结婚证", "原件1份"),
];

const SERVICE_OBJECTS: &[&str] = &["自然人", "企业法人", "自然人^企业法人", "企业法人^事业法人^社会组织法人", "自然人^企业法人^其他组织"];

const COUNTIES: &[(&str, &str)] = &[
    ("150202", "东河区"),
    ("150203", "昆都仑区"),
    ("150204", "青山区"),
    ("150205", "石拐区"),
    ("150206", "白云鄂博矿区"),
    ("150207", "九原区"),
    ("150221", "土默特右旗"),
    ("150222", "固阳县"),
    ("150223", "达尔罕茂明安联合旗"),
];

const PLACE_WORDS: &[&str] = &[
    "和平",
    "西脑包",
    "南门外",
    "河东",
    "沙尔沁",
    "萨拉齐",
    "金山",
    "兴胜",
    "百灵淖",
    "希拉穆仁",
    "明安",
    "达茂",
    "乌兰",
    "阿尔丁",
    "友谊",
    "少先",
    "自由路",
    "钢铁",
    "幸福",
    "先锋",
    "富强",
    "北梁",
    "哈林格尔",
    "麻池",
    "哈业胡同",
    "银号",
    "怀朔",
    "下湿壕",
    "石宝",
    "查干",
    "巴音",
    "塔拉",
    "新建",
    "红星",
    "东兴",
    "团结",
];

/// A level of the four-level structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lvl {
    City,
    County,
    Town,
    Village,
}

impl Lvl {
    fn label(self) -> &'static str {
        match self {
            Lvl::City => "市级",
            Lvl::County => "县级",
            Lvl::Town => "乡级",
            Lvl::Village => "村级",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Lvl::City => 1,
            Lvl::County => 2,
            Lvl::Town => 4,
            Lvl::Village => 8,
        }
    }
}

/// Level sets of base entries, with weights (percent).
const LEVEL_SETS: &[(u8, u32)] = &[(1, 10), (1 | 2, 35), (1 | 2 | 4, 25), (2 | 4, 15), (2 | 4 | 8, 10), (4 | 8, 5)];

/// One 基本目录 entry and the per-code content every jurisdiction shares.
struct BaseSpec {
    code: String,
    name: String,
    item_type: &'static str,
    dept: usize,
    legal_basis: String,
    levels: u8,
    service_object: &'static str,
    conditions: String,
    process: String,
    materials: Vec<(&'static str, &'static str)>,
    statutory: u32,
    promised: u32,
    instant: bool,
    fee: bool,
    special: &'static str,
    result_name: String,
    audit_points: String,
    online_depth: u8,
    one_thing: &'static str,
}

impl BaseSpec {
    fn levels_label(&self) -> String {
        [Lvl::City, Lvl::County, Lvl::Town, Lvl::Village]
            .iter()
            .filter(|l| self.levels & l.bit() != 0)
            .map(|l| l.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}

fn weighted<T: Copy>(rng: &mut SplitMix64, xs: &[(T, u32)]) -> T {
    let total: u32 = xs.iter().map(|x| x.1).sum();
    let mut r = rng.below(total as usize) as u32;
    for (v, w) in xs {
        if r < *w {
            return *v;
        }
        r -= w;
    }
    xs[0].0
}

/// Appends sentences from `pool` (without repeats where possible) until `min..max` chars.
fn prose(rng: &mut SplitMix64, pool: &[&str], min: usize, max: usize, numbered: bool) -> String {
    let target = min + rng.below(max - min);
    let mut out = String::new();
    let mut chars = 0;
    let mut n = 0;
    let start = rng.below(pool.len());
    while chars < target {
        let s = pool[(start + n) % pool.len()];
        n += 1;
        let piece = if numbered { format!("{n}.{s}；") } else { format!("{s}；") };
        let len = piece.chars().count();
        if chars + len > max && chars >= min {
            break;
        }
        chars += len;
        out.push_str(&piece);
    }
    if out.ends_with('；') {
        out.pop();
        out.push('。');
    }
    out
}

fn make_base(i: usize, seed: u64) -> BaseSpec {
    let mut rng = SplitMix64::new(seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let types: Vec<((&str, &str, &str), u32)> = TYPES.iter().map(|t| ((t.0, t.1, t.2), t.3)).collect();
    let (item_type, tcode, suffix) = weighted(&mut rng, &types);
    let dept = rng.below(DEPTS.len());
    let object = OBJECTS[(i * 7 + rng.below(3)) % OBJECTS.len()];
    let name =
        if i < OBJECTS.len() * 3 { format!("{object}{suffix}") } else { format!("{object}{suffix}（第{}类）", i / OBJECTS.len()) };
    let law = rng.pick(LAWS);
    let art = 5 + rng.below(80);
    let cond_for_basis = CONDITION_PARTS[rng.below(CONDITION_PARTS.len())];
    let legal_basis = format!(
        "《{law}》第{art}条：从事{object}活动，应当依法向{dept}部门申请办理，{cond_for_basis}。《{}》第{}条。",
        rng.pick(LAWS),
        1 + rng.below(60),
        dept = DEPTS[dept].1
    );
    let levels = weighted(&mut rng, LEVEL_SETS);
    let conditions = prose(&mut rng, CONDITION_PARTS, 100, 400, true);
    let steps: Vec<String> = PROCESS_STEPS.iter().map(|(a, b)| format!("{a}：{b}")).collect();
    let step_refs: Vec<&str> = steps.iter().map(String::as_str).collect();
    let mut process = String::new();
    let want = 100 + rng.below(300);
    for (k, s) in step_refs.iter().enumerate() {
        if k >= 2 && process.chars().count() >= want {
            break;
        }
        process.push_str(&format!("{}.{s}；", k + 1));
    }
    process.pop();
    process.push('。');
    let nmat = 2 + rng.below(7);
    let first = rng.below(MATERIALS.len());
    let materials: Vec<_> = (0..nmat).map(|k| MATERIALS[(first + k * 5) % MATERIALS.len()]).collect();
    let instant = rng.below(10) == 0;
    let statutory = if instant { 0 } else { *rng.pick(&[5, 10, 15, 20, 30, 45, 60]) };
    let promised = if instant { 0 } else { (statutory / 2).max(1) };
    let fee = rng.below(12) == 0;
    let special = *rng.pick(&["无", "无", "无", "现场勘验", "现场勘验、专家评审", "听证", "公示"]);
    let online_depth = *rng.pick(&[2u8, 3, 3, 4, 4, 4]);
    let one_thing = *rng.pick(&["", "", "", "开办企业一件事", "退休一件事", "新生儿出生一件事"]);
    BaseSpec {
        code: format!("{tcode}{:02}{:05}000", dept, i + 1),
        name,
        item_type,
        dept,
        legal_basis,
        levels,
        service_object: SERVICE_OBJECTS[rng.below(SERVICE_OBJECTS.len())],
        conditions,
        process,
        materials,
        statutory,
        promised,
        instant,
        fee,
        special,
        result_name: format!("{object}{}决定书", if item_type == "行政许可" { "准予许可" } else { "办理结果" }),
        audit_points: format!("重点审核申请材料的真实性、完整性，核查{object}相关条件是否符合《{law}》规定。"),
        online_depth,
        one_thing,
    }
}

/// A jurisdiction with an implementation list.
struct Jur {
    code: String,
    name: String,
    full_name: String,
    level: Lvl,
}

fn township_name(county: usize, k: usize) -> String {
    let w = PLACE_WORDS[(county * 13 + k * 7) % PLACE_WORDS.len()];
    let suffix = ["街道", "镇", "苏木", "镇", "街道"][(county + k) % 5];
    format!("{w}{suffix}")
}

fn village_name(county: usize, k: usize, v: usize) -> String {
    let w = PLACE_WORDS[(county * 5 + k * 11 + v * 3) % PLACE_WORDS.len()];
    let suffix = ["社区", "村", "嘎查", "村"][(k + v) % 4];
    format!("{w}{}{suffix}", ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][v % 10])
}

/// Jurisdictions in file order: the city, the 9 counties, then townships each followed by its villages.
fn jurisdictions() -> impl Iterator<Item = Jur> {
    let city =
        std::iter::once(Jur { code: "150200000000".into(), name: "包头市".into(), full_name: "包头市".into(), level: Lvl::City });
    let counties = COUNTIES.iter().map(|(c, n)| Jur {
        code: format!("{c}000000"),
        name: n.to_string(),
        full_name: format!("包头市{n}"),
        level: Lvl::County,
    });
    let lower = (0..999usize).flat_map(|k| {
        (0..COUNTIES.len()).flat_map(move |ci| {
            let (cc, cn) = COUNTIES[ci];
            let tn = township_name(ci, k);
            let town =
                Jur { code: format!("{cc}{:03}000", k + 1), name: tn.clone(), full_name: format!("包头市{cn}{tn}"), level: Lvl::Town };
            let villages = (0..10usize).map(move |v| {
                let vn = village_name(ci, k, v);
                Jur {
                    code: format!("{cc}{:03}{:03}", k + 1, v + 1),
                    name: vn.clone(),
                    full_name: format!("包头市{cn}{}{vn}", township_name(ci, k)),
                    level: Lvl::Village,
                }
            });
            std::iter::once(town).chain(villages)
        })
    });
    city.chain(counties).chain(lower)
}

const CREDIT_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_code(prefix: &str, division: &str, salt: u64) -> String {
    let mut rng = SplitMix64::new(salt);
    let mut s = format!("{prefix}{}", &division[..6]);
    for _ in 0..9 {
        s.push(CREDIT_CHARS[rng.below(CREDIT_CHARS.len())] as char);
    }
    let check = credit_check_char(&s).unwrap_or('0');
    s.push(check);
    s
}

/// The kinds of deliberate defects.
#[derive(Debug, Clone, Copy)]
enum Defect {
    CheckChar,
    Missing,
    PromisedOver,
    Unsourced,
    MaterialDrift,
    UnreadableLimit,
}

/// Where rows go: UTF-8 CSV, GB18030 CSV or an xlsx worksheet.
enum Sink {
    Csv { line: String, out: BufWriter<File>, gb: bool },
    Xlsx { book: Box<rust_xlsxwriter::Workbook>, path: PathBuf, row: u32 },
}

impl Sink {
    fn create(dir: &Path, stem: &str, format: GenerateFormat, sheet: &str) -> Result<Sink, String> {
        match format {
            GenerateFormat::Csv | GenerateFormat::Gb18030 => {
                let path = dir.join(format!("{stem}.csv"));
                let f = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Sink::Csv {
                    line: String::with_capacity(1 << 14),
                    out: BufWriter::with_capacity(1 << 20, f),
                    gb: format == GenerateFormat::Gb18030,
                })
            }
            GenerateFormat::Xlsx => {
                let mut book = Box::new(rust_xlsxwriter::Workbook::new());
                let ws = book.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
                ws.set_name(sheet).map_err(|e| e.to_string())?;
                Ok(Sink::Xlsx { book, path: dir.join(format!("{stem}.xlsx")), row: 0 })
            }
        }
    }

    fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), String> {
        match self {
            Sink::Csv { line, out, gb } => {
                line.clear();
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    push_csv_field(line, c.as_ref());
                }
                line.push_str("\r\n");
                let res = if *gb {
                    // CSV syntax is ASCII, so encoding the whole line is the same as field by field.
                    let (bytes, _, _) = encoding_rs::GB18030.encode(line);
                    out.write_all(&bytes)
                } else {
                    out.write_all(line.as_bytes())
                };
                res.map_err(|e| e.to_string())
            }
            Sink::Xlsx { book, row, .. } => {
                let ws = book.worksheet_from_index(0).map_err(|e| e.to_string())?;
                for (c, v) in cells.iter().enumerate() {
                    let v = v.as_ref();
                    if !v.is_empty() {
                        ws.write_string(*row, c as u16, v).map_err(|e| e.to_string())?;
                    }
                }
                *row += 1;
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Csv { mut out, .. } => out.flush().map_err(|e| e.to_string()),
            Sink::Xlsx { mut book, path, .. } => book.save(&path).map_err(|e| format!("{}: {e}", path.display())),
        }
    }
}

/// Appends one RFC 4180 field, quoted when it holds a comma, quote or line break.
fn push_csv_field(line: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&v.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(v);
    }
}

/// How many 基本目录 entries a catalog of `items` implementation rows gets.
pub fn base_count(items: usize) -> usize {
    (items / 500).clamp(500, 2000)
}

/// Writes the catalog; returns the exit status.
pub fn run(args: &GenerateArgs) -> Result<i32, String> {
    let stats = generate(args)?;
    eprintln!(
        "qingdan generate: {} base entries, {} items in {} implementation lists, {} with defects → {}",
        stats.base,
        stats.items,
        stats.files,
        stats.defects,
        args.out.display()
    );
    Ok(crate::EXIT_OK)
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// 基本目录 entries.
    pub base: usize,
    /// Implementation rows.
    pub items: usize,
    /// Implementation files.
    pub files: usize,
    /// Rows with a deliberate defect.
    pub defects: usize,
}

/// Generates the catalog described by `args` under `args.out`.
pub fn generate(args: &GenerateArgs) -> Result<Stats, String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let nbase = base_count(args.items);
    let bases: Vec<BaseSpec> = (0..nbase).map(|i| make_base(i, args.seed)).collect();
    let mut stats = Stats { base: nbase, ..Default::default() };

    let mut base = Sink::create(&args.out, "基本目录", args.format, "基本目录")?;
    base.row(&["基本编码", "事项名称", "事项类型", "设定依据", "主管部门", "行使层级"])?;
    for b in &bases {
        base.row(&[b.code.as_str(), &b.name, b.item_type, &b.legal_basis, DEPTS[b.dept].0, &b.levels_label()])?;
    }
    base.finish()?;

    let header: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
    let mut rng = SplitMix64::new(args.seed ^ 0x5DEE_CE66_D1CE_4E5B);
    let mut left = args.items;
    let mut cells: Vec<String> = vec![String::new(); Field::ALL.len()];
    // One list for every jurisdiction (a platform export), or one list per jurisdiction.
    let mut single = match args.one_file {
        true => {
            let mut sink = Sink::create(&args.out, "政务服务事项实施清单", args.format, "实施清单")?;
            sink.row(&header)?;
            stats.files += 1;
            Some(sink)
        }
        false => None,
    };
    for jur in jurisdictions() {
        if left == 0 {
            break;
        }
        let mine: Vec<&BaseSpec> = bases.iter().filter(|b| b.levels & jur.level.bit() != 0).collect();
        if mine.is_empty() {
            continue;
        }
        let mut own = match single {
            Some(_) => None,
            None => {
                let stem = format!("{}_{}政务服务事项实施清单", jur.code, jur.full_name);
                let mut sink = Sink::create(&args.out, &stem, args.format, "实施清单")?;
                sink.row(&header)?;
                stats.files += 1;
                Some(sink)
            }
        };
        let Some(sink) = own.as_mut().or(single.as_mut()) else { continue };
        let jsalt = jur.code.parse::<u64>().unwrap_or(0);
        let phone = format!("0472-{}", 5_100_000 + (jsalt % 899_999));
        for b in mine.iter().take(left) {
            left -= 1;
            stats.items += 1;
            let defect = (rng.unit() < args.defect_rate).then(|| {
                *rng.pick(&[
                    Defect::CheckChar,
                    Defect::Missing,
                    Defect::PromisedOver,
                    Defect::Unsourced,
                    Defect::MaterialDrift,
                    Defect::UnreadableLimit,
                ])
            });
            if defect.is_some() {
                stats.defects += 1;
            }
            fill_row(&mut cells, b, &jur, &phone, jsalt, defect, &mut rng);
            sink.row(&cells)?;
        }
        if let Some(sink) = own {
            sink.finish()?;
        }
    }
    if let Some(sink) = single {
        sink.finish()?;
    }
    Ok(stats)
}

fn limit_text(v: u32, instant: bool) -> String {
    if instant { "即办".to_string() } else { format!("{v}个工作日") }
}

fn yes(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn fill_row(cells: &mut [String], b: &BaseSpec, jur: &Jur, phone: &str, jsalt: u64, defect: Option<Defect>, rng: &mut SplitMix64) {
    let (dept_full, _) = DEPTS[b.dept];
    let (agency, credit_prefix) = match jur.level {
        Lvl::City | Lvl::County => (format!("{}{dept_full}", jur.name), "11"),
        Lvl::Town => (format!("{}人民政府", jur.name), "11"),
        Lvl::Village => (format!("{}村民委员会", jur.name.trim_end_matches(['村', '嘎', '查'])), "54"),
    };
    let agency_salt =
        jsalt.wrapping_mul(31).wrapping_add(if jur.level == Lvl::City || jur.level == Lvl::County { b.dept as u64 } else { 0 });
    let mut agency_code = credit_code(credit_prefix, &jur.code, agency_salt);
    let mut basic_code = b.code.clone();
    let mut statutory = limit_text(b.statutory, b.instant);
    let mut promised = limit_text(b.promised, b.instant);
    let mut materials: Vec<String> =
        b.materials.iter().enumerate().map(|(k, (name, note))| format!("{}.{name}（{note}）", k + 1)).collect();
    let mut conditions = b.conditions.clone();
    let mut consult = phone.to_string();
    match defect {
        Some(Defect::CheckChar) => {
            let last = agency_code.pop().unwrap_or('0');
            agency_code.push(if last == 'X' { 'Y' } else { 'X' });
        }
        Some(Defect::Missing) => match rng.below(3) {
            0 => conditions.clear(),
            1 => consult.clear(),
            _ => materials.clear(),
        },
        Some(Defect::PromisedOver) => {
            promised = format!("{}个工作日", b.statutory + 5);
            if b.instant {
                statutory = "5个工作日".into();
                promised = "10个工作日".into();
            }
        }
        Some(Defect::Unsourced) => basic_code = format!("99{}", &b.code[2..]),
        Some(Defect::MaterialDrift) => {
            if materials.len() > 2 && rng.below(2) == 0 {
                materials.pop();
            } else {
                materials.push(format!("{}.情况说明（原件1份）", materials.len() + 1));
            }
        }
        Some(Defect::UnreadableLimit) => statutory = "按规定时限".into(),
        None => {}
    }
    let impl_code = format!("{basic_code}-{}-000-{agency_code}-1-00", jur.code);
    let online = b.online_depth;
    let depth_text = match online {
        2 => "在线预审",
        3 => "在线办理",
        _ => "全程网办",
    };
    for (slot, f) in cells.iter_mut().zip(Field::ALL) {
        slot.clear();
        let v: &str = match f {
            Field::Name => &b.name,
            Field::BasicCode => &basic_code,
            Field::ImplCode => &impl_code,
            Field::HandlingItem => {
                slot.push_str(&b.name);
                slot.push_str("（新办）");
                continue;
            }
            Field::ParentName => {
                slot.push_str(b.name.split('（').next().unwrap_or(&b.name));
                slot.push_str("管理");
                continue;
            }
            Field::ItemType => b.item_type,
            Field::Department => dept_full,
            Field::Agency => &agency,
            Field::AgencyCode => &agency_code,
            Field::AgencyNature => {
                if jur.level == Lvl::Village {
                    "受委托组织"
                } else {
                    "法定机关"
                }
            }
            Field::LegalBasis => &b.legal_basis,
            Field::Level => jur.level.label(),
            Field::DivisionCode => &jur.code,
            Field::DivisionName => &jur.full_name,
            Field::ServiceObject => b.service_object,
            Field::Conditions => &conditions,
            Field::Process => &b.process,
            Field::Materials => {
                slot.push_str(&materials.join("；"));
                continue;
            }
            Field::Intermediary => "无",
            Field::StatutoryLimit => &statutory,
            Field::PromisedLimit => &promised,
            Field::Fee => yes(b.fee),
            Field::FeeBasis => {
                if b.fee {
                    "《内蒙古自治区行政事业性收费项目目录》"
                } else {
                    "无"
                }
            }
            Field::FeeStandard => {
                if b.fee {
                    "按照自治区发展改革委、财政厅核定标准收取"
                } else {
                    "不收费"
                }
            }
            Field::AnnualReport => "否",
            Field::SpecialProcedures => b.special,
            Field::ResultName => &b.result_name,
            Field::Place => {
                slot.push_str(&jur.full_name);
                slot.push_str("政务服务中心");
                slot.push_str(&(1 + jsalt % 30).to_string());
                slot.push_str("号窗口");
                continue;
            }
            Field::Hours => "工作日上午9:00-12:00，下午13:30-17:30（法定节假日除外）",
            Field::ConsultPhone => &consult,
            Field::ComplaintPhone => "12345",
            Field::AuditPoints => &b.audit_points,
            Field::InHall => yes(jur.level != Lvl::Village),
            Field::OneWindow => "是",
            Field::OnlineDepth => depth_text,
            Field::OnlineUrl => {
                slot.push_str("https://zwfw.nmg.gov.cn/bt/item/");
                slot.push_str(&impl_code[..basic_code.len().min(impl_code.len())]);
                continue;
            }
            Field::Mobile => yes(online >= 3),
            Field::Appointment => "是",
            Field::Express => yes(online >= 3),
            Field::Visits => {
                if online == 4 {
                    "0次"
                } else {
                    "1次"
                }
            }
            Field::Instant => {
                if b.instant {
                    "即办件"
                } else {
                    "承诺件"
                }
            }
            Field::CrossArea => {
                if online == 4 {
                    "全市通办"
                } else {
                    "无"
                }
            }
            Field::Nearby => yes(jur.level != Lvl::City),
            Field::CertFree => yes(online == 4),
            Field::NotifyCommit => "否",
            Field::Tolerance => "否",
            Field::OneThing => b.one_thing,
            Field::SelfService => "否",
        };
        slot.push_str(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_valid() {
        let c = credit_code("11", "150202000000", 7);
        assert_eq!(c.len(), 18);
        assert_eq!(crate::model::codes::check_credit_code(&c), Ok(()));
    }

    #[test]
    fn deterministic_and_sized() {
        let dir = tempfile::tempdir().unwrap();
        let args =
            |out: PathBuf| GenerateArgs { items: 1500, format: GenerateFormat::Csv, out, defect_rate: 0.05, seed: 9, one_file: false };
        let a = generate(&args(dir.path().join("a"))).unwrap();
        let b = generate(&args(dir.path().join("b"))).unwrap();
        assert_eq!(a.items, 1500);
        assert_eq!(a.defects, b.defects);
        let read = |p: &Path| std::fs::read(p.join("150200000000_包头市政务服务事项实施清单.csv")).unwrap();
        assert_eq!(read(&dir.path().join("a")), read(&dir.path().join("b")));
    }

    #[test]
    fn one_file_holds_every_item() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("one");
        let args = GenerateArgs { items: 1500, format: GenerateFormat::Csv, out: out.clone(), defect_rate: 0.05, seed: 9, one_file: true };
        let stats = generate(&args).unwrap();
        assert_eq!((stats.items, stats.files), (1500, 1));
        let text = std::fs::read_to_string(out.join("政务服务事项实施清单.csv")).unwrap();
        assert_eq!(text.lines().count(), 1501, "header and one line per item");
    }
}
