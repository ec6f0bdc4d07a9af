//! A scanner of free text (a Markdown report, a note) for figures worth
//! checking. It does no IO, holds no state and never panics: [`scan`] returns
//! [`Finding`]s, each with the byte range of the figure in the input, in order
//! of position.
//!
//! Real reports print wrong figures ("15.915/15.1915", 71 organisations in one
//! place and 74 or 77 in others), so the site should point at them. But a
//! warning on a correct report is worse than a missed one: an office that sees
//! false warnings learns to ignore all of them. Every rule below therefore
//! fires only on a narrow, unambiguous shape, and leaves alone anything that
//! could be read another way.
//!
//! The text is matched after folding (lowercase, no diacritics, đ → d,
//! whitespace collapsed), so NFC and NFD text, "Đảng" and "đảng", read alike;
//! ranges are always those of the original text.
//!
//! - **Fraction and percentage** ([`FindingKind::FractionPercent`]): a fraction
//!   `a/b` linked to a percentage by `a/b = p%`, `a/b (p%)`, `a/b, đạt p%`
//!   (also `bằng`, `chiếm`, `tỷ lệ`) or `p% (a/b)`. The percentage is right
//!   when it is a/b × 100 rounded or truncated to the decimals it is written
//!   with (reports do both), computed exactly, not in floating point. Dates
//!   (`30/6/2023`, `3/2023`, `30/6`), document numbers (`31/2022/NĐ-CP`,
//!   `36-KH/CĐVC`), year spans (`2022/2023`), fractions over 0 and
//!   percentages with a dot (`57.746%`, English or thousands?) are ignored.
//! - **Malformed number** ([`FindingKind::MalformedNumber`]): a dot followed
//!   by four or more digits (`15.1915`, `1.1149.26`), or four or more digits
//!   before a dot and three after (`1234.567`). A dot followed by one or two
//!   digits is left alone: it is a heading (`2.1.`), a time (`7.30`) or a
//!   decimal written the English way (`3.5`), and a reader can tell which.
//!   Dates (`30.6.2023`), phone numbers (`0912.345.678`), years (`2020.2025`),
//!   and numbers glued to letters (`v1.2345`) or inside links are ignored.
//! - **Organisation count** ([`FindingKind::OrganisationCount`]): a number or
//!   fraction right before a noun naming the unit's own party organisations
//!   ("tổ chức cơ sở đảng", "chi, đảng bộ cơ sở", …). `N/M noun` gives the
//!   total M (and N as a count when it differs); `có`, `gồm` or `tổng số`
//!   (not `trong đó có`) before `N noun` gives the total N; anything else is
//!   a count, which may be a subset but not more than the
//!   total. A qualifier after the noun ("… khối doanh nghiệp", "… thuộc …")
//!   makes M or N a count, not the total, and `có N noun` is a total only when
//!   the noun ends the clause ("có 71 tổ chức cơ sở đảng với …"), since
//!   "có 5 chi, đảng bộ xếp loại …" counts a subset.
//! - **Member count** ([`FindingKind::MemberCount`]): the same for "đảng
//!   viên", and "có 71 tổ chức cơ sở đảng với 3.322 đảng viên" gives both
//!   totals.
//!
//! [`message`], [`hint`] and [`count_problem`] word the findings for people.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::diag::Msg;
use crate::vi::{fold, format_decimal, format_fixed, format_int, group_thousands};

/// A figure found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    /// Byte range of the figure in the scanned text (on char boundaries).
    pub range: Range<usize>,
    pub kind: FindingKind,
}

/// What was found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FindingKind {
    /// "41/71 = 57,8%": a fraction next to a percentage it does not equal.
    FractionPercent {
        num: f64,
        den: f64,
        /// The percentage as written.
        stated: f64,
        /// num / den × 100.
        computed: f64,
        /// The decimals the percentage is written with ("57,8%" → 1).
        decimals: u32,
    },
    /// "15.1915": thousands groups that are not three digits.
    MalformedNumber { text: String },
    /// A number of the unit's own party organisations: "74/74 chi, đảng bộ"
    /// (a total, 74) or "77 chi, đảng bộ cơ sở" (a count, which can be a
    /// subset but not more than the total).
    OrganisationCount {
        value: i64,
        is_total: bool,
        /// The noun as the reports spell it, e.g. "chi, đảng bộ".
        noun: &'static str,
    },
    /// A number of party members: "có … 3.322 đảng viên", "x/3.322 đảng viên"
    /// (totals) or "kết nạp 305 đảng viên" (a count).
    MemberCount { value: i64, is_total: bool },
}

/// Finds the figures to check in `text`, in order of position.
pub(crate) fn scan(text: &str) -> Vec<Finding> {
    let folded = Folded::new(text);
    let scanner = Scanner::new(&folded);
    let mut found = Vec::new();
    scanner.malformed(&mut found);
    scanner.fraction_percents(&mut found);
    scanner.counts(&mut found);
    let mut out: Vec<Finding> = found
        .into_iter()
        .filter_map(|(span, kind)| {
            let range = folded.original(span)?;
            text.get(range.clone())?;
            Some(Finding { range, kind })
        })
        .collect();
    out.sort_by_key(|f| (f.range.start, f.range.end, kind_rank(&f.kind)));
    out.dedup();
    out
}

fn kind_rank(kind: &FindingKind) -> u8 {
    match kind {
        FindingKind::MalformedNumber { .. } => 0,
        FindingKind::FractionPercent { .. } => 1,
        FindingKind::OrganisationCount { .. } => 2,
        FindingKind::MemberCount { .. } => 3,
    }
}

/// What is wrong or what was found, with Vietnamese numbers.
pub(crate) fn message(kind: &FindingKind) -> Msg {
    match kind {
        FindingKind::FractionPercent {
            num,
            den,
            stated,
            computed,
            decimals,
        } => Msg::new("fraction_percent")
            .arg("num", format_decimal(*num))
            .arg("den", format_decimal(*den))
            .arg(
                "computed",
                format_trimmed(*computed, (*decimals + 2).max(2)),
            )
            .arg("stated", format_fixed(*stated, *decimals as usize)),
        FindingKind::MalformedNumber { text } => {
            let guesses = number_guesses(text);
            match guesses.split_last() {
                None => Msg::new("malformed_number").arg("text", text),
                Some((last, [])) => Msg::new("malformed_number_guess")
                    .arg("text", text)
                    .arg("guess", last),
                Some((last, rest)) => Msg::new("malformed_number_guesses")
                    .arg("text", text)
                    .arg("guesses", rest.join(", "))
                    .arg("last", last),
            }
        }
        FindingKind::OrganisationCount {
            value,
            is_total: true,
            noun,
        } => Msg::new("text_organisations_total")
            .arg("count", format_int(*value))
            .arg("noun", noun),
        FindingKind::OrganisationCount {
            value,
            is_total: false,
            noun,
        } => Msg::new("text_organisations")
            .arg("count", format_int(*value))
            .arg("noun", noun),
        FindingKind::MemberCount {
            value,
            is_total: true,
        } => Msg::new("text_members_total").arg("count", format_int(*value)),
        FindingKind::MemberCount {
            value,
            is_total: false,
        } => Msg::new("text_members").arg("count", format_int(*value)),
    }
}

/// How to fix a problem, when there is one to fix.
pub(crate) fn hint(kind: &FindingKind) -> Option<Msg> {
    match kind {
        FindingKind::FractionPercent {
            num, den, decimals, ..
        } => {
            let right = exact_percent(&Dec::from_f64(*num)?, &Dec::from_f64(*den)?, *decimals)
                .map(|(_, rounded)| format_scaled(rounded, *decimals))?;
            Some(Msg::new("fraction_percent_hint").arg("right", right))
        }
        FindingKind::MalformedNumber { .. } => Some(Msg::new("malformed_number_hint")),
        FindingKind::OrganisationCount { .. } | FindingKind::MemberCount { .. } => None,
    }
}

/// Compares a count found in the text with the unit's figures
/// (`organisations` and `members` in unit.toml): a total must equal them, a
/// count must not exceed them. `None` when consistent, unknown, or not a count.
pub(crate) fn count_problem(
    kind: &FindingKind,
    organisations: Option<i64>,
    members: Option<i64>,
) -> Option<Msg> {
    match *kind {
        FindingKind::OrganisationCount {
            value,
            is_total,
            noun,
        } => {
            let known = organisations?;
            if is_total && value != known {
                Some(
                    Msg::new("organisations_total_differs")
                        .arg("count", format_int(value))
                        .arg("noun", noun)
                        .arg("known", known),
                )
            } else if !is_total && value > known {
                Some(
                    Msg::new("organisations_more")
                        .arg("count", format_int(value))
                        .arg("noun", noun)
                        .arg("known", format_int(known)),
                )
            } else {
                None
            }
        }
        FindingKind::MemberCount { value, is_total } => {
            let known = members?;
            if is_total && value != known {
                Some(
                    Msg::new("members_total_differs")
                        .arg("count", format_int(value))
                        .arg("known", known),
                )
            } else if !is_total && value > known {
                Some(
                    Msg::new("members_more")
                        .arg("count", format_int(value))
                        .arg("known", format_int(known)),
                )
            } else {
                None
            }
        }
        FindingKind::FractionPercent { .. } | FindingKind::MalformedNumber { .. } => None,
    }
}

// ---------------------------------------------------------------------------
// Folding with a map back to the original text
// ---------------------------------------------------------------------------

/// The text folded for matching (see [`crate::vi::fold`], but whitespace is
/// collapsed to one space without trimming), with the original char of every
/// folded byte.
struct Folded {
    text: String,
    /// For each byte of `text`: the original byte range of the char it
    /// came from, as `u32`s (half the memory of a `Range<usize>`, for every
    /// byte of every report).
    origin: Vec<(u32, u32)>,
}

impl Folded {
    fn new(src: &str) -> Folded {
        let mut text = String::with_capacity(src.len());
        let mut origin: Vec<(u32, u32)> = Vec::with_capacity(src.len());
        // Folding a char is slow; a text has few distinct ones.
        let mut cache: FxHashMap<char, String> = FxHashMap::default();
        // Offsets past `u32::MAX` (a text of 4 GiB) are clamped: no report
        // comes near, and a range found there is then only less precise.
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        for (i, c) in src.char_indices() {
            let (start, end) = (at(i), at(i + c.len_utf8()));
            if c.is_whitespace() {
                if text.ends_with(' ') {
                    if let Some(last) = origin.last_mut() {
                        last.1 = end;
                    }
                } else {
                    text.push(' ');
                    origin.push((start, end));
                }
                continue;
            }
            if c.is_ascii() {
                text.push(c.to_ascii_lowercase());
                origin.push((start, end));
                continue;
            }
            let piece = cache
                .entry(c)
                .or_insert_with(|| fold(c.encode_utf8(&mut [0; 4])));
            origin.extend(std::iter::repeat_n((start, end), piece.len()));
            text.push_str(piece);
        }
        Folded { text, origin }
    }

    /// The original byte range of a folded span.
    fn original(&self, span: Range<usize>) -> Option<Range<usize>> {
        if span.start >= span.end {
            return None;
        }
        let start = self.origin.get(span.start)?.0;
        let end = self.origin.get(span.end - 1)?.1;
        Some(start as usize..end as usize)
    }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// A run of digits with dots and commas between digits ("15.1915", "57,7"),
/// as a folded span.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
}

/// A Vietnamese number, exactly: `mant / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dec {
    mant: u128,
    scale: u32,
    /// Written with dots or a comma ("3.322", "57,7"), not only digits.
    plain: bool,
}

impl Dec {
    /// Reads "3.322", "57,7", "1.234,5", "03"; `None` for anything else,
    /// including "15.1915" and numbers of more than 30 digits.
    fn parse(t: &str) -> Option<Dec> {
        let (int, frac) = match t.split_once(',') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if t.contains(',') && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let groups: Vec<&str> = int.split('.').collect();
        let all_digits = groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
        if !all_digits {
            return None;
        }
        if let [first, rest @ ..] = groups.as_slice()
            && !rest.is_empty()
            && !((1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3))
        {
            return None;
        }
        let digits: String = groups.concat() + frac;
        if digits.len() > 30 {
            return None;
        }
        Some(Dec {
            mant: digits.parse().ok()?,
            scale: u32::try_from(frac.len()).ok()?,
            plain: groups.len() == 1 && frac.is_empty(),
        })
    }

    /// A decimal from a finite, non-negative `f64`, by its shortest digits.
    fn from_f64(x: f64) -> Option<Dec> {
        if !x.is_finite() || x < 0.0 {
            return None;
        }
        let s = format!("{x}");
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let digits = format!("{int}{frac}");
        if digits.len() > 30 {
            return None;
        }
        Some(Dec {
            mant: digits.parse().ok()?,
            scale: u32::try_from(frac.len()).ok()?,
            plain: frac.is_empty(),
        })
    }

    fn value(&self) -> f64 {
        // Exact decimal text, read back by the standard parser.
        let digits = format!("{:0>width$}", self.mant, width = self.scale as usize + 1);
        let (int, frac) = digits.split_at(digits.len() - self.scale as usize);
        format!("{int}.{frac}0").parse().unwrap_or(f64::NAN)
    }

    /// The value when it is a whole number that fits in `i64`.
    fn integer(&self) -> Option<i64> {
        if self.scale == 0 {
            i64::try_from(self.mant).ok()
        } else {
            None
        }
    }

    /// The value when it is written as plain digits ("2023", "6"), no dots.
    fn plain_int(&self) -> Option<u128> {
        self.plain.then_some(self.mant)
    }
}

/// a/b × 100 with `decimals` decimals, exactly: (truncated, rounded half up)
/// as integers scaled by 10^decimals. `None` for b = 0 or on overflow.
fn exact_percent(a: &Dec, b: &Dec, decimals: u32) -> Option<(u128, u128)> {
    let n = a
        .mant
        .checked_mul(10u128.checked_pow(b.scale)?)?
        .checked_mul(100)?
        .checked_mul(10u128.checked_pow(decimals)?)?;
    let d = b.mant.checked_mul(10u128.checked_pow(a.scale)?)?;
    if d == 0 {
        return None;
    }
    let (floor, rem) = (n / d, n % d);
    let rounded = if rem.checked_mul(2)? >= d {
        floor.checked_add(1)?
    } else {
        floor
    };
    Some((floor, rounded))
}

/// `m / 10^decimals` the Vietnamese way: (5775, 2) → "57,75"; (58, 0) → "58".
fn format_scaled(m: u128, decimals: u32) -> String {
    let digits = format!("{:0>width$}", m, width = decimals as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals as usize);
    let int = match int.parse::<i64>() {
        Ok(n) => format_int(n),
        Err(_) => int.to_string(),
    };
    if frac.is_empty() {
        int
    } else {
        format!("{int},{frac}")
    }
}

/// [`format_fixed`] without trailing zeros: (57.746, 3) → "57,746"; (50.0, 2) → "50".
fn format_trimmed(x: f64, decimals: u32) -> String {
    let s = format_fixed(x, decimals as usize);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

/// What a malformed number may have meant: "15.1915" → ["15.915", "151.915"]
/// (the extra digit dropped, or the digits regrouped).
fn number_guesses(text: &str) -> Vec<String> {
    let (int, frac) = match text.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let with_frac = |s: String| match frac {
        Some(f) => format!("{s},{f}"),
        None => s,
    };
    let groups: Vec<&str> = int.split('.').collect();
    let mut guesses = Vec::new();
    if let [first, rest @ ..] = groups.as_slice()
        && (1..=3).contains(&first.len())
        && rest.iter().all(|g| g.len() >= 3)
    {
        let trimmed: Vec<&str> = std::iter::once(*first)
            .chain(rest.iter().map(|g| g.get(g.len() - 3..).unwrap_or(g)))
            .collect();
        guesses.push(with_frac(trimmed.join(".")));
    }
    let digits: String = groups.concat();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let regrouped = with_frac(group_thousands(&digits));
        if !guesses.contains(&regrouped) {
            guesses.push(regrouped);
        }
    }
    guesses
}

// ---------------------------------------------------------------------------
// The scanner
// ---------------------------------------------------------------------------

/// Verbs that link a fraction to its percentage: "41/71, đạt 57,7%"; each
/// may be followed by "tỷ lệ" ("chiếm tỷ lệ 57,7%"), which may also stand alone.
const LINK_VERBS: [&str; 3] = ["dat ", "bang ", "chiem "];
const RATE_WORDS: [&str; 2] = ["ty le ", "ti le "];

/// Words before a fraction that make it a date: "đến 30/6", "ngày 5/6".
const DATE_WORDS: [&str; 10] = [
    "ngay", "thang", "den", "tu", "truoc", "sau", "luc", "hom", "cuoi", "dau",
];

/// The unit's own party organisations: (folded, as written). Longer first.
const ORGANISATION_NOUNS: [(&str, &str); 8] = [
    ("chi bo, dang bo co so", "chi bộ, đảng bộ cơ sở"),
    ("chi bo, dang bo", "chi bộ, đảng bộ"),
    ("chi, dang bo co so", "chi, đảng bộ cơ sở"),
    ("chi, dang bo", "chi, đảng bộ"),
    ("to chuc co so dang", "tổ chức cơ sở đảng"),
    ("to chuc dang truc thuoc", "tổ chức đảng trực thuộc"),
    ("tccs dang", "TCCS đảng"),
    ("tccsd", "TCCSĐ"),
];

const MEMBER_NOUN: &str = "dang vien";

/// Words after an organisation noun that narrow it to a part ("… khối doanh
/// nghiệp", "… thuộc huyện"), so its number is not the total.
const ORGANISATION_QUALIFIERS: [&str; 9] = [
    "khoi doanh nghiep",
    "khoi co quan",
    "doanh nghiep",
    "co quan",
    "thuoc",
    "o",
    "tai",
    "loai",
    "nganh",
];

/// Words after "đảng viên" that narrow it to a part ("… dự bị", "… nữ").
const MEMBER_QUALIFIERS: [&str; 17] = [
    "du bi",
    "chinh thuc",
    "nu",
    "moi",
    "tre",
    "la",
    "dan toc",
    "ton giao",
    "cao tuoi",
    "mien",
    "nghi huu",
    "khoi doanh nghiep",
    "khoi co quan",
    "doanh nghiep",
    "co quan",
    "thuoc",
    "o",
];

/// What comes before a number that can make it a total.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Marker {
    /// "có": a total only when the noun ends the clause.
    Co,
    /// "gồm", "tổng số", "tổng cộng".
    Total,
    None,
}

/// What a counted noun names.
#[derive(Debug, Clone, Copy)]
enum Noun {
    /// The unit's party organisations, as the text names them.
    Organisations(&'static str),
    Members,
}

impl Noun {
    fn qualifiers(self) -> &'static [&'static str] {
        match self {
            Noun::Organisations(_) => &ORGANISATION_QUALIFIERS,
            Noun::Members => &MEMBER_QUALIFIERS,
        }
    }

    fn finding(self, value: i64, is_total: bool) -> FindingKind {
        match self {
            Noun::Organisations(noun) => FindingKind::OrganisationCount {
                value,
                is_total,
                noun,
            },
            Noun::Members => FindingKind::MemberCount { value, is_total },
        }
    }
}

/// A fraction "a/b" of two runs.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    /// Index of the numerator's run; the denominator's is the next.
    first: usize,
    num: Dec,
    den: Dec,
    start: usize,
    end: usize,
}

/// A folded span and what was found there.
type Found = (Range<usize>, FindingKind);

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    runs: Vec<Run>,
}

impl<'a> Scanner<'a> {
    fn new(folded: &'a Folded) -> Scanner<'a> {
        let text = folded.text.as_str();
        let b = text.as_bytes();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            loop {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let sep = matches!(b.get(i), Some(b'.' | b','));
                if sep && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                } else {
                    break;
                }
            }
            runs.push(Run { start, end: i });
        }
        Scanner { text, b, runs }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn run_text(&self, run: Run) -> &'a str {
        self.text.get(run.start..run.end).unwrap_or("")
    }

    /// The index of the run that starts at `pos`.
    fn run_starting(&self, pos: usize) -> Option<usize> {
        let k = self.runs.partition_point(|r| r.start < pos);
        (self.runs.get(k)?.start == pos).then_some(k)
    }

    /// The index of the run that ends at `pos`.
    fn run_ending(&self, pos: usize) -> Option<usize> {
        let k = self.runs.partition_point(|r| r.end < pos);
        (self.runs.get(k)?.end == pos).then_some(k)
    }

    fn skip_space(&self, mut i: usize) -> usize {
        while self.byte(i) == Some(b' ') {
            i += 1;
        }
        i
    }

    fn skip_space_back(&self, mut i: usize) -> usize {
        while i > 0 && self.byte(i - 1) == Some(b' ') {
            i -= 1;
        }
        i
    }

    fn is_word_byte(b: Option<u8>) -> bool {
        b.is_some_and(|b| b.is_ascii_alphanumeric() || b >= 0x80)
    }

    /// Matches `pattern` at `pos` as whole words; a space after a comma in the
    /// pattern is optional in the text. Returns the end.
    fn phrase_at(&self, pos: usize, pattern: &str) -> Option<usize> {
        let mut i = pos;
        let mut prev = 0u8;
        for &p in pattern.as_bytes() {
            if p == b' ' && prev == b',' {
                if self.byte(i) == Some(b' ') {
                    i += 1;
                }
            } else if self.byte(i) == Some(p) {
                i += 1;
            } else {
                return None;
            }
            prev = p;
        }
        let last = pattern.as_bytes().last().copied().unwrap_or(b' ');
        if last != b' ' && Self::is_word_byte(self.byte(i)) {
            return None;
        }
        Some(i)
    }

    /// The word (ASCII letters) before `pos`, skipping spaces, and its start.
    fn word_before(&self, pos: usize) -> (&'a str, usize) {
        let end = self.skip_space_back(pos);
        let mut start = end;
        while start > 0
            && self
                .byte(start - 1)
                .is_some_and(|b| b.is_ascii_alphabetic())
        {
            start -= 1;
        }
        (self.text.get(start..end).unwrap_or(""), start)
    }

    /// A valid number at run `k`.
    fn number(&self, k: usize) -> Option<Dec> {
        Dec::parse(self.run_text(*self.runs.get(k)?))
    }

    /// True when the byte before a figure starting at `pos` ties it to a
    /// code, a footnote mark, a date or a word (`KH05`, `[^31]`, `6/2023`).
    fn glued_before(&self, pos: usize) -> bool {
        let Some(i) = pos.checked_sub(1) else {
            return false;
        };
        let before = self.byte(i);
        if Self::is_word_byte(before)
            || matches!(before, Some(b'/' | b'-' | b'.' | b'^' | b'_' | b'\\'))
        {
            return true;
        }
        let s = self.skip_space_back(pos);
        s > 0 && self.byte(s - 1) == Some(b'/')
    }

    /// A fraction whose numerator is run `k`: two valid numbers around a
    /// slash, not part of a longer chain ("30/6/2023", "31/2022/NĐ-CP").
    fn fraction_at(&self, k: usize) -> Option<Fraction> {
        let first = *self.runs.get(k)?;
        let second = *self.runs.get(k + 1)?;
        if self.glued_before(first.start) {
            return None;
        }
        let slash = self.skip_space(first.end);
        if self.byte(slash) != Some(b'/') || self.skip_space(slash + 1) != second.start {
            return None;
        }
        match self.byte(second.end) {
            Some(b'/' | b'_' | b'\\') => return None,
            Some(b'-') if Self::is_word_byte(self.byte(second.end + 1)) => return None,
            b if Self::is_word_byte(b) => return None,
            _ => {}
        }
        let num = self.number(k)?;
        let den = self.number(k + 1)?;
        if den.mant == 0 {
            return None;
        }
        Some(Fraction {
            first: k,
            num,
            den,
            start: first.start,
            end: second.end,
        })
    }

    /// Dates and years written like fractions: "3/2023", "2022/2023", and
    /// "30/6" (a day after the month's number, or after "ngày", "đến" …).
    fn looks_like_date(&self, f: &Fraction) -> bool {
        let year = |d: &Dec| d.plain_int().filter(|y| (1900..=2100).contains(y));
        if year(&f.den).is_some()
            && (f.num.integer().is_some_and(|n| n <= 31) || year(&f.num).is_some())
        {
            return true;
        }
        if let (Some(day), Some(month)) = (f.num.plain_int(), f.den.plain_int())
            && (1..=31).contains(&day)
            && (1..=12).contains(&month)
        {
            let (word, _) = self.word_before(f.start);
            return day > month || DATE_WORDS.contains(&word);
        }
        false
    }

    /// A percentage whose number starts at `pos`: "57,7%", "57,7 %". Returns
    /// the number and the end after "%". A percentage with a thousands dot
    /// ("57.746%") is more likely an English decimal than a figure over a
    /// thousand per cent, so it is not read.
    fn percent_at(&self, pos: usize) -> Option<(Dec, usize)> {
        let run = *self.runs.get(self.run_starting(pos)?)?;
        let text = self.run_text(run);
        if text.contains('.') {
            return None;
        }
        let p = Dec::parse(text)?;
        let sign = self.skip_space(run.end);
        (self.byte(sign) == Some(b'%')).then_some((p, sign + 1))
    }

    /// A link word at `pos` ("đạt ", "chiếm tỷ lệ "…), returning the end.
    fn link_word(&self, pos: usize) -> Option<usize> {
        let rate = |p: usize| RATE_WORDS.iter().find_map(|w| self.phrase_at(p, w));
        match LINK_VERBS.iter().find_map(|w| self.phrase_at(pos, w)) {
            Some(end) => Some(rate(end).unwrap_or(end)),
            None => rate(pos),
        }
    }

    /// The percentage linked to a fraction ending at `end`: "= p%", "(p%)",
    /// ", đạt p%", " đạt p%". Returns the percentage and the end of the match.
    fn percent_after(&self, end: usize) -> Option<(Dec, usize)> {
        let j = self.skip_space(end);
        let (p, pend) = match self.byte(j)? {
            b'=' => self.percent_at(self.skip_space(j + 1))?,
            b'(' => {
                let k = self.skip_space(j + 1);
                let (p, pend) = self.percent_at(self.link_word(k).unwrap_or(k))?;
                let close = self.skip_space(pend);
                let end = if self.byte(close) == Some(b')') {
                    close + 1
                } else {
                    pend
                };
                return Some((p, end));
            }
            b',' => self.percent_at(self.link_word(self.skip_space(j + 1))?)?,
            _ if j > end => self.percent_at(self.link_word(j)?)?,
            _ => return None,
        };
        Some((p, pend))
    }

    /// The percentage before a fraction starting at `start`: "p% (a/b)".
    /// Returns it and the start of its number.
    fn percent_before(&self, start: usize) -> Option<(Dec, usize)> {
        let open = self.skip_space_back(start).checked_sub(1)?;
        if self.byte(open) != Some(b'(') {
            return None;
        }
        let sign = self.skip_space_back(open).checked_sub(1)?;
        if self.byte(sign) != Some(b'%') {
            return None;
        }
        let k = self.run_ending(self.skip_space_back(sign))?;
        let run = *self.runs.get(k)?;
        if self.glued_before(run.start) {
            return None;
        }
        let (p, _) = self.percent_at(run.start)?;
        Some((p, run.start))
    }

    fn malformed(&self, out: &mut Vec<Found>) {
        for &run in &self.runs {
            let t = self.run_text(run);
            if t.matches(',').count() > 1 {
                continue;
            }
            let (int, frac) = t.split_once(',').unwrap_or((t, ""));
            if frac.contains('.') {
                continue;
            }
            let groups: Vec<&str> = int.split('.').collect();
            let [first, rest @ ..] = groups.as_slice() else {
                continue;
            };
            let bad = rest.iter().any(|g| g.len() >= 4)
                || (first.len() >= 4 && rest.first().is_some_and(|g| g.len() == 3));
            if !bad || rest.is_empty() || self.number_excused(run, &groups, frac) {
                continue;
            }
            out.push((
                run.start..run.end,
                FindingKind::MalformedNumber {
                    text: t.to_string(),
                },
            ));
        }
    }

    /// Dotted runs that are not numbers: dates, years, phone numbers, codes
    /// glued to letters, parts of links and addresses.
    fn number_excused(&self, run: Run, groups: &[&str], frac: &str) -> bool {
        let value = |g: &str| g.parse::<u32>().unwrap_or(u32::MAX);
        let is_year = |g: &str| g.len() == 4 && (1900..=2100).contains(&value(g));
        let date = frac.is_empty()
            && match groups {
                [m, y] => m.len() <= 2 && (1..=12).contains(&value(m)) && is_year(y),
                [d, m, y] => {
                    d.len() <= 2
                        && m.len() <= 2
                        && (1..=31).contains(&value(d))
                        && (1..=12).contains(&value(m))
                        && is_year(y)
                }
                _ => false,
            };
        let years = matches!(groups, [a, b] if a.len() == 4 && b.len() == 4);
        let phone = groups
            .first()
            .is_some_and(|g| g.len() >= 2 && g.starts_with('0'));
        let before = run.start.checked_sub(1).and_then(|i| self.byte(i));
        let glued = Self::is_word_byte(before) || matches!(before, Some(b'.' | b':' | b'_' | b'@'));
        let token_start = self
            .text
            .get(..run.start)
            .and_then(|t| t.rfind(' '))
            .map_or(0, |i| i + 1);
        let token_end = self
            .text
            .get(run.end..)
            .and_then(|t| t.find(' '))
            .map_or(self.text.len(), |i| run.end + i);
        let token = self.text.get(token_start..token_end).unwrap_or("");
        let link = ["://", "www.", "@", "http", ".html", ".php"]
            .iter()
            .any(|m| token.contains(m));
        date || years || phone || glued || link
    }

    fn fraction_percents(&self, out: &mut Vec<Found>) {
        for k in 0..self.runs.len() {
            let Some(f) = self.fraction_at(k) else {
                continue;
            };
            if self.looks_like_date(&f) {
                continue;
            }
            if let Some((p, end)) = self.percent_after(f.end) {
                self.check_percent(&f, p, f.start..end, out);
            }
            if let Some((p, start)) = self.percent_before(f.start) {
                let after = self.skip_space(f.end);
                let end = match self.byte(after) {
                    Some(b')') => after + 1,
                    b if after > f.end && b.is_some_and(|b| b.is_ascii_alphabetic()) => f.end,
                    _ => continue,
                };
                self.check_percent(&f, p, start..end, out);
            }
        }
    }

    fn check_percent(&self, f: &Fraction, p: Dec, span: Range<usize>, out: &mut Vec<Found>) {
        let Some((truncated, rounded)) = exact_percent(&f.num, &f.den, p.scale) else {
            return;
        };
        if p.mant == truncated || p.mant == rounded {
            return;
        }
        out.push((
            span,
            FindingKind::FractionPercent {
                num: f.num.value(),
                den: f.den.value(),
                stated: p.value(),
                computed: f.num.value() / f.den.value() * 100.0,
                decimals: p.scale,
            },
        ));
    }

    /// "có", "gồm", "tổng số" before `pos`, but not "trong đó có".
    fn marker_before(&self, pos: usize) -> Marker {
        let (w1, s1) = self.word_before(pos);
        let (w2, s2) = self.word_before(s1);
        let (w3, _) = self.word_before(s2);
        let subset = w3 == "trong" && w2 == "do";
        match (w2, w1) {
            _ if subset => Marker::None,
            (_, "co") => Marker::Co,
            (_, "gom") | ("tong", "so") | ("tong", "cong") => Marker::Total,
            _ => Marker::None,
        }
    }

    /// True when a qualifier follows a noun ending at `end`.
    fn qualified(&self, end: usize, qualifiers: &[&str]) -> bool {
        self.byte(end) == Some(b' ')
            && qualifiers
                .iter()
                .any(|q| self.phrase_at(end + 1, q).is_some())
    }

    /// True when the clause ends after a noun ending at `end` (optionally
    /// followed by "trực thuộc"): punctuation, a footnote, the end, or "với".
    fn clause_ends(&self, end: usize) -> bool {
        let mut p = end;
        if self.byte(p) == Some(b' ')
            && let Some(e) = self.phrase_at(p + 1, "truc thuoc")
        {
            p = e;
        }
        if self.text.get(p..).is_some_and(|t| t.starts_with("[^")) {
            return true;
        }
        let q = self.skip_space(p);
        match self.byte(q) {
            None => true,
            Some(b'.' | b',' | b';' | b':' | b')' | b'|') => true,
            _ => self.byte(p) == Some(b' ') && self.phrase_at(p + 1, "voi").is_some(),
        }
    }

    fn counts(&self, out: &mut Vec<Found>) {
        // Runs already read as the members of "có N … với M đảng viên".
        let mut done: Vec<usize> = Vec::new();
        let mut k = 0;
        while k < self.runs.len() {
            let fraction = self.fraction_at(k).filter(|f| !self.looks_like_date(f));
            let step = if fraction.is_some() { 2 } else { 1 };
            let skip = done.contains(&k)
                || (fraction.is_none()
                    && self.runs.get(k).is_none_or(|r| self.glued_before(r.start)));
            if !skip && let Some(member_run) = self.count_at(k, fraction, out) {
                done.push(member_run);
            }
            k += step;
        }
    }

    /// The count(s) of the figure at run `k` (a number, or the fraction given)
    /// when a noun follows. Returns the run of the members read after an
    /// organisations total, if any.
    fn count_at(
        &self,
        k: usize,
        fraction: Option<Fraction>,
        out: &mut Vec<Found>,
    ) -> Option<usize> {
        let run = *self.runs.get(k)?;
        let end = fraction.map_or(run.end, |f| f.end);
        if self.byte(end) != Some(b' ') {
            return None;
        }
        let after = end + 1;
        let org = ORGANISATION_NOUNS
            .iter()
            .find_map(|&(pattern, noun)| Some((self.phrase_at(after, pattern)?, noun)));
        let (noun_end, noun) = match org {
            Some((end, noun)) => (end, Noun::Organisations(noun)),
            None => (self.phrase_at(after, MEMBER_NOUN)?, Noun::Members),
        };
        let qualified = self.qualified(noun_end, noun.qualifiers());
        let make = |value, is_total| noun.finding(value, is_total);

        if let Some(f) = fraction {
            // N/M noun: M is the total (unless the noun is qualified), N a count.
            let num = f.num.integer()?;
            let den = f.den.integer()?;
            let den_run = *self.runs.get(f.first + 1)?;
            if num != den {
                out.push((run.start..run.end, make(num, false)));
            }
            out.push((den_run.start..den_run.end, make(den, !qualified)));
            return None;
        }
        let value = self.number(k)?.integer()?;
        let marker = self.marker_before(run.start);
        let is_total = !qualified
            && match marker {
                Marker::Co => self.clause_ends(noun_end),
                Marker::Total => true,
                Marker::None => false,
            };
        out.push((run.start..run.end, make(value, is_total)));
        if org.is_some() && is_total && marker == Marker::Co {
            return self.member_total_after(noun_end, out);
        }
        None
    }

    /// "… với 3.322 đảng viên" right after an organisations total given by
    /// "có": the members' total. Returns its run.
    fn member_total_after(&self, noun_end: usize, out: &mut Vec<Found>) -> Option<usize> {
        let mut p = noun_end;
        if self.byte(p) == Some(b' ')
            && let Some(e) = self.phrase_at(p + 1, "truc thuoc")
        {
            p = e;
        }
        if self.byte(p) != Some(b' ') {
            return None;
        }
        let after_voi = self.phrase_at(p + 1, "voi")?;
        if self.byte(after_voi) != Some(b' ') {
            return None;
        }
        let k = self.run_starting(after_voi + 1)?;
        let run = *self.runs.get(k)?;
        if self.byte(run.end) != Some(b' ') {
            return None;
        }
        let noun_end = self.phrase_at(run.end + 1, MEMBER_NOUN)?;
        if self.qualified(noun_end, &MEMBER_QUALIFIERS) {
            return None;
        }
        let value = self.number(k)?.integer()?;
        out.push((
            run.start..run.end,
            FindingKind::MemberCount {
                value,
                is_total: true,
            },
        ));
        Some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = include_str!("../content/units/dang-bo-khoi/report.md");

    /// The findings of `text` as (the text of the range, kind).
    fn found(text: &str) -> Vec<(&str, FindingKind)> {
        scan(text)
            .into_iter()
            .map(|f| (&text[f.range], f.kind))
            .collect()
    }

    fn org(value: i64, is_total: bool, noun: &'static str) -> FindingKind {
        FindingKind::OrganisationCount {
            value,
            is_total,
            noun,
        }
    }

    fn mem(value: i64, is_total: bool) -> FindingKind {
        FindingKind::MemberCount { value, is_total }
    }

    fn bad(text: &str) -> FindingKind {
        FindingKind::MalformedNumber {
            text: text.to_string(),
        }
    }

    /// The ranges of the fraction/percentage findings only.
    fn percents(text: &str) -> Vec<&str> {
        found(text)
            .into_iter()
            .filter(|(_, k)| matches!(k, FindingKind::FractionPercent { .. }))
            .map(|(t, _)| t)
            .collect()
    }

    const TCCS: &str = "tổ chức cơ sở đảng";
    const CHI_DB: &str = "chi, đảng bộ";
    const CHI_DBCS: &str = "chi, đảng bộ cơ sở";

    // -- Fractions and percentages ----------------------------------------

    #[test]
    fn the_reports_own_fractions_are_right() {
        for text in [
            "| | Trong nhiệm kỳ 60% tổ chức đảng trực thuộc được kiểm tra, giám sát. | Tổ chức đảng được KTGS: 41/71 = 57,7% | Đạt 96,16% so với nghị quyết |",
            "| Chi, đảng bộ cơ sở xây dựng và thực hiện chương trình kiểm tra, giám sát: 71/71=100% | Đạt |",
        ] {
            assert_eq!(found(text), vec![], "{text}");
        }
    }

    #[test]
    fn rounded_and_truncated_percentages_are_accepted() {
        for text in [
            "2/3 = 66,7%", // rounded
            "2/3 = 66,6%", // truncated
            "2/3 = 67%",   // rounded to a whole number
            "2/3 = 66%",   // truncated to a whole number
            "1/8 (12,5%)", // exact
            "1/8 (13%)",   // half rounds up
            "1/8 (12%)",   // truncated
            "944/957, đạt 98,6%",
            "944/957 đạt 98,64%",
            "41/71, chiếm 57,7 %",
            "41/71 = 57,7\u{a0}%",
            "41/71, chiếm tỷ lệ 57,74%",
            "đạt 57,7% (41/71)",
            "đạt 58% (41/71 tổ chức)",
            "3.300/3.322 = 99,34%",
            "3.300 / 3.322 = 99,33%",
            "2,5/10 = 25%",
            "1/3 = 33,333%",
            "71/71=100%",
        ] {
            assert_eq!(percents(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn wrong_percentages_are_found_at_the_figure() {
        let cases = [
            ("Tổ chức đảng được KTGS: 41/71 = 57,8%", "41/71 = 57,8%"),
            ("Tổ chức đảng được KTGS: 41/71 = 58,0%", "41/71 = 58,0%"),
            ("giám sát: 71/71=99% |", "71/71=99%"),
            ("944/957 (96,8%) thôn", "944/957 (96,8%)"),
            ("944/957 ( đạt 96,8 % )", "944/957 ( đạt 96,8 % )"),
            ("có 107/115, đạt 95% nội dung", "107/115, đạt 95%"),
            ("41/71 chiếm tỷ lệ 50%", "41/71 chiếm tỷ lệ 50%"),
            ("41/71, ĐẠT 50%", "41/71, ĐẠT 50%"),
            ("41/71, bằng 50%", "41/71, bằng 50%"),
            ("đạt 50% (41/71) kế hoạch", "50% (41/71)"),
            ("đạt 50% (41/71 tổ chức)", "50% (41/71"),
            ("2/3 = 66,5%", "2/3 = 66,5%"),
            ("2/3 = 68%", "2/3 = 68%"),
            ("3.300/3.322 = 99,4%", "3.300/3.322 = 99,4%"),
            ("1/8 = 12,4%", "1/8 = 12,4%"),
        ];
        for (text, figure) in cases {
            assert_eq!(percents(text), vec![figure], "{text}");
        }
        let mut all = scan("41/71 = 57,8%");
        assert_eq!(all.len(), 1, "{all:?}");
        let kind = all.remove(0).kind;
        let FindingKind::FractionPercent {
            num,
            den,
            stated,
            computed,
            decimals,
        } = kind
        else {
            panic!("{kind:?}")
        };
        assert_eq!((num, den, stated, decimals), (41.0, 71.0, 57.8, 1));
        assert!((computed - 57.746).abs() < 0.001, "{computed}");
    }

    #[test]
    fn fractions_that_are_not_shares_are_ignored() {
        for text in [
            "tính đến ngày 30/6/2023 (100%)",
            "tính đến 30/6, đạt 95%",
            "đến 5/6, đạt 95%",
            "ngày 5/6 (50%)",
            "30/6 = 95%",
            "tháng 3/2023, đạt 50%",
            "năm 2023 (5/2023) = 10%",
            "năm học 2022/2023 đạt 98%",
            "Nghị định 31/2022/NĐ-CP (2%)",
            "cho vay hỗ trợ lãi suất 2% theo NĐ 31/2022/NĐ-CP",
            "Kế hoạch số 36-KH/CĐVC = 5%",
            "Kế hoạch số 152-KH/TU (10%)",
            "KH41/71 = 50%",
            "5/0 = 10%",
            "41/71 tổ chức, đạt 50%",
            "41/71; 50%",
            "41/71 = 0,5",
            "tăng 3-5% (2/3)",
            "tổng nợ xấu chiếm 0,12%/tổng sư nợ",
            "bình quân thu nhập người lao động tăng 3-5%/năm",
            "đạt 88,75%/tổng giá trị thanh toán",
            "15.915/15.1915 = 100%",
            "41/71 = 57.746%",
            "đạt 57.746% (41/71)",
        ] {
            assert_eq!(percents(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn fraction_messages() {
        let kind = |text: &str| scan(text).remove(0).kind;
        let k = kind("41/71 = 60%");
        assert_eq!(
            message(&k).en(),
            "41/71 is 57,75%, not the 60% written here"
        );
        assert_eq!(
            hint(&k).map(|h| h.en()).as_deref(),
            Some("write the percentage the fraction gives (58%), or correct the fraction")
        );
        let k = kind("41/71 = 57,8%");
        assert_eq!(
            message(&k).en(),
            "41/71 is 57,746%, not the 57,8% written here"
        );
        assert_eq!(
            hint(&k).map(|h| h.en()).as_deref(),
            Some("write the percentage the fraction gives (57,7%), or correct the fraction")
        );
        let k = kind("3.300/3.322 = 99,4%");
        assert_eq!(
            message(&k).en(),
            "3.300/3.322 is 99,338%, not the 99,4% written here"
        );
        assert_eq!(
            hint(&k).map(|h| h.en()).as_deref(),
            Some("write the percentage the fraction gives (99,3%), or correct the fraction")
        );
        let k = kind("1/2 = 40,0%");
        assert_eq!(message(&k).en(), "1/2 is 50%, not the 40,0% written here");
        assert_eq!(
            hint(&k).map(|h| h.en()).as_deref(),
            Some("write the percentage the fraction gives (50,0%), or correct the fraction")
        );
    }

    // -- Malformed numbers -------------------------------------------------

    #[test]
    fn malformed_numbers_are_found() {
        assert_eq!(
            found("15.915/15.1915 lượt cá nhân xây dựng kế hoạch học tập"),
            vec![("15.1915", bad("15.1915"))]
        );
        assert_eq!(
            found("tổng nợ xấu chiếm 0,12%/tổng sư nợ giảm 1.1149.26 triệu đồng."),
            vec![("1.1149.26", bad("1.1149.26"))]
        );
        assert_eq!(found("1234.567 triệu"), vec![("1234.567", bad("1234.567"))]);
        assert_eq!(
            found("(12.3456,7 ha)"),
            vec![("12.3456,7", bad("12.3456,7"))]
        );
    }

    #[test]
    fn malformed_number_messages() {
        let msg = |text: &str| message(&bad(text)).en();
        assert_eq!(
            msg("15.1915"),
            "“15.1915” is not a Vietnamese number: thousands are grouped by three digits (15.915 or 151.915?)"
        );
        assert_eq!(
            msg("1.1149.26"),
            "“1.1149.26” is not a Vietnamese number: thousands are grouped by three digits (1.114.926?)"
        );
        assert_eq!(
            msg("1234.567"),
            "“1234.567” is not a Vietnamese number: thousands are grouped by three digits (1.234.567?)"
        );
        assert_eq!(
            msg("12.3456,7"),
            "“12.3456,7” is not a Vietnamese number: thousands are grouped by three digits (12.456,7 or 123.456,7?)"
        );
        assert!(hint(&bad("15.1915")).is_some_and(|h| h.en().contains("1.234.567")));
    }

    #[test]
    fn numbers_that_are_not_malformed_are_left_alone() {
        for text in [
            "3.322 đảng viên",
            "1.234.567",
            "15.915 lượt",
            "3.445.485 triệu đồng",
            "4.332,98 tỷ",
            "tổng cộng 3.322.",
            "tổng cộng 3.322. Sau đó",
            "#### 2.1.1. Công tác",
            "1.2. Mục tiêu",
            "2.3.1 Kết quả",
            "I.1 Bối cảnh",
            "1.1. Kết quả",
            "tăng 3.5 lần",
            "lúc 7.30 sáng",
            "xem https://example.org/bao-cao/1.23456",
            "xem www.example.vn/12.3456",
            "v1.2345",
            "phiên bản 1.2.3",
            "ĐT: 0912.345.678",
            "ĐT: 0214.3876.543",
            "ngày 30.6.2023",
            "tháng 6.2023",
            "giai đoạn 2020.2025",
            "ISO 9001.2015",
            "thủy lợi phục vụ tưới tiêu 3341,4ha",
            "3.932/3932 đơn",
        ] {
            let malformed: Vec<_> = found(text)
                .into_iter()
                .filter(|(_, k)| matches!(k, FindingKind::MalformedNumber { .. }))
                .collect();
            assert_eq!(malformed, vec![], "{text}");
        }
    }

    // -- Organisation and member counts -----------------------------------

    #[test]
    fn the_units_totals_in_the_report() {
        assert_eq!(
            found(
                "tính đến 30/6/2023 Đảng bộ Khối có 71 tổ chức cơ sở đảng với 3322 đảng viên. Có 03 đoàn thể trực thuộc"
            ),
            vec![("71", org(71, true, TCCS)), ("3322", mem(3322, true))]
        );
        let text = "Đảng ủy Khối lựa chọn 02 đảng ủy cơ sở để xây dựng mô hình tiêu biểu; 74/74 chi, đảng bộ, 03/03 đoàn thể Khối xây dựng 231 kế hoạch";
        let findings = scan(text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].kind, org(74, true, CHI_DB));
        // The denominator, not the numerator.
        let at = text.find("74/74").map(|i| i + 3);
        assert_eq!(Some(findings[0].range.start), at);
        assert_eq!(&text[findings[0].range.clone()], "74");
        assert_eq!(
            found("[^48]: 77 chi, đảng bộ cơ sở xây dựng kế hoạch thực hiện"),
            vec![("77", org(77, false, CHI_DBCS))]
        );
    }

    #[test]
    fn organisation_counts() {
        let cases: Vec<(&str, Vec<(&str, FindingKind)>)> = vec![
            ("Tổ chức đảng được KTGS: 41/71 = 57,7%", vec![]),
            (
                "41/71 tổ chức đảng trực thuộc được kiểm tra",
                vec![
                    ("41", org(41, false, "tổ chức đảng trực thuộc")),
                    ("71", org(71, true, "tổ chức đảng trực thuộc")),
                ],
            ),
            (
                "Trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ",
                vec![],
            ),
            ("100 % chi, đảng bộ cơ sở", vec![]),
            (
                "Còn 02 tổ chức cơ sở đảng xếp loại không hoàn thành nhiệm vụ",
                vec![("02", org(2, false, TCCS))],
            ),
            (
                "Năm 2022 có 5 chi, đảng bộ cơ sở xếp loại không hoàn thành nhiệm vụ",
                vec![("5", org(5, false, CHI_DBCS))],
            ),
            (
                "trong đó có 20 tổ chức cơ sở đảng.",
                vec![("20", org(20, false, TCCS))],
            ),
            (
                "Đảng bộ có 71 TCCS Đảng.",
                vec![("71", org(71, true, "TCCS đảng"))],
            ),
            (
                "Đảng bộ có 71 tổ chức cơ sở đảng trực thuộc, 3.322 đảng viên",
                vec![("71", org(71, true, TCCS)), ("3.322", mem(3322, false))],
            ),
            (
                "gồm 71 tổ chức cơ sở đảng khối doanh nghiệp",
                vec![("71", org(71, false, TCCS))],
            ),
            (
                "tổng số 71 tổ chức cơ sở đảng",
                vec![("71", org(71, true, TCCS))],
            ),
            (
                "10/25 tổ chức cơ sở đảng khối doanh nghiệp",
                vec![("10", org(10, false, TCCS)), ("25", org(25, false, TCCS))],
            ),
            (
                "sinh hoạt mẫu cho 03 chi bộ, đảng bộ cơ sở",
                vec![("03", org(3, false, "chi bộ, đảng bộ cơ sở"))],
            ),
            ("03/03 đoàn thể Khối", vec![]),
            ("44 chi bộ cơ sở", vec![]),
            ("3-5 tổ chức cơ sở đảng", vec![]),
            ("ngày 30/6/2023 tổ chức cơ sở đảng", vec![]),
            ("Ban Chỉ đạo 35 Đảng ủy Khối", vec![]),
            ("Nghị quyết Đại hội đảng bộ, chi bộ cơ sở", vec![]),
        ];
        for (text, want) in cases {
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn nfd_text_reads_like_nfc() {
        // "có 71 tổ chức cơ sở đảng." decomposed.
        let text = "co\u{301} 71 to\u{302}\u{300} chu\u{31b}\u{301}c co\u{31b} so\u{31b}\u{309} \u{111}a\u{309}ng.";
        assert_eq!(found(text), vec![("71", org(71, true, TCCS))]);
        let text = "41/71, \u{111}a\u{323}t 50%";
        assert_eq!(percents(text), vec!["41/71, \u{111}a\u{323}t 50%"]);
    }

    #[test]
    fn member_counts() {
        let cases: Vec<(&str, Vec<(&str, FindingKind)>)> = vec![
            (
                "| 4 | Kết nạp 100 đảng viên trở lên. | Kết nạp 305 đảng viên (năm 2020, 2021, 2022) | Vượt 1,6% |",
                vec![("100", mem(100, false)), ("305", mem(305, false))],
            ),
            (
                "3.300/3.322 đảng viên được học tập",
                vec![("3.300", mem(3300, false)), ("3.322", mem(3322, true))],
            ),
            (
                "Đảng bộ có 3.322 đảng viên.",
                vec![("3.322", mem(3322, true))],
            ),
            (
                "15/20 đảng viên nữ",
                vec![("15", mem(15, false)), ("20", mem(20, false))],
            ),
            (
                "bồi dưỡng cho 431 quần chúng ưu tú và 366 đảng viên dự bị",
                vec![("366", mem(366, false))],
            ),
            ("có 366 đảng viên dự bị.", vec![("366", mem(366, false))]),
            ("cho 65.914 lượt cán bộ, đảng viên, quần chúng", vec![]),
            (
                "có 71 tổ chức cơ sở đảng với 3322 đảng viên dự bị",
                vec![("71", org(71, true, TCCS)), ("3322", mem(3322, false))],
            ),
            ("bổ sung 5498 hồ sơ, phiếu đảng viên", vec![]),
        ];
        for (text, want) in cases {
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn count_problems() {
        let p = |kind: FindingKind| count_problem(&kind, Some(71), Some(3322)).map(|m| m.en());
        assert_eq!(
            p(org(74, true, CHI_DB)).as_deref(),
            Some(
                "this text gives 74 party organisations (chi, đảng bộ) in all, but unit.toml says `organisations = 71`"
            )
        );
        assert_eq!(
            p(org(77, false, CHI_DBCS)).as_deref(),
            Some("77 party organisations (chi, đảng bộ cơ sở) is more than the unit's 71 in all")
        );
        assert_eq!(p(org(71, true, TCCS)), None);
        assert_eq!(p(org(71, false, TCCS)), None);
        assert_eq!(p(org(11, false, TCCS)), None);
        assert_eq!(
            p(mem(3400, true)).as_deref(),
            Some("this text gives 3.400 party members in all, but unit.toml says `members = 3322`")
        );
        assert_eq!(
            p(mem(4013, false)).as_deref(),
            Some("4.013 party members is more than the unit's 3.322 in all")
        );
        assert_eq!(p(mem(3322, true)), None);
        assert_eq!(p(mem(305, false)), None);
        assert_eq!(
            count_problem(&org(74, true, CHI_DB), None, Some(3322)),
            None
        );
        assert_eq!(count_problem(&mem(1, true), Some(71), None), None);
        assert_eq!(p(bad("15.1915")), None);
        assert_eq!(p(scan("41/71 = 60%").remove(0).kind), None);
        assert_eq!(
            message(&org(74, true, CHI_DB)).en(),
            "this text gives 74 party organisations (chi, đảng bộ) in all"
        );
        assert_eq!(
            message(&mem(3322, false)).en(),
            "this text counts 3.322 party members"
        );
        assert_eq!(hint(&mem(3322, false)), None);
    }

    #[test]
    fn a_note_from_unit_toml() {
        let summary = "Tính đến 30/6/2023 Đảng bộ Khối có 71 tổ chức cơ sở đảng với 3322 đảng viên. Sau nửa nhiệm kỳ, Đảng bộ Khối hoàn thành và vượt 09/12 chỉ tiêu thành phần; không hoàn thành 02/12 chỉ tiêu (Đảng bộ Khối hoàn thành tốt nhiệm vụ trở lên; bình quân thu nhập người lao động tăng 3-5%/năm).";
        assert_eq!(
            found(summary),
            vec![("71", org(71, true, TCCS)), ("3322", mem(3322, true))]
        );
    }

    // -- The whole report --------------------------------------------------

    /// Every finding on the real report, checked by hand against the text.
    #[test]
    fn the_real_report() {
        let want: Vec<(&str, FindingKind)> = vec![
            // "Đảng bộ Khối có 71 tổ chức cơ sở đảng với 3322 đảng viên": the totals.
            ("71", org(71, true, TCCS)),
            ("3322", mem(3322, true)),
            ("04", mem(4, false)),
            ("06", org(6, false, CHI_DBCS)),
            ("11", org(11, false, TCCS)),
            ("02", mem(2, false)),
            ("366", mem(366, false)),
            ("03", org(3, false, TCCS)),
            ("100", mem(100, false)),
            ("409", mem(409, false)),
            ("23", mem(23, false)),
            ("501", mem(501, false)),
            // "1086 trường hợp ở 73 chi, đảng bộ cơ sở": more than 71.
            ("73", org(73, false, CHI_DBCS)),
            ("862", mem(862, false)),
            ("856", mem(856, false)),
            ("06", mem(6, false)),
            ("02", mem(2, false)),
            ("03", mem(3, false)),
            ("03", mem(3, false)),
            ("17", mem(17, false)),
            ("72", mem(72, false)),
            ("16", mem(16, false)),
            ("56", mem(56, false)),
            ("02", org(2, false, TCCS)),
            ("100", mem(100, false)),
            ("305", mem(305, false)),
            // "tổng nợ xấu … giảm 1.1149.26 triệu đồng".
            ("1.1149.26", bad("1.1149.26")),
            ("11", mem(11, false)),
            ("9", mem(9, false)),
            ("15", mem(15, false)),
            // "74/74 chi, đảng bộ, 03/03 đoàn thể Khối": a total of 74.
            ("74", org(74, true, CHI_DB)),
            // "15.915/15.1915 lượt cá nhân".
            ("15.1915", bad("15.1915")),
            ("04", org(4, false, CHI_DB)),
            ("12", mem(12, false)),
            ("02", org(2, false, CHI_DBCS)),
            ("215", mem(215, false)),
            // "[^48]: 77 chi, đảng bộ cơ sở": more than 71.
            ("77", org(77, false, CHI_DBCS)),
        ];
        assert_eq!(found(REPORT), want);

        let problems: Vec<String> = scan(REPORT)
            .iter()
            .filter_map(|f| count_problem(&f.kind, Some(71), Some(3322)).map(|m| m.en()))
            .collect();
        assert_eq!(
            problems,
            [
                "73 party organisations (chi, đảng bộ cơ sở) is more than the unit's 71 in all",
                "this text gives 74 party organisations (chi, đảng bộ) in all, but unit.toml says `organisations = 71`",
                "77 party organisations (chi, đảng bộ cơ sở) is more than the unit's 71 in all",
            ]
        );
    }

    // -- Robustness --------------------------------------------------------

    /// Findings are sorted, on char boundaries, and the same on every run.
    fn check_well_formed(text: &str) {
        let findings = scan(text);
        for f in &findings {
            assert!(text.get(f.range.clone()).is_some(), "{f:?} in {text:?}");
            assert!(f.range.start < f.range.end, "{f:?} in {text:?}");
        }
        for pair in findings.windows(2) {
            assert!(pair[0].range.start <= pair[1].range.start, "{pair:?}");
        }
        for f in &findings {
            let _ = (message(&f.kind), hint(&f.kind));
            let _ = count_problem(&f.kind, Some(0), Some(0));
        }
        assert_eq!(findings, scan(text));
    }

    #[test]
    fn never_panics_on_cuts_of_a_tricky_string() {
        let tricky = "Có 71 to\u{302}\u{300} chức cơ sở đảng với 3.322 đảng viên; 41/71 = 57,8\u{a0}%, \
            15.915/15.1915 lượt; 1.1149,26; 1234.567; 74/74 chi, đảng bộ; 30/6/2023 (50%); \
            đạt 50% (41/71); x/0 = 5%; 3.3\u{ad}22 🎉 ĐẠT 99,2 %; ١٢/٣ = 4%; 9\u{301}/3 = 300%; \
            18446744073709551616123456789012345/3 = 1%; 1/3 = 33,333333333333333333333333333333%; \
            𝟙/𝟚; (1/2 (50%)); [^12]: 05 đảng viên.";
        let cuts: Vec<usize> = tricky
            .char_indices()
            .map(|(i, _)| i)
            .chain([tricky.len()])
            .collect();
        for &cut in &cuts {
            check_well_formed(&tricky[..cut]);
            check_well_formed(&tricky[cut..]);
        }
        for w in cuts.windows(7) {
            check_well_formed(&tricky[w[0]..w[6]]);
        }
    }

    #[test]
    fn never_panics_on_random_pieces() {
        const PIECES: [&str; 24] = [
            "1",
            "23",
            "3.322",
            "15.1915",
            ",",
            ".",
            "/",
            " ",
            "%",
            "=",
            "(",
            ")",
            "đạt ",
            "có ",
            "chi, đảng bộ",
            " tổ chức cơ sở đảng",
            " đảng viên",
            "a\u{301}",
            "\u{a0}",
            "🎉",
            "\n",
            "[^",
            "-",
            "0",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            check_well_formed(&text);
        }
    }

    #[test]
    fn never_panics_on_the_real_report() {
        check_well_formed(REPORT);
        let cuts: Vec<usize> = REPORT
            .char_indices()
            .map(|(i, _)| i)
            .step_by(9973)
            .collect();
        for w in cuts.windows(2) {
            check_well_formed(&REPORT[w[0]..]);
            check_well_formed(&REPORT[..w[1]]);
        }
    }
}
