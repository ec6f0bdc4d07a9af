//! Synthetic sites for benchmarks and golden tests: N units of a province in
//! ketqua's content format, and the same content as a Hugo site.
//!
//! Everything follows from a [`Spec`] (the number of units and a seed): the
//! same spec writes byte-identical files on every machine and with every
//! version of the dependencies, because the random numbers come from a
//! SplitMix64 written here (a crate's generator may change its stream
//! between versions, which would change the golden hashes of
//! `tests/golden/`).
//!
//! The shape of a site:
//!
//! - one province; about √N / 3 district-level units (huyện ủy, thành ủy,
//!   đảng ủy khối); of the rest, two fifths grassroots organisations under
//!   the districts and three fifths branches under the grassroots;
//! - each unit has 8–15 indicators of every target shape ketqua knows
//!   (`> 95%`, `>= 90%`, `>= 100/năm` with yearly figures, `3-5%/năm`,
//!   `100%`, `< 10%`, `<= 2%`, `yes`, a count for the term, a fraction of
//!   the unit's organisations, sub-indicators), some taken from the
//!   catalogue; stated results agree with the figures, so a generated site
//!   checks with no warning;
//! - each report is 3–10 KB of sentences from real review documents
//!   (`corpus/sentences.txt`, taken from the four real 2023 documents the
//!   example site is built from), in the outline of a real report, with a
//!   table of results and footnotes.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

/// Sentences of real review documents, one per line.
const CORPUS: &str = include_str!("../corpus/sentences.txt");

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The number of units (at least 1: the province).
    pub units: usize,
    /// The seed of every random choice.
    pub seed: u64,
}

impl Spec {
    pub fn new(units: usize) -> Spec {
        Spec { units, seed: 2023 }
    }
}

/// SplitMix64: small, fast and stable forever (see the module comment).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for one item, independent of the others' draws.
    fn for_item(seed: u64, item: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ item.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (stream << 56));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// The levels of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    District,
    Grassroots,
    Branch,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Grassroots => "grassroots",
            Level::Branch => "branch",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Province => "Cấp tỉnh",
            Level::District => "Cấp huyện và tương đương",
            Level::Grassroots => "Cấp cơ sở",
            Level::Branch => "Chi bộ trực thuộc",
        }
    }

    /// The deadline of the level's report, as a day of 2023 (1 = 1 January).
    fn deadline(self) -> u32 {
        match self {
            Level::Branch => day_of_year(6, 15),
            Level::Grassroots => day_of_year(6, 30),
            Level::District => day_of_year(7, 30),
            Level::Province => day_of_year(8, 30),
        }
    }
}

/// A unit of the plan: who it is and where it sits.
#[derive(Debug, Clone)]
pub struct PlanUnit {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub kind: &'static str,
    pub level: Level,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub members: u64,
    pub organisations: Option<u64>,
}

/// The hierarchy of a generated site, before any unit's content.
#[derive(Debug, Clone)]
pub struct Plan {
    pub spec: Spec,
    pub units: Vec<PlanUnit>,
}

#[rustfmt::skip]
const PLACE_SYLLABLES: &[&str] = &[
    "Tam", "Đường", "Phong", "Thổ", "Sìn", "Hồ", "Mường", "Tè", "Than", "Uyên", "Tân", "Nậm",
    "Nhùn", "Bản", "Giang", "Hua", "Bum", "Pa", "Tần", "Khun", "Há", "Bình", "Lư", "Nà", "Tăm",
    "Sơn", "Hòa", "An", "Thịnh", "Phúc", "Lộc", "Quang", "Minh", "Hưng", "Long", "Thuận",
    "Đông", "Tây", "Trung", "Yên", "Thái", "Đồng", "Kim", "Vĩnh", "Xuân", "Hải", "Ma", "Quai",
    "Dào", "San", "Chải", "Khoen", "On", "Lả", "Mồ", "Ka", "Lăng", "Ẳng", "Cang", "Ô", "Tô",
];

const DISTRICT_KINDS: &[(&str, &str, &str)] = &[
    ("Huyện ủy", "Đảng bộ huyện", "Huyện ủy trực thuộc Tỉnh ủy"),
    (
        "Thành ủy",
        "Đảng bộ thành phố",
        "Thành ủy trực thuộc Tỉnh ủy",
    ),
    ("Thị ủy", "Đảng bộ thị xã", "Thị ủy trực thuộc Tỉnh ủy"),
    (
        "Đảng ủy Khối",
        "Đảng bộ Khối các cơ quan",
        "Đảng ủy trực thuộc Tỉnh ủy",
    ),
];

const GRASSROOTS_KINDS: &[(&str, &str)] = &[
    ("Đảng bộ xã", "Đảng bộ cơ sở"),
    ("Đảng bộ phường", "Đảng bộ cơ sở"),
    ("Đảng bộ thị trấn", "Đảng bộ cơ sở"),
    ("Chi bộ Trường Trung học cơ sở", "Chi bộ cơ sở"),
    ("Đảng bộ Công ty cổ phần", "Đảng bộ cơ sở"),
    ("Chi bộ Trạm Y tế", "Chi bộ cơ sở"),
];

const BRANCH_KINDS: &[&str] = &[
    "Chi bộ thôn",
    "Chi bộ bản",
    "Chi bộ khu phố",
    "Chi bộ Trường Tiểu học",
    "Chi bộ Phòng Kế hoạch",
    "Chi bộ tổ dân phố",
];

fn place(rng: &mut Rng) -> String {
    let a = rng.pick(PLACE_SYLLABLES);
    let mut b = rng.pick(PLACE_SYLLABLES);
    while b == a {
        b = rng.pick(PLACE_SYLLABLES);
    }
    format!("{a} {b}")
}

/// The hierarchy of `spec.units` units.
pub fn plan(spec: Spec) -> Plan {
    let n = spec.units.max(1);
    let mut rng = Rng::for_item(spec.seed, 0, 1);
    let districts = if n > 1 {
        (((n as f64).sqrt() / 3.0) as usize).clamp(1, n - 1)
    } else {
        0
    };
    let rest = n - 1 - districts;
    let grassroots = if rest > 0 { (rest * 2 / 5).max(1) } else { 0 };
    let mut units = Vec::with_capacity(n);
    units.push(PlanUnit {
        id: "tinh".into(),
        name: "Đảng bộ tỉnh Lai Châu".into(),
        short_name: "Tỉnh ủy".into(),
        kind: "Đảng bộ tỉnh",
        level: Level::Province,
        parent: None,
        children: Vec::new(),
        members: 0,
        organisations: None,
    });
    for d in 0..districts {
        let (short, long, kind) = DISTRICT_KINDS[d % DISTRICT_KINDS.len()];
        let p = place(&mut rng);
        units.push(PlanUnit {
            id: format!("d{:03}", d + 1),
            name: format!("{long} {p}"),
            short_name: format!("{short} {p}"),
            kind,
            level: Level::District,
            parent: Some(0),
            children: Vec::new(),
            members: 0,
            organisations: None,
        });
    }
    for g in 0..grassroots {
        let (prefix, kind) = *rng.pick(GRASSROOTS_KINDS);
        let p = place(&mut rng);
        let parent = 1 + (rng.next_u64() as usize % districts.max(1));
        units.push(PlanUnit {
            id: format!("g{:05}", g + 1),
            name: format!("{prefix} {p}"),
            short_name: String::new(),
            kind,
            level: Level::Grassroots,
            parent: Some(if districts == 0 { 0 } else { parent }),
            children: Vec::new(),
            members: 0,
            organisations: None,
        });
    }
    let first_grassroots = 1 + districts;
    for b in 0..rest.saturating_sub(grassroots) {
        let prefix = rng.pick(BRANCH_KINDS);
        let p = place(&mut rng);
        let parent = first_grassroots + (rng.next_u64() as usize % grassroots);
        units.push(PlanUnit {
            id: format!("b{:05}", b + 1),
            name: format!("{prefix} {p}"),
            short_name: String::new(),
            kind: "Chi bộ trực thuộc đảng ủy cơ sở",
            level: Level::Branch,
            parent: Some(parent),
            children: Vec::new(),
            members: 0,
            organisations: None,
        });
    }
    for i in 1..units.len() {
        if let Some(p) = units[i].parent {
            units[p].children.push(i);
        }
    }
    // Members bottom-up: a unit has at least the members of the units below.
    for i in (0..units.len()).rev() {
        let below: u64 = units[i].children.iter().map(|&c| units[c].members).sum();
        let own = match units[i].level {
            Level::Branch => rng.range(8, 45),
            Level::Grassroots => rng.range(15, 120),
            Level::District => rng.range(50, 400),
            Level::Province => rng.range(200, 900),
        };
        units[i].members = below + own;
        if units[i].level != Level::Branch {
            units[i].organisations = Some(units[i].children.len() as u64 + rng.range(0, 6));
        }
    }
    Plan { spec, units }
}

/// Days of 2023 from 1 January (= 1).
fn day_of_year(month: u32, day: u32) -> u32 {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    DAYS[..(month - 1) as usize].iter().sum::<u32>() + day
}

/// A day of 2023 as an ISO date.
fn iso(day: u32) -> String {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day;
    for (m, len) in DAYS.iter().enumerate() {
        if d <= *len {
            return format!("2023-{:02}-{:02}", m + 1, d);
        }
        d -= len;
    }
    "2023-12-31".into()
}

/// A figure with the Vietnamese decimal comma, as the reports write it.
fn vi_number(x: f64) -> String {
    let s = if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    };
    s.replace('.', ",")
}

/// One indicator (or sub-indicator) of a unit.
#[derive(Debug, Clone, Default)]
pub struct GenIndicator {
    pub id: String,
    pub reference: Option<&'static str>,
    pub group: &'static str,
    pub description: String,
    pub unit_of_measure: Option<&'static str>,
    pub target: String,
    /// The TOML literal of `actual`.
    pub actual: String,
    /// `actual` as the report writes it.
    pub actual_text: String,
    pub period: Option<&'static str>,
    pub actuals: Vec<(i32, f64)>,
    pub baseline: Option<f64>,
    pub stated: Option<&'static str>,
    pub denominator: Option<&'static str>,
    pub note: Option<String>,
    pub parts: Vec<GenIndicator>,
}

/// The shared catalogue (the example site's).
pub const CATALOGUE: &str = r#"# Danh mục chỉ tiêu dùng chung (sinh tự động cho phép đo hiệu năng).

[[indicator]]
id = "to-chuc-co-so-dang-htt"
group = "Xây dựng Đảng"
description = "Hằng năm có từ 90% tổ chức cơ sở đảng trở lên hoàn thành tốt nhiệm vụ"
target = ">= 90%"

[[indicator]]
id = "dang-vien-htt"
group = "Xây dựng Đảng"
description = "Trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên"
target = "> 90%"

[[indicator]]
id = "ket-nap-dang-vien"
group = "Xây dựng Đảng"
description = "Kết nạp 100 đảng viên trở lên mỗi năm"
unit_of_measure = "đảng viên"
target = ">= 100/năm"

[[indicator]]
id = "kiem-tra-giam-sat"
group = "Kiểm tra giám sát"
description = "Trong nhiệm kỳ, 60% tổ chức đảng trực thuộc trở lên được kiểm tra, giám sát"
target = ">= 60%"

[[indicator]]
id = "mo-hinh-tieu-bieu"
group = "Chính trị tư tưởng"
description = "Trong nhiệm kỳ xây dựng ít nhất 05 mô hình tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
unit_of_measure = "mô hình"
target = ">= 5"

[[indicator]]
id = "hoc-tap-nghi-quyet"
group = "Chính trị tư tưởng"
description = "100% cán bộ, đảng viên được học tập, quán triệt các chỉ thị, nghị quyết của Đảng"
target = "100%"

[[indicator]]
id = "co-quan-dat-chuan-van-hoa"
group = "Văn hóa"
description = "Trên 95% cơ quan, đơn vị đạt chuẩn văn hóa"
target = "> 95%"

[[indicator]]
id = "ho-ngheo"
group = "Kinh tế - xã hội"
description = "Đến năm 2025 tỷ lệ hộ nghèo giảm xuống dưới 10%"
target = "< 10%"

[[indicator]]
id = "thu-nhap-nguoi-lao-dong"
group = "Doanh nghiệp"
description = "Bình quân thu nhập người lao động tăng 3-5%/năm"
target = "3-5%/năm"
"#;

/// How a figure compares with its target, the way ketqua's status rule
/// reads it (`docs/content-format.md`, "Status").
#[derive(Clone, Copy)]
enum Rule {
    AtLeast(f64),
    MoreThan(f64),
    AtMost(f64),
    LessThan(f64),
    Range(f64, f64),
    Duty,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The stated result that agrees with the figure.
fn stated(rule: Rule, x: f64) -> &'static str {
    let x = round2(x);
    match rule {
        Rule::AtLeast(t) if x > t => "Vượt",
        Rule::AtLeast(t) if x == t => "Đạt",
        Rule::MoreThan(t) if x > t => "Vượt",
        Rule::AtMost(t) if x < t => "Vượt",
        Rule::AtMost(t) if x == t => "Đạt",
        Rule::LessThan(t) if x < t => "Vượt",
        Rule::Range(_, hi) if x > hi => "Vượt",
        Rule::Range(lo, _) if x >= lo => "Đạt",
        Rule::Duty if x == 100.0 => "Đạt",
        _ => "Không đạt",
    }
}

/// A percentage with one decimal in `lo..=hi`.
fn percent(rng: &mut Rng, lo: u64, hi: u64) -> f64 {
    rng.range(lo * 10, hi * 10) as f64 / 10.0
}

fn number_literal(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}

/// A percentage indicator: figure, text and agreeing stated result.
fn percent_indicator(
    rng: &mut Rng,
    description: String,
    target: &str,
    rule: Rule,
    lo: u64,
    hi: u64,
) -> GenIndicator {
    let x = percent(rng, lo, hi);
    GenIndicator {
        description,
        target: target.into(),
        actual: number_literal(x),
        actual_text: format!("{}%", vi_number(x)),
        baseline: rng.chance(50).then(|| percent(rng, lo, hi)),
        stated: rng.chance(85).then(|| stated(rule, x)),
        ..GenIndicator::default()
    }
}

/// The indicators of one unit: 8–15, of every shape.
fn indicators(rng: &mut Rng, unit: &PlanUnit, corpus: &[&'static str]) -> Vec<GenIndicator> {
    let count = rng.range(8, 15) as usize;
    let mut out: Vec<GenIndicator> = Vec::with_capacity(count);
    let mut shape = rng.range(0, 11) as usize;
    while out.len() < count {
        shape = (shape + 1) % 12;
        let mut ind = match shape {
            0 => {
                let mut i = percent_indicator(
                    rng,
                    "Hằng năm có từ 90% tổ chức cơ sở đảng trở lên hoàn thành tốt nhiệm vụ".into(),
                    ">= 90%",
                    Rule::AtLeast(90.0),
                    84,
                    100,
                );
                i.reference = Some("to-chuc-co-so-dang-htt");
                i
            }
            1 => {
                let mut i = percent_indicator(
                    rng,
                    "Trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên".into(),
                    "> 90%",
                    Rule::MoreThan(90.0),
                    86,
                    99,
                );
                i.reference = Some("dang-vien-htt");
                i
            }
            2 => {
                // A count per year: yearly figures, their mean compared.
                // Never more than the unit's own members (ketqua checks).
                let per_year = [2u64, 5, 10, 20, 50, 100]
                    .into_iter()
                    .rfind(|&n| n * 4 <= unit.members)
                    .unwrap_or(1);
                let a = rng.range(per_year * 7 / 10, per_year * 14 / 10);
                let b = rng.range(per_year * 7 / 10, per_year * 14 / 10);
                let mean = (a + b) as f64 / 2.0;
                GenIndicator {
                    reference: Some("ket-nap-dang-vien"),
                    description: format!("Kết nạp {per_year} đảng viên trở lên mỗi năm"),
                    unit_of_measure: Some("đảng viên"),
                    target: format!(">= {per_year}/năm"),
                    actual: (a + b).to_string(),
                    actual_text: format!("{} đảng viên", a + b),
                    period: Some("2021-2022"),
                    actuals: vec![(2021, a as f64), (2022, b as f64)],
                    stated: Some(stated(Rule::AtLeast(per_year as f64), mean)),
                    ..GenIndicator::default()
                }
            }
            3 => match unit.organisations.filter(|&o| o > 0) {
                // A fraction of the unit's own organisations.
                Some(orgs) => {
                    let num = rng.range(orgs / 3, orgs);
                    let share = num as f64 * 100.0 / orgs as f64;
                    GenIndicator {
                        reference: Some("kiem-tra-giam-sat"),
                        description:
                            "Trong nhiệm kỳ, 60% tổ chức đảng trực thuộc trở lên được kiểm tra, giám sát"
                                .into(),
                        target: ">= 60%".into(),
                        actual: format!("\"{num}/{orgs}\""),
                        actual_text: format!("{num}/{orgs} tổ chức đảng"),
                        denominator: Some("organisations"),
                        stated: Some(stated(Rule::AtLeast(60.0), share)),
                        ..GenIndicator::default()
                    }
                }
                None => continue,
            },
            4 => {
                let models = rng.range(2, 9) as f64;
                GenIndicator {
                    reference: Some("mo-hinh-tieu-bieu"),
                    description: "Trong nhiệm kỳ xây dựng ít nhất 05 mô hình tiêu biểu".into(),
                    unit_of_measure: Some("mô hình"),
                    target: ">= 5".into(),
                    actual: number_literal(models),
                    actual_text: format!("{models} mô hình"),
                    stated: Some(stated(Rule::AtLeast(5.0), models)),
                    ..GenIndicator::default()
                }
            }
            5 => {
                let x = if rng.chance(80) {
                    100.0
                } else {
                    percent(rng, 95, 99)
                };
                GenIndicator {
                    reference: Some("hoc-tap-nghi-quyet"),
                    description:
                        "100% cán bộ, đảng viên được học tập, quán triệt các chỉ thị, nghị quyết của Đảng"
                            .into(),
                    target: "100%".into(),
                    actual: number_literal(x),
                    actual_text: format!("{}%", vi_number(x)),
                    stated: Some(stated(Rule::Duty, x)),
                    ..GenIndicator::default()
                }
            }
            6 => {
                let mut i = percent_indicator(
                    rng,
                    "Trên 95% cơ quan, đơn vị đạt chuẩn văn hóa".into(),
                    "> 95%",
                    Rule::MoreThan(95.0),
                    90,
                    100,
                );
                i.reference = Some("co-quan-dat-chuan-van-hoa");
                i
            }
            7 => {
                let mut i = percent_indicator(
                    rng,
                    "Đến năm 2025 tỷ lệ hộ nghèo giảm xuống dưới 10%".into(),
                    "< 10%",
                    Rule::LessThan(10.0),
                    3,
                    14,
                );
                i.reference = Some("ho-ngheo");
                i
            }
            8 => {
                let mut i = percent_indicator(
                    rng,
                    "Bình quân thu nhập người lao động tăng 3-5%/năm".into(),
                    "3-5%/năm",
                    Rule::Range(3.0, 5.0),
                    1,
                    7,
                );
                i.reference = Some("thu-nhap-nguoi-lao-dong");
                i
            }
            9 => percent_indicator(
                rng,
                "Tỷ lệ đảng viên vi phạm phải xử lý kỷ luật không quá 2%".into(),
                "<= 2%",
                Rule::AtMost(2.0),
                0,
                4,
            ),
            10 => {
                let yes = rng.chance(75);
                GenIndicator {
                    description: format!(
                        "{} hằng năm hoàn thành tốt nhiệm vụ trở lên",
                        unit.short_name_or_name()
                    ),
                    target: "yes".into(),
                    actual: yes.to_string(),
                    actual_text: if yes { "Có" } else { "Không" }.into(),
                    stated: Some(if yes { "Đạt" } else { "Không đạt" }),
                    ..GenIndicator::default()
                }
            }
            _ => {
                // Sub-indicators, as the real appendix's indicator 3.
                let parts = vec![
                    percent_indicator(
                        rng,
                        "90% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên".into(),
                        ">= 90%",
                        Rule::AtLeast(90.0),
                        85,
                        100,
                    ),
                    percent_indicator(
                        rng,
                        "95% đảng viên hoàn thành tốt nhiệm vụ trở lên".into(),
                        ">= 95%",
                        Rule::AtLeast(95.0),
                        90,
                        100,
                    ),
                ];
                GenIndicator {
                    description:
                        "90% tổ chức cơ sở đảng, 95% đảng viên hoàn thành tốt nhiệm vụ trở lên"
                            .into(),
                    parts,
                    ..GenIndicator::default()
                }
            }
        };
        if ind.reference.is_none() {
            ind.group = ["Xây dựng Đảng", "Kiểm tra giám sát", "Chính trị tư tưởng"][shape % 3];
        } else {
            ind.group = match ind.reference {
                Some("kiem-tra-giam-sat") => "Kiểm tra giám sát",
                Some("mo-hinh-tieu-bieu" | "hoc-tap-nghi-quyet") => "Chính trị tư tưởng",
                Some("co-quan-dat-chuan-van-hoa") => "Văn hóa",
                Some("ho-ngheo") => "Kinh tế - xã hội",
                Some("thu-nhap-nguoi-lao-dong") => "Doanh nghiệp",
                _ => "Xây dựng Đảng",
            };
        }
        if rng.chance(40) {
            ind.note = Some(rng.pick(corpus).to_string());
        }
        ind.id = (out.len() + 1).to_string();
        let id = ind.id.clone();
        for (k, part) in ind.parts.iter_mut().enumerate() {
            part.id = format!("{id}.{}", k + 1);
        }
        out.push(ind);
    }
    out
}

impl PlanUnit {
    fn short_name_or_name(&self) -> &str {
        if self.short_name.is_empty() {
            &self.name
        } else {
            &self.short_name
        }
    }
}

/// The corpus as sentences.
pub fn sentences() -> Vec<&'static str> {
    CORPUS.lines().filter(|l| !l.is_empty()).collect()
}

const OUTLINE: &[(u8, &str)] = &[
    (2, "I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT"),
    (3, "1. Thuận lợi"),
    (3, "2. Khó khăn, thách thức"),
    (
        2,
        "II- CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT",
    ),
    (3, "1. Công tác quán triệt, tuyên truyền nghị quyết"),
    (3, "2. Việc cụ thể hóa nghị quyết"),
    (3, "3. Công tác kiểm tra, giám sát"),
    (2, "III- KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU CHỦ YẾU"),
    (
        2,
        "IV- KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CẤP TRÊN",
    ),
    (2, "V- ĐÁNH GIÁ CHUNG"),
    (3, "1. Ưu điểm"),
    (3, "2. Hạn chế, khuyết điểm"),
    (3, "3. Nguyên nhân"),
    (3, "4. Bài học kinh nghiệm"),
    (2, "PHẦN THỨ HAI: NHIỆM VỤ, GIẢI PHÁP NỬA CUỐI NHIỆM KỲ"),
    (2, "KIẾN NGHỊ, ĐỀ XUẤT"),
];

/// A report of 3–10 KB: the outline of a real report, paragraphs of real
/// sentences, the table of results and footnotes.
fn report(rng: &mut Rng, corpus: &[&'static str], inds: &[GenIndicator]) -> String {
    let size = rng.range(2_000, 8_000) as usize;
    let per_section = size / OUTLINE.len();
    let notes = rng.range(3, 10) as usize;
    let mut out = String::with_capacity(size + 4096);
    let mut footnotes = 0;
    for (section, &(level, title)) in OUTLINE.iter().enumerate() {
        let _ = writeln!(out, "{} {title}\n", "#".repeat(level as usize));
        if section == 7 {
            results_table(&mut out, inds);
        }
        let start = out.len();
        let mut in_paragraph = 0;
        while out.len() == start || out.len() - start + 200 < per_section {
            if in_paragraph > 0 {
                out.push(' ');
            }
            let s: &str = rng.pick::<&str>(corpus);
            out.push_str(s);
            if footnotes < notes && rng.chance(30) {
                footnotes += 1;
                let _ = write!(out, "[^{footnotes}]");
            }
            in_paragraph += 1;
            if in_paragraph == 3 || rng.chance(30) {
                out.push_str("\n\n");
                in_paragraph = 0;
            }
        }
        if in_paragraph > 0 {
            out.push_str("\n\n");
        }
    }
    for n in 1..=footnotes {
        let _ = writeln!(out, "[^{n}]: {}", rng.pick(corpus));
    }
    out
}

fn results_table(out: &mut String, inds: &[GenIndicator]) {
    out.push_str("| STT | Mục tiêu | Thực hiện | So sánh với mục tiêu |\n|---|---|---|---|\n");
    for ind in inds {
        for c in std::iter::once(ind).chain(&ind.parts) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                c.id,
                c.description,
                c.actual_text,
                c.stated.unwrap_or("")
            );
        }
    }
    out.push('\n');
}

/// Everything one unit's files hold.
pub struct UnitContent {
    pub conference_date: Option<String>,
    pub submitted: Option<String>,
    pub indicators: Vec<GenIndicator>,
    pub report: String,
    pub summary: String,
}

/// The content of unit `i` of the plan, independent of the other units'.
pub fn unit_content(plan: &Plan, i: usize, corpus: &[&'static str]) -> UnitContent {
    let unit = &plan.units[i];
    let mut rng = Rng::for_item(plan.spec.seed, i as u64, 2);
    let deadline = unit.level.deadline();
    let (conference_date, submitted) = match rng.range(0, 99) {
        0..=69 => {
            let sent = deadline - rng.range(0, 20) as u32;
            (Some(iso(sent - rng.range(1, 10) as u32)), Some(iso(sent)))
        }
        70..=84 => {
            let sent = deadline + rng.range(1, 15) as u32;
            (Some(iso(sent - rng.range(1, 10) as u32)), Some(iso(sent)))
        }
        85..=92 => (Some(iso(deadline - rng.range(5, 20) as u32)), None),
        _ => (None, None),
    };
    let indicators = indicators(&mut rng, unit, corpus);
    let report = report(&mut rng, corpus, &indicators);
    let summary = rng.pick(corpus).to_string();
    UnitContent {
        conference_date,
        submitted,
        indicators,
        report,
        summary,
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn indicator_toml(out: &mut String, ind: &GenIndicator, header: &str) {
    let _ = writeln!(out, "\n[[{header}]]");
    let _ = writeln!(out, "id = {}", toml_str(&ind.id));
    if let Some(r) = ind.reference {
        let _ = writeln!(out, "ref = {}", toml_str(r));
    } else if !ind.group.is_empty() {
        let _ = writeln!(out, "group = {}", toml_str(ind.group));
    }
    let _ = writeln!(out, "description = {}", toml_str(&ind.description));
    if let Some(u) = ind.unit_of_measure {
        let _ = writeln!(out, "unit_of_measure = {}", toml_str(u));
    }
    if !ind.target.is_empty() {
        let _ = writeln!(out, "target = {}", toml_str(&ind.target));
    }
    if let Some(b) = ind.baseline {
        let _ = writeln!(out, "baseline = {}", number_literal(b));
    }
    if !ind.actual.is_empty() {
        let _ = writeln!(out, "actual = {}", ind.actual);
    }
    if let Some(p) = ind.period {
        let _ = writeln!(out, "period = {}", toml_str(p));
    }
    if let Some(s) = ind.stated {
        let _ = writeln!(out, "stated = {}", toml_str(s));
    }
    if let Some(d) = ind.denominator {
        let _ = writeln!(out, "denominator = {}", toml_str(d));
    }
    if let Some(n) = &ind.note {
        let _ = writeln!(out, "note = {}", toml_str(n));
    }
    if !ind.actuals.is_empty() {
        let _ = writeln!(out, "\n[{header}.actuals]");
        for (year, v) in &ind.actuals {
            let _ = writeln!(out, "{year} = {}", number_literal(*v));
        }
    }
    for part in &ind.parts {
        indicator_toml(out, part, &format!("{header}.parts"));
    }
}

/// The `unit.toml` of unit `i`.
pub fn unit_toml(plan: &Plan, i: usize, content: &UnitContent) -> String {
    let u = &plan.units[i];
    let mut out = String::with_capacity(4096);
    let _ = writeln!(out, "name = {}", toml_str(&u.name));
    if !u.short_name.is_empty() {
        let _ = writeln!(out, "short_name = {}", toml_str(&u.short_name));
    }
    let _ = writeln!(out, "level = \"{}\"", u.level.key());
    if let Some(p) = u.parent {
        let _ = writeln!(out, "parent = {}", toml_str(&plan.units[p].id));
    }
    let _ = writeln!(out, "kind = {}", toml_str(u.kind));
    let _ = writeln!(out, "members = {}", u.members);
    if let Some(o) = u.organisations {
        let _ = writeln!(out, "organisations = {o}");
    }
    if let Some(d) = &content.conference_date {
        let _ = writeln!(out, "conference_date = {d}");
    }
    if let Some(d) = &content.submitted {
        let _ = writeln!(out, "submitted = {d}");
    }
    let _ = writeln!(out, "document_number = \"Số {}-BC/ĐU\"", 100 + i);
    let _ = writeln!(out, "signer = \"Nguyễn Văn An\"\nsigner_title = \"Bí thư\"");
    let _ = writeln!(out, "illustrative = true");
    let _ = writeln!(out, "summary = {}", toml_str(&content.summary));
    for ind in &content.indicators {
        indicator_toml(&mut out, ind, "indicators");
    }
    out
}

pub const SITE_TOML: &str = r#"title = "Kết quả sơ kết giữa nhiệm kỳ"
subtitle = "Đảng bộ tỉnh Lai Châu, nhiệm kỳ 2020 - 2025 (dữ liệu sinh tự động)"
description = "Một trang web sinh tự động để đo hiệu năng của ketqua"
language = "vi"
organisation = "Tỉnh ủy Lai Châu"

[review]
term_start = 2020
term_end = 2025
cutoff = 2023-06-30
estimate_year = 2023
plan = "Kế hoạch số 152-KH/TU ngày 27/02/2023 của Ban Thường vụ Tỉnh ủy"
# After every generated date (the province reports up to 14 days after 30/8):
# `ketqua check` refuses a date after `as_of`.
as_of = 2023-09-15

[deadlines]
branch = 2023-06-15
grassroots = 2023-06-30
district = 2023-07-30
province = 2023-08-30
"#;

fn write(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, text).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn create_dir(path: &Path) -> io::Result<()> {
    fs::create_dir_all(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// Writes a ketqua site of `spec.units` units into `dir` (which should be
/// empty or missing). Returns the bytes written.
pub fn generate(spec: Spec, dir: &Path) -> io::Result<u64> {
    let plan = plan(spec);
    write_ketqua(&plan, dir)
}

/// Writes the plan as a ketqua site.
pub fn write_ketqua(plan: &Plan, dir: &Path) -> io::Result<u64> {
    create_dir(&dir.join("content/units"))?;
    write(&dir.join("site.toml"), SITE_TOML)?;
    write(&dir.join("indicators.toml"), CATALOGUE)?;
    let corpus = sentences();
    (0..plan.units.len())
        .into_par_iter()
        .map(|i| {
            let content = unit_content(plan, i, &corpus);
            let folder = dir.join("content/units").join(&plan.units[i].id);
            create_dir(&folder)?;
            let toml = unit_toml(plan, i, &content);
            write(&folder.join("unit.toml"), &toml)?;
            write(&folder.join("report.md"), &content.report)?;
            Ok((toml.len() + content.report.len()) as u64)
        })
        .sum()
}

/// A name as a URL slug: ASCII letters and digits joined by `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = fold_char(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A Vietnamese letter without its marks (enough for the generated names).
fn fold_char(c: char) -> char {
    const GROUPS: &[(&str, char)] = &[
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'A'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ÈÉẺẼẸÊỀẾỂỄỆ", 'E'),
        ("ìíỉĩị", 'i'),
        ("ÌÍỈĨỊ", 'I'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'O'),
        ("ùúủũụưừứửữự", 'u'),
        ("ÙÚỦŨỤƯỪỨỬỮỰ", 'U'),
        ("ỳýỷỹỵ", 'y'),
        ("ỲÝỶỸỴ", 'Y'),
        ("đ", 'd'),
        ("Đ", 'D'),
    ];
    GROUPS
        .iter()
        .find(|(set, _)| set.contains(c))
        .map_or(c, |&(_, base)| base)
}

const HUGO_CONFIG: &str = r#"baseURL = "/"
languageCode = "vi"
title = "Kết quả sơ kết giữa nhiệm kỳ"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt"]

[markup.goldmark.renderer]
unsafe = false
"#;

const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a> · <a href="{{ "units/" | relURL }}">Tất cả đơn vị</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl>
<dt>Cấp</dt><dd>{{ .Params.level }}</dd>
<dt>Trực thuộc</dt><dd>{{ .Params.parent }}</dd>
<dt>Đảng viên</dt><dd>{{ .Params.members }}</dd>
</dl>
{{ .Content }}
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<table>
<thead><tr><th>Đơn vị</th><th>Cấp</th><th>Trực thuộc</th><th>Đảng viên</th></tr></thead>
<tbody>
{{ range .Pages.ByTitle }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.level }}</td><td>{{ .Params.parent }}</td><td>{{ .Params.members }}</td></tr>
{{ end }}</tbody>
</table>
{{ end }}
"#;

const HUGO_HOME: &str = r#"{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p><a href="{{ "units/" | relURL }}">Tất cả đơn vị</a> ({{ len (where site.RegularPages "Section" "units") }})</p>
{{ end }}
"#;

/// What the second Hugo twin adds to the first's configuration: the
/// per-unit CSV and JSON, the all-units CSV and JSON (the units section's
/// outputs) and a search index (the home page's), each an output format
/// of Hugo's own.
const HUGO_FULL_CONFIG: &str = r#"
[outputFormats.searchindex]
mediaType = "application/json"
baseName = "search"
isPlainText = true

[outputs]
page = ["html", "csv", "json"]
section = ["html", "csv", "json"]
home = ["html", "searchindex"]
"#;

/// A unit's indicators as CSV (from its front matter), quoted as RFC 4180
/// asks.
const HUGO_SINGLE_CSV: &str = r#"id,group,description,target,baseline,actual,stated
{{ range .Params.indicators }}{{ .id }},"{{ replace .group "\"" "\"\"" }}","{{ replace .description "\"" "\"\"" }}","{{ .target }}",{{ .baseline }},"{{ .actual }}",{{ .stated }}
{{ end }}"#;

/// A unit and its indicators as JSON.
const HUGO_SINGLE_JSON: &str = r#"{{ dict "name" .Title "level" .Params.level "parent" .Params.parent "members" .Params.members "indicators" .Params.indicators | jsonify }}
"#;

/// Every unit as CSV, one line each.
const HUGO_LIST_CSV: &str = r#"name,level,parent,members,indicators
{{ range .Pages.ByTitle }}"{{ replace .Title "\"" "\"\"" }}",{{ .Params.level }},"{{ replace .Params.parent "\"" "\"\"" }}",{{ .Params.members }},{{ len .Params.indicators }}
{{ end }}"#;

/// Every unit as JSON.
const HUGO_LIST_JSON: &str = r#"{{ $units := slice }}{{ range .Pages.ByTitle }}{{ $units = $units | append (dict "name" .Title "url" .RelPermalink "level" .Params.level "parent" .Params.parent "members" .Params.members "indicators" (len .Params.indicators)) }}{{ end }}{{ $units | jsonify }}
"#;

/// The search index: every unit's title, address and plain text (its
/// report and indicators), as Hugo sites feed Fuse.js or Lunr.
const HUGO_SEARCH: &str = r#"{{ $docs := slice }}{{ range where site.RegularPages "Section" "units" }}{{ $docs = $docs | append (dict "title" .Title "url" .RelPermalink "text" .Plain) }}{{ end }}{{ $docs | jsonify }}
"#;

/// Writes the plan as the equivalent Hugo site: a page per unit with the
/// same report and its indicator table, and the list of all units.
pub fn write_hugo(plan: &Plan, dir: &Path) -> io::Result<u64> {
    write_hugo_twin(plan, dir, false)
}

/// Writes the second Hugo twin: the first, plus what ketqua also writes
/// beside its pages, made by Hugo's own means (output formats, `jsonify`):
/// each unit's indicators as CSV and JSON (from the indicators in its
/// front matter), all units as CSV and JSON, and a search index of every
/// unit's plain text.
pub fn write_hugo_full(plan: &Plan, dir: &Path) -> io::Result<u64> {
    write_hugo_twin(plan, dir, true)
}

fn write_hugo_twin(plan: &Plan, dir: &Path, full: bool) -> io::Result<u64> {
    create_dir(&dir.join("content/units"))?;
    create_dir(&dir.join("layouts"))?;
    if full {
        write(
            &dir.join("hugo.toml"),
            &format!("{HUGO_CONFIG}{HUGO_FULL_CONFIG}"),
        )?;
        write(&dir.join("layouts/single.csv"), HUGO_SINGLE_CSV)?;
        write(&dir.join("layouts/single.json"), HUGO_SINGLE_JSON)?;
        write(&dir.join("layouts/list.csv"), HUGO_LIST_CSV)?;
        write(&dir.join("layouts/list.json"), HUGO_LIST_JSON)?;
        write(&dir.join("layouts/home.searchindex.json"), HUGO_SEARCH)?;
    } else {
        write(&dir.join("hugo.toml"), HUGO_CONFIG)?;
    }
    write(&dir.join("layouts/baseof.html"), HUGO_BASEOF)?;
    write(&dir.join("layouts/single.html"), HUGO_SINGLE)?;
    write(&dir.join("layouts/list.html"), HUGO_LIST)?;
    write(&dir.join("layouts/home.html"), HUGO_HOME)?;
    write(
        &dir.join("content/units/_index.md"),
        "+++\ntitle = \"Tất cả đơn vị\"\n+++\n",
    )?;
    let corpus = sentences();
    (0..plan.units.len())
        .into_par_iter()
        .map(|i| {
            let u = &plan.units[i];
            let content = unit_content(plan, i, &corpus);
            let mut page = String::with_capacity(content.report.len() + 4096);
            let _ = writeln!(page, "+++\ntitle = {}", toml_str(&u.name));
            let _ = writeln!(page, "slug = \"{}-{}\"", slug(&u.name), u.id);
            let _ = writeln!(page, "level = {}", toml_str(u.level.label()));
            let parent = u.parent.map_or("", |p| plan.units[p].name.as_str());
            let _ = writeln!(page, "parent = {}", toml_str(parent));
            let _ = writeln!(page, "members = {}", u.members);
            if full {
                for ind in &content.indicators {
                    for c in std::iter::once(ind).chain(&ind.parts) {
                        hugo_indicator(&mut page, c);
                    }
                }
            }
            page.push_str("+++\n\n");
            let _ = writeln!(page, "{}\n", content.summary);
            page.push_str("## Chỉ tiêu\n\n");
            page.push_str(
                "| STT | Chỉ tiêu | Mục tiêu | Thực hiện | Kết quả |\n|---|---|---|---|---|\n",
            );
            for ind in &content.indicators {
                for c in std::iter::once(ind).chain(&ind.parts) {
                    let _ = writeln!(
                        page,
                        "| {} | {} | {} | {} | {} |",
                        c.id,
                        c.description,
                        c.target,
                        c.actual_text,
                        c.stated.unwrap_or("")
                    );
                }
            }
            page.push_str("\n## Báo cáo\n\n");
            page.push_str(&content.report);
            write(&dir.join(format!("content/units/{}.md", u.id)), &page)?;
            Ok(page.len() as u64)
        })
        .sum()
}

/// An indicator as a `[[indicators]]` table of a Hugo page's front matter.
fn hugo_indicator(page: &mut String, c: &GenIndicator) {
    let _ = writeln!(page, "[[indicators]]");
    let _ = writeln!(page, "id = {}", toml_str(&c.id));
    let _ = writeln!(page, "group = {}", toml_str(c.group));
    let _ = writeln!(page, "description = {}", toml_str(&c.description));
    let _ = writeln!(page, "target = {}", toml_str(&c.target));
    let baseline = c.baseline.map_or(String::new(), |b| b.to_string());
    let _ = writeln!(page, "baseline = {}", toml_str(&baseline));
    let _ = writeln!(page, "actual = {}", toml_str(&c.actual_text));
    let _ = writeln!(page, "stated = {}", toml_str(c.stated.unwrap_or("")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hierarchy_has_every_level() {
        let p = plan(Spec::new(1000));
        assert_eq!(p.units.len(), 1000);
        for level in [
            Level::Province,
            Level::District,
            Level::Grassroots,
            Level::Branch,
        ] {
            assert!(p.units.iter().any(|u| u.level == level), "{level:?}");
        }
        for u in &p.units {
            let below: u64 = u.children.iter().map(|&c| p.units[c].members).sum();
            assert!(u.members > below);
            assert!(u.organisations.unwrap_or(u64::MAX) >= u.children.len() as u64);
        }
    }

    #[test]
    fn the_same_spec_gives_the_same_content() {
        let p = plan(Spec::new(50));
        let c = sentences();
        let a = unit_toml(&p, 7, &unit_content(&p, 7, &c));
        let b = unit_toml(&p, 7, &unit_content(&p, 7, &c));
        assert_eq!(a, b);
        let other = plan(Spec { units: 50, seed: 1 });
        assert_ne!(a, unit_toml(&other, 7, &unit_content(&other, 7, &c)));
    }

    #[test]
    fn reports_are_3_to_12_kb_with_footnotes() {
        let p = plan(Spec::new(200));
        let c = sentences();
        for i in 0..200 {
            let r = unit_content(&p, i, &c).report;
            assert!((3_000..14_000).contains(&r.len()), "{}", r.len());
            assert!(r.contains("[^1]: "));
        }
    }

    #[test]
    fn stated_results_follow_the_status_rule() {
        assert_eq!(stated(Rule::AtLeast(90.0), 90.0), "Đạt");
        assert_eq!(stated(Rule::AtLeast(90.0), 90.1), "Vượt");
        assert_eq!(stated(Rule::MoreThan(95.0), 95.0), "Không đạt");
        assert_eq!(stated(Rule::LessThan(10.0), 9.9), "Vượt");
        assert_eq!(stated(Rule::Range(3.0, 5.0), 5.0), "Đạt");
        assert_eq!(stated(Rule::Duty, 99.9), "Không đạt");
        assert_eq!(slug("Đảng bộ xã Tân Uyên"), "dang-bo-xa-tan-uyen");
    }
}
