//! `overall`: what a report states as its overall result, read by a small
//! grammar ("Hoàn thành và vượt 09/12 chỉ tiêu thành phần; không hoàn thành
//! 02/12 chỉ tiêu" → met 9 of 12, not met 2 of 12), and the rule by which
//! the indicators are counted for the computed figure shown beside it
//! (`[review] count`). Pure.
//!
//! The grammar is conservative: a phrase it does not fully understand is
//! not read at all ([`read`] gives `None`); the page then shows the
//! report's words as they are and `check` says it could not read them. It
//! never guesses a figure.
//!
//! What it reads, case and diacritics ignored ([`vi::fold`]): the phrase is
//! cut into clauses at `;` `,` `.` `:`, text in brackets left out. A clause
//! with no count is context and is skipped ("Kết quả thực hiện mục tiêu
//! Nghị quyết Đại hội:"). A clause with a count must hold exactly one, a
//! count being `X/Y` or `X` either followed by "chỉ tiêu" / "mục tiêu" or
//! following a verb ("không hoàn thành 02/12"), and a verb: "không hoàn
//! thành", "chưa hoàn thành", "không đạt", "chưa đạt" (not met), or "hoàn
//! thành (và vượt)", "đạt (và vượt)", "vượt" (met). At most one clause
//! of each kind; when both give a total, the totals agree.

use std::ops::Range;

use crate::vi;

/// How the indicators of a unit are counted, for every figure of how many
/// were met (`[review] count` in site.toml).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CountRule {
    /// Every component: each part of an indicator, or an indicator without
    /// parts (the default).
    #[default]
    Components,
    /// One per top-level indicator, its status the indicator's own (for an
    /// indicator with parts, that of its parts together).
    Indicators,
}

impl CountRule {
    pub(crate) const ALL: [CountRule; 2] = [CountRule::Components, CountRule::Indicators];

    /// The value written in site.toml.
    pub(crate) fn key(self) -> &'static str {
        match self {
            CountRule::Components => "components",
            CountRule::Indicators => "indicators",
        }
    }

    pub(crate) fn parse(written: &str) -> Option<CountRule> {
        CountRule::ALL.into_iter().find(|r| r.key() == written)
    }

    /// The i18n key of the words that say how the figure was counted.
    pub(crate) fn label_key(self) -> &'static str {
        match self {
            CountRule::Components => "count_rule_components",
            CountRule::Indicators => "count_rule_indicators",
        }
    }
}

/// A unit's `stated_overall`: the report's words, and where they are
/// written in its unit.toml.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatedOverall {
    pub text: String,
    pub span: Range<usize>,
}

/// A count as the report writes it: "09/12" is 9 of 12, written "09/12".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Count {
    pub n: u32,
    pub of: Option<u32>,
    pub written: String,
}

/// The reading of a stated overall result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Overall {
    /// Achieved or exceeded.
    pub met: Option<Count>,
    /// Not achieved.
    pub not_met: Option<Count>,
}

impl Overall {
    /// The total the report counts against, when it gives one.
    pub(crate) fn total(&self) -> Option<u32> {
        self.met
            .as_ref()
            .and_then(|c| c.of)
            .or_else(|| self.not_met.as_ref().and_then(|c| c.of))
    }

    /// Whether the figures computed from the data (met, not met, in all)
    /// say the same as the report, on every figure the report gives.
    pub(crate) fn agrees(&self, met: usize, not_met: usize, total: usize) -> bool {
        let same = |c: &Option<Count>, n: usize| c.as_ref().is_none_or(|c| c.n as usize == n);
        same(&self.met, met)
            && same(&self.not_met, not_met)
            && self.total().is_none_or(|t| t as usize == total)
    }
}

const NOT_MET: &[&[&str]] = &[
    &["khong", "hoan", "thanh"],
    &["chua", "hoan", "thanh"],
    &["khong", "dat"],
    &["chua", "dat"],
];
const MET: &[&[&str]] = &[&["hoan", "thanh"], &["dat"], &["vuot"]];
const NOUNS: &[&[&str]] = &[&["chi", "tieu"], &["muc", "tieu"]];

/// Reads a stated overall result; `None` when any part of it that gives a
/// count is not understood.
pub(crate) fn read(text: &str) -> Option<Overall> {
    let folded = vi::fold(&without_brackets(text)?);
    let mut out = Overall::default();
    for clause in folded.split([';', ',', '.', ':']) {
        let words = tokens(clause);
        let Some((negative, count)) = read_clause(&words)? else {
            continue;
        };
        let slot = if negative {
            &mut out.not_met
        } else {
            &mut out.met
        };
        if slot.replace(count).is_some() {
            return None;
        }
    }
    if out.met.is_none() && out.not_met.is_none() {
        return None;
    }
    let totals = [&out.met, &out.not_met].map(|c| c.as_ref().and_then(|c| c.of));
    if let [Some(a), Some(b)] = totals
        && a != b
    {
        return None;
    }
    if [&out.met, &out.not_met]
        .into_iter()
        .flatten()
        .any(|c| c.of.is_some_and(|of| c.n > of))
    {
        return None;
    }
    Some(out)
}

/// The text with what is in brackets left out; `None` when they do not
/// pair.
fn without_brackets(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.checked_sub(1)?,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (depth == 0).then_some(out)
}

/// Words, numbers and ratios of a folded clause.
fn tokens(clause: &str) -> Vec<&str> {
    clause
        .split(|c: char| !(c.is_alphanumeric() || c == '/'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn starts_with(words: &[&str], phrase: &[&str]) -> bool {
    words.len() >= phrase.len() && words.iter().zip(phrase).all(|(w, p)| w == p)
}

/// Where a verb of `verbs` ends when one starts at each position.
fn verb_ends(words: &[&str], verbs: &[&[&str]]) -> Vec<usize> {
    (0..words.len())
        .filter_map(|i| {
            verbs
                .iter()
                .find(|v| starts_with(&words[i..], v))
                .map(|v| i + v.len())
        })
        .collect()
}

/// "09/12" → (9, Some(12)); "02" → (2, None); a date ("28/7/2021") or
/// anything else → `None`.
fn count_token(word: &str) -> Option<(u32, Option<u32>)> {
    let digits = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match word.split_once('/') {
        None => Some((digits(word)?, None)),
        Some((n, of)) => Some((digits(n)?, Some(digits(of)?))),
    }
}

/// A clause: `Some(None)` when it gives no count (it is context),
/// `Some(Some((not met, count)))` when understood, `None` when not.
fn read_clause(words: &[&str]) -> Option<Option<(bool, Count)>> {
    let not_met = verb_ends(words, NOT_MET);
    // A "hoàn thành" inside "không hoàn thành" is not a second verb.
    let met: Vec<usize> = verb_ends(words, MET)
        .into_iter()
        .filter(|end| !not_met.contains(end))
        .collect();
    let mut counts = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some((n, of)) = count_token(word) else {
            continue;
        };
        let before_noun = NOUNS.iter().any(|noun| starts_with(&words[i + 1..], noun));
        // "hoàn thành và vượt 09/12": "vượt" is a verb too.
        let after_verb = not_met.contains(&i) || met.contains(&i);
        if before_noun || after_verb {
            counts.push(Count {
                n,
                of,
                written: (*word).to_owned(),
            });
        }
    }
    match counts.len() {
        0 => Some(None),
        1 => {
            let count = counts.pop()?;
            if !not_met.is_empty() {
                Some(Some((true, count)))
            } else if !met.is_empty() {
                Some(Some((false, count)))
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n: u32, of: Option<u32>, written: &str) -> Option<Count> {
        Some(Count {
            n,
            of,
            written: written.to_owned(),
        })
    }

    /// Every phrasing of an overall result in the four seed documents, and
    /// the variants the grammar promises: (phrase, met, not met).
    #[test]
    fn reads_every_phrasing_of_the_seeds() {
        let cases: &[(&str, Option<Count>, Option<Count>)] = &[
            // Seed 004, section III.1 (the unit's stated overall result).
            (
                "Hoàn thành và vượt 09/12 chỉ tiêu thành phần (trong đó có 01 chỉ tiêu nhiệm kỳ); \
                 không hoàn thành 02/12 chỉ tiêu thành phần (Đảng bộ Khối hoàn thành tốt nhiệm vụ \
                 trở lên; bình quân thu nhập người lao động tăng 3-5%/năm)",
                count(9, Some(12), "09/12"),
                count(2, Some(12), "02/12"),
            ),
            // Seed 004, the conclusion.
            (
                "hoàn thành và vượt 09/12 chỉ tiêu thành phần",
                count(9, Some(12), "09/12"),
                None,
            ),
            // Seed 004, the results of its resolutions.
            (
                "Kết quả thực hiện các mục tiêu: 5/6 mục tiêu đạt và vượt, 01 mục tiêu chưa đạt.",
                count(5, Some(6), "5/6"),
                count(1, None, "01"),
            ),
            (
                "Kết quả thực hiện các mục tiêu: 5/5 mục tiêu đạt và vượt",
                count(5, Some(5), "5/5"),
                None,
            ),
            (
                "Kết quả 6/6 chỉ tiêu chủ yếu trong Chương trình số 08-CTr/ĐUK ngày 28/7/2021 \
                 về thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng đều đạt",
                count(6, Some(6), "6/6"),
                None,
            ),
            (
                "Còn 02 chỉ tiêu nghị quyết Đại hội chưa đạt: Đảng bộ Khối hằng năm hoàn thành tốt \
                 nhiệm vụ trở lên, bình quân thu nhập người lao động tăng 3-5%/năm.",
                None,
                count(2, None, "02"),
            ),
            // The lead-in of section III.1 with its phrase.
            (
                "1. Kết quả thực hiện mục tiêu Nghị quyết Đại hội: Hoàn thành và vượt 09/12 chỉ \
                 tiêu thành phần",
                count(9, Some(12), "09/12"),
                None,
            ),
            // Case, diacritics and the other verbs.
            (
                "HOÀN THÀNH VÀ VƯỢT 11/14 CHỈ TIÊU",
                count(11, Some(14), "11/14"),
                None,
            ),
            (
                "hoan thanh 10/12 chi tieu; chua dat 2/12",
                count(10, Some(12), "10/12"),
                count(2, Some(12), "2/12"),
            ),
            (
                "Đạt 7/9 chỉ tiêu, không đạt 2/9 chỉ tiêu",
                count(7, Some(9), "7/9"),
                count(2, Some(9), "2/9"),
            ),
            (
                "Đạt và vượt 8/10 chỉ tiêu; không hoàn thành 2 chỉ tiêu",
                count(8, Some(10), "8/10"),
                count(2, None, "2"),
            ),
        ];
        for (phrase, met, not_met) in cases {
            let read = read(phrase);
            assert_eq!(
                read,
                Some(Overall {
                    met: met.clone(),
                    not_met: not_met.clone()
                }),
                "{phrase}"
            );
        }
    }

    /// What the grammar does not understand it does not read.
    #[test]
    fn leaves_what_it_does_not_understand() {
        for phrase in [
            "",
            "Đạt",
            "Hoàn thành tốt nhiệm vụ",
            // A count without a verb, and tasks, not indicators.
            "Kết quả 6/6 chỉ tiêu",
            "trong đó 03/107 nhiệm vụ thực hiện đạt và vượt chỉ tiêu",
            // Two met counts, totals that disagree, more met than in all.
            "Hoàn thành 9/12 chỉ tiêu; đạt 10/12 chỉ tiêu",
            "Hoàn thành 9/12 chỉ tiêu; không đạt 2/13 chỉ tiêu",
            "Hoàn thành 13/12 chỉ tiêu",
            // Brackets that do not pair.
            "Hoàn thành 9/12 chỉ tiêu (trong đó",
            // Most indicators: a word, not a figure.
            "Hoàn thành phần lớn các chỉ tiêu",
        ] {
            assert_eq!(read(phrase), None, "{phrase}");
        }
    }

    #[test]
    fn agrees_on_every_figure_the_report_gives() {
        let Some(o) = read("Hoàn thành và vượt 09/12 chỉ tiêu; không hoàn thành 02/12 chỉ tiêu")
        else {
            panic!("not read");
        };
        assert!(o.agrees(9, 2, 12));
        assert!(!o.agrees(11, 2, 14));
        assert!(!o.agrees(9, 3, 12));
        assert!(!o.agrees(9, 2, 13));
        let Some(o) = read("01 mục tiêu chưa đạt") else {
            panic!("not read");
        };
        assert!(o.agrees(5, 1, 6));
        assert!(!o.agrees(5, 0, 6));
    }

    #[test]
    fn count_rules_round_trip() {
        for rule in CountRule::ALL {
            assert_eq!(CountRule::parse(rule.key()), Some(rule));
        }
        assert_eq!(CountRule::parse("rows"), None);
        assert_eq!(CountRule::default(), CountRule::Components);
    }
}
