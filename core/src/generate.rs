//! A deterministic synthetic model generator on the real division skeleton.
//!
//! [`generate`] imports real territories with [`crate::divisions`] (Baoshan
//! district, Shanghai, or all of China) and fills them with a synthetic but
//! realistic governance structure following the domain of `docs/domain.md`:
//!
//! - **city, province, country**: a Party committee and a government with
//!   jurisdiction, each leading the one below;
//! - **district**: the district Party committee and government, the
//!   organisation department and nine government departments (jurisdiction over
//!   the district, led by the committee or the government), the district union;
//! - **township** (street, town, township, zone): the Party working committee
//!   (streets) or Party committee (others), the street office or government, the
//!   "1+2" community Party committee and administrative Party group (every
//!   street, as in Shanghai), a
//!   Party-building instructor station (kind `x-instructor_station`), the
//!   township union, 3–5 stationed agencies (`dispatches` and primary `leads`
//!   from their department, `leads` and mostly consent + assessment + other
//!   `power` links from the street office), and for streets a joint meeting
//!   (区域化党建联席会议) and a few needs, resources and projects;
//! - **communities and villages** (residential communities in streets, mostly
//!   villages in towns and townships): a Party organisation led by the
//!   community Party committee (streets) or the township Party committee, a
//!   residents' or villagers' committee, 1–4 grids held by the committee;
//! - **units** in each community: enterprises (private, foreign, state-owned),
//!   social organisations and public institutions with full Party members
//!   (about a third with three or more, more often in-system ones); most with
//!   three or more have their own Party organisation (`party_org_of`), most
//!   with one or two share a joint branch of 3–5 units of the township, some
//!   member-less non-public units get an instructor or a union branch; most
//!   Party organisations register (`registers_with`) with the community's
//!   (a joint branch spanning communities with the township's committee);
//! - **matters**: a catalogue of 12 (4 basic, 4 cooperating, 4 recalled) with
//!   `responsible` links per township and district, mostly as the duty lists say.
//!
//! Imperfections are deliberate, as in real data, at small rates: uncovered
//! units, unregistered branches, agencies missing a power or their primary
//! mark or any link to the street, communities without a Party organisation or
//! committee, unassigned grids, matters with no lead or two, a street without
//! its administrative Party group, towns still attracting investment, about one
//! `leads` cycle per 2,000 units (and, with dated history, about one link in fifty
//! of those whose dates would fall outside an end's life). Records and links carrying an injected defect
//! are marked with `attrs` `{"gaps": ["C001"]}` (the audit rule codes of
//! `docs/queries.md`; the test suite checks markers and structure agree): a
//! hint for tests and demonstrations, not part of the format.
//!
//! The output is a pure function of the scale, the seed and the division
//! tables: the same seed gives a byte-identical [`Model::to_json`]. The random
//! numbers come from a self-contained SplitMix64 generator seeded per township
//! (from the seed and the township code), so no dependency can change them.
//!
//! # Example
//! ```
//! use tiaokuai::generate::{generate, Scale};
//! use tiaokuai::RecordType;
//! let model = generate(Scale::District, 7)?;
//! assert!(model.count(RecordType::Unit) > 5_000);
//! assert_eq!(model.to_json(), generate(Scale::District, 7)?.to_json());
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::divisions::{DivisionLevel, Divisions, TreeEntry};
use crate::error::{Error, Result};
use crate::model::*;

/// How much to generate: which real divisions form the skeleton, and how dense
/// the synthetic structure inside them is.
///
/// Sizes for seed 1 (other seeds differ by a few percent):
///
/// | scale | divisions | territories | units | matters + items | links |
/// |---|---|---|---|---|---|
/// | `district` | 310113 宝山区 (13 townships) | 964 | 8,624 | 12 + 21 | 12,760 |
/// | `city` | 31 上海市 (16 districts, 234 townships) | 20,368 | 288,691 | 12 + 691 | 406,868 |
/// | `national` | all of China (41,352 townships) | 1,252,597 | 4,895,024 | 12 + 61,044 | 9,329,534 |
///
/// That is about 9,600 records for `district`, 310,000 for `city` and 6.2
/// million for `national`. `district` and `city` use Shanghai's density
/// (about 24 communities or villages per township; `district` about 18 units
/// per community, `city` about 35); `national` uses the national averages of
/// 2023 (about 15 communities or villages per township, about 4 units per
/// community, one grid each), which keeps all of China near five million
/// units. In release mode `district` takes about 20 ms, `city` about 1 s and
/// `national` about 20 s with a peak of about 3.3 GB (measured on a 2-core machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Baoshan district (310113), Shanghai: about 10,000 records.
    District,
    /// Shanghai (31) with its 16 districts and 234 townships: about 300,000 units.
    City,
    /// All of China, 41,352 townships: about 5 million units.
    National,
}

impl Scale {
    /// Every scale, smallest first.
    pub const ALL: [Scale; 3] = [Scale::District, Scale::City, Scale::National];

    /// The word for the scale: `district`, `city` or `national`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::District => "district",
            Scale::City => "city",
            Scale::National => "national",
        }
    }

    /// The division code prefix the scale imports by default.
    pub fn prefix(self) -> &'static str {
        match self {
            Scale::District => "310113",
            Scale::City => "31",
            Scale::National => "all",
        }
    }

    fn density(self) -> Density {
        match self {
            Scale::District => Density { communities: 1.8, units: (10, 26), grids: (1, 3) },
            Scale::City => Density { communities: 1.8, units: (24, 46), grids: (1, 4) },
            Scale::National => Density { communities: 1.0, units: (1, 7), grids: (1, 1) },
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scale {
    type Err = Error;

    /// Parses `district`, `city` or `national`.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::generate::Scale;
    /// assert_eq!("city".parse::<Scale>().unwrap(), Scale::City);
    /// let err = "town".parse::<Scale>().unwrap_err();
    /// assert_eq!(err.to_string(), r#"generator scale: unknown scale "town"; expected district, city or national"#);
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        Scale::ALL.into_iter().find(|x| x.as_str() == s.trim()).ok_or_else(|| Error::Invalid {
            what: "generator scale".into(),
            message: format!("unknown scale {s:?}; expected district, city or national"),
        })
    }
}

/// The density of the synthetic structure.
#[derive(Debug, Clone, Copy)]
struct Density {
    /// Multiplier on the national average number of communities/villages per township.
    communities: f64,
    /// Enterprises, social organisations and public institutions per community (inclusive range).
    units: (u32, u32),
    /// Grids per community (inclusive range).
    grids: (u32, u32),
}

/// Options of the generator: the scale, the seed and, optionally, another division prefix.
///
/// # Example
/// ```
/// use tiaokuai::generate::{GenerateOptions, Scale};
/// // One street at the district scale's density.
/// let model = GenerateOptions::new(Scale::District, 3).prefix("310113003").generate()?;
/// assert!(model.contains("310113003-gw"));
/// assert!(!model.contains("310113101"));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GenerateOptions {
    /// The scale: sets the density and the default division prefix.
    pub scale: Scale,
    /// The seed of the random numbers.
    pub seed: u64,
    /// A division code prefix replacing the scale's (see [`crate::divisions::import`]).
    pub prefix: Option<String>,
    /// Dated history (issue #12): about a quarter of the links and a twelfth of the units
    /// start, end, or both, on a day, month or year within 2008–2023 (same seed, same
    /// dates). A link's own dates are kept within its ends' lives, as real data has them (a
    /// unit founded in 2021 is not led from 2013), except about one link in fifty of those
    /// that would fall outside, which keeps its dates and is marked `T002`. The records and
    /// links are those of the model without history; with [`people`](Self::people), a term
    /// wholly outside its unit's life is left out (the first of a post in a unit dissolved
    /// before the terms begin is held over the unit's life instead).
    pub history: bool,
    /// Meetings (issue #15): each community holds one to three meetings a year in
    /// 2021–2023, at least one of the three kinds (三会), except about one community-year
    /// in twenty (M001); the first community of each street hears the street's projects in
    /// its first meeting, except in about one street in ten (M002). Same seed, same
    /// meetings; the records and links are those of the model without meetings.
    pub meetings: bool,
    /// People (issue #14): a principal for every Party organisation, government,
    /// department, agency and residents'/villagers' committee (secretary, head or
    /// director), with a decade of terms from 2012 (successors, re-appointments, 一肩挑 in
    /// most villages and many communities, cross-appointment elsewhere), and community
    /// workers on their career scale at the Shanghai ratio of 18 per 10,000 residents of
    /// each township's `attrs.population`. Pseudonymous ids (`p-<unit or township>-<n>`), no
    /// names. Deliberate P-gaps at small rates, marked on the `holds` link (or the
    /// township) with `attrs.gaps`: `P001` on the last term of a post left vacant in
    /// 2022–2023, `P002` on a second holder's overlapping term, `P003` on a grade outside
    /// its band, `P004` on a township with too few workers, `P005` on the secretary's term
    /// of a community Party organisation no member of which holds a post in its committee.
    /// Same seed, same people; the other records and links are those of the model
    /// without people, and without the flag the output is unchanged.
    pub people: bool,
}

impl GenerateOptions {
    /// Options for a scale and a seed.
    pub fn new(scale: Scale, seed: u64) -> Self {
        GenerateOptions { scale, seed, prefix: None, history: false, meetings: false, people: false }
    }

    /// Gives the model people and their posts; see [`GenerateOptions::people`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::generate::{GenerateOptions, Scale};
    /// let model = GenerateOptions::new(Scale::District, 1).people(true).generate()?;
    /// assert!(model.has_people());
    /// let plain = GenerateOptions::new(Scale::District, 1).generate()?;
    /// assert!(!plain.has_people());
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn people(mut self, people: bool) -> Self {
        self.people = people;
        self
    }

    /// Gives the model dated history; see [`GenerateOptions::history`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::generate::{GenerateOptions, Scale};
    /// let model = GenerateOptions::new(Scale::District, 1).history(true).generate()?;
    /// let dated = model.document_links().filter(|(_, l)| !l.validity.is_empty()).count();
    /// assert!(dated * 5 >= model.link_count(), "at least a fifth of the links are dated");
    /// assert!(model.is_dated());
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn history(mut self, history: bool) -> Self {
        self.history = history;
        self
    }

    /// Gives the model meetings; see [`GenerateOptions::meetings`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::generate::{GenerateOptions, Scale};
    /// let model = GenerateOptions::new(Scale::District, 1).meetings(true).generate()?;
    /// assert!(model.meetings().len() > 1000);
    /// let plain = GenerateOptions::new(Scale::District, 1).generate()?;
    /// assert_eq!((plain.len(), plain.link_count()), (model.len(), model.link_count()));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn meetings(mut self, meetings: bool) -> Self {
        self.meetings = meetings;
        self
    }

    /// Generates on another part of the division tree (`"all"`, or a 2-, 4-, 6- or 9-digit code).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Generates the model on the embedded NBS 2023 divisions.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a bad division prefix.
    #[cfg(feature = "divisions")]
    pub fn generate(&self) -> Result<Model> {
        self.generate_on(Divisions::embedded())
    }

    /// Generates the model on other division tables.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a bad division prefix.
    pub fn generate_on(&self, divisions: &Divisions) -> Result<Model> {
        Generator::run(divisions, self)
    }
}

/// Generates a synthetic model at a scale, deterministically for a seed.
///
/// # Errors
/// None in practice; the generator's own output is validated as it is built.
///
/// # Example
/// ```
/// use tiaokuai::generate::{generate, Scale};
/// let a = generate(Scale::District, 1)?;
/// let b = generate(Scale::District, 2)?;
/// assert_ne!(a.to_json(), b.to_json());
/// assert!(a.contains("310113-dw")); // 中共宝山区委员会
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[cfg(feature = "divisions")]
pub fn generate(scale: Scale, seed: u64) -> Result<Model> {
    GenerateOptions::new(scale, seed).generate()
}

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and fixed forever here.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        let mut r = Rng(seed);
        r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// A uniform number in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// A uniform number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u32) as usize]
    }
}

/// Mixes a seed with a code into an independent stream seed.
fn stream(seed: u64, code: &str) -> u64 {
    let mut h = seed ^ 0x5851_F42D_4C95_7F2D;
    for b in code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    Rng(h).next_u64()
}

// ---------------------------------------------------------------------------
// Vocabulary: departments, agencies, matters, name pools
// ---------------------------------------------------------------------------

/// District departments: id suffix, name template (`{d}` = district name), sector party?
const DEPARTMENTS: [(&str, &str, bool); 10] = [
    ("zzb", "中共{d}委员会组织部", true),
    ("gaj", "{d}公安分局", false),
    ("scjgj", "{d}市场监督管理局", false),
    ("cgj", "{d}城市管理行政执法局", false),
    ("fgj", "{d}房屋管理局", false),
    ("sfj", "{d}司法局", false),
    ("mzj", "{d}民政局", false),
    ("sthjj", "{d}生态环境局", false),
    ("yjglj", "{d}应急管理局", false),
    ("tcb", "{d}投资促进办公室", false),
];

/// Stationed agencies: id suffix, department, name template (`{d}` district, `{s}` township short name, `{t}` township).
const AGENCIES: [(&str, &str, &str); 5] = [
    ("pcs", "gaj", "{d}公安分局{s}派出所"),
    ("scjgs", "scjgj", "{d}市场监管局{s}市场监管所"),
    ("cgzd", "cgj", "{d}城管执法局{t}中队"),
    ("sfs", "sfj", "{d}司法局{s}司法所"),
    ("fgb", "fgj", "{t}房管办"),
];

/// The matters catalogue: id, name, list, category, responsible department.
const MATTERS: [(&str, &str, MatterList, &str, &str); 12] = [
    ("street-vending", "占道经营", MatterList::Basic, "urban_management", "cgj"),
    ("garbage-sorting", "生活垃圾分类", MatterList::Basic, "greening_sanitation", "cgj"),
    ("eldercare", "养老服务", MatterList::Basic, "civil_affairs", "mzj"),
    ("property-disputes", "物业纠纷调处", MatterList::Basic, "housing", "fgj"),
    ("illegal-construction", "违法建筑治理", MatterList::Cooperating, "urban_management", "cgj"),
    ("fire-safety", "消防安全", MatterList::Cooperating, "emergency_management", "yjglj"),
    ("group-rental", "群租整治", MatterList::Cooperating, "housing", "fgj"),
    ("community-correction", "社区矫正", MatterList::Cooperating, "justice", "sfj"),
    ("food-safety", "食品安全监管", MatterList::Recalled, "market_regulation", "scjgj"),
    ("pollution-enforcement", "环境污染执法", MatterList::Recalled, "environment", "sthjj"),
    ("special-equipment", "特种设备安全监察", MatterList::Recalled, "market_regulation", "scjgj"),
    ("investment", "招商引资", MatterList::Recalled, "investment_attraction", "tcb"),
];

const COMMUNITY_WORDS: &[&str] = &[
    "海棠", "丹桂", "银杏", "紫藤", "香樟", "玉兰", "翠竹", "青松", "锦绣", "和平", "春晖", "阳光", "绿洲", "金桥",
    "明珠", "滨河", "东盛", "西林", "南苑", "北园", "星河", "安居", "乐业", "祥和", "新华", "建设", "振兴", "幸福",
    "望海", "临江", "聚丰", "永安", "嘉和", "瑞景", "怡景", "康乐", "长寿", "兴隆", "福泉", "晨光", "朝阳", "晓园",
    "秀水", "清源", "碧波", "云帆", "宏图", "雅居", "颐和", "松鹤", "桂林", "荷花", "梅园", "竹园", "兰亭", "杏林",
];
const COMMUNITY_SUFFIX: &[&str] = &["新村", "花园", "家园", "苑", "公寓", "小区", "一村", "二村", "三村", "北区"];
const VILLAGE_WORDS: &[&str] = &[
    "塘湾", "沈宅", "陈家", "王家", "朱家", "杨家", "新丰", "联合", "胜利", "东方", "红星", "光明", "永丰", "前进",
    "民主", "团结", "先锋", "联民", "新民", "建华", "金星", "东林", "西浜", "南塘", "北潘", "周宅", "毛家", "严家",
    "李庄", "张湾", "刘集", "赵村", "孙岗", "马桥", "高庄", "大树", "小河", "石桥", "柳林", "桃园", "枣林", "双井",
];
const FIRM_WORDS: &[&str] = &[
    "恒川", "聚能", "远帆", "星澜", "海岳", "博睿", "佳禾", "汇智", "启航", "臻美", "云栖", "瑞丰", "沁源", "澄明",
    "德润", "嘉誉", "朗峰", "铭泰", "诺锐", "品匠", "乾元", "润泽", "盛启", "拓维", "万象", "新航", "卓越", "宇恒",
];
const FIRM_TRADES: &[&str] = &[
    "科技",
    "智能装备",
    "物流",
    "新材料",
    "软件",
    "生物医药",
    "供应链管理",
    "建筑设计",
    "检测技术",
    "电子商务",
    "文化传媒",
    "环保科技",
    "精密机械",
    "信息技术",
    "餐饮管理",
    "人力资源",
    "国际贸易",
    "汽车零部件",
    "农业发展",
];
const FOREIGN_WORDS: &[&str] = &["维斯特", "卡斯顿", "莱恩", "奥德利", "贝尔纳", "霍夫曼", "菲利克斯", "阿尔玛"];
const SOE_TRADES: &[&str] = &["城市建设", "资产经营", "环境工程", "水务", "物业管理", "产业投资", "交通运输"];
const SOCIAL_KINDS: &[&str] = &[
    "睦邻互助社",
    "志愿者服务社",
    "助老服务社",
    "书画协会",
    "青少年服务中心",
    "调解工作室",
    "健身指导站",
    "文化艺术团",
];
const INSTITUTION_KINDS: &[&str] =
    &["小学", "幼儿园", "文化活动中心", "长者照护之家", "初级中学", "图书馆", "卫生服务站", "职业技术学校"];
const NEEDS: &[&str] = &[
    "老年助餐",
    "双职工子女暑期看护",
    "居民夜间停车难",
    "老旧小区加装电梯",
    "居民法律咨询",
    "困难群体就业帮扶",
    "社区环境整治",
    "青少年课后托管",
];
const RESOURCES: &[&str] = &[
    "企业食堂错时开放",
    "学校场地开放",
    "青年志愿者服务队",
    "单位停车位夜间共享",
    "律师志愿者公益法律服务",
    "企业健身房向居民开放",
    "国企公益性岗位",
    "医院义诊服务",
];

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// Gap markers, as bit flags on planned records.
mod gap {
    pub const C001: u16 = 1;
    pub const C002: u16 = 1 << 1;
    pub const C003: u16 = 1 << 2;
    pub const C005: u16 = 1 << 3;
    pub const D001: u16 = 1 << 4;
    pub const C004: u16 = 1 << 5;
    pub const CODES: [(u16, &str); 6] =
        [(C001, "C001"), (C002, "C002"), (C003, "C003"), (C004, "C004"), (C005, "C005"), (D001, "D001")];
}

/// `{"gaps": [...]}` for some audit rule codes.
fn gaps(codes: &[&str]) -> Attrs {
    let list: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
    Attrs::from_json(&format!("{{\"gaps\":[{}]}}", list.join(","))).expect("a JSON object")
}

/// Adds a gap code to a link's `attrs.gaps`, keeping its other attrs.
fn mark(spec: &mut LinkSpec, code: &str) {
    let mut map = spec.attrs.as_ref().map(Attrs::to_map).unwrap_or_default();
    match map.entry("gaps").or_insert_with(|| serde_json::json!([])) {
        serde_json::Value::Array(list) => list.push(code.into()),
        other => *other = serde_json::json!([code]),
    }
    spec.attrs = Some(Attrs::from_map(&map));
}

fn gap_attrs(flags: u16) -> Option<Attrs> {
    if flags == 0 {
        return None;
    }
    let codes: Vec<&str> = gap::CODES.iter().filter(|(f, _)| flags & f != 0).map(|(_, c)| *c).collect();
    Some(gaps(&codes))
}

/// The Party committee and government of a division above the township level.
#[derive(Debug, Clone)]
struct Leaders {
    party: String,
    gov: String,
}

/// A unit planned in a community, before it is written.
#[derive(Debug)]
struct PlannedUnit {
    id: String,
    community: u32,
    kind: UnitKind,
    sector: Sector,
    members: u32,
    staff: u32,
    /// Own Party organisation: its kind, and whether it registers.
    own: Option<(UnitKind, bool)>,
    instructs: bool,
    mass: bool,
    gaps: u16,
    org_gaps: u16,
}

#[derive(Debug)]
struct PlannedCommunity {
    id: String,
    name: String,
    village: bool,
    /// The Party organisation's id, when it has one.
    party: Option<String>,
    units: std::ops::Range<usize>,
}

struct Generator<'d> {
    b: ModelBuilder,
    density: Density,
    seed: u64,
    /// Leaders of every division above the township level, by code.
    leaders: HashMap<&'d str, Leaders>,
    /// The names of districts, by code.
    district_names: HashMap<&'d str, &'d str>,
    /// With `--history`: the random numbers of the dates, a stream of their own so the
    /// structure is the same with and without history.
    history: Option<Rng>,
    /// With `--history`: the units given dates, by id, so that their links' dates are
    /// kept within their lives ([`Generator::within_ends`]).
    dated: HashMap<String, Validity>,
    /// With `--history` and `--people`: the unit and post of the last term added
    /// ([`Generator::hold`]; the unit's id in a buffer reused from term to term).
    last_term: (String, Option<Post>),
    /// With `--meetings`: the random numbers of the meetings, a stream of their own.
    meetings: Option<Rng>,
    /// With `--people`: the units to staff, collected as they are added (id, kind), and
    /// staffed at the end of each division.
    staff: Option<Vec<(String, UnitKind)>>,
}

fn short_place(name: &str) -> &str {
    let chars = name.chars().count();
    if chars > 2 {
        for suffix in ["区", "县", "市", "旗"] {
            if let Some(s) = name.strip_suffix(suffix) {
                return s;
            }
        }
    }
    name
}

fn short_township(name: &str) -> &str {
    for suffix in ["街道办事处", "街道", "民族乡", "镇", "乡"] {
        if let Some(s) = name.strip_suffix(suffix)
            && !s.is_empty()
        {
            return s;
        }
    }
    name
}

impl<'d> Generator<'d> {
    fn run(divisions: &'d Divisions, options: &GenerateOptions) -> Result<Model> {
        let density = options.scale.density();
        let prefix = options.prefix.as_deref().unwrap_or(options.scale.prefix());
        let tree = divisions.tree(prefix)?;
        let townships = tree.iter().filter(|e| e.level == DivisionLevel::Township).count();
        // Rough size estimate, to reserve the graph's storage once.
        let per_community = f64::from(density.units.0 + density.units.1) / 2.0 * 1.45 + 3.0;
        let communities = townships as f64 * 14.5 * density.communities;
        let records = (communities * (per_community + 1.0 + f64::from(density.grids.0 + density.grids.1) / 2.0)
            + townships as f64 * 14.0) as usize
            + tree.len();
        // About 1.3 links per record at Shanghai's density, 1.5 at the national one.
        let links = (records as f64 * 1.6) as usize;
        let mut b = ModelBuilder::with_capacity(records, links);
        for e in &tree {
            let mut spec = crate::divisions::territory_spec(e);
            if options.people && e.level == DivisionLevel::Township {
                spec.attrs = Some(township_population_attrs(options.seed, e.id, spec.attrs.as_ref()));
            }
            b.territory(spec)?;
        }
        let meta = divisions.meta(
            prefix,
            &tree,
            &[
                ("structure", "synthetic (tiaokuai generate); attrs.gaps marks deliberate imperfections".into()),
                ("scale", options.scale.as_str().into()),
                ("seed", options.seed.into()),
            ],
        );
        let mut meta_map = meta.to_map();
        if let Some(serde_json::Value::String(name)) = meta_map.get_mut("name") {
            *name = format!("{name} (synthetic, {} scale, seed {})", options.scale, options.seed);
        }
        b.meta(Attrs::from_map(&meta_map));
        let mut g = Generator {
            b,
            density,
            seed: options.seed,
            leaders: HashMap::new(),
            district_names: HashMap::new(),
            history: options.history.then(|| Rng::new(stream(options.seed, "history"))),
            dated: HashMap::new(),
            last_term: (String::new(), None),
            meetings: options.meetings.then(|| Rng::new(stream(options.seed, "meetings"))),
            staff: options.people.then(Vec::new),
        };
        for (id, name, list, category, _) in MATTERS {
            g.b.matter(MatterSpec::new(id, name, list).category(category))?;
        }
        for e in &tree {
            match e.level {
                DivisionLevel::Township => g.township(e)?,
                DivisionLevel::County => g.district(e)?,
                _ => g.upper(e)?,
            }
        }
        g.b.build()
    }

    fn unit(&mut self, id: &str, name: &str, kind: UnitKind, sector: Sector) -> Result<()> {
        self.add_unit(UnitSpec::new(id, name, kind).sector(sector))?;
        Ok(())
    }

    /// A random date of 2008–2023 (`--history`): a day mostly, else a month or a year.
    fn history_date(h: &mut Rng) -> Option<Date> {
        let year = 2008 + h.below(16);
        match h.below(10) {
            0 => Date::year_of(year),
            1 | 2 => Date::month_of(year, 1 + h.below(12)),
            _ => Date::new(year, 1 + h.below(12), 1 + h.below(28)),
        }
    }

    /// Random validity: founded (since) mostly, ended (until) or both sometimes.
    fn history_validity(h: &mut Rng) -> Validity {
        let (a, b) = (Self::history_date(h), Self::history_date(h));
        match h.below(10) {
            0..=6 => Validity::new(a, None),
            7 | 8 => Validity::new(None, a),
            _ => Validity::new(a.min(b), a.max(b)),
        }
    }

    /// Adds a unit; with `--history`, some are founded or dissolved within 2008–2023.
    fn add_unit(&mut self, mut spec: UnitSpec) -> Result<Node> {
        if let Some(h) = &mut self.history
            && h.chance(0.08)
        {
            spec.validity = Self::history_validity(h);
            self.dated.insert(spec.id.clone(), spec.validity);
        }
        if let Some(staff) = &mut self.staff
            && crate::people::needs_principal(&spec.kind)
        {
            staff.push((spec.id.clone(), spec.kind));
        }
        self.b.unit(spec)
    }

    /// Adds a link; with `--history`, about a quarter of them start, end, or both within 2008–2023.
    fn add_link(&mut self, mut spec: LinkSpec) -> Result<LinkId> {
        if let Some(h) = &mut self.history
            && h.chance(0.25)
        {
            spec.validity = Self::history_validity(h);
        }
        if !self.within_ends(&mut spec) {
            // Its own dates never meet an end's life: it follows its ends instead.
            spec.validity = Validity::default();
        }
        self.b.link(spec)
    }

    /// With `--history`: keeps a link's own dates within the lives of its dated ends, as
    /// real data has them (a unit founded in 2021 is led, and has posts held in it, from
    /// 2021, not from 2013): a start before an end's start moves to it, an end after an
    /// end's end likewise. `false` when the dates then allow no day in both lives. About one
    /// link in fifty that would be in force on a day an end is not (rule T002) keeps its
    /// dates instead, marked `{"gaps": ["T002"]}`. A link without dates of its own follows
    /// its ends and is left alone.
    fn within_ends(&mut self, spec: &mut LinkSpec) -> bool {
        let own = spec.validity;
        if own.is_empty() || self.dated.is_empty() {
            return true;
        }
        let ends = [self.dated.get(spec.from.as_str()).copied(), self.dated.get(spec.to.as_str()).copied()];
        let ends = ends.into_iter().flatten();
        if !ends.clone().any(|end| crate::audit::outside(own, end, true).is_some()) {
            return true;
        }
        if let Some(h) = &mut self.history
            && h.chance(0.02)
        {
            mark(spec, "T002");
            return true;
        }
        let mut v = own;
        for end in ends.clone() {
            if let (Some(i), Some(o)) = (v.since, end.since)
                && i.first_day() < o.last_day()
            {
                v.since = Some(o);
            }
            if let (Some(i), Some(o)) = (v.until, end.until)
                && i.last_day() > o.first_day()
            {
                v.until = Some(o);
            }
        }
        spec.validity = v;
        !v.never() && !ends.into_iter().any(|end| crate::audit::outside(v, end, true).is_some())
    }

    fn link(&mut self, from: &str, to: &str, kind: LinkKind) -> Result<()> {
        self.add_link(LinkSpec::new(from, to, kind))?;
        Ok(())
    }

    /// Country, province, prefecture: a Party committee and a government, led from above.
    fn upper(&mut self, e: &TreeEntry<'d>) -> Result<()> {
        let above = e.parent.and_then(|p| self.leaders.get(p)).cloned();
        // A province's "省直辖县级行政区划" row groups counties but has no committee of its own.
        if e.level == DivisionLevel::Prefecture && e.name.contains("直辖") {
            if let Some(l) = above {
                self.leaders.insert(e.id, l);
            }
            return Ok(());
        }
        let (party, party_name, gov, gov_name) = if e.level == DivisionLevel::Country {
            (
                format!("{}-zy", e.id),
                "中国共产党中央委员会".to_string(),
                format!("{}-gwy", e.id),
                "中华人民共和国国务院".to_string(),
            )
        } else {
            (
                format!("{}-sw", e.id),
                format!("中共{}委员会", e.name),
                format!("{}-gov", e.id),
                format!("{}人民政府", e.name),
            )
        };
        self.unit(&party, &party_name, UnitKind::PartyCommittee, Sector::Party)?;
        self.link(&party, e.id, LinkKind::Jurisdiction)?;
        self.unit(&gov, &gov_name, UnitKind::Government, Sector::Government)?;
        self.link(&gov, e.id, LinkKind::Jurisdiction)?;
        if let Some(l) = above {
            self.link(&l.party, &party, LinkKind::Leads)?;
            self.link(&l.gov, &gov, LinkKind::Leads)?;
        }
        self.leaders.insert(e.id, Leaders { party, gov });
        self.people_of(e.id, &[], None)
    }

    /// A district or county: committee, government, departments, union, and its matters.
    fn district(&mut self, e: &TreeEntry<'d>) -> Result<()> {
        let d = e.id;
        let above = e.parent.and_then(|p| self.leaders.get(p)).cloned();
        let party = format!("{d}-dw");
        let gov = format!("{d}-gov");
        self.unit(&party, &format!("中共{}委员会", e.name), UnitKind::PartyCommittee, Sector::Party)?;
        self.link(&party, d, LinkKind::Jurisdiction)?;
        self.unit(&gov, &format!("{}人民政府", e.name), UnitKind::Government, Sector::Government)?;
        self.link(&gov, d, LinkKind::Jurisdiction)?;
        if let Some(l) = &above {
            self.link(&l.party, &party, LinkKind::Leads)?;
            self.link(&l.gov, &gov, LinkKind::Leads)?;
        }
        for (suffix, template, is_party) in DEPARTMENTS {
            let id = format!("{d}-{suffix}");
            let sector = if is_party { Sector::Party } else { Sector::Government };
            self.unit(&id, &template.replace("{d}", e.name), UnitKind::Department, sector)?;
            self.link(if is_party { &party } else { &gov }, &id, LinkKind::Leads)?;
            self.link(&id, d, LinkKind::Jurisdiction)?;
        }
        let union = format!("{d}-zgh");
        self.add_unit(
            UnitSpec::new(&union, format!("{}总工会", e.name), UnitKind::MassOrganization)
                .sector(Sector::Mass)
                .located_in(d),
        )?;
        self.link(&party, &union, LinkKind::Leads)?;
        // District-level responsibilities: departments supervise basic matters, lead recalled ones.
        for (matter, _, list, _, dept) in MATTERS {
            let role = match list {
                MatterList::Basic => Role::Supervise,
                MatterList::Recalled => Role::Lead,
                MatterList::Cooperating => continue,
            };
            self.add_link(LinkSpec::new(format!("{d}-{dept}"), matter, LinkKind::Responsible).role(role))?;
        }
        self.leaders.insert(d, Leaders { party, gov });
        self.people_of(d, &[], None)?;
        self.district_names.insert(d, e.name);
        Ok(())
    }

    /// A township-level unit and everything inside it.
    fn township(&mut self, e: &TreeEntry<'d>) -> Result<()> {
        let t = e.id;
        let d = e.parent.expect("a township lies in a county");
        let district_name = self.district_names.get(d).copied().unwrap_or("");
        let place = short_place(district_name).to_string();
        let short = short_township(e.name).to_string();
        let mut rng = Rng::new(stream(self.seed, t));
        let street = e.kind == TerritoryKind::Street;
        // Shanghai's own words: "居民区" for communities, "上海…有限公司" for firms.
        let shanghai = t.starts_with("31");
        let dw = format!("{d}-dw");
        let dgov = format!("{d}-gov");

        // Block units.
        let party = if street { format!("{t}-gw") } else { format!("{t}-dw") };
        let gov = format!("{t}-gov");
        let no_group = street && rng.chance(0.03);
        let (party_kind, party_name, gov_name) = match e.kind {
            TerritoryKind::Street => {
                (UnitKind::PartyWorkingCommittee, format!("{}党工委", e.name), format!("{}办事处", e.name))
            }
            TerritoryKind::Zone => {
                (UnitKind::PartyCommittee, format!("{}党委", e.name), format!("{}管理委员会", e.name))
            }
            _ => (UnitKind::PartyCommittee, format!("{}党委", e.name), format!("{}人民政府", e.name)),
        };
        let mut spec = UnitSpec::new(&party, party_name, party_kind).sector(Sector::Party);
        if no_group {
            spec = spec.attrs(gaps(&["S004"]));
        }
        self.add_unit(spec)?;
        self.link(&dw, &party, LinkKind::Leads)?;
        self.link(&party, t, LinkKind::Jurisdiction)?;
        self.unit(&gov, &gov_name, UnitKind::Government, Sector::Government)?;
        self.link(&dgov, &gov, LinkKind::Leads)?;
        self.link(&gov, t, LinkKind::Jurisdiction)?;
        let area_party = if street {
            // Shanghai's "1+2": one community Party committee and one administrative Party group.
            let sqdw = format!("{t}-sqdw");
            self.add_unit(
                UnitSpec::new(&sqdw, format!("{}社区党委", e.name), UnitKind::PartyCommittee)
                    .sector(Sector::Party)
                    .located_in(t),
            )?;
            self.link(&party, &sqdw, LinkKind::Leads)?;
            if !no_group {
                let xzdz = format!("{t}-xzdz");
                self.add_unit(
                    UnitSpec::new(&xzdz, format!("{}行政党组", e.name), UnitKind::PartyGroup)
                        .sector(Sector::Party)
                        .located_in(t),
                )?;
                self.link(&party, &xzdz, LinkKind::Leads)?;
            }
            sqdw
        } else {
            party.clone()
        };
        let zds = format!("{t}-zds");
        self.add_unit(
            UnitSpec::new(&zds, format!("{}党建指导员工作站", e.name), UnitKind::Custom("x-instructor_station".into()))
                .sector(Sector::PublicInstitution)
                .located_in(t),
        )?;
        self.link(&area_party, &zds, LinkKind::Leads)?;
        self.link(&format!("{d}-zzb"), &zds, LinkKind::Guides)?;
        let union = format!("{t}-zgh");
        self.add_unit(
            UnitSpec::new(&union, format!("{}总工会", e.name), UnitKind::MassOrganization)
                .sector(Sector::Mass)
                .located_in(t),
        )?;
        self.link(&format!("{d}-zgh"), &union, LinkKind::Leads)?;

        // Stationed agencies: police and market regulation everywhere, plus 1–3 others.
        let extra = rng.range(1, 3) as usize;
        let mut others: Vec<usize> = vec![2, 3, 4];
        for i in (1..others.len()).rev() {
            others.swap(i, rng.below(i as u32 + 1) as usize);
        }
        let mut chosen = vec![0, 1];
        chosen.extend(others.into_iter().take(extra));
        chosen.sort_unstable();
        // The agencies linked to the street (members of its joint meeting).
        let mut agencies = Vec::with_capacity(chosen.len());
        for a in chosen {
            let (suffix, dept, template) = AGENCIES[a];
            let id = format!("{t}-{suffix}");
            let name = template.replace("{d}", district_name).replace("{s}", &short).replace("{t}", e.name);
            let dept = format!("{d}-{dept}");
            let detached = rng.chance(0.003);
            let no_primary = !detached && rng.chance(0.01);
            let mut codes = Vec::new();
            if no_primary {
                codes.push("S002");
            }
            let powers: Vec<Power> = if detached {
                Vec::new()
            } else {
                let mut p = Vec::new();
                for (power, chance) in [
                    (Power::Advice, 0.6),
                    (Power::Consent, 0.97),
                    (Power::Assessment, 0.97),
                    (Power::Participation, 0.5),
                    (Power::Comprehensive, 0.4),
                ] {
                    if rng.chance(chance) {
                        p.push(power);
                    }
                }
                p
            };
            if !powers.contains(&Power::Consent) || !powers.contains(&Power::Assessment) {
                codes.push("B001");
            }
            if detached {
                codes.push("B002");
            }
            let mut spec =
                UnitSpec::new(&id, name, UnitKind::DispatchedAgency).sector(Sector::Government).located_in(t);
            if !codes.is_empty() {
                spec = spec.attrs(gaps(&codes));
            }
            self.add_unit(spec)?;
            self.link(&dept, &id, LinkKind::Dispatches)?;
            let lead = LinkSpec::new(&dept, &id, LinkKind::Leads);
            self.add_link(if no_primary { lead } else { lead.primary(true) })?;
            if !detached {
                self.link(&gov, &id, LinkKind::Leads)?;
            }
            for p in powers {
                self.add_link(LinkSpec::new(&gov, &id, LinkKind::Power).power(p))?;
            }
            if !detached {
                agencies.push(id);
            }
        }

        // Plan the communities and their units.
        let (lo, hi, village_share) = match e.kind {
            TerritoryKind::Street => (6.0, 18.0, 0.05),
            TerritoryKind::Town => (10.0, 24.0, 0.75),
            TerritoryKind::Township => (8.0, 20.0, 0.95),
            _ => (3.0, 9.0, 0.3),
        };
        // Shanghai's towns are largely urban: about a third of their units are villages (2014).
        let village_share = if shanghai { village_share * 0.5 } else { village_share };
        let scale = self.density.communities;
        let n_comm = rng.range((lo * scale).round() as u32, (hi * scale).round() as u32);
        let mut communities: Vec<PlannedCommunity> = Vec::with_capacity(n_comm as usize);
        let mut units: Vec<PlannedUnit> = Vec::new();
        let mut pool: Vec<usize> = Vec::new();
        for c in 1..=n_comm {
            let village = rng.chance(village_share);
            let id = format!("{t}-c{c:02}");
            let name = if village {
                format!("{}村", rng.pick(VILLAGE_WORDS))
            } else {
                let tail = if shanghai { "居民区" } else { "社区" };
                format!("{}{}{tail}", rng.pick(COMMUNITY_WORDS), rng.pick(COMMUNITY_SUFFIX))
            };
            let start = units.len();
            let n_units = rng.range(self.density.units.0, self.density.units.1);
            let mut counters = [0u32; 3];
            for _ in 0..n_units {
                let u = plan_unit(&mut rng, village, &id, c - 1, &mut counters);
                units.push(u);
                let i = units.len() - 1;
                if units[i].members > 0 && units[i].members < 3 && units[i].gaps & gap::C002 == 0 {
                    pool.push(i);
                }
            }
            communities.push(PlannedCommunity { id, name, village, party: None, units: start..units.len() });
        }
        let joint = plan_joint_branches(&mut rng, &mut units, &pool);

        // Write the communities, their units and own Party organisations.
        let mut unit_pick: Vec<usize> = Vec::new();
        for community in communities.iter_mut() {
            let cid = community.id.clone();
            let cname = community.name.clone();
            let village = community.village;
            let no_party = rng.chance(0.003);
            let no_committee = rng.chance(0.003);
            let mut codes = Vec::new();
            if no_party {
                codes.push("C006");
            }
            if no_committee {
                codes.push("C007");
            }
            let households = rng.range(30, 300) * 10;
            let attrs = if codes.is_empty() {
                format!("{{\"households\":{households}}}")
            } else {
                let list: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
                format!("{{\"households\":{households},\"gaps\":[{}]}}", list.join(","))
            };
            let kind = if village { TerritoryKind::Village } else { TerritoryKind::Community };
            self.b.territory(
                TerritorySpec::new(&cid, &cname, kind)
                    .parent(t)
                    .attrs(Attrs::from_json(&attrs).expect("a JSON object")),
            )?;
            // Party organisation.
            let party_id = format!("{cid}-party");
            if !no_party {
                let (pk, suffix) = match (village, rng.chance(0.5)) {
                    (false, true) => (UnitKind::PartyBranch, "党支部"),
                    (false, false) | (true, true) => (UnitKind::PartyGeneralBranch, "党总支"),
                    (true, false) => (UnitKind::PartyCommittee, "党委"),
                };
                let orphan = rng.chance(0.003);
                let members = match pk {
                    UnitKind::PartyBranch => rng.range(12, 50),
                    UnitKind::PartyGeneralBranch => rng.range(30, 100),
                    _ => rng.range(60, 300),
                };
                let mut spec = UnitSpec::new(&party_id, format!("{cname}{suffix}"), pk)
                    .sector(Sector::Party)
                    .located_in(&cid)
                    .members(members);
                if orphan {
                    spec = spec.attrs(gaps(&["S003"]));
                }
                self.add_unit(spec)?;
                self.link(&party_id, &cid, LinkKind::Jurisdiction)?;
                if !orphan {
                    self.link(&area_party, &party_id, LinkKind::Leads)?;
                }
                community.party = Some(party_id.clone());
            }
            // Residents' or villagers' committee.
            let committee = format!("{cid}-{}", if village { "vc" } else { "rc" });
            if !no_committee {
                let (kind, suffix) = if village {
                    (UnitKind::VillagersCommittee, "村民委员会")
                } else {
                    (UnitKind::ResidentsCommittee, "居民委员会")
                };
                let name = format!("{}{suffix}", cname.strip_suffix('村').unwrap_or(&cname));
                self.add_unit(UnitSpec::new(&committee, name, kind).sector(Sector::SelfGovernance).located_in(&cid))?;
                self.link(&committee, &cid, LinkKind::Jurisdiction)?;
                self.link(if no_party { &gov } else { &party_id }, &committee, LinkKind::Leads)?;
            }
            // Grids, held by the committee (or the township government when there is none).
            let holder = if no_committee { gov.clone() } else { committee.clone() };
            for g in 1..=rng.range(self.density.grids.0, self.density.grids.1) {
                let gid = format!("{cid}-g{g}");
                let unassigned = rng.chance(0.005);
                let mut spec = TerritorySpec::new(&gid, format!("{cname}第{g}网格"), TerritoryKind::Grid).parent(&cid);
                if unassigned {
                    spec = spec.attrs(gaps(&["C008"]));
                }
                self.b.territory(spec)?;
                if !unassigned {
                    self.link(&holder, &gid, LinkKind::Jurisdiction)?;
                }
            }
            // Units and their own Party organisations.
            let reg_target = community.party.clone().unwrap_or_else(|| party.clone());
            let range = community.units.clone();
            for ui in range.clone() {
                let u = &units[ui];
                let name = unit_name(&mut rng, u, (&place, district_name), &short, &cname, shanghai);
                let mut spec = UnitSpec::new(&u.id, name.clone(), u.kind).sector(u.sector).located_in(&cid);
                spec.members = Some(u.members);
                spec.staff = Some(u.staff);
                spec.attrs = gap_attrs(u.gaps);
                self.add_unit(spec)?;
                if u.kind == UnitKind::SocialOrganization {
                    self.link(&format!("{d}-mzj"), &u.id, LinkKind::Guides)?;
                }
                if u.instructs {
                    self.link(&zds, &u.id, LinkKind::Instructs)?;
                }
                if u.mass {
                    self.link(&union, &u.id, LinkKind::MassOrgOf)?;
                }
                if matches!(u.kind, UnitKind::Enterprise | UnitKind::PublicInstitution) {
                    unit_pick.push(ui);
                }
                if let Some((kind, registers)) = &u.own {
                    let org = format!("{}-party", u.id);
                    let suffix = match kind {
                        UnitKind::PartyCommittee => "党委",
                        UnitKind::PartyGeneralBranch => "党总支",
                        _ => "党支部",
                    };
                    let mut spec =
                        UnitSpec::new(&org, format!("{name}{suffix}"), *kind).sector(Sector::Party).located_in(&cid);
                    spec.members = Some(u.members);
                    spec.attrs = gap_attrs(u.org_gaps);
                    self.add_unit(spec)?;
                    self.link(&org, &u.id, LinkKind::PartyOrgOf)?;
                    self.link(&area_party, &org, LinkKind::Leads)?;
                    if *registers {
                        self.add_link(LinkSpec::new(&org, &reg_target, LinkKind::RegistersWith).members(u.members))?;
                    }
                }
            }
            // About one leadership cycle per 2,000 units: an owners' committee and
            // its property manager recorded as leading each other.
            let written = range.len() + range.clone().filter(|&i| units[i].own.is_some()).count() + 2;
            if !village && rng.chance(written as f64 / 2000.0) {
                let ywh = format!("{cid}-ywh");
                let wy = format!("{cid}-wy");
                let base = cname.strip_suffix("居民区").or_else(|| cname.strip_suffix("社区")).unwrap_or(&cname);
                self.add_unit(
                    UnitSpec::new(&ywh, format!("{base}业主委员会"), UnitKind::OwnersCommittee)
                        .sector(Sector::SelfGovernance)
                        .located_in(&cid)
                        .attrs(gaps(&["S001"])),
                )?;
                let mut spec = UnitSpec::new(
                    &wy,
                    format!("{place}{}物业管理有限公司", rng.pick(FIRM_WORDS)),
                    UnitKind::PropertyManager,
                )
                .sector(Sector::Private)
                .located_in(&cid)
                .members(0)
                .attrs(gaps(&["S001"]));
                spec.staff = Some(rng.range(10, 60));
                self.add_unit(spec)?;
                self.link(&ywh, &wy, LinkKind::Leads)?;
                self.link(&wy, &ywh, LinkKind::Leads)?;
                self.link(&zds, &wy, LinkKind::Instructs)?;
            }
        }

        // Joint branches of small units (at most five units each, a few wider by mistake).
        // A branch whose units all sit in one community is located there and registers with
        // the community's Party organisation; one spanning communities is set up at the
        // township level and registers with the township's Party (working) committee.
        for (n, group) in joint.iter().enumerate() {
            let first = units[group.units[0]].community;
            let one = group.units.iter().all(|&i| units[i].community == first);
            let community = &communities[first as usize];
            let (location, target) = if one {
                (community.id.as_str(), community.party.as_deref().unwrap_or(&party))
            } else {
                (t, party.as_str())
            };
            let jb = format!("{t}-jb{}", n + 1);
            let total: u32 = group.units.iter().map(|&i| units[i].members).sum();
            let mut spec = UnitSpec::new(&jb, format!("{}第{}联合党支部", e.name, n + 1), UnitKind::JointPartyBranch)
                .sector(Sector::Party)
                .located_in(location)
                .members(total);
            spec.attrs = gap_attrs(group.gaps);
            self.add_unit(spec)?;
            for &i in &group.units {
                self.link(&jb, &units[i].id, LinkKind::PartyOrgOf)?;
            }
            self.link(&area_party, &jb, LinkKind::Leads)?;
            if group.gaps & gap::D001 == 0 {
                self.add_link(LinkSpec::new(&jb, target, LinkKind::RegistersWith).members(total))?;
            }
        }

        // Matters: the township leads basic ones, cooperates on cooperating ones.
        let investment = rng.chance(if street { 0.002 } else { 0.01 });
        for (matter, _, list, _, dept) in MATTERS {
            let dept = format!("{d}-{dept}");
            match list {
                MatterList::Basic => {
                    if rng.chance(0.004) {
                        // Led by the department instead of the township (A003).
                        let l = LinkSpec::new(&dept, matter, LinkKind::Responsible).role(Role::Lead).scope(t);
                        self.add_link(LinkSpec { attrs: Some(gaps(&["A003"])), ..l })?;
                        self.add_link(LinkSpec::new(&gov, matter, LinkKind::Responsible).role(Role::Cooperate))?;
                    } else {
                        self.add_link(LinkSpec::new(&gov, matter, LinkKind::Responsible).role(Role::Lead))?;
                    }
                }
                MatterList::Cooperating => {
                    let r = rng.unit();
                    let coop = LinkSpec::new(&gov, matter, LinkKind::Responsible).role(Role::Cooperate);
                    if r < 0.006 {
                        // Nobody leads here (A001).
                        self.add_link(LinkSpec { attrs: Some(gaps(&["A001"])), ..coop })?;
                    } else {
                        self.add_link(LinkSpec::new(&dept, matter, LinkKind::Responsible).role(Role::Lead).scope(t))?;
                        if r < 0.01 {
                            // A second lead at the same level (A002).
                            let l = LinkSpec::new(format!("{d}-gaj"), matter, LinkKind::Responsible)
                                .role(Role::Lead)
                                .scope(t);
                            self.add_link(LinkSpec { attrs: Some(gaps(&["A002"])), ..l })?;
                        }
                        self.add_link(coop)?;
                    }
                }
                MatterList::Recalled => {
                    if matter == "investment" && investment {
                        // Still attracting investment (A004; a recalled matter with a street role, A003).
                        let l = LinkSpec::new(&gov, matter, LinkKind::Responsible).role(Role::Lead);
                        self.add_link(LinkSpec { attrs: Some(gaps(&["A003", "A004"])), ..l })?;
                    }
                }
            }
        }

        // Streets: the joint meeting and the three lists.
        // Streets have projects (`items`); the meetings of every township's communities follow.
        let mut projects = 0;
        if street {
            let jm = format!("{t}-jm");
            self.add_unit(
                UnitSpec::new(&jm, format!("{}区域化党建联席会议", e.name), UnitKind::JointMeeting)
                    .sector(Sector::Party)
                    .located_in(t),
            )?;
            self.link(&area_party, &jm, LinkKind::Leads)?;
            self.link(&gov, &jm, LinkKind::MemberOf)?;
            for a in &agencies {
                self.link(a, &jm, LinkKind::MemberOf)?;
            }
            for c in &communities {
                if let Some(p) = &c.party {
                    self.link(p, &jm, LinkKind::MemberOf)?;
                }
            }
            projects = self.items(&mut rng, t, &jm, &gov, &communities, &units, &unit_pick)?;
        }
        self.meetings_of(t, &communities, projects)?;
        self.people_of(t, &communities, Some(&gov))
    }

    /// With `--meetings`: the meetings of a street's communities (see [`GenerateOptions::meetings`]);
    /// `projects` is the number of the street's projects (`{t}-proj1` …).
    fn meetings_of(&mut self, t: &str, communities: &[PlannedCommunity], projects: usize) -> Result<()> {
        use crate::meetings::MeetingSpec;
        use crate::model::MeetingKind;
        let Some(mut rng) = self.meetings.take() else { return Ok(()) };
        let three = [MeetingKind::Hearing, MeetingKind::Coordination, MeetingKind::Evaluation];
        let hear_projects = !rng.chance(0.1);
        let mut result = Ok(());
        'all: for (ci, c) in communities.iter().enumerate() {
            for year in 2021..=2023u32 {
                let first = ci == 0 && year == 2021;
                if !first && rng.chance(0.05) {
                    continue; // a year without the three meetings: M001
                }
                for k in 0..rng.range(1, 3) {
                    let kind = if k == 0 {
                        three[rng.below(3) as usize]
                    } else {
                        [
                            MeetingKind::Hearing,
                            MeetingKind::Coordination,
                            MeetingKind::Evaluation,
                            MeetingKind::Consultation,
                        ][rng.below(4) as usize]
                    };
                    let (kind, month) =
                        if first && k == 0 { (MeetingKind::Hearing, 1) } else { (kind, 1 + rng.below(12)) };
                    let date = Date::new(year, month, 1 + rng.below(28)).expect("a day of 2021-2023");
                    let mut spec = MeetingSpec::new(format!("{}-m{year}-{}", c.id, k + 1), kind, &c.id, date);
                    spec.convener = c.party.clone();
                    if first && k == 0 && hear_projects {
                        spec.topics = (1..=projects).map(|j| format!("{t}-proj{j}")).collect();
                    }
                    if let Err(e) = self.b.meeting(spec) {
                        result = Err(e);
                        break 'all;
                    }
                }
            }
        }
        self.meetings = Some(rng);
        result
    }

    /// Needs, resources and projects of a street: most needs met, most resources used.
    #[allow(clippy::too_many_arguments)]
    fn items(
        &mut self,
        rng: &mut Rng,
        t: &str,
        jm: &str,
        gov: &str,
        communities: &[PlannedCommunity],
        units: &[PlannedUnit],
        unit_pick: &[usize],
    ) -> Result<usize> {
        let n_needs = rng.range(2, 3) as usize;
        let n_res = rng.range(2, 3) as usize;
        let n_proj = rng.range(1, n_needs as u32) as usize;
        let need_off = rng.below(NEEDS.len() as u32) as usize;
        let res_off = rng.below(RESOURCES.len() as u32) as usize;
        // Project j meets need j and uses resource j; the last one sometimes also the next resource.
        let extra_use = n_proj < n_res && rng.chance(0.5);
        let used = |r: usize| r < n_proj || (extra_use && r == n_proj);
        for i in 0..n_needs {
            let id = format!("{t}-need{}", i + 1);
            let mut spec = ItemSpec::new(&id, NEEDS[(need_off + i) % NEEDS.len()], ItemList::Need);
            if i >= n_proj {
                spec.attrs = Some(gaps(&["L001"]));
            }
            self.b.item(spec)?;
            let c = &communities[rng.below(communities.len() as u32) as usize];
            self.link(c.party.as_deref().unwrap_or(gov), &id, LinkKind::Raises)?;
        }
        for i in 0..n_res {
            let id = format!("{t}-res{}", i + 1);
            let mut spec = ItemSpec::new(&id, RESOURCES[(res_off + i) % RESOURCES.len()], ItemList::Resource);
            if !used(i) {
                spec.attrs = Some(gaps(&["L002"]));
            }
            self.b.item(spec)?;
            let who = if unit_pick.is_empty() { gov } else { &units[*rng.pick(unit_pick)].id };
            self.link(who, &id, LinkKind::Offers)?;
        }
        for j in 0..n_proj {
            let id = format!("{t}-proj{}", j + 1);
            let need = NEEDS[(need_off + j) % NEEDS.len()];
            self.b.item(ItemSpec::new(&id, format!("{need}共建项目"), ItemList::Project))?;
            self.link(jm, &id, LinkKind::Undertakes)?;
            self.link(&id, &format!("{t}-need{}", j + 1), LinkKind::Fulfils)?;
            if j < n_res {
                self.link(&id, &format!("{t}-res{}", j + 1), LinkKind::Uses)?;
            }
            if j + 1 == n_proj && extra_use {
                self.link(&id, &format!("{t}-res{}", j + 2), LinkKind::Uses)?;
            }
        }
        Ok(n_proj)
    }
}

/// Plans one enterprise, social organisation or public institution of a community,
/// with its members and how it is covered (own organisation, joint-branch pool,
/// instructor, union branch, or deliberately nothing).
fn plan_unit(rng: &mut Rng, village: bool, cid: &str, community: u32, counters: &mut [u32; 3]) -> PlannedUnit {
    let r = rng.unit();
    let (kind, sector) = match (village, r) {
        (true, r) if r < 0.12 => (UnitKind::PublicInstitution, Sector::PublicInstitution),
        (true, r) if r < 0.20 => (UnitKind::SocialOrganization, Sector::Social),
        (true, r) if r < 0.88 => (UnitKind::Enterprise, Sector::Private),
        (true, r) if r < 0.90 => (UnitKind::Enterprise, Sector::Foreign),
        (false, r) if r < 0.20 => (UnitKind::PublicInstitution, Sector::PublicInstitution),
        (false, r) if r < 0.45 => (UnitKind::SocialOrganization, Sector::Social),
        (false, r) if r < 0.87 => (UnitKind::Enterprise, Sector::Private),
        (false, r) if r < 0.92 => (UnitKind::Enterprise, Sector::Foreign),
        _ => (UnitKind::Enterprise, Sector::StateOwned),
    };
    // In-system units more often have three or more members (体制内强于体制外).
    let p3 = match sector {
        Sector::PublicInstitution => 0.6,
        Sector::StateOwned => 0.7,
        Sector::Private => 0.22,
        Sector::Foreign => 0.15,
        _ => 0.12,
    };
    let members = if rng.chance(p3) {
        let r = rng.unit();
        if r < 0.8 {
            rng.range(3, 15)
        } else if r < 0.97 {
            rng.range(16, 50)
        } else {
            rng.range(51, 150)
        }
    } else {
        let r = rng.unit();
        if r < 0.45 {
            0
        } else if r < 0.75 {
            1
        } else {
            2
        }
    };
    let staff = (members * rng.range(3, 9)).max(rng.range(5, 60));
    let (slot, letter) = match kind {
        UnitKind::PublicInstitution => (1, 'i'),
        UnitKind::SocialOrganization => (2, 's'),
        _ => (0, 'e'),
    };
    counters[slot] += 1;
    let id = format!("{cid}-{letter}{:02}", counters[slot]);
    let non_public = sector.is_non_public();
    let mut u = PlannedUnit {
        id,
        community,
        kind,
        sector,
        members,
        staff,
        own: None,
        instructs: false,
        mass: false,
        gaps: 0,
        org_gaps: 0,
    };
    if members >= 3 {
        if rng.chance(0.95) {
            let kind = if members <= 50 {
                UnitKind::PartyBranch
            } else if members <= 100 {
                if rng.chance(0.1) {
                    u.org_gaps |= gap::C005;
                    UnitKind::PartyBranch
                } else {
                    UnitKind::PartyGeneralBranch
                }
            } else {
                UnitKind::PartyCommittee
            };
            let registers = rng.chance(0.93);
            if !registers {
                u.org_gaps |= gap::D001;
            }
            u.own = Some((kind, registers));
        } else {
            u.gaps |= gap::C001;
            if non_public {
                if rng.chance(0.5) {
                    u.instructs = true;
                } else {
                    u.gaps |= gap::C003;
                }
            }
        }
    } else if members > 0 {
        // Most join the township's joint-branch pool; the rest stay uncovered.
        if !rng.chance(0.88) {
            u.gaps |= gap::C002;
            if non_public {
                if rng.chance(0.5) {
                    u.instructs = true;
                } else {
                    u.gaps |= gap::C003;
                }
            }
        }
    } else if non_public {
        let r = rng.unit();
        if r < 0.45 {
            u.instructs = true;
        } else if r < 0.75 {
            u.mass = true;
        } else {
            u.gaps |= gap::C003;
        }
    }
    u
}

/// A planned joint branch: the units it covers and its gap markers.
#[derive(Debug)]
struct JointPlan {
    units: Vec<usize>,
    gaps: u16,
}

/// Groups a township's small units (1–2 members) into joint branches of 3–5
/// units, in order; now and then one group of 6 (too wide, C004). A pool too
/// small to reach three members stays uncovered (C002).
fn plan_joint_branches(rng: &mut Rng, units: &mut [PlannedUnit], pool: &[usize]) -> Vec<JointPlan> {
    let mut groups = Vec::new();
    let mut rest = pool;
    if rest.len() >= 9 && rng.chance(0.03) {
        groups.push(JointPlan { units: rest[..6].to_vec(), gaps: gap::C004 });
        rest = &rest[6..];
    }
    let n = rest.len();
    let total: u32 = rest.iter().map(|&i| units[i].members).sum();
    if n >= 3 || (n > 0 && total >= 3) {
        let k = n.div_ceil(5);
        let (base, extra) = (n / k, n % k);
        let mut at = 0;
        for g in 0..k {
            let size = base + usize::from(g < extra);
            groups.push(JointPlan { units: rest[at..at + size].to_vec(), gaps: 0 });
            at += size;
        }
    } else {
        for &i in rest {
            let u = &mut units[i];
            u.gaps |= gap::C002;
            if u.sector.is_non_public() && !u.instructs && !u.mass {
                u.gaps |= gap::C003;
            }
        }
    }
    for g in &mut groups {
        if !rng.chance(0.93) {
            g.gaps |= gap::D001;
        }
    }
    groups
}

/// A synthetic name for a planned unit.
fn unit_name(
    rng: &mut Rng,
    u: &PlannedUnit,
    (place, district): (&str, &str),
    short: &str,
    community: &str,
    shanghai: bool,
) -> String {
    let city = if shanghai { "上海" } else { place };
    match (&u.kind, &u.sector) {
        (UnitKind::SocialOrganization, _) => format!("{short}{}{}", rng.pick(FIRM_WORDS), rng.pick(SOCIAL_KINDS)),
        (UnitKind::PublicInstitution, _) => {
            let base = ["居民区", "社区", "村"].iter().find_map(|s| community.strip_suffix(s)).unwrap_or(community);
            format!("{district}{base}{}", rng.pick(INSTITUTION_KINDS))
        }
        (_, Sector::Foreign) => format!("{}（{city}）{}有限公司", rng.pick(FOREIGN_WORDS), rng.pick(FIRM_TRADES)),
        (_, Sector::StateOwned) => format!("{city}{place}{}{}有限公司", rng.pick(FIRM_WORDS), rng.pick(SOE_TRADES)),
        _ => format!("{city}{}{}有限公司", rng.pick(FIRM_WORDS), rng.pick(FIRM_TRADES)),
    }
}

// ---------------------------------------------------------------------------
// People (`--people`)
// ---------------------------------------------------------------------------

/// Community workers per 10,000 residents (Shanghai community-worker measures, 2024; rule P004).
const WORKERS_PER_10000: u64 = 18;

/// A township's residents, and whether it is short of community workers (a P004 gap):
/// drawn first from the township's people stream, so the territory (written before its
/// units) and the workers (written with them) agree. Shanghai's streets and towns hold
/// 40,000–160,000 residents, elsewhere 10,000–60,000.
fn township_population(rng: &mut Rng, code: &str) -> (u64, bool) {
    let (lo, hi) = if code.starts_with("31") { (40, 160) } else { (10, 60) };
    let population = u64::from(rng.range(lo, hi)) * 1000 + u64::from(rng.below(1000));
    (population, rng.chance(0.04))
}

/// The people stream of a division: its own, so the rest of the model is the same with
/// and without people.
fn people_rng(seed: u64, code: &str) -> Rng {
    Rng::new(stream(seed, &format!("people:{code}")))
}

/// A township's attrs with `population` (and the `P004` gap marker when it is short).
fn township_population_attrs(seed: u64, code: &str, attrs: Option<&Attrs>) -> Attrs {
    let (population, short) = township_population(&mut people_rng(seed, code), code);
    let mut map = attrs.map(Attrs::to_map).unwrap_or_default();
    map.insert("population".into(), population.into());
    if short {
        map.insert("gaps".into(), serde_json::json!(["P004"]));
    }
    Attrs::from_map(&map)
}

/// A day of a year range (days 2–28, so the day before is in the same month).
fn people_day(rng: &mut Rng, from: u32, to: u32) -> Date {
    Date::new(rng.range(from, to), 1 + rng.below(12), 2 + rng.below(27)).expect("a day")
}

/// The day before a [`people_day`].
fn day_before(d: Date) -> Date {
    let (y, m, day) = (d.year(), d.month().unwrap_or(1), d.day().unwrap_or(2));
    Date::new(y, m, day - 1).expect("a day of days 1-27")
}

impl<'d> Generator<'d> {
    /// A new person `p-<code>-<n>` (pseudonymous, no name).
    fn new_person(&mut self, code: &str, n: &mut u32) -> Result<String> {
        *n += 1;
        let id = format!("p-{code}-{n}");
        self.b.person(crate::model::PersonSpec::new(&id))?;
        Ok(id)
    }

    /// A `holds` link over `since`–`until`, marked with gap codes.
    fn hold(
        &mut self,
        person: &str,
        unit: &str,
        holding: Holding,
        since: Option<Date>,
        until: Option<Date>,
        codes: &[&str],
    ) -> Result<()> {
        let post = holding.post;
        let mut spec = LinkSpec::new(person, unit, LinkKind::Holds).holding(holding);
        spec.validity = Validity::new(since, until);
        if !codes.is_empty() {
            spec.attrs = Some(gaps(codes));
        }
        // With `--history`, a term is kept within the unit's life. One wholly outside it is
        // not held, except the first of a post in a unit dissolved before it starts (before
        // 2012–2015, when the people's terms begin): that holder held the post over the
        // unit's life, so that no post is left without any holder by the dates alone.
        let mut first = false;
        if self.history.is_some() {
            let (last_unit, last_post) = &mut self.last_term;
            first = last_unit != unit || *last_post != Some(post);
            last_unit.clear();
            last_unit.push_str(unit);
            *last_post = Some(post);
        }
        if self.within_ends(&mut spec) {
            self.b.link(spec)?;
        } else if let Some(&life) = self.dated.get(unit)
            && first
            && let (Some(start), Some(end)) = (since, life.until)
            && start.first_day() > end.last_day()
        {
            spec.validity = life;
            self.b.link(spec)?;
        }
        Ok(())
    }

    /// A decade of terms in a unit's principal post: a first holder from 2012–2015; most
    /// posts change hands once in 2016–2022 (a third of them to the same person,
    /// re-appointed); about one post in a hundred is left vacant in 2022–2023 (`P001`) and
    /// one in three hundred gets a second holder overlapping the first (`P002`). Returns
    /// the current holder, or `None` when the post is vacant.
    fn principal_terms(
        &mut self,
        rng: &mut Rng,
        code: &str,
        n: &mut u32,
        unit: &str,
        post: Post,
        may_vacate: bool,
    ) -> Result<Option<String>> {
        let first = self.new_person(code, n)?;
        let since = people_day(rng, 2012, 2015);
        let vacant = may_vacate && rng.chance(0.01);
        let mut current = first.clone();
        let mut start = since;
        if rng.chance(0.7) {
            let change = people_day(rng, 2016, 2022);
            self.hold(&first, unit, Holding::new(post), Some(since), Some(day_before(change)), &[])?;
            current = if rng.chance(0.33) { first } else { self.new_person(code, n)? };
            start = change;
        }
        if vacant {
            let end = people_day(rng, 2022, 2023).max(start);
            self.hold(&current, unit, Holding::new(post), Some(start), Some(end), &["P001"])?;
            return Ok(None);
        }
        self.hold(&current, unit, Holding::new(post), Some(start), None, &[])?;
        if rng.chance(0.003) {
            let second = self.new_person(code, n)?;
            let from = people_day(rng, 2023, 2023).max(start);
            self.hold(&second, unit, Holding::new(post), Some(from), None, &["P002"])?;
        }
        Ok(Some(current))
    }

    /// With `--people`: staffs the units of a division collected since the last call (see
    /// [`GenerateOptions::people`]). For a township, `communities` pairs each community's
    /// Party organisation with its committee, and the township's community workers are
    /// spread over the committees (or its government, `gov`, when there is none).
    fn people_of(&mut self, code: &str, communities: &[PlannedCommunity], gov: Option<&str>) -> Result<()> {
        let Some(staff) = self.staff.as_mut() else { return Ok(()) };
        let staff = std::mem::take(staff);
        let mut rng = people_rng(self.seed, code);
        let (population, short) = township_population(&mut rng, code);
        let mut n = 0u32;
        let present: std::collections::HashSet<&str> = staff.iter().map(|(id, _)| id.as_str()).collect();
        let mut paired: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut committees: Vec<String> = Vec::new();
        for c in communities {
            let committee = format!("{}-{}", c.id, if c.village { "vc" } else { "rc" });
            let has_committee = present.contains(committee.as_str());
            if has_committee {
                committees.push(committee.clone());
            }
            let Some(party) = c.party.as_deref().filter(|_| has_committee) else { continue };
            paired.insert(party.to_string());
            paired.insert(committee.clone());
            self.community_pair(&mut rng, code, &mut n, party, &committee, c.village)?;
        }
        for (id, kind) in &staff {
            if !paired.contains(id) {
                self.principal_terms(&mut rng, code, &mut n, id, crate::people::principal_post(kind), true)?;
            }
        }
        if let Some(gov) = gov {
            if committees.is_empty() {
                committees.push(gov.to_string());
            }
            let need = (WORKERS_PER_10000 * population).div_ceil(10_000);
            let workers = if short { need * 7 / 10 } else { need };
            self.workers(&mut rng, code, &mut n, &committees, workers)?;
        }
        Ok(())
    }

    /// A community's Party organisation and committee: the secretary's terms; then either
    /// "一肩挑" (the current secretary is also the director; most villages, many
    /// communities), or a director of their own and a deputy secretary who is also deputy
    /// director (交叉任职), or, in about one community in thirty, nobody in both (`P005`,
    /// marked on the secretary's current term).
    fn community_pair(
        &mut self,
        rng: &mut Rng,
        code: &str,
        n: &mut u32,
        party: &str,
        committee: &str,
        village: bool,
    ) -> Result<()> {
        let no_cross = rng.chance(0.03);
        let one_shoulder = !no_cross && rng.chance(if village { 0.6 } else { 0.4 });
        // The secretary: first term 2012–2015, most change hands in 2016–2022 (the 2021 elections).
        let first = self.new_person(code, n)?;
        let since = people_day(rng, 2012, 2015);
        let (secretary, start) = if rng.chance(0.7) {
            let change = people_day(rng, 2016, 2022);
            self.hold(&first, party, Holding::new(Post::Secretary), Some(since), Some(day_before(change)), &[])?;
            let next = if rng.chance(0.33) { first } else { self.new_person(code, n)? };
            (next, change)
        } else {
            (first, since)
        };
        let mark: &[&str] = if no_cross { &["P005"] } else { &[] };
        self.hold(&secretary, party, Holding::new(Post::Secretary), Some(start), None, mark)?;
        if one_shoulder {
            // An earlier director, then the secretary as director too.
            if start > since {
                let director = self.new_person(code, n)?;
                let end = day_before(start);
                self.hold(&director, committee, Holding::new(Post::Director), Some(since), Some(end), &[])?;
            }
            return self.hold(&secretary, committee, Holding::new(Post::Director), Some(start), None, &[]);
        }
        self.principal_terms(rng, code, n, committee, Post::Director, !no_cross)?;
        if !no_cross {
            let deputy = self.new_person(code, n)?;
            let from = people_day(rng, 2016, 2023);
            self.hold(&deputy, party, Holding::new(Post::DeputySecretary), Some(from), None, &[])?;
            self.hold(&deputy, committee, Holding::new(Post::DeputyDirector), Some(from), None, &[])?;
        }
        Ok(())
    }

    /// `count` community workers spread over `units` (a township's committees): in each
    /// unit the first is in band `chief` (grades 7–18), the next two `deputy` (4–15), the
    /// rest `other` (1–12); about one in two hundred has a grade outside its band (`P003`).
    /// Channels: half from the grassroots, a third recruited openly, the rest assigned.
    /// Terms start in 2012–2023; about one post in seven had a predecessor who left.
    fn workers(&mut self, rng: &mut Rng, code: &str, n: &mut u32, units: &[String], count: u64) -> Result<()> {
        let per_unit = count.div_ceil(units.len() as u64).max(1);
        let mut left = count;
        for unit in units {
            for k in 0..per_unit.min(left) {
                let band = match k {
                    0 => Band::Chief,
                    1 | 2 => Band::Deputy,
                    _ => Band::Other,
                };
                let ((lo, hi), wrong) = match band {
                    Band::Chief => ((7, 18), (1, 6)),
                    Band::Deputy => ((4, 15), (16, 18)),
                    _ => ((1, 12), (13, 18)),
                };
                let off_band = rng.chance(0.005);
                let grade = if off_band { rng.range(wrong.0, wrong.1) } else { rng.range(lo, hi) };
                let r = rng.unit();
                let channel = if r < 0.5 {
                    Channel::Grassroots
                } else if r < 0.85 {
                    Channel::OpenRecruitment
                } else {
                    Channel::Assigned
                };
                let since = people_day(rng, 2012, 2023);
                if rng.chance(0.15) {
                    let before = self.new_person(code, n)?;
                    let from = people_day(rng, 2008, 2011);
                    let h = Holding::new(Post::CommunityWorker).band(band).grade(lo as u8);
                    self.hold(&before, unit, h.channel(Channel::Grassroots), Some(from), Some(day_before(since)), &[])?;
                }
                let person = self.new_person(code, n)?;
                let h = Holding::new(Post::CommunityWorker).band(band).grade(grade as u8).channel(channel);
                self.hold(&person, unit, h, Some(since), None, if off_band { &["P003"] } else { &[] })?;
            }
            left = left.saturating_sub(per_unit);
        }
        Ok(())
    }
}
