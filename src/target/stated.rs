//! The grammar of stated results: the words a report writes in its
//! comparison column ("So sánh với mục tiêu của NQ"), read once for `check`,
//! the page and the import of Word reports.
//!
//! The phrasings (see "Stated results" in `docs/content-format.md`):
//!
//! | Words                                              | Claim            | Figure                |
//! |----------------------------------------------------|------------------|-----------------------|
//! | Đạt · Hoàn thành                                   | achieved         |                       |
//! | Vượt · Vượt mức · Hoàn thành vượt mức              | exceeded         |                       |
//! | Vượt X% · Vượt X điểm % · Vượt X điểm phần trăm    | exceeded         | by X                  |
//! | Đạt và vượt · Hoàn thành và vượt                   | met (either)     |                       |
//! | Không đạt · Chưa đạt · Không/Chưa hoàn thành       | not achieved     |                       |
//! | Cơ bản đạt · Cơ bản hoàn thành                     | broadly achieved | (not achieved by the figures) |
//! | Đạt X% (so với) NQ / nghị quyết / KH / kế hoạch / mục tiêu / chỉ tiêu | by X | X% of the target |
//! | Bằng X% (so với the same words)                    | by X             | X% of the target      |
//! | Tăng X% · Giảm X% (so với …)                       | no status        | a change of X%        |
//! | Chưa đánh giá                                      | not assessed     |                       |
//!
//! Case and diacritics do not matter; a leading bullet ("-", "+", "•"), a
//! final full stop and a closing remark in brackets are ignored. Anything
//! else is [`Reading::NotUnderstood`]: kept verbatim and reported, never
//! guessed. "Đạt 98%" alone is not understood: it could be the figure or a
//! share of the target.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Exact, Status, Target};
use crate::diag::Msg;
use crate::vi::{self, fold};

/// What a report's words claim about the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Claim {
    Achieved,
    Exceeded,
    /// "Đạt và vượt": achieved or exceeded.
    Met,
    NotAchieved,
    /// "Cơ bản đạt": broadly achieved, which is not achieved by the figures.
    BroadlyAchieved,
    NotAssessed,
    /// "Tăng 5%": a change, which claims no status.
    Change,
}

/// A figure the words give.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Amount {
    /// "Vượt 1,6%" (`points`: "Vượt 1,6 điểm %").
    Over { x: Decimal, points: bool },
    /// "Đạt 96,16% so với nghị quyết": the result is x% of the target.
    OfTarget(Decimal),
    /// "Tăng 5%", "Giảm 2%" (`up` false).
    Change { x: Decimal, up: bool },
}

/// How the words were read.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub enum Reading {
    /// No stated result.
    #[default]
    Empty,
    Understood {
        claim: Claim,
        amount: Option<Amount>,
    },
    /// Words the grammar does not know: shown as written and reported.
    NotUnderstood,
}

impl Reading {
    /// The claim, when the words were understood.
    pub fn claim(self) -> Option<Claim> {
        match self {
            Reading::Understood { claim, .. } => Some(claim),
            _ => None,
        }
    }

    pub fn amount(self) -> Option<Amount> {
        match self {
            Reading::Understood { amount, .. } => amount,
            _ => None,
        }
    }

    /// The status the words state, to show for an indicator judged only in
    /// words: "Đạt và vượt" states *achieved* (at least); a change or
    /// words not understood state none.
    pub fn status(self) -> Option<Status> {
        match self.claim()? {
            Claim::Achieved | Claim::Met => Some(Status::Achieved),
            Claim::Exceeded => Some(Status::Exceeded),
            Claim::NotAchieved | Claim::BroadlyAchieved => Some(Status::NotAchieved),
            Claim::NotAssessed | Claim::Change => None,
        }
    }

    /// Whether the words contradict the computed status: a stated "Đạt" for a
    /// computed *exceeded* does (the report under-states its result); words
    /// that claim no status, or a computed *not assessed*, never do.
    pub fn disagrees(self, computed: Status) -> bool {
        if computed == Status::NotAssessed {
            return false;
        }
        let Some(claim) = self.claim() else {
            return false;
        };
        let agrees = match claim {
            Claim::Achieved => computed == Status::Achieved,
            Claim::Exceeded => computed == Status::Exceeded,
            Claim::Met => matches!(computed, Status::Achieved | Status::Exceeded),
            Claim::NotAchieved | Claim::BroadlyAchieved => computed == Status::NotAchieved,
            Claim::NotAssessed | Claim::Change => true,
        };
        !agrees
    }
}

/// A figure in a stated result that the figures do not give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StatedMismatch {
    /// As the report writes it ("96,16").
    pub stated: Decimal,
    /// As the figures give it, exactly.
    pub computed: Exact,
    /// What the figure is (of the target, beyond the target, against the
    /// baseline): the key of its words in the message catalogue.
    pub what: &'static str,
    /// The value the figure is never rounded across (0 for a margin or a
    /// change, 100 for a share of the target), as the page shows it.
    pivot: Exact,
}

impl StatedMismatch {
    /// What the figure is, in words.
    pub(crate) fn what_msg(&self) -> Msg {
        Msg::new(self.what)
    }

    /// The computed figure at the stated precision (two decimals at least),
    /// rounded as the page rounds it: "96,24".
    pub(crate) fn computed_text(&self) -> String {
        self.computed
            .round_within(self.stated.scale().max(2), &[self.pivot])
            .map(vi::format_written)
            .unwrap_or_default()
    }
}

/// The figure of a stated result ("Vượt 1,6%", "Đạt 96,16% so với nghị
/// quyết", "Tăng 5%") when the figures do not give it at the precision the
/// report writes it: 1,6 against 1,67 is a difference, 57,7 against
/// 57,746… is not. `compared` is the figure compared (see `assess`),
/// `baseline` the baseline's value, for a change.
pub(crate) fn stated_figure_mismatch(
    reading: Reading,
    target: Option<&Target>,
    compared: Option<Exact>,
    baseline: Option<Exact>,
) -> Option<StatedMismatch> {
    let amount = reading.amount()?;
    let target = target?;
    let a = compared?;
    let (stated, computed, what, pivot) = match amount {
        Amount::Over { x, .. } => (
            x,
            super::beyond(target, a)?,
            "stated_beyond_target",
            Exact::ZERO,
        ),
        Amount::OfTarget(x) => (
            x,
            super::share_of_target(target, a)?,
            "stated_of_target",
            Exact::HUNDRED,
        ),
        Amount::Change { x, up } => {
            let b = baseline?;
            let change = a
                .checked_sub(b)?
                .checked_mul(Exact::HUNDRED)?
                .checked_div(b)?;
            let x = if up { x } else { -x };
            (x, change, "stated_against_baseline", Exact::ZERO)
        }
    };
    // Rounded as the page rounds: never across 0 (or 100 for a share of the
    // target), so "Vượt 0,01 điểm %" for 0,001 points over agrees.
    let rounded = computed.round_within(stated.scale(), &[pivot])?;
    (rounded != stated).then_some(StatedMismatch {
        stated,
        computed,
        what,
        pivot,
    })
}

/// A word or a number of the stated words.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Number(Decimal),
    Percent,
}

/// Reads a stated result (see the module's table).
pub fn parse_stated(src: &str) -> Reading {
    if src.trim().is_empty() {
        return Reading::Empty;
    }
    let Some(tokens) = tokens(src) else {
        return Reading::NotUnderstood;
    };
    match read(&tokens) {
        Some((claim, amount)) => Reading::Understood { claim, amount },
        None => Reading::NotUnderstood,
    }
}

/// The tokens of the words, without a leading bullet, a closing remark in
/// brackets or final punctuation; `None` for a number that cannot be read.
fn tokens(src: &str) -> Option<Vec<Token>> {
    let mut text = src.trim();
    if let Some(open) = text.find('(')
        && text.ends_with(')')
    {
        text = text[..open].trim_end();
    }
    let text = text
        .trim_start_matches(['-', '+', '•', '–', '*'])
        .trim_end_matches(['.', ';', ',', ':'])
        .trim();
    let folded = fold(text);
    let mut out = Vec::new();
    for raw in folded.split_whitespace() {
        let (body, pct) = match raw.strip_suffix('%') {
            Some(body) => (body, true),
            None => (raw, false),
        };
        if body.starts_with(|c: char| c.is_ascii_digit()) {
            let value = super::number_value(body, 0..body.len(), "%").ok()?;
            out.push(Token::Number(value));
        } else if !body.is_empty() {
            if !body.chars().all(|c| c.is_alphanumeric()) {
                return None;
            }
            out.push(Token::Word(body.to_string()));
        }
        if pct {
            out.push(Token::Percent);
        }
    }
    Some(out)
}

/// Words that name the target of a resolution or plan.
const TARGET_WORDS: &[&[&str]] = &[
    &["nghi", "quyet"],
    &["nq"],
    &["ke", "hoach"],
    &["kh"],
    &["muc", "tieu"],
    &["chi", "tieu"],
];

/// Phrases that need no figure, longest first.
const PHRASES: &[(&[&str], Claim)] = &[
    (&["hoan", "thanh", "vuot", "muc"], Claim::Exceeded),
    (&["hoan", "thanh", "va", "vuot", "muc"], Claim::Met),
    (&["hoan", "thanh", "va", "vuot"], Claim::Met),
    (&["dat", "va", "vuot", "muc"], Claim::Met),
    (&["dat", "va", "vuot"], Claim::Met),
    (&["khong", "hoan", "thanh"], Claim::NotAchieved),
    (&["chua", "hoan", "thanh"], Claim::NotAchieved),
    (&["co", "ban", "hoan", "thanh"], Claim::BroadlyAchieved),
    (&["co", "ban", "dat"], Claim::BroadlyAchieved),
    (&["khong", "dat"], Claim::NotAchieved),
    (&["chua", "dat"], Claim::NotAchieved),
    (&["chua", "danh", "gia"], Claim::NotAssessed),
    (&["vuot", "muc"], Claim::Exceeded),
    (&["hoan", "thanh"], Claim::Achieved),
    (&["vuot"], Claim::Exceeded),
    (&["dat"], Claim::Achieved),
    (&["not", "achieved"], Claim::NotAchieved),
    (&["not", "assessed"], Claim::NotAssessed),
    (&["exceeded"], Claim::Exceeded),
    (&["achieved"], Claim::Achieved),
];

fn read(tokens: &[Token]) -> Option<(Claim, Option<Amount>)> {
    // A figure first: "Vượt 1,6%", "Đạt 96,16% so với NQ", "Tăng 5%".
    if let [Token::Word(first), Token::Number(x), rest @ ..] = tokens {
        let x = *x;
        return match first.as_str() {
            "vuot" => {
                let (points, rest) = match rest {
                    [Token::Word(d), Token::Percent, rest @ ..] if d == "diem" => (true, rest),
                    [Token::Word(d), Token::Word(p1), Token::Word(p2), rest @ ..]
                        if d == "diem" && p1 == "phan" && p2 == "tram" =>
                    {
                        (true, rest)
                    }
                    [Token::Percent, rest @ ..] => (false, rest),
                    _ => return None,
                };
                (rest.is_empty() || of_target(rest))
                    .then_some((Claim::Exceeded, Some(Amount::Over { x, points })))
            }
            "dat" | "bang" => {
                let [Token::Percent, rest @ ..] = rest else {
                    return None;
                };
                let known = of_target(rest) || (first == "bang" && rest.is_empty());
                known.then_some((claim_of_share(x), Some(Amount::OfTarget(x))))
            }
            "tang" | "giam" => {
                let [Token::Percent, rest @ ..] = rest else {
                    return None;
                };
                let compared = rest.is_empty()
                    || matches!(rest, [Token::Word(s), Token::Word(v), ..] if s == "so" && v == "voi");
                compared.then_some((
                    Claim::Change,
                    Some(Amount::Change {
                        x,
                        up: first == "tang",
                    }),
                ))
            }
            _ => None,
        };
    }
    let words: Vec<&str> = tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) => Some(w.as_str()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // A phrase alone, or naming what it measures against ("Vượt mục tiêu",
    // "Không đạt so với nghị quyết").
    PHRASES
        .iter()
        .find(|(phrase, _)| {
            words.starts_with(phrase)
                && (words.len() == phrase.len() || of_target(&tokens[phrase.len()..]))
        })
        .map(|&(_, claim)| (claim, None))
}

/// Whether the tokens are "(so với) NQ / nghị quyết / KH / kế hoạch / mục
/// tiêu / chỉ tiêu", with an optional "của" and anything after the named
/// target ("nghị quyết đại hội", "kế hoạch năm").
fn of_target(tokens: &[Token]) -> bool {
    let words: Vec<&str> = tokens
        .iter()
        .map_while(|t| match t {
            Token::Word(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    let mut rest = words.as_slice();
    if let ["so", "voi", tail @ ..] = rest {
        rest = tail;
    }
    if let ["cua" | "theo", tail @ ..] = rest {
        rest = tail;
    }
    TARGET_WORDS.iter().any(|target| rest.starts_with(target))
}

/// The claim of "x% of the target": short of it below 100.
fn claim_of_share(x: Decimal) -> Claim {
    match x.cmp(&Decimal::ONE_HUNDRED) {
        std::cmp::Ordering::Less => Claim::NotAchieved,
        std::cmp::Ordering::Equal => Claim::Achieved,
        std::cmp::Ordering::Greater => Claim::Exceeded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Every phrasing of the seeds' appendix (004), then the grammar's other
    /// phrasings, then words it must not guess.
    #[test]
    fn reads_every_phrasing() {
        use Claim::*;
        let over = |x: &str, points| Some(Amount::Over { x: d(x), points });
        type Case = (&'static str, Option<(Claim, Option<Amount>)>);
        let cases: &[Case] = &[
            // Seed 004, appendix, column "So sánh với mục tiêu của NQ".
            ("Đạt", Some((Achieved, None))),
            ("- Không đạt", Some((NotAchieved, None))),
            ("- Vượt 1,6%", Some((Exceeded, over("1.6", false)))),
            ("Vượt 1,6%", Some((Exceeded, over("1.6", false)))),
            ("- Vượt 3,1%", Some((Exceeded, over("3.1", false)))),
            (
                "- Đạt 96,16% so với nghị quyết",
                Some((NotAchieved, Some(Amount::OfTarget(d("96.16"))))),
            ),
            ("- Vượt 9,1%", Some((Exceeded, over("9.1", false)))),
            ("- Vượt 8,3%", Some((Exceeded, over("8.3", false)))),
            ("- Đạt", Some((Achieved, None))),
            // The rest of the grammar.
            ("Vượt", Some((Exceeded, None))),
            ("vuot muc", Some((Exceeded, None))),
            ("Vượt 2,5 điểm %", Some((Exceeded, over("2.5", true)))),
            (
                "Vượt 2,5 điểm phần trăm",
                Some((Exceeded, over("2.5", true))),
            ),
            (
                "Vượt 12% so với kế hoạch",
                Some((Exceeded, over("12", false))),
            ),
            ("Chưa đạt", Some((NotAchieved, None))),
            ("Không hoàn thành", Some((NotAchieved, None))),
            ("Chưa hoàn thành.", Some((NotAchieved, None))),
            ("Cơ bản đạt", Some((BroadlyAchieved, None))),
            ("Cơ bản hoàn thành", Some((BroadlyAchieved, None))),
            ("Hoàn thành", Some((Achieved, None))),
            ("Hoàn thành vượt mức", Some((Exceeded, None))),
            ("Hoàn thành và vượt", Some((Met, None))),
            ("Đạt và vượt", Some((Met, None))),
            ("ĐẠT VÀ VƯỢT MỨC", Some((Met, None))),
            (
                "Đạt 100% so với KH",
                Some((Achieved, Some(Amount::OfTarget(d("100"))))),
            ),
            (
                "Đạt 104,5% mục tiêu",
                Some((Exceeded, Some(Amount::OfTarget(d("104.5"))))),
            ),
            (
                "Đạt 90% NQ",
                Some((NotAchieved, Some(Amount::OfTarget(d("90"))))),
            ),
            (
                "Đạt 90% so với chỉ tiêu",
                Some((NotAchieved, Some(Amount::OfTarget(d("90"))))),
            ),
            (
                "Đạt 90% so với mục tiêu của nghị quyết",
                Some((NotAchieved, Some(Amount::OfTarget(d("90"))))),
            ),
            (
                "Bằng 98,5%",
                Some((NotAchieved, Some(Amount::OfTarget(d("98.5"))))),
            ),
            (
                "Bằng 100% kế hoạch",
                Some((Achieved, Some(Amount::OfTarget(d("100"))))),
            ),
            (
                "Tăng 5%",
                Some((
                    Change,
                    Some(Amount::Change {
                        x: d("5"),
                        up: true,
                    }),
                )),
            ),
            (
                "Giảm 2,3% so với năm 2020",
                Some((
                    Change,
                    Some(Amount::Change {
                        x: d("2.3"),
                        up: false,
                    }),
                )),
            ),
            ("Chưa đánh giá", Some((NotAssessed, None))),
            ("Vượt mục tiêu", Some((Exceeded, None))),
            ("Không đạt so với nghị quyết", Some((NotAchieved, None))),
            ("Đạt kế hoạch", Some((Achieved, None))),
            ("Đạt (theo báo cáo của đơn vị)", Some((Achieved, None))),
            ("Achieved", Some((Achieved, None))),
            ("not achieved", Some((NotAchieved, None))),
            // Not understood: kept verbatim, never guessed.
            ("Đạt 98%", None),
            ("Bằng 98% so với cùng kỳ", None),
            ("Vượt 1,6", None),
            ("Đạt yêu cầu", None),
            ("Tốt", None),
            ("Vượt xa", None),
            ("02/12 DN từ 3 đến 5%", None),
            ("Vượt 1.6%", None),
            ("Đạt 15.1915%", None),
        ];
        for (src, expected) in cases {
            let got = parse_stated(src);
            let want = match expected {
                Some((claim, amount)) => Reading::Understood {
                    claim: *claim,
                    amount: *amount,
                },
                None => Reading::NotUnderstood,
            };
            assert_eq!(got, want, "{src}");
        }
        assert_eq!(parse_stated("  "), Reading::Empty);
    }

    #[test]
    fn statuses_and_disagreements() {
        let r = parse_stated;
        assert_eq!(
            r("Đạt 96,16% so với nghị quyết").status(),
            Some(Status::NotAchieved)
        );
        assert!(!r("Đạt 96,16% so với nghị quyết").disagrees(Status::NotAchieved));
        assert!(r("Đạt 96,16% so với nghị quyết").disagrees(Status::Achieved));
        assert!(r("Đạt").disagrees(Status::Exceeded));
        assert!(r("Đạt").disagrees(Status::NotAchieved));
        assert!(!r("Đạt và vượt").disagrees(Status::Exceeded));
        assert!(!r("Đạt và vượt").disagrees(Status::Achieved));
        assert!(r("Cơ bản đạt").disagrees(Status::Achieved));
        assert_eq!(r("Cơ bản đạt").status(), Some(Status::NotAchieved));
        assert!(!r("Tăng 5%").disagrees(Status::NotAchieved));
        assert_eq!(r("Tăng 5%").status(), None);
        assert!(!r("Tốt").disagrees(Status::NotAchieved));
        assert!(!r("Không đạt").disagrees(Status::NotAssessed));
    }
}
