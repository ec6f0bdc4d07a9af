//! Indicator targets and statuses.
//!
//! This module owns the small languages of an indicator (see "Target
//! expressions" and "Status" in `docs/content-format.md`):
//!
//! - target expressions (`>= 95%`, `3-5%/năm`, `100%`, `yes`): parsing, with
//!   byte spans and hints for errors, and display in people's form (`≥ 95%`);
//! - figures as written in content (`305`, `"57,7"`, `"41/71"`, `true`) and
//!   periods (`"2020-2022"`);
//! - the status rules: target × actual → status, the figure compared (after the
//!   per-year rule) and the margin ("vượt 3,1 điểm %");
//! - reading the result a report states by hand ("Vượt 1,6%", "Không đạt") and
//!   deciding whether it disagrees with the computed status.
//!
//! Nothing here panics on any input: parsers return [`ParseError`] and
//! [`assess`] is total. Whether a figure suits a target at all (a boolean
//! against a percentage, a fraction against a count) is for the caller to check
//! with [`compatible`] and report.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diag::Msg;
use crate::i18n::Strings;
use crate::vi::{fold, format_written, is_combining_mark};

mod exact;
#[cfg(test)]
mod props;
mod stated;

pub use exact::Exact;
pub(crate) use exact::Rounding;
pub use stated::{Amount, Claim, Reading, parse_stated};
pub(crate) use stated::{StatedMismatch, stated_figure_mismatch};

// ---------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------

/// The status of an indicator.
///
/// Ordered worst to best, so `min()` over parts gives the parent's status:
/// not achieved < not assessed < achieved < exceeded. Serialized as its
/// [`key`](Status::key).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// *Không đạt*, *chưa đạt*.
    NotAchieved,
    /// *Chưa đánh giá*: no actual figure, or no target.
    NotAssessed,
    /// *Đạt*.
    Achieved,
    /// *Vượt*.
    Exceeded,
}

impl Status {
    /// A stable ASCII key for CSS classes, templates and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Status::NotAchieved => "not-achieved",
            Status::NotAssessed => "not-assessed",
            Status::Achieved => "achieved",
            Status::Exceeded => "exceeded",
        }
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A target, figure or period that cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: Msg,
    /// Byte range of the offending part in the input (always on character
    /// boundaries; empty only for an empty input).
    pub span: Range<usize>,
    /// What to write instead.
    pub hint: Msg,
}

impl ParseError {
    fn new(message: Msg, span: Range<usize>, hint: Msg) -> Self {
        ParseError {
            message,
            span,
            hint,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message.en(), self.hint.en())
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/// A parsed target expression.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    /// The target is a percentage (`%`); otherwise a count or amount.
    pub percent: bool,
    /// The target is per year (`/năm`); otherwise for the term.
    pub per_year: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum TargetKind {
    /// `>= x`, or a bare number: at least x.
    AtLeast(Decimal),
    /// `> x`: more than x.
    MoreThan(Decimal),
    /// `<= x`: at most x (lower is better).
    AtMost(Decimal),
    /// `< x`: less than x (lower is better).
    LessThan(Decimal),
    /// `lo-hi`: between lo and hi, both included.
    Range(Decimal, Decimal),
    /// `100%`: a duty met or not; it cannot be exceeded.
    Duty,
    /// `yes`: a yes/no duty, measured by a boolean.
    Yes,
}

/// People's form, with Vietnamese numbers: "> 95%", "≥ 90%", "≥ 100/năm",
/// "3–5%/năm", "100%", "≤ 2%", "< 2%", "Có/không". [`parse_target`] reads it
/// back. [`Target::text`] is the same in an interface language.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "/năm", "Có/không")
    }
}

impl Target {
    /// The target as [`fmt::Display`] writes it, with the words of the
    /// interface language for "per year" and for a yes/no target.
    pub fn text(&self, strings: &Strings) -> String {
        let mut out = String::new();
        let _ = fmt::write(
            &mut out,
            format_args!(
                "{}",
                TargetText(self, strings.get("per_year"), strings.get("target_yes_no"))
            ),
        );
        out
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, per_year: &str, yes_no: &str) -> fmt::Result {
        let pct = if self.percent { "%" } else { "" };
        let year = if self.per_year { per_year } else { "" };
        let n = |x: Decimal| format_written(x);
        match self.kind {
            TargetKind::AtLeast(x) => write!(f, "≥ {}{pct}{year}", n(x)),
            TargetKind::MoreThan(x) => write!(f, "> {}{pct}{year}", n(x)),
            TargetKind::AtMost(x) => write!(f, "≤ {}{pct}{year}", n(x)),
            TargetKind::LessThan(x) => write!(f, "< {}{pct}{year}", n(x)),
            TargetKind::Range(lo, hi) => write!(f, "{}–{}{pct}{year}", n(lo), n(hi)),
            TargetKind::Duty => write!(f, "100%{year}"),
            TargetKind::Yes => f.write_str(yes_no),
        }
    }
}

/// A target with the words to write it with.
struct TargetText<'a>(&'a Target, &'a str, &'a str);

impl fmt::Display for TargetText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, self.1, self.2)
    }
}

/// Comparison signs, longest first.
const OPERATORS: &[(&str, Op)] = &[
    (">=", Op::AtLeast),
    ("≥", Op::AtLeast),
    ("<=", Op::AtMost),
    ("≤", Op::AtMost),
    (">", Op::MoreThan),
    ("<", Op::LessThan),
];

/// Range separators: hyphen, en dash, em dash.
const DASHES: &[&str] = &["-", "–", "—"];

#[derive(Debug, Clone, Copy)]
enum Op {
    AtLeast,
    MoreThan,
    AtMost,
    LessThan,
}

/// Parses a target expression (see "Target expressions" in the content format).
///
/// `>=`/`≥`, `>`, `<=`/`≤`, `<` before a number; a range `3-5` (hyphen, en or
/// em dash); `%`; `/năm` or `/year` for a per-year target; `yes`/`có` for a
/// yes/no duty. A bare `100%` is a duty; any other bare number means "at
/// least". Spaces are optional.
pub fn parse_target(src: &str) -> Result<Target, ParseError> {
    let mut c = Cursor::new(src);
    c.skip_ws();
    if c.at_end() {
        return Err(ParseError::new(
            Msg::new("target_empty"),
            0..src.len(),
            Msg::new("target_hint"),
        ));
    }

    // A yes/no duty.
    let body = src.trim();
    let folded = fold(body);
    if matches!(folded.as_str(), "yes" | "co" | "yes/no" | "co/khong") {
        return Ok(Target {
            kind: TargetKind::Yes,
            percent: false,
            per_year: false,
        });
    }

    // Anything after a yes/no word.
    let word_end = body
        .find(|ch: char| !(ch.is_alphabetic() || is_combining_mark(ch)))
        .unwrap_or(body.len());
    let word = body.get(..word_end).unwrap_or("");
    if matches!(fold(word).as_str(), "yes" | "co") {
        let after = body.get(word_end..).unwrap_or("");
        let start = c.pos + word_end + (after.len() - after.trim_start().len());
        return Err(ParseError::new(
            Msg::new("yes_with_number"),
            start..src.trim_end().len(),
            Msg::new("yes_with_number_hint"),
        ));
    }

    // The comparison sign.
    let op_start = c.pos;
    let op = OPERATORS
        .iter()
        .find(|(text, _)| c.eat(text))
        .map(|&(_, op)| (op, op_start..c.pos));
    if op.is_none() && c.peek() == Some('=') {
        return Err(ParseError::new(
            Msg::new("equals_sign"),
            c.pos..c.pos + 1,
            word_hint(src).unwrap_or_else(|| Msg::new("target_hint")),
        ));
    }
    c.skip_ws();

    // The number (or the lower bound of a range).
    let Some(first) = lex_number(&mut c)? else {
        return Err(expected_number(
            src,
            &c,
            op.as_ref().map(|(_, span)| span.clone()),
        ));
    };
    c.skip_ws();
    let first_pct = c.eat("%");
    c.skip_ws();

    // The upper bound of a range.
    let dash_start = c.pos;
    let mut second = None;
    if DASHES.iter().any(|d| c.eat(d)) {
        if let Some((_, op_span)) = &op {
            return Err(ParseError::new(
                Msg::new("range_with_sign"),
                op_span.clone(),
                Msg::new("range_with_sign_hint"),
            ));
        }
        let dash_span = dash_start..c.pos;
        c.skip_ws();
        let Some(hi) = lex_number(&mut c)? else {
            return Err(expected_number(src, &c, Some(dash_span)));
        };
        c.skip_ws();
        let hi_pct = c.eat("%");
        c.skip_ws();
        if first_pct && !hi_pct {
            return Err(ParseError::new(
                Msg::new("range_percent_low"),
                hi.span.clone(),
                Msg::new("range_percent_low_hint")
                    .arg("low", first.text)
                    .arg("high", hi.text),
            ));
        }
        if first.value > hi.value {
            return Err(ParseError::new(
                Msg::new("range_reversed"),
                first.span.start..hi.span.end,
                Msg::new("range_reversed_hint")
                    .arg("low", hi.text)
                    .arg("high", first.text),
            ));
        }
        second = Some((hi, hi_pct));
    }
    let percent = first_pct || second.as_ref().is_some_and(|(_, pct)| *pct);

    // Per year.
    let mut per_year = false;
    let slash_start = c.pos;
    if c.eat("/") {
        c.skip_ws();
        let word_start = c.pos;
        while c
            .peek()
            .is_some_and(|ch| ch.is_alphabetic() || is_combining_mark(ch))
        {
            c.bump();
        }
        let word = c.slice(word_start..c.pos);
        if !matches!(fold(word).as_str(), "nam" | "year") {
            let span = if word.is_empty() {
                slash_start..c.pos.max(slash_start + 1)
            } else {
                word_start..c.pos
            };
            return Err(ParseError::new(
                Msg::new("unknown_per").arg("word", word),
                span,
                Msg::new("unknown_per_hint"),
            ));
        }
        per_year = true;
        c.skip_ws();
    }

    if !c.at_end() {
        let span = c.pos..src.trim_end().len();
        let rest = c.slice(span.clone());
        return Err(ParseError::new(
            Msg::new("target_unexpected").arg("rest", rest),
            span,
            word_hint(src).unwrap_or_else(|| Msg::new("target_hint")),
        ));
    }

    let kind = match (op, second) {
        (_, Some((hi, _))) => TargetKind::Range(first.value, hi.value),
        (Some((Op::AtLeast, _)), None) => TargetKind::AtLeast(first.value),
        (Some((Op::MoreThan, _)), None) => TargetKind::MoreThan(first.value),
        (Some((Op::AtMost, _)), None) => TargetKind::AtMost(first.value),
        (Some((Op::LessThan, _)), None) => TargetKind::LessThan(first.value),
        (None, None) if percent && first.value == Decimal::ONE_HUNDRED => TargetKind::Duty,
        (None, None) => TargetKind::AtLeast(first.value),
    };
    Ok(Target {
        kind,
        percent,
        per_year,
    })
}

/// The error for a missing number at the cursor; `after` is the span of what
/// came before it (a sign or a dash), pointed at when the input ends there.
fn expected_number(src: &str, c: &Cursor<'_>, after: Option<Range<usize>>) -> ParseError {
    let end = src.trim_end().len();
    let span = if c.pos < end {
        // The next word or character that is not a number.
        let rest = c.slice(c.pos..end);
        let len = rest
            .char_indices()
            .find(|&(i, ch)| i > 0 && ch.is_whitespace())
            .map_or(rest.len(), |(i, _)| i);
        c.pos..c.pos + len
    } else {
        after.unwrap_or(0..end)
    };
    let found = c.slice(span.clone());
    let message = if c.pos < end {
        Msg::new("expected_number_found").arg("found", found)
    } else {
        Msg::new("expected_number_after").arg("found", found)
    };
    ParseError::new(
        message,
        span,
        word_hint(src).unwrap_or_else(|| Msg::new("target_hint")),
    )
}

/// A concrete hint when a target is written in words, as the reports do:
/// "Trên 95%" → `> 95%`, "98% trở lên" → `>= 98%`, "dưới 2%" → `< 2%`.
/// Words that stand for a comparison sign in a target written out, folded:
/// after the number ("95% trở lên") or just before it ("trên 95%", "tối
/// đa 2%").
const SIGN_WORDS_AFTER: &[(&str, &str)] = &[("tro len", ">="), ("tro xuong", "<=")];
const SIGN_WORDS_BEFORE: &[(&str, &str)] = &[
    ("it nhat", ">="),
    ("toi thieu", ">="),
    ("toi da", "<="),
    ("khong qua", "<="),
    ("tren", ">"),
    ("hon", ">"),
    ("vuot", ">"),
    ("duoi", "<"),
];

/// The comparison sign that words around a target's number stand for, from
/// the folded text before the number and after it: "trên" → `>`, "trở
/// lên" → `>=`, "tối đa" → `<=`, "dưới" → `<`. Used for the hint of a
/// worded target and by the import, which reads such targets.
pub(crate) fn sign_of_words(before: &str, after: &str) -> Option<&'static str> {
    if let Some(&(_, op)) = SIGN_WORDS_AFTER.iter().find(|(w, _)| after.contains(w)) {
        return Some(op);
    }
    let before = before.trim_end();
    SIGN_WORDS_BEFORE
        .iter()
        .find(|(w, _)| {
            before.ends_with(w)
                && before[..before.len() - w.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
        .map(|&(_, op)| op)
}

fn word_hint(src: &str) -> Option<Msg> {
    // The words around the first number.
    let start = src.find(|ch: char| ch.is_ascii_digit())?;
    let before = fold(src.get(..start)?);
    let after = fold(src.get(start..)?);
    let op = sign_of_words(&before, &after)?;
    // The first number as written, with its `%`.
    let tail = src.get(start..)?;
    let len = tail
        .find(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == ','))
        .unwrap_or(tail.len());
    let number = tail.get(..len)?.trim_end_matches(['.', ',']);
    let pct = if src.contains('%') { "%" } else { "" };
    Some(
        Msg::new("target_words_hint")
            .arg("written", format!("{op} {number}{pct}"))
            .arg("words", src.trim()),
    )
}

// ---------------------------------------------------------------------------
// Figures and periods
// ---------------------------------------------------------------------------

/// A figure as written in content: a TOML number, a fraction string "41/71", a
/// decimal string "57,7", or a boolean. Numbers keep their written digits
/// ("0,001", "57,70").
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Figure {
    Number(Decimal),
    /// "41/71": a share, whose value is a percentage.
    Fraction {
        num: Decimal,
        den: Decimal,
    },
    Bool(bool),
}

impl Figure {
    /// The exact numeric value: a fraction is a percentage (num/den × 100); a
    /// boolean (or a fraction over 0) has none.
    pub fn value(&self) -> Option<Exact> {
        match *self {
            Figure::Number(x) => Exact::from_decimal(x),
            Figure::Fraction { num, den } => Exact::from_decimal(num)?
                .checked_mul(Exact::HUNDRED)?
                .checked_div(Exact::from_decimal(den)?),
            Figure::Bool(_) => None,
        }
    }
}

/// Vietnamese form, with the written digits: "57,7", "41/71", "có", "không".
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Figure::Number(x) => f.write_str(&format_written(x)),
            Figure::Fraction { num, den } => {
                write!(f, "{}/{}", format_written(num), format_written(den))
            }
            Figure::Bool(true) => f.write_str("có"),
            Figure::Bool(false) => f.write_str("không"),
        }
    }
}

/// A number as TOML writes it (`57.7`, `1_000`, `3322`, `1e3`), with its
/// written digits; `None` when it is not one.
pub(crate) fn parse_toml_number(src: &str) -> Option<Decimal> {
    let plain: String = src.trim().chars().filter(|&c| c != '_').collect();
    let plain = plain.strip_prefix('+').unwrap_or(&plain);
    if plain.contains(['e', 'E']) {
        return Decimal::from_scientific(plain).ok();
    }
    if !plain
        .trim_start_matches('-')
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    plain.parse().ok()
}

/// Parses a figure written as a string: "305", "57,7", "1.234", "98%", "-2,5",
/// "41/71" (spaces around `/` allowed). A dot separates thousands and must be
/// followed by exactly three digits ("15.1915" is an error); a fraction's
/// denominator cannot be 0. Booleans are TOML booleans, not strings.
pub fn parse_figure(src: &str) -> Result<Figure, ParseError> {
    let mut c = Cursor::new(src);
    c.skip_ws();
    if c.at_end() {
        return Err(ParseError::new(
            Msg::new("figure_empty"),
            0..src.len(),
            Msg::new("figure_hint"),
        ));
    }
    let body = src.trim();
    let body_span = c.pos..c.pos + body.len();
    if matches!(
        fold(body).as_str(),
        "true" | "false" | "yes" | "no" | "co" | "khong"
    ) {
        return Err(ParseError::new(
            Msg::new("yes_as_text").arg("text", body),
            body_span,
            Msg::new("yes_as_text_hint"),
        ));
    }

    let minus_start = c.pos;
    let negative = c.eat("-") || c.eat("−");
    let minus_span = minus_start..c.pos;
    c.skip_ws();
    let Some(num) = lex_number(&mut c)? else {
        let end = src.trim_end().len();
        let span = if c.pos < end { c.pos..end } else { body_span };
        return Err(ParseError::new(
            Msg::new("not_a_number").arg("text", c.slice(span.clone())),
            span,
            Msg::new("figure_hint"),
        ));
    };
    c.skip_ws();

    let slash_start = c.pos;
    if c.eat("/") {
        if negative {
            return Err(ParseError::new(
                Msg::new("fraction_negative"),
                minus_span,
                Msg::new("fraction_hint"),
            ));
        }
        let slash_span = slash_start..c.pos;
        c.skip_ws();
        let Some(den) = lex_number(&mut c)? else {
            let end = src.trim_end().len();
            let span = if c.pos < end { c.pos..end } else { slash_span };
            return Err(ParseError::new(
                Msg::new("fraction_no_denominator"),
                span,
                Msg::new("fraction_hint"),
            ));
        };
        if den.value.is_zero() {
            return Err(ParseError::new(
                Msg::new("fraction_zero"),
                den.span,
                Msg::new("fraction_zero_hint"),
            ));
        }
        c.skip_ws();
        trailing_figure(src, &c)?;
        return Ok(Figure::Fraction {
            num: num.value,
            den: den.value,
        });
    }

    c.eat("%");
    c.skip_ws();
    trailing_figure(src, &c)?;
    Ok(Figure::Number(if negative {
        -num.value
    } else {
        num.value
    }))
}

/// The error for anything left after a figure.
fn trailing_figure(src: &str, c: &Cursor<'_>) -> Result<(), ParseError> {
    if c.at_end() {
        return Ok(());
    }
    let span = c.pos..src.trim_end().len();
    let rest = c.slice(span.clone());
    let hint = if rest.starts_with('=') {
        Msg::new("figure_fraction_only_hint")
    } else {
        Msg::new("figure_hint")
    };
    Err(ParseError::new(
        Msg::new("figure_unexpected").arg("rest", rest),
        span,
        hint,
    ))
}

/// Parses a period: "2020-2022" (hyphen, en or em dash, optional spaces) →
/// (2020, 2022); a single year "2022" → (2022, 2022). Years have four digits;
/// a reversed period is an error.
pub fn parse_period(src: &str) -> Result<(i32, i32), ParseError> {
    const HINT: fn() -> Msg = || Msg::new("period_hint");
    let mut c = Cursor::new(src);
    c.skip_ws();
    if c.at_end() {
        return Err(ParseError::new(
            Msg::new("period_empty"),
            0..src.len(),
            HINT(),
        ));
    }
    let first = lex_year(src, &mut c, None, HINT)?;
    c.skip_ws();
    let mut last = first.clone();
    let dash_start = c.pos;
    if DASHES.iter().any(|d| c.eat(d)) {
        let dash = dash_start..c.pos;
        c.skip_ws();
        last = lex_year(src, &mut c, Some(dash), HINT)?;
        c.skip_ws();
    }
    if !c.at_end() {
        let span = c.pos..src.trim_end().len();
        return Err(ParseError::new(
            Msg::new("period_unexpected").arg("rest", c.slice(span.clone())),
            span,
            HINT(),
        ));
    }
    if first.0 > last.0 {
        return Err(ParseError::new(
            Msg::new("period_reversed"),
            first.1.start..last.1.end,
            Msg::new("period_reversed_hint")
                .arg("first", last.0)
                .arg("last", first.0),
        ));
    }
    Ok((first.0, last.0))
}

/// A four-digit year at the cursor, with its span; `after` is the span of the
/// dash before it, pointed at when nothing follows.
fn lex_year(
    src: &str,
    c: &mut Cursor<'_>,
    after: Option<Range<usize>>,
    hint: fn() -> Msg,
) -> Result<(i32, Range<usize>), ParseError> {
    let start = c.pos;
    while c.peek().is_some_and(|ch| ch.is_ascii_digit()) {
        c.bump();
    }
    let text = c.slice(start..c.pos);
    if text.len() == 4
        && let Ok(year) = text.parse::<i32>()
    {
        return Ok((year, start..c.pos));
    }
    let end = src.trim_end().len();
    if !text.is_empty() {
        return Err(ParseError::new(
            Msg::new("not_a_year").arg("text", text),
            start..c.pos,
            hint(),
        ));
    }
    if start >= end {
        let dash = after.unwrap_or(0..end);
        return Err(ParseError::new(
            Msg::new("year_after").arg("dash", c.slice(dash.clone())),
            dash,
            hint(),
        ));
    }
    // The next word that is not a year.
    let rest = c.slice(start..end);
    let len = rest
        .char_indices()
        .find(|&(i, ch)| {
            i > 0
                && (ch.is_whitespace()
                    || ch.is_ascii_digit()
                    || DASHES
                        .iter()
                        .any(|d| rest.get(i..).is_some_and(|r| r.starts_with(d))))
        })
        .map_or(rest.len(), |(i, _)| i);
    let span = start..start + len;
    Err(ParseError::new(
        Msg::new("not_a_year").arg("text", c.slice(span.clone())),
        span,
        hint(),
    ))
}

// ---------------------------------------------------------------------------
// Assessment
// ---------------------------------------------------------------------------

/// What an indicator measured.
pub struct Observation<'a> {
    /// The figure at the cut-off date.
    pub actual: Option<Figure>,
    /// Values per year, as written.
    pub actuals: &'a BTreeMap<i32, Decimal>,
    /// The years `actual` covers (for per-year targets).
    pub period: Option<(i32, i32)>,
}

/// How far a figure is from its target, as shown: rounded once to the
/// site's places, never to 0 (or to 100 for a share of the target) unless it
/// is exactly that.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Margin {
    /// Percentage targets: actual − target, in percentage points.
    Points(Decimal),
    /// Counts: (actual − target) / target × 100.
    Relative(Decimal),
    /// When short of the target: actual / target × 100.
    ShareOfTarget(Decimal),
}

impl Margin {
    pub fn value(self) -> Decimal {
        let (Margin::Points(x) | Margin::Relative(x) | Margin::ShareOfTarget(x)) = self;
        x
    }
}

/// Who judged a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The rules, from the target and the figures.
    #[default]
    Figures,
    /// The report's own words, for an indicator without a figure
    /// ("theo báo cáo").
    Report,
}

/// The outcome of [`assess`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    pub status: Status,
    pub basis: Basis,
    /// The figure compared, after the per-year rule, exactly; `None` when
    /// there is no numeric figure.
    pub compared: Option<Exact>,
    /// `compared` as shown: the written figure with its written digits, or a
    /// computed one rounded once (see [`assess`]).
    pub shown: Option<Decimal>,
    pub margin: Option<Margin>,
    /// The arithmetic did not fit (a figure of 29 digits or more): nothing is
    /// judged and the caller reports it.
    pub overflow: bool,
}

impl Assessment {
    /// *Not assessed*, with nothing compared.
    pub const NONE: Assessment = Assessment {
        status: Status::NotAssessed,
        basis: Basis::Figures,
        compared: None,
        shown: None,
        margin: None,
        overflow: false,
    };

    /// A status stated by the report for an indicator without a figure.
    pub fn by_report(status: Status) -> Assessment {
        Assessment {
            status,
            basis: Basis::Report,
            ..Assessment::NONE
        }
    }

    fn overflowed() -> Assessment {
        Assessment {
            overflow: true,
            ..Assessment::NONE
        }
    }
}

/// Whether a figure can be measured against a target at all: a boolean only
/// against `yes`, a fraction (a percentage) only against a percentage target,
/// a number against any numeric target. [`assess`] gives *not assessed*
/// otherwise; the caller reports the mismatch (see [`mismatch`] for a hint).
pub fn compatible(target: &Target, figure: &Figure) -> bool {
    mismatch(target, figure).is_none()
}

/// Why a figure cannot be measured against a target, as a hint for the
/// author; `None` when it can (see [`compatible`]).
pub fn mismatch(target: &Target, figure: &Figure) -> Option<Msg> {
    let key = match (&target.kind, *figure) {
        (TargetKind::Yes, Figure::Bool(_)) => return None,
        (TargetKind::Yes, _) => "yes_needs_bool",
        (_, Figure::Bool(_)) => "bool_needs_yes",
        (_, Figure::Number(_)) => return None,
        (_, Figure::Fraction { den, .. }) if den.is_zero() => "fraction_zero_hint",
        (_, Figure::Fraction { .. }) if !target.percent => "fraction_for_count",
        (_, Figure::Fraction { .. }) => return None,
    };
    Some(Msg::new(key))
}

/// Computes an indicator's status from its target and what it measured (see
/// "Status" in the content format). Total: a missing target or figure, or a
/// figure that does not suit the target (see [`compatible`]) gives *not
/// assessed*; arithmetic that does not fit gives *not assessed* with
/// `overflow` set.
///
/// The figure compared is `actual`; for a per-year target it is the mean of
/// the yearly `actuals` (those within `period` when one is given), or else
/// `actual` divided by the number of years of `period` (one year without a
/// period). Figures are compared with their targets exactly. A computed
/// figure (a fraction's share, a mean) is shown rounded once to `places`
/// decimals (or the target's own, if it has more), half away from zero, but
/// never across its target: 99,995% of a 100% duty shows as 99,99%.
pub fn assess(target: Option<&Target>, obs: &Observation<'_>, places: u32) -> Assessment {
    match assess_exact(target, obs, places) {
        Some(a) => a,
        None => Assessment::overflowed(),
    }
}

fn assess_exact(target: Option<&Target>, obs: &Observation<'_>, places: u32) -> Option<Assessment> {
    let not_assessed = |compared: Option<Exact>, shown: Option<Decimal>| Assessment {
        compared,
        shown,
        ..Assessment::NONE
    };
    let Some(target) = target else {
        let plain = match obs.actual {
            Some(f @ (Figure::Number(_) | Figure::Fraction { .. })) => Some(f.value()?),
            _ => None,
        };
        let shown = match (obs.actual, plain) {
            (Some(Figure::Number(x)), _) => Some(x),
            (_, Some(x)) => Some(x.round(places, Rounding::Nearest)?),
            _ => None,
        };
        return Some(not_assessed(plain, shown));
    };
    if let Some(figure) = &obs.actual
        && !compatible(target, figure)
    {
        return Some(Assessment::NONE);
    }
    if target.kind == TargetKind::Yes {
        return Some(match obs.actual {
            Some(Figure::Bool(met)) => Assessment {
                status: if met {
                    Status::Achieved
                } else {
                    Status::NotAchieved
                },
                ..Assessment::NONE
            },
            _ => Assessment::NONE,
        });
    }

    let Some((a, written)) = compared_value(target, obs)? else {
        return Some(Assessment::NONE);
    };
    let shown = match written {
        Some(x) => x,
        None => shown(a, Some(target), places)?,
    };
    // Margins as precise as the target is written: 0,001 against ≤ 0,005%
    // is 0,004 points below, not 0,01.
    let target_places = target.bounds().iter().map(|b| b.scale()).max().unwrap_or(0);
    let places = places.max(target_places);
    let e = |d: Decimal| Exact::from_decimal(d);
    let over = |t: Decimal| over_margin(a, e(t)?, target.percent, places);
    let share = |t: Decimal| share_margin(a, e(t)?, places);
    let cmp = |t: Decimal| a.cmp_exact(e(t)?);
    let (status, margin) = match target.kind {
        TargetKind::AtLeast(t) => match cmp(t)? {
            Ordering::Less => (Status::NotAchieved, share(t)?),
            Ordering::Equal => (Status::Achieved, None),
            Ordering::Greater => (Status::Exceeded, over(t)?),
        },
        TargetKind::MoreThan(t) => match cmp(t)? {
            Ordering::Less => (Status::NotAchieved, share(t)?),
            Ordering::Equal => (Status::NotAchieved, None),
            Ordering::Greater => (Status::Exceeded, over(t)?),
        },
        TargetKind::Duty => match cmp(Decimal::ONE_HUNDRED)? {
            Ordering::Less => (Status::NotAchieved, share(Decimal::ONE_HUNDRED)?),
            Ordering::Equal | Ordering::Greater => (Status::Achieved, None),
        },
        TargetKind::AtMost(t) => match cmp(t)? {
            Ordering::Greater => (Status::NotAchieved, over(t)?),
            Ordering::Equal => (Status::Achieved, None),
            Ordering::Less => (Status::Exceeded, over(t)?),
        },
        TargetKind::LessThan(t) => match cmp(t)? {
            Ordering::Greater => (Status::NotAchieved, over(t)?),
            Ordering::Equal => (Status::NotAchieved, None),
            Ordering::Less => (Status::Exceeded, over(t)?),
        },
        TargetKind::Range(lo, hi) => {
            if cmp(lo)? == Ordering::Less {
                (Status::NotAchieved, share(lo)?)
            } else if cmp(hi)? == Ordering::Greater {
                (Status::Exceeded, over(hi)?)
            } else {
                (Status::Achieved, None)
            }
        }
        // Handled above.
        TargetKind::Yes => (Status::NotAssessed, None),
    };
    Some(Assessment {
        status,
        compared: Some(a),
        shown: Some(shown),
        margin,
        ..Assessment::NONE
    })
}

/// A computed figure as shown: rounded once to `places` decimals (or the
/// target's own, if it has more), half away from zero, but never across a
/// bound of its target, so that 99,995% of a 100% duty shows as 99,99%.
/// `None` when it does not fit a decimal.
pub(crate) fn shown(value: Exact, target: Option<&Target>, places: u32) -> Option<Decimal> {
    let bounds = target.map(Target::bounds).unwrap_or_default();
    let pivots: Vec<Exact> = bounds
        .iter()
        .map(|&b| Exact::from_decimal(b))
        .collect::<Option<_>>()?;
    let target_places = bounds.iter().map(|b| b.scale()).max().unwrap_or(0);
    value.round_within(places.max(target_places), &pivots)
}

/// The figure compared, exactly, with its written form when it is a figure
/// as written rather than computed; `Some(None)` when there is none, `None`
/// on overflow (see [`assess`]).
#[allow(clippy::type_complexity)]
fn compared_value(
    target: &Target,
    obs: &Observation<'_>,
) -> Option<Option<(Exact, Option<Decimal>)>> {
    let written = match obs.actual {
        Some(Figure::Number(x)) => Some(x),
        _ => None,
    };
    let value = match obs.actual {
        Some(f @ (Figure::Number(_) | Figure::Fraction { .. })) => Some(f.value()?),
        _ => None,
    };
    if !target.per_year {
        return Some(value.map(|v| (v, written)));
    }
    let in_period = |year: i32| {
        obs.period
            .is_none_or(|(first, last)| first <= year && year <= last)
    };
    let mut sum = Exact::ZERO;
    let mut count = 0i64;
    for (_, &v) in obs.actuals.iter().filter(|&(&year, _)| in_period(year)) {
        sum = sum.checked_add(Exact::from_decimal(v)?)?;
        count += 1;
    }
    if count > 0 {
        let mean = sum.checked_div(Exact::int(count))?;
        let written = obs
            .actuals
            .iter()
            .filter(|&(&year, _)| in_period(year))
            .map(|(_, &v)| v)
            .next()
            .filter(|_| count == 1);
        return Some(Some((mean, written)));
    }
    let years = match obs.period {
        Some((first, last)) => i64::from(last) - i64::from(first) + 1,
        None => 1,
    };
    if years < 1 {
        return Some(None);
    }
    match value {
        Some(v) if years == 1 => Some(Some((v, written))),
        Some(v) => Some(Some((v.checked_div(Exact::int(years))?, None))),
        None => Some(None),
    }
}

/// The margin of a figure beyond a bound: points for percentages, relative for
/// counts (none relative to a bound of 0). `None` on overflow.
fn over_margin(a: Exact, t: Exact, percent: bool, places: u32) -> Option<Option<Margin>> {
    let diff = a.checked_sub(t)?;
    if percent {
        Some(Some(Margin::Points(
            diff.round_within(places, &[Exact::ZERO])?,
        )))
    } else if t.cmp_exact(Exact::ZERO)? == Ordering::Greater {
        let rel = diff.checked_mul(Exact::HUNDRED)?.checked_div(t)?;
        Some(Some(Margin::Relative(
            rel.round_within(places, &[Exact::ZERO])?,
        )))
    } else {
        Some(None)
    }
}

/// How much of a bound a figure short of it reached (none for a bound of 0).
fn share_margin(a: Exact, t: Exact, places: u32) -> Option<Option<Margin>> {
    if t.cmp_exact(Exact::ZERO)? != Ordering::Greater {
        return Some(None);
    }
    let share = a.checked_mul(Exact::HUNDRED)?.checked_div(t)?;
    Some(Some(Margin::ShareOfTarget(
        share.round_within(places, &[Exact::HUNDRED])?,
    )))
}

/// The exact share of its target a figure reaches: a × 100 / t, `t` the
/// bound (the lower one of a range, 100 for a duty); `None` for a yes/no
/// target, a bound of 0 or less, or on overflow.
pub(crate) fn share_of_target(target: &Target, a: Exact) -> Option<Exact> {
    let t = Exact::from_decimal(*target.bounds().first()?)?;
    if t.cmp_exact(Exact::ZERO)? != Ordering::Greater {
        return None;
    }
    a.checked_mul(Exact::HUNDRED)?.checked_div(t)
}

/// How far beyond its target a figure is, exactly: percentage points for a
/// percentage target, a relative % for a count; from the upper bound of a
/// range. `None` for a yes/no target, a count bound of 0 or less, or on
/// overflow.
pub(crate) fn beyond(target: &Target, a: Exact) -> Option<Exact> {
    let t = Exact::from_decimal(*target.bounds().last()?)?;
    let diff = a.checked_sub(t)?;
    if target.percent {
        return Some(diff);
    }
    if t.cmp_exact(Exact::ZERO)? != Ordering::Greater {
        return None;
    }
    diff.checked_mul(Exact::HUNDRED)?.checked_div(t)
}

impl Target {
    /// The bounds the target names: one, or two for a range; 100 for a duty;
    /// none for a yes/no duty.
    pub fn bounds(&self) -> Vec<Decimal> {
        match self.kind {
            TargetKind::AtLeast(x)
            | TargetKind::MoreThan(x)
            | TargetKind::AtMost(x)
            | TargetKind::LessThan(x) => vec![x],
            TargetKind::Range(lo, hi) => vec![lo, hi],
            TargetKind::Duty => vec![Decimal::ONE_HUNDRED],
            TargetKind::Yes => Vec::new(),
        }
    }

    /// Whether a smaller figure is better (an "at most" or "less than" target).
    pub fn lower_is_better(&self) -> bool {
        matches!(self.kind, TargetKind::AtMost(_) | TargetKind::LessThan(_))
    }
}

/// The text of a margin in the interface language of `strings`; in
/// Vietnamese: Points(3.1) → "vượt 3,1 điểm %", Points(-2.3)
/// → "thấp hơn 2,3 điểm %", Relative(1.67) → "vượt 1,67%", Relative(-20) →
/// "thấp hơn 20%", ShareOfTarget(96.24) → "đạt 96,24% so với mục tiêu"; a zero
/// margin → "bằng mục tiêu". For a lower-is-better target: "cao hơn mức tối
/// đa 1,4 điểm %", "thấp hơn mức tối đa 0,5 điểm %".
pub fn margin_text(m: Margin, lower_is_better: bool, strings: &Strings) -> String {
    let x = m.value();
    // Above a limit is not "vượt" (exceeded, the word for a result better
    // than its target): say where the figure stands against the limit.
    if lower_is_better && !matches!(m, Margin::ShareOfTarget(_)) && !x.is_zero() {
        let side = if x.is_sign_positive() {
            "margin_above_limit"
        } else {
            "margin_below_limit"
        };
        return fill(strings.get(side), &amount(m, x.abs(), strings));
    }
    match m {
        Margin::ShareOfTarget(x) => fill(strings.get("margin_share"), &format_written(x)),
        Margin::Points(x) | Margin::Relative(x) if x.is_zero() => {
            strings.get("margin_equal").to_string()
        }
        Margin::Points(x) | Margin::Relative(x) if x.is_sign_positive() => {
            fill(strings.get("margin_over"), &amount(m, x, strings))
        }
        Margin::Points(x) | Margin::Relative(x) => {
            fill(strings.get("margin_under"), &amount(m, -x, strings))
        }
    }
}

/// A margin's size `x` (not negative): "3,1 điểm %" or "1,67%".
fn amount(m: Margin, x: Decimal, strings: &Strings) -> String {
    match m {
        Margin::Points(_) => fill(strings.get("margin_points"), &format_written(x)),
        _ => format!("{}%", format_written(x)),
    }
}

/// `template` with `{x}` replaced.
fn fill(template: &str, x: &str) -> String {
    template.replace("{x}", x)
}

// ---------------------------------------------------------------------------
// Lexing
// ---------------------------------------------------------------------------

/// A position in an input; it only ever moves by whole characters.
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a str) -> Self {
        Cursor { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn slice(&self, span: Range<usize>) -> &'a str {
        self.src.get(span).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn at_end(&self) -> bool {
        self.rest().trim().is_empty()
    }
}

/// A number as written, with its value and span.
struct Num<'a> {
    value: Decimal,
    text: &'a str,
    span: Range<usize>,
}

/// Reads a Vietnamese number at the cursor (digits, dot thousands, decimal
/// comma); `None` when the cursor is not on a digit.
fn lex_number<'a>(c: &mut Cursor<'a>) -> Result<Option<Num<'a>>, ParseError> {
    let start = c.pos;
    if !c.peek().is_some_and(|ch| ch.is_ascii_digit()) {
        return Ok(None);
    }
    while c
        .peek()
        .is_some_and(|ch| ch.is_ascii_digit() || ch == '.' || ch == ',')
    {
        c.bump();
    }
    let span = start..c.pos;
    let text = c.slice(span.clone());
    let suffix = if c.rest().trim_start().starts_with('%') {
        "%"
    } else {
        ""
    };
    let value = number_value(text, span.clone(), suffix)?;
    Ok(Some(Num { value, text, span }))
}

/// The value of a run of digits, dots and commas that starts with a digit.
fn number_value(text: &str, span: Range<usize>, suffix: &str) -> Result<Decimal, ParseError> {
    let error = |message: Msg, hint: Msg| Err(ParseError::new(message, span.clone(), hint));
    let (int, frac) = match text.split_once(',') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text, None),
    };
    if let Some(frac) = frac {
        if frac.contains(',') {
            return error(
                Msg::new("number_two_commas").arg("text", text),
                Msg::new("number_two_commas_hint"),
            );
        }
        if frac.contains('.') {
            return error(
                Msg::new("number_dot_after_comma").arg("text", text),
                Msg::new("number_dot_after_comma_hint"),
            );
        }
        if frac.is_empty() {
            return error(
                Msg::new("number_ends_comma").arg("text", text),
                Msg::new("number_ends_comma_hint").arg("number", format!("{int}{suffix}")),
            );
        }
    }
    let groups: Vec<&str> = int.split('.').collect();
    if let [first, rest @ ..] = groups.as_slice()
        && !rest.is_empty()
        && !((1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3))
    {
        let message = Msg::new("number_bad_groups").arg("text", text);
        return match rest {
            [decimals] if frac.is_none() && !decimals.is_empty() => error(
                message,
                Msg::new("number_decimal_comma_hint")
                    .arg("number", format!("{first},{decimals}{suffix}")),
            ),
            _ => error(message, Msg::new("number_groups_hint")),
        };
    }
    let mut plain: String = groups.concat();
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    match Decimal::from_str_exact(&plain) {
        Ok(value) => Ok(value),
        _ => error(
            Msg::new("number_too_long").arg("text", text),
            Msg::new("number_too_long_hint"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::margin_text`] in Vietnamese.
    fn margin_text(m: Margin, lower_is_better: bool) -> String {
        super::margin_text(m, lower_is_better, &Strings::new(crate::i18n::Language::Vi))
    }

    fn t(src: &str) -> Target {
        match parse_target(src) {
            Ok(target) => target,
            Err(e) => panic!("{src:?}: {e}"),
        }
    }

    fn target(kind: TargetKind, percent: bool, per_year: bool) -> Target {
        Target {
            kind,
            percent,
            per_year,
        }
    }

    fn err(result: Result<impl fmt::Debug, ParseError>) -> ParseError {
        match result {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e,
        }
    }

    fn fig(src: &str) -> Figure {
        match parse_figure(src) {
            Ok(f) => f,
            Err(e) => panic!("{src:?}: {e}"),
        }
    }

    /// Assesses an actual figure with no yearly values and an optional period.
    fn run(target_src: &str, actual: Figure, period: Option<&str>) -> Assessment {
        let target = t(target_src);
        let actuals = BTreeMap::new();
        let period = period.map(|p| parse_period(p).expect("period"));
        assert!(compatible(&target, &actual), "{target_src} vs {actual:?}");
        assess(
            Some(&target),
            &Observation {
                actual: Some(actual),
                actuals: &actuals,
                period,
            },
            2,
        )
    }

    fn num(x: f64) -> Figure {
        Figure::Number(dec(x))
    }

    /// A decimal with the digits Rust prints for `x` (98.1 → 98.1).
    fn dec(x: f64) -> Decimal {
        x.to_string().parse().expect("a decimal")
    }

    fn stated_agrees(stated: &str, computed: Status) -> bool {
        let stated = parse_stated(stated);
        assert!(stated.claim().is_some(), "{stated:?}");
        !stated.disagrees(computed)
    }

    // --- The appendix of seed 004 (PHỤ LỤC), case by case -------------------

    #[test]
    fn appendix_1_more_than_95_percent() {
        // "Trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ chính trị" → 98% → "Đạt".
        let a = run("> 95%", num(98.0), None);
        assert_eq!(a.status, Status::Exceeded);
        assert_eq!(a.shown, Some(dec(98.0)));
        assert_eq!(a.margin, Some(Margin::Points(dec(3.0))));
        // The report under-states: "Đạt" where the figures say exceeded.
        assert!(!stated_agrees("Đạt", a.status));
    }

    #[test]
    fn appendix_2_duty_100_percent() {
        // "100% cán bộ, đảng viên, quần chúng được học tập…" → 100% → "Đạt".
        let a = run("100%", num(100.0), None);
        assert_eq!(a.status, Status::Achieved);
        assert_eq!(a.margin, None);
        assert!(stated_agrees("Đạt", a.status));
    }

    #[test]
    fn appendix_3_parts() {
        // Đảng bộ Khối: 02 năm HTNV; 01 năm HTTNV → "Không đạt".
        let whole = run("yes", Figure::Bool(false), None);
        assert_eq!(whole.status, Status::NotAchieved);
        assert_eq!(whole.compared, None);
        assert!(stated_agrees("- Không đạt", whole.status));

        // 90% of grassroots organisations → 91,6% → "Vượt 1,6%".
        let orgs = run(">= 90%", fig("91,6"), None);
        assert_eq!(orgs.status, Status::Exceeded);
        assert_eq!(orgs.margin, Some(Margin::Points(dec(1.6))));
        assert_eq!(
            margin_text(Margin::Points(dec(1.6)), false),
            "vượt 1,6 điểm %"
        );
        assert!(stated_agrees("- Vượt 1,6%", orgs.status));

        // 95% of members → 98,1% → "Vượt 3,1%".
        let members = run(">= 95%", num(98.1), None);
        assert_eq!(members.status, Status::Exceeded);
        assert_eq!(members.margin, Some(Margin::Points(dec(3.1))));
        assert_eq!(
            margin_text(Margin::Points(dec(3.1)), false),
            "vượt 3,1 điểm %"
        );
        assert!(stated_agrees("- Vượt 3,1%", members.status));

        // The parent takes the worst of its parts.
        let parent = [whole.status, orgs.status, members.status]
            .into_iter()
            .min();
        assert_eq!(parent, Some(Status::NotAchieved));
    }

    #[test]
    fn appendix_4_admissions_per_year() {
        // "Kết nạp 100 đảng viên trở lên" → 305 in 2020, 2021, 2022 → "Vượt 1,6%".
        let a = run(">= 100/năm", num(305.0), Some("2020-2022"));
        assert_eq!(a.status, Status::Exceeded);
        assert_eq!(a.shown, Some(dec(101.67)));
        match a.margin {
            Some(Margin::Relative(x)) => assert_eq!(x, dec(1.67)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            margin_text(Margin::Relative(dec(1.67)), false),
            "vượt 1,67%"
        );
        assert!(stated_agrees("Vượt 1,6%", a.status));
    }

    #[test]
    fn appendix_5_inspection() {
        // Every grassroots organisation runs an inspection programme: 71/71 = 100% → "Đạt".
        let programme = run("100%", fig("71/71"), None);
        assert_eq!(programme.status, Status::Achieved);
        assert_eq!(programme.shown, Some(dec(100.0)));
        assert!(stated_agrees("Đạt", programme.status));

        // 60% inspected in the term: 41/71 = 57,7% → "Đạt 96,16% so với nghị quyết".
        let inspected = run(">= 60%", fig("41/71"), None);
        assert_eq!(inspected.status, Status::NotAchieved);
        assert_eq!(inspected.shown, Some(dec(57.75)));
        match inspected.margin {
            // 41/71 of 60%, exactly: 96,24% (57,75 / 60 would give 96,25).
            Some(Margin::ShareOfTarget(x)) => assert_eq!(x, dec(96.24)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            margin_text(Margin::ShareOfTarget(dec(96.25)), false),
            "đạt 96,25% so với mục tiêu"
        );
        // "Đạt 96,16% so với nghị quyết" is a shortfall: 96,16% of the
        // target. Its status agrees; its figure is checked apart.
        let stated = parse_stated("- Đạt 96,16% so với nghị quyết");
        assert_eq!(stated.status(), Some(Status::NotAchieved));
        assert!(!stated.disagrees(inspected.status));
    }

    #[test]
    fn appendix_6_mass_organisations() {
        // "90% các tổ chức đoàn thể hoàn thành tốt nhiệm vụ trở lên".
        for (actual, points) in [("93,1", 3.1), ("99,1", 9.1), ("98,3", 8.3)] {
            let a = run(">= 90%", fig(actual), None);
            assert_eq!(a.status, Status::Exceeded);
            assert_eq!(a.margin, Some(Margin::Points(dec(points))));
            assert!(stated_agrees(&format!("- Vượt {actual}%"), a.status));
        }
    }

    #[test]
    fn appendix_7_at_least_98_percent() {
        // "98% trở lên … đạt chuẩn văn hóa" → 98% → "Đạt".
        let a = run(">= 98%", num(98.0), None);
        assert_eq!(a.status, Status::Achieved);
        assert_eq!(a.margin, None);
        assert!(stated_agrees("Đạt", a.status));
        // A bare number means "at least".
        assert_eq!(t("98%"), t(">= 98%"));
    }

    #[test]
    fn appendix_8_duty_and_income_range() {
        // "100% doanh nghiệp thực hiện đầy đủ nghĩa vụ" → 100% → "Đạt".
        let duty = run("100%", num(100.0), None);
        assert_eq!(duty.status, Status::Achieved);
        assert!(stated_agrees("- Đạt", duty.status));

        // "Bình quân thu nhập người lao động tăng 3-5%/năm" → "Không đạt".
        let low = run("3-5%/năm", num(2.0), None);
        assert_eq!(low.status, Status::NotAchieved);
        assert_eq!(low.margin, Some(Margin::ShareOfTarget(dec(66.67))));
        assert!(stated_agrees("- Không đạt", low.status));
        let within = run("3-5%/năm", num(4.0), None);
        assert_eq!(within.status, Status::Achieved);
        assert_eq!(within.margin, None);
        let high = run("3-5%/năm", num(6.0), None);
        assert_eq!(high.status, Status::Exceeded);
        assert_eq!(high.margin, Some(Margin::Points(dec(1.0))));
        // The bounds themselves are within.
        assert_eq!(run("3-5%/năm", num(3.0), None).status, Status::Achieved);
        assert_eq!(run("3-5%/năm", num(5.0), None).status, Status::Achieved);
        // Growth over a period is divided by its years: 12 over 3 years → 4 a year.
        let period = run("3–5%/năm", num(12.0), Some("2020-2022"));
        assert_eq!(
            (period.status, period.shown),
            (Status::Achieved, Some(dec(4.0)))
        );
    }

    #[test]
    fn appendix_summary_counts_parts() {
        // The computed statuses of the appendix's parts, in order.
        let parts = [
            run("> 95%", num(98.0), None).status,
            run("100%", num(100.0), None).status,
            run("yes", Figure::Bool(false), None).status,
            run(">= 90%", num(91.6), None).status,
            run(">= 95%", num(98.1), None).status,
            run(">= 100/năm", num(305.0), Some("2020-2022")).status,
            run("100%", fig("71/71"), None).status,
            run(">= 60%", fig("41/71"), None).status,
            run(">= 90%", num(93.1), None).status,
            run(">= 90%", num(99.1), None).status,
            run(">= 90%", num(98.3), None).status,
            run(">= 98%", num(98.0), None).status,
            run("100%", num(100.0), None).status,
            run("3-5%/năm", num(2.0), None).status,
        ];
        let met = parts.iter().filter(|s| **s >= Status::Achieved).count();
        let missed = parts.iter().filter(|s| **s == Status::NotAchieved).count();
        assert_eq!((met, missed), (11, 3));
    }

    // --- Target × actual × stated: the whole judgement -----------------------

    /// What the page and `check` make of one indicator: its status, its
    /// margin as shown, the claim read from the stated words, and what
    /// `check` says of them ("" when nothing).
    fn judge(
        target_src: &str,
        actual: Option<Figure>,
        period: Option<&str>,
        baseline: Option<&str>,
        stated: &str,
    ) -> (Status, String, Option<Claim>, String) {
        let target = t(target_src);
        let actuals = BTreeMap::new();
        let reading = parse_stated(stated);
        let mut a = assess(
            Some(&target),
            &Observation {
                actual,
                actuals: &actuals,
                period: period.map(|p| parse_period(p).expect("period")),
            },
            2,
        );
        // Judged in words only, as the model does for a figure-less indicator.
        if actual.is_none()
            && let Some(status) = reading.status()
        {
            a = Assessment::by_report(status);
        }
        let margin = a
            .margin
            .map(|m| margin_text(m, target.lower_is_better()))
            .unwrap_or_default();
        let baseline = baseline.map(|b| fig(b).value().expect("a value"));
        let finding = if reading == Reading::NotUnderstood {
            "not understood".to_string()
        } else if a.basis == Basis::Report {
            "as the report judged".to_string()
        } else if reading.disagrees(a.status) {
            "disagrees".to_string()
        } else if let Some(m) = stated_figure_mismatch(reading, Some(&target), a.compared, baseline)
        {
            format!(
                "states {}, figures give {}",
                format_written(m.stated),
                m.computed_text()
            )
        } else {
            String::new()
        };
        (a.status, margin, reading.claim(), finding)
    }

    /// Every target shape, every phrasing of the grammar, and the cases of
    /// issue 18 (the seed's appendix, 19.999/20.000, 0,001 against ≤ 0,005%,
    /// "Đạt 96,16% so với nghị quyết", a result judged in words).
    #[test]
    fn target_actual_and_stated_give_status_margin_reading_and_warnings() {
        use Claim::{BroadlyAchieved, Change, Met};
        let n = |x: &str| Some(fig(x));
        let yes = Some(Figure::Bool(true));
        let no = Some(Figure::Bool(false));
        /// Target, actual, period, baseline, stated → status, margin, claim,
        /// what `check` says.
        type Case<'a> = (
            &'a str,
            Option<Figure>,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            Status,
            &'a str,
            Option<Claim>,
            &'a str,
        );
        #[rustfmt::skip]
        let cases: &[Case<'_>] = &[
            // Seed 004's appendix, row by row.
            ("> 95%", n("98"), None, None, "Đạt", Status::Exceeded, "vượt 3 điểm %", Some(Claim::Achieved), "disagrees"),
            ("100%", n("100"), None, None, "Đạt", Status::Achieved, "", Some(Claim::Achieved), ""),
            ("yes", no, Some("2020-2022"), None, "- Không đạt", Status::NotAchieved, "", Some(Claim::NotAchieved), ""),
            (">= 90%", n("91,6"), None, None, "- Vượt 1,6%", Status::Exceeded, "vượt 1,6 điểm %", Some(Claim::Exceeded), ""),
            (">= 95%", n("98,1"), None, None, "- Vượt 3,1%", Status::Exceeded, "vượt 3,1 điểm %", Some(Claim::Exceeded), ""),
            (">= 100/năm", n("305"), Some("2020-2022"), None, "Vượt 1,6%", Status::Exceeded, "vượt 1,67%", Some(Claim::Exceeded), "states 1,6, figures give 1,67"),
            ("100%", n("71/71"), None, None, "Đạt", Status::Achieved, "", Some(Claim::Achieved), ""),
            (">= 60%", n("41/71"), None, None, "- Đạt 96,16% so với nghị quyết", Status::NotAchieved, "đạt 96,24% so với mục tiêu", Some(Claim::NotAchieved), "states 96,16, figures give 96,24"),
            (">= 90%", n("93,1"), None, None, "- Vượt 3,1%", Status::Exceeded, "vượt 3,1 điểm %", Some(Claim::Exceeded), ""),
            (">= 98%", n("98"), None, None, "Đạt", Status::Achieved, "", Some(Claim::Achieved), ""),
            ("3-5%/năm", None, Some("2020-2022"), None, "- Không đạt", Status::NotAchieved, "", Some(Claim::NotAchieved), "as the report judged"),
            // The other shapes.
            ("3-5%/năm", n("4"), None, None, "Đạt", Status::Achieved, "", Some(Claim::Achieved), ""),
            ("3-5%/năm", n("6"), None, None, "Vượt 1%", Status::Exceeded, "vượt 1 điểm %", Some(Claim::Exceeded), ""),
            ("3-5%/năm", n("2"), None, None, "Đạt 66,67% kế hoạch", Status::NotAchieved, "đạt 66,67% so với mục tiêu", Some(Claim::NotAchieved), ""),
            ("<= 2%", n("1,5"), None, None, "Đạt", Status::Exceeded, "thấp hơn mức tối đa 0,5 điểm %", Some(Claim::Achieved), "disagrees"),
            ("<= 2%", n("2,5"), None, None, "Không đạt", Status::NotAchieved, "cao hơn mức tối đa 0,5 điểm %", Some(Claim::NotAchieved), ""),
            ("< 2%", n("2"), None, None, "Chưa đạt", Status::NotAchieved, "", Some(Claim::NotAchieved), ""),
            ("<= 0,005%", n("0,001"), None, None, "Vượt", Status::Exceeded, "thấp hơn mức tối đa 0,004 điểm %", Some(Claim::Exceeded), ""),
            ("yes", yes, None, None, "Hoàn thành", Status::Achieved, "", Some(Claim::Achieved), ""),
            (">= 100", n("120"), None, None, "Hoàn thành vượt mức", Status::Exceeded, "vượt 20%", Some(Claim::Exceeded), ""),
            (">= 100", n("100"), None, None, "Bằng 100%", Status::Achieved, "", Some(Claim::Achieved), ""),
            (">= 100", n("90"), None, None, "Đạt 90% kế hoạch", Status::NotAchieved, "đạt 90% so với mục tiêu", Some(Claim::NotAchieved), ""),
            (">= 100", n("90"), None, Some("80"), "Tăng 5%", Status::NotAchieved, "đạt 90% so với mục tiêu", Some(Change), "states 5, figures give 12,5"),
            (">= 100", n("90"), None, Some("80"), "Tăng 12,5%", Status::NotAchieved, "đạt 90% so với mục tiêu", Some(Change), ""),
            ("<= 10", n("8"), None, Some("10"), "Giảm 20%", Status::Exceeded, "thấp hơn mức tối đa 20%", Some(Change), ""),
            // Rounding never carries a figure across its target.
            ("100%", n("19.999/20.000"), None, None, "Đạt", Status::NotAchieved, "đạt 99,99% so với mục tiêu", Some(Claim::Achieved), "disagrees"),
            ("> 60%", n("60001/100000"), None, None, "Vượt 0,01 điểm %", Status::Exceeded, "vượt 0,01 điểm %", Some(Claim::Exceeded), ""),
            (">= 60%", n("59,996"), None, None, "Đạt", Status::NotAchieved, "đạt 99,99% so với mục tiêu", Some(Claim::Achieved), "disagrees"),
            // Broadly achieved is not achieved by the figures.
            (">= 95%", n("95"), None, None, "Cơ bản đạt", Status::Achieved, "", Some(BroadlyAchieved), "disagrees"),
            (">= 95%", n("90"), None, None, "Cơ bản đạt", Status::NotAchieved, "đạt 94,74% so với mục tiêu", Some(BroadlyAchieved), ""),
            (">= 95%", n("97"), None, None, "Đạt và vượt", Status::Exceeded, "vượt 2 điểm %", Some(Met), ""),
            (">= 95%", n("95"), None, None, "Đạt và vượt", Status::Achieved, "", Some(Met), ""),
            // Words never guessed.
            (">= 95%", n("98"), None, None, "Đạt 98%", Status::Exceeded, "vượt 3 điểm %", None, "not understood"),
            (">= 95%", None, None, None, "Tốt", Status::NotAssessed, "", None, "not understood"),
            (">= 95%", n("98"), None, None, "Chưa đánh giá", Status::Exceeded, "vượt 3 điểm %", Some(Claim::NotAssessed), ""),
        ];
        for &(target, actual, period, baseline, stated, status, margin, claim, finding) in cases {
            let got = judge(target, actual, period, baseline, stated);
            assert_eq!(
                got,
                (status, margin.to_string(), claim, finding.to_string()),
                "{target} / {actual:?} / {stated}"
            );
        }
    }

    // --- Target expressions ---------------------------------------------------

    #[test]
    fn parses_every_shape() {
        use TargetKind::*;
        let cases: &[(&str, Target)] = &[
            (">= 95%", target(AtLeast(dec(95.0)), true, false)),
            ("≥95%", target(AtLeast(dec(95.0)), true, false)),
            ("95%", target(AtLeast(dec(95.0)), true, false)),
            ("95 %", target(AtLeast(dec(95.0)), true, false)),
            ("> 95%", target(MoreThan(dec(95.0)), true, false)),
            (">95,5%", target(MoreThan(dec(95.5)), true, false)),
            (">= 100", target(AtLeast(dec(100.0)), false, false)),
            ("100", target(AtLeast(dec(100.0)), false, false)),
            (">= 100/năm", target(AtLeast(dec(100.0)), false, true)),
            (">= 100 / năm", target(AtLeast(dec(100.0)), false, true)),
            (">= 100/NĂM", target(AtLeast(dec(100.0)), false, true)),
            (
                ">= 100/na\u{306}m",
                target(AtLeast(dec(100.0)), false, true),
            ),
            (">= 100/year", target(AtLeast(dec(100.0)), false, true)),
            (">= 1.000", target(AtLeast(dec(1000.0)), false, false)),
            (
                ">= 1.234.567,5",
                target(AtLeast(dec(1_234_567.5)), false, false),
            ),
            ("3-5%/năm", target(Range(dec(3.0), dec(5.0)), true, true)),
            ("3–5%/năm", target(Range(dec(3.0), dec(5.0)), true, true)),
            ("3—5%/năm", target(Range(dec(3.0), dec(5.0)), true, true)),
            (
                "3 - 5 % / năm",
                target(Range(dec(3.0), dec(5.0)), true, true),
            ),
            ("3%-5%/năm", target(Range(dec(3.0), dec(5.0)), true, true)),
            ("2,5-3,5%", target(Range(dec(2.5), dec(3.5)), true, false)),
            ("10-20", target(Range(dec(10.0), dec(20.0)), false, false)),
            ("100%", target(Duty, true, false)),
            ("100,0%", target(Duty, true, false)),
            ("100%/năm", target(Duty, true, true)),
            (">= 100%", target(AtLeast(dec(100.0)), true, false)),
            ("<= 2%", target(AtMost(dec(2.0)), true, false)),
            ("≤ 2%", target(AtMost(dec(2.0)), true, false)),
            ("< 2%", target(LessThan(dec(2.0)), true, false)),
            ("<= 10", target(AtMost(dec(10.0)), false, false)),
            ("yes", target(Yes, false, false)),
            ("Yes", target(Yes, false, false)),
            ("có", target(Yes, false, false)),
            ("Có", target(Yes, false, false)),
            ("Co\u{301}", target(Yes, false, false)),
            ("Có/không", target(Yes, false, false)),
            ("  >=  95%  ", target(AtLeast(dec(95.0)), true, false)),
            (
                "\u{a0}> 95%\u{a0}",
                target(MoreThan(dec(95.0)), true, false),
            ),
        ];
        for (src, expected) in cases {
            assert_eq!(&t(src), expected, "{src:?}");
        }
    }

    #[test]
    fn displays_in_peoples_form() {
        let cases = [
            ("> 95%", "> 95%"),
            (">= 90%", "≥ 90%"),
            (">= 100/năm", "≥ 100/năm"),
            (">= 1000", "≥ 1.000"),
            ("3-5%/năm", "3–5%/năm"),
            ("2,5-3,5%", "2,5–3,5%"),
            ("100%", "100%"),
            ("100%/năm", "100%/năm"),
            ("<= 2%", "≤ 2%"),
            ("< 2%", "< 2%"),
            (">= 99,2%", "≥ 99,2%"),
            ("yes", "Có/không"),
        ];
        for (src, shown) in cases {
            let target = t(src);
            assert_eq!(target.to_string(), shown, "{src:?}");
            assert_eq!(t(shown), target, "{shown:?} reads back");
        }
    }

    #[test]
    fn target_errors_carry_spans_and_hints() {
        // (input, span, a part of the hint)
        let cases: &[(&str, Range<usize>, &str)] = &[
            ("", 0..0, "`>= 95%`"),
            ("   ", 0..3, "`>= 95%`"),
            (
                "95.5%",
                0..4,
                "Vietnamese numbers use a decimal comma: 95,5%",
            ),
            (">= 95.5%", 3..7, "decimal comma: 95,5%"),
            ("1.00", 0..4, "decimal comma: 1,00"),
            ("1.000.00", 0..8, "group thousands by three"),
            ("100.", 0..4, "group thousands by three"),
            ("1,2,3", 0..5, "at most one decimal comma"),
            ("1,000.5", 0..7, "`1.234,5`"),
            ("5,%", 0..2, "`5%`"),
            (">= 3-5%", 0..2, "`3-5%/năm`"),
            ("5-3%", 0..3, "`3-5`"),
            ("3%-5", 3..4, "`3-5%`"),
            ("3-", 1..2, "`>= 95%`"),
            ("3 - abc", 4..7, "`>= 95%`"),
            (">=", 0..2, "`>= 95%`"),
            (">= abc", 3..6, "`>= 95%`"),
            ("= 95%", 0..1, "`>= 95%`"),
            ("95%/tháng", 4..10, "`/năm`"),
            ("95%/", 3..4, "`/năm`"),
            ("95% abc", 4..7, "`>= 95%`"),
            ("95%%", 3..4, "`>= 95%`"),
            ("yes/năm", 3..8, "`yes` alone"),
            ("có 95%", 4..7, "`yes` alone"),
            ("-5%", 0..3, "`>= 95%`"),
            // Targets written in words, as in the reports.
            ("Trên 95%", 0..5, "`> 95%`"),
            ("95% trở lên", 4..14, "`>= 95%`"),
            ("dưới 2%", 0..7, "`< 2%`"),
            ("không quá 10", 0..6, "`<= 10`"),
        ];
        for (src, span, hint) in cases {
            let e = err(parse_target(src));
            assert_eq!(&e.span, span, "{src:?}: {e}");
            let got = e.hint.en();
            assert!(got.contains(hint), "{src:?}: hint {got:?} lacks {hint:?}");
            assert!(src.get(e.span.clone()).is_some());
        }
        let huge = format!(">= {}", "9".repeat(400));
        let e = err(parse_target(&huge));
        assert_eq!(e.span, 3..403);
        assert!(e.message.en().contains("too many digits"));
    }

    // --- Figures and periods -------------------------------------------------

    #[test]
    fn parses_figures() {
        assert_eq!(fig("305"), num(305.0));
        assert_eq!(fig("57,7"), num(57.7));
        assert_eq!(fig("1.234"), num(1234.0));
        assert_eq!(fig("3.445.485"), num(3_445_485.0));
        assert_eq!(fig("1.000,5"), num(1000.5));
        assert_eq!(fig(" 98% "), num(98.0));
        assert_eq!(fig("-2,5"), num(-2.5));
        assert_eq!(
            fig("41/71"),
            Figure::Fraction {
                num: dec(41.0),
                den: dec(71.0)
            }
        );
        assert_eq!(
            fig("41 / 71"),
            Figure::Fraction {
                num: dec(41.0),
                den: dec(71.0)
            }
        );
        assert_eq!(
            fig("02/12"),
            Figure::Fraction {
                num: dec(2.0),
                den: dec(12.0)
            }
        );
        assert_eq!(
            fig("15.915/16.000"),
            Figure::Fraction {
                num: dec(15915.0),
                den: dec(16000.0)
            }
        );
    }

    #[test]
    fn figure_values() {
        assert_eq!(num(57.7).value(), Exact::from_decimal(dec(57.7)));
        let share = Figure::Fraction {
            num: dec(41.0),
            den: dec(71.0),
        }
        .value();
        assert_eq!(share, Exact::ratio(4100, 71));
        assert_eq!(
            Figure::Fraction {
                num: dec(1.0),
                den: dec(0.0)
            }
            .value(),
            None
        );
        assert_eq!(Figure::Bool(true).value(), None);
        assert_eq!(num(3322.0).to_string(), "3.322");
        assert_eq!(fig("41/71").to_string(), "41/71");
        assert_eq!(Figure::Bool(false).to_string(), "không");
    }

    #[test]
    fn figure_errors_carry_spans_and_hints() {
        let cases: &[(&str, Range<usize>, &str)] = &[
            // Printed in seed 004: a malformed thousands group.
            ("15.915/15.1915", 7..14, "decimal comma: 15,1915"),
            ("57.7", 0..4, "decimal comma: 57,7"),
            ("41/0", 3..4, ""),
            ("41/0,0", 3..6, ""),
            ("41/", 2..3, "`41/71`"),
            ("41/x", 3..4, "`41/71`"),
            ("-41/71", 0..1, "`41/71`"),
            ("41/71 = 57,7%", 6..13, "only the fraction"),
            ("abc", 0..3, "a number"),
            ("", 0..0, "a number"),
            ("true", 0..4, "without quotes"),
            (" Có ", 1..4, "without quotes"),
            ("12 DN", 3..5, "a number"),
            ("1,2,3", 0..5, "one decimal comma"),
        ];
        for (src, span, hint) in cases {
            let e = err(parse_figure(src));
            assert_eq!(&e.span, span, "{src:?}: {e}");
            let got = e.hint.en();
            assert!(got.contains(hint), "{src:?}: hint {got:?} lacks {hint:?}");
        }
    }

    #[test]
    fn parses_periods() {
        assert_eq!(parse_period("2020-2022"), Ok((2020, 2022)));
        assert_eq!(parse_period("2020–2022"), Ok((2020, 2022)));
        assert_eq!(parse_period(" 2020 — 2022 "), Ok((2020, 2022)));
        assert_eq!(parse_period("2022"), Ok((2022, 2022)));
        assert_eq!(parse_period("2022-2022"), Ok((2022, 2022)));
        let cases: &[(&str, Range<usize>)] = &[
            ("2022-2020", 0..9),
            ("20-22", 0..2),
            ("2020-", 4..5),
            ("2020-22", 5..7),
            ("năm 2020", 0..4),
            ("2020-2022x", 9..10),
            ("", 0..0),
            ("12345", 0..5),
        ];
        for (src, span) in cases {
            let e = err(parse_period(src));
            assert_eq!(&e.span, span, "{src:?}: {e}");
            assert!(!e.hint.en().is_empty());
        }
    }

    // --- Assessment ------------------------------------------------------------

    #[test]
    fn not_assessed_without_actual_or_target() {
        let actuals = BTreeMap::new();
        let empty = Observation {
            actual: None,
            actuals: &actuals,
            period: None,
        };
        let a = assess(Some(&t(">= 95%")), &empty, 2);
        assert_eq!(a, Assessment::NONE);
        assert_eq!(
            assess(Some(&t("yes")), &empty, 2).status,
            Status::NotAssessed
        );
        assert_eq!(
            assess(Some(&t(">= 100/năm")), &empty, 2).status,
            Status::NotAssessed
        );

        // No target: not assessed, but the figure is still there to show.
        let only_actual = Observation {
            actual: Some(fig("41/71")),
            actuals: &actuals,
            period: None,
        };
        let a = assess(None, &only_actual, 2);
        assert_eq!((a.status, a.shown), (Status::NotAssessed, Some(dec(57.75))));
    }

    #[test]
    fn mismatched_figures_are_not_assessed_and_reported_by_compatible() {
        let actuals = BTreeMap::new();
        let cases = [
            (">= 95%", Figure::Bool(true)),
            ("100%", Figure::Bool(true)),
            ("yes", num(1.0)),
            ("yes", fig("1/1")),
            (">= 100", fig("41/71")),
            (
                ">= 95%",
                Figure::Fraction {
                    num: dec(1.0),
                    den: dec(0.0),
                },
            ),
        ];
        for (src, figure) in cases {
            let target = t(src);
            assert!(!compatible(&target, &figure), "{src} vs {figure:?}");
            let obs = Observation {
                actual: Some(figure),
                actuals: &actuals,
                period: None,
            };
            let a = assess(Some(&target), &obs, 2);
            assert_eq!((a.status, a.margin), (Status::NotAssessed, None), "{src}");
        }
        let hint = |src: &str, figure: Figure| {
            mismatch(&t(src), &figure)
                .map(|m| m.en())
                .unwrap_or_default()
        };
        assert!(hint(">= 95%", Figure::Bool(true)).contains("yes/no target"));
        assert!(hint("yes", num(1.0)).contains("`actual = true`"));
        assert!(hint(">= 100", fig("41/71")).contains("percentage"));
        assert_eq!(mismatch(&t(">= 60%"), &fig("41/71")), None);
        assert!(compatible(&t(">= 60%"), &fig("41/71")));
        assert!(compatible(&t(">= 100/năm"), &num(305.0)));
        assert!(compatible(&t("yes"), &Figure::Bool(true)));
        assert_eq!(
            run("yes", Figure::Bool(true), None).status,
            Status::Achieved
        );
    }

    #[test]
    fn at_least_more_than_and_duty() {
        assert_eq!(run(">= 95%", num(94.0), None).status, Status::NotAchieved);
        assert_eq!(run(">= 95%", num(95.0), None).status, Status::Achieved);
        // "More than" is not met on the target itself.
        let on = run("> 95%", num(95.0), None);
        assert_eq!((on.status, on.margin), (Status::NotAchieved, None));
        let below = run("> 95%", num(90.0), None);
        assert_eq!(below.margin, Some(Margin::ShareOfTarget(dec(94.74))));
        // A duty short of 100% shows the share reached; it cannot be exceeded.
        let duty = run("100%", num(98.0), None);
        assert_eq!(duty.status, Status::NotAchieved);
        assert_eq!(duty.margin, Some(Margin::ShareOfTarget(dec(98.0))));
        assert_eq!(run("100%", num(100.4), None).status, Status::Achieved);
        // Counts: relative margins, and the share when short.
        let short = run(">= 100", num(80.0), None);
        assert_eq!(short.margin, Some(Margin::ShareOfTarget(dec(80.0))));
        let over = run(">= 100", num(120.0), None);
        assert_eq!(over.margin, Some(Margin::Relative(dec(20.0))));
        // A target of 0 has no relative margin.
        let zero = run(">= 0", num(3.0), None);
        assert_eq!((zero.status, zero.margin), (Status::Exceeded, None));
    }

    #[test]
    fn at_most_and_less_than() {
        let below = run("<= 2%", num(1.5), None);
        assert_eq!(below.status, Status::Exceeded);
        assert_eq!(below.margin, Some(Margin::Points(dec(-0.5))));
        assert_eq!(
            margin_text(Margin::Points(dec(-0.5)), true),
            "thấp hơn mức tối đa 0,5 điểm %"
        );
        assert_eq!(
            margin_text(Margin::Points(dec(1.4)), true),
            "cao hơn mức tối đa 1,4 điểm %"
        );
        assert_eq!(run("<= 2%", num(2.0), None).status, Status::Achieved);
        let above = run("<= 2%", num(2.5), None);
        assert_eq!(above.status, Status::NotAchieved);
        assert_eq!(above.margin, Some(Margin::Points(dec(0.5))));

        let on = run("< 2%", num(2.0), None);
        assert_eq!((on.status, on.margin), (Status::NotAchieved, None));
        assert_eq!(run("< 2%", num(1.99), None).status, Status::Exceeded);
        assert_eq!(run("< 2%", num(3.0), None).status, Status::NotAchieved);

        let count_over = run("<= 10", num(12.0), None);
        assert_eq!(count_over.status, Status::NotAchieved);
        assert_eq!(count_over.margin, Some(Margin::Relative(dec(20.0))));
        let count_under = run("<= 10", num(8.0), None);
        assert_eq!(count_under.status, Status::Exceeded);
        assert_eq!(count_under.margin, Some(Margin::Relative(dec(-20.0))));
        assert_eq!(
            margin_text(Margin::Relative(dec(-20.0)), true),
            "thấp hơn mức tối đa 20%"
        );
        // Nothing to divide by for a limit of 0.
        let zero = run("<= 0", num(2.0), None);
        assert_eq!((zero.status, zero.margin), (Status::NotAchieved, None));
    }

    #[test]
    fn compares_exactly_and_rounds_once_for_display() {
        // Never rounded before comparing: 59,996 is short of 60.
        let a = run(">= 60%", num(59.996), None);
        assert_eq!(
            (a.status, a.shown),
            (Status::NotAchieved, Some(dec(59.996)))
        );
        assert_eq!(run(">= 0,3", fig("0,3"), None).status, Status::Achieved);
        assert_eq!(
            run("> 57,7%", fig("57,70"), None).status,
            Status::NotAchieved
        );
        // A shortfall never rounds up to its target: 19.999 of 20.000 on a
        // 100% duty is 99,995%, shown 99,99% and not achieved.
        let a = run("100%", fig("19.999/20.000"), None);
        assert_eq!(a.status, Status::NotAchieved);
        assert_eq!(a.shown, Some(dec(99.99)));
        assert_eq!(a.margin, Some(Margin::ShareOfTarget(dec(99.99))));
        // Rounding before dividing is gone: 41/71 of 60% is 96,24%.
        let a = run(">= 60%", fig("41/71"), None);
        assert_eq!(a.margin, Some(Margin::ShareOfTarget(dec(96.24))));
        assert_eq!(a.shown, Some(dec(57.75)));
        // Written figures keep their digits: 0,001 against ≤ 0,005%.
        let a = run("<= 0,005%", fig("0,001"), None);
        assert_eq!((a.status, a.shown), (Status::Exceeded, Some(dec(0.001))));
        assert_eq!(a.margin, Some(Margin::Points(dec(-0.004))));
        assert_eq!(t(">= 0,001").to_string(), "≥ 0,001");
        // 100 a year over three years.
        assert_eq!(
            run(">= 100/năm", num(300.0), Some("2020-2022")).status,
            Status::Achieved
        );
        let a = run(">= 100/năm", num(299.99), Some("2020-2022"));
        assert_eq!((a.status, a.shown), (Status::NotAchieved, Some(dec(99.99))));
        // Above a target by a hair shows above it.
        let a = run("> 60%", fig("60001/100000"), None);
        assert_eq!((a.status, a.shown), (Status::Exceeded, Some(dec(60.01))));
    }

    #[test]
    fn per_year_rule() {
        let target = t(">= 100/năm");
        let yearly = BTreeMap::from([
            (2020, dec(95.0)),
            (2021, dec(102.0)),
            (2022, dec(108.0)),
            (2023, dec(50.0)),
        ]);
        // The yearly values within the period win over `actual`.
        let a = assess(
            Some(&target),
            &Observation {
                actual: Some(num(1.0)),
                actuals: &yearly,
                period: Some((2020, 2022)),
            },
            2,
        );
        assert_eq!((a.status, a.shown), (Status::Exceeded, Some(dec(101.67))));
        // Without a period, all of them, even without `actual`.
        let a = assess(
            Some(&target),
            &Observation {
                actual: None,
                actuals: &yearly,
                period: None,
            },
            2,
        );
        assert_eq!((a.status, a.shown), (Status::NotAchieved, Some(dec(88.75))));
        // No yearly value within the period: `actual` over the years of the period.
        let a = assess(
            Some(&target),
            &Observation {
                actual: Some(num(305.0)),
                actuals: &yearly,
                period: Some((2017, 2019)),
            },
            2,
        );
        assert_eq!(a.shown, Some(dec(101.67)));
        // No period: one year.
        assert_eq!(run(">= 100/năm", num(120.0), None).shown, Some(dec(120.0)));
        // A term target ignores the period and the yearly values.
        let a = assess(
            Some(&t(">= 100")),
            &Observation {
                actual: Some(num(305.0)),
                actuals: &yearly,
                period: Some((2020, 2022)),
            },
            2,
        );
        assert_eq!(a.shown, Some(dec(305.0)));
        // A reversed period built by hand cannot divide.
        let empty = BTreeMap::new();
        let a = assess(
            Some(&target),
            &Observation {
                actual: Some(num(305.0)),
                actuals: &empty,
                period: Some((2022, 2020)),
            },
            2,
        );
        assert_eq!(a.status, Status::NotAssessed);
    }

    #[test]
    fn overflow_is_reported_not_guessed() {
        let actuals = BTreeMap::new();
        // 79.228… × 10^27 × 100 / 10^-28: more than any exact sum holds.
        let huge = Figure::Fraction {
            num: Decimal::MAX,
            den: Decimal::new(1, 28),
        };
        let a = assess(
            Some(&t(">= 60%")),
            &Observation {
                actual: Some(huge),
                actuals: &actuals,
                period: None,
            },
            2,
        );
        assert!(a.overflow);
        assert_eq!(a.status, Status::NotAssessed);
    }

    // --- Statuses, stated results, margins ------------------------------------

    #[test]
    fn status_order_gives_the_parent_status() {
        use Status::*;
        assert!(NotAchieved < NotAssessed && NotAssessed < Achieved && Achieved < Exceeded);
        let parent = |parts: &[Status]| parts.iter().copied().min();
        assert_eq!(parent(&[Exceeded, Exceeded]), Some(Exceeded));
        assert_eq!(parent(&[Exceeded, Achieved]), Some(Achieved));
        assert_eq!(
            parent(&[Exceeded, NotAssessed, Achieved]),
            Some(NotAssessed)
        );
        assert_eq!(
            parent(&[Exceeded, NotAchieved, NotAssessed]),
            Some(NotAchieved)
        );
        let keys: Vec<&str> = [NotAchieved, NotAssessed, Achieved, Exceeded]
            .into_iter()
            .map(Status::key)
            .collect();
        assert_eq!(
            keys,
            ["not-achieved", "not-assessed", "achieved", "exceeded"]
        );
        for status in [NotAchieved, NotAssessed, Achieved, Exceeded] {
            let json = serde_json::to_string(&status).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", status.key()));
        }
    }

    #[test]
    fn margin_texts() {
        assert_eq!(
            margin_text(Margin::Points(dec(3.1)), false),
            "vượt 3,1 điểm %"
        );
        assert_eq!(
            margin_text(Margin::Points(dec(-2.3)), false),
            "thấp hơn 2,3 điểm %"
        );
        assert_eq!(
            margin_text(Margin::Relative(dec(1.67)), false),
            "vượt 1,67%"
        );
        assert_eq!(
            margin_text(Margin::Relative(dec(250.0)), false),
            "vượt 250%"
        );
        assert_eq!(
            margin_text(Margin::ShareOfTarget(dec(96.17)), false),
            "đạt 96,17% so với mục tiêu"
        );
        assert_eq!(
            margin_text(Margin::Points(dec(0.0)), false),
            "bằng mục tiêu"
        );
    }

    // --- Never panics -------------------------------------------------------------

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "0",
        "1",
        "5",
        "9",
        "41",
        "71",
        "100",
        "2020",
        ".",
        ",",
        "%",
        "-",
        "–",
        "—",
        "/",
        "năm",
        "na\u{306}m",
        "year",
        " ",
        "\u{a0}",
        ">",
        "<",
        "=",
        ">=",
        "≥",
        "≤",
        "yes",
        "có",
        "không",
        "Đạt",
        "Vượt",
        "a",
        "\u{306}",
        "\u{323}",
        "\u{0}",
        "€",
        "𝟙",
        "\n",
    ];

    fn random_input(rng: &mut Rng) -> String {
        let len = rng.below(9);
        (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    }

    fn check_error(src: &str, e: &ParseError) {
        assert!(
            src.get(e.span.clone()).is_some(),
            "{src:?}: span {:?}",
            e.span
        );
        assert!(
            !e.span.is_empty() || src.trim().is_empty(),
            "{src:?}: empty span for {e}"
        );
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let no_actuals = BTreeMap::new();
        let yearly = BTreeMap::from([(2021, dec(97.2)), (2022, dec(98.0))]);
        let (mut targets, mut figures_read) = (0, 0);
        for _ in 0..30_000 {
            let src = random_input(&mut rng);
            let parsed = parse_target(&src);
            match &parsed {
                Ok(target) => {
                    targets += 1;
                    // Display reads back: written digits are kept.
                    assert_eq!(
                        parse_target(&target.to_string()).as_ref(),
                        Ok(target),
                        "{src:?}"
                    );
                }
                Err(e) => check_error(&src, e),
            }
            let figure = parse_figure(&src);
            match &figure {
                Ok(_) => figures_read += 1,
                Err(e) => check_error(&src, e),
            }
            let period = parse_period(&src);
            if let Err(e) = &period {
                check_error(&src, e);
            }
            let _ = parse_stated(&src);

            // Assess every combination, including mismatches.
            let figures = [
                figure.ok(),
                Some(Figure::Bool(rng.below(2) == 0)),
                Some(num(rng.below(20_000) as f64 / 100.0)),
                Some(Figure::Fraction {
                    num: Decimal::from(rng.below(5)),
                    den: Decimal::from(rng.below(5)),
                }),
                None,
            ];
            for actual in figures {
                for actuals in [&no_actuals, &yearly] {
                    let obs = Observation {
                        actual,
                        actuals,
                        period: period.clone().ok(),
                    };
                    let a = assess(parsed.as_ref().ok(), &obs, 2);
                    if let Some(m) = a.margin {
                        let _ = margin_text(m, false);
                    }
                    // What is shown is what was compared, to the places.
                    if let (Some(c), Some(shown)) = (a.compared, a.shown) {
                        let back = Exact::from_decimal(shown).expect("a decimal");
                        let diff = c.checked_sub(back).expect("small").abs();
                        assert!(
                            diff.cmp_exact(Exact::ratio(1, 100).expect("0,01"))
                                != Some(Ordering::Greater),
                            "{src:?}"
                        );
                    }
                }
            }
        }
        // The generator does reach valid inputs too.
        assert!(
            targets > 100 && figures_read > 100,
            "{targets} {figures_read}"
        );
    }
}
