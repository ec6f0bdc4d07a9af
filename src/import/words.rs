//! Targets and figures as the reports write them in words, read into the
//! project's grammars (`target::parse_target`, `target::parse_figure`):
//! "Trên 95% tổ chức cơ sở đảng…" → `> 95%`, "Kết nạp 100 đảng viên trở
//! lên" → `>= 100`, "tăng 3-5%/năm" → `3-5%/năm`; "Tổ chức đảng được KTGS:
//! 41/71 = 57,7%" → `41/71`.
//!
//! Conservative, as `scan` is: a text with more than one number that could
//! be the target (or the figure) is not read at all. A text that is not
//! read stays text in the unit (description, note) and `check` says that
//! the indicator has no target or no figure; nothing is guessed.

use rust_decimal::Decimal;

use crate::target::{self, Figure, Target};
use crate::vi::fold;

/// A number as written in a text, with what follows it.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    /// The number as written ("95", "91,6", "1.500").
    text: String,
    /// A range's upper bound ("3-5%": "5").
    upper: Option<String>,
    percent: bool,
    /// The fraction's denominator ("41/71": "71").
    denominator: Option<String>,
    /// Byte range in the text.
    start: usize,
    end: usize,
}

/// The numbers of a text: "95%", "3-5%", "41/71", "1.500", "57,7".
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let start = i;
        let (number, next) = lex_number(text, i);
        i = next;
        let mut token = Token {
            text: number,
            upper: None,
            percent: false,
            denominator: None,
            start,
            end: i,
        };
        // A fraction "41/71" (spaces around `/` allowed).
        let after = skip_spaces(text, i);
        if text[after..].starts_with('/') {
            let d = skip_spaces(text, after + 1);
            if bytes.get(d).is_some_and(u8::is_ascii_digit) {
                let (den, next) = lex_number(text, d);
                token.denominator = Some(den);
                i = next;
                token.end = i;
                out.push(token);
                continue;
            }
        }
        if text[after..].starts_with('%') {
            token.percent = true;
            i = after + 1;
            token.end = i;
        }
        // A range "3-5%", "3 - 5", "3–5".
        let after = skip_spaces(text, i);
        for dash in ["-", "–", "—"] {
            if let Some(rest) = text[after..].strip_prefix(dash) {
                let d = skip_spaces(text, text.len() - rest.len());
                if bytes.get(d).is_some_and(u8::is_ascii_digit) {
                    let (hi, next) = lex_number(text, d);
                    token.upper = Some(hi);
                    i = next;
                    let after = skip_spaces(text, i);
                    if text[after..].starts_with('%') {
                        token.percent = true;
                        i = after + 1;
                    }
                    token.end = i;
                }
                break;
            }
        }
        out.push(token);
    }
    out
}

fn skip_spaces(text: &str, mut i: usize) -> usize {
    while text[i..].starts_with(' ') || text[i..].starts_with('\u{a0}') {
        i += if text[i..].starts_with(' ') { 1 } else { 2 };
    }
    i
}

/// Digits with Vietnamese separators ("1.234,5"), from `i`; a separator
/// not followed by a digit ends the number.
fn lex_number(text: &str, mut i: usize) -> (String, usize) {
    let bytes = text.as_bytes();
    let start = i;
    while i < bytes.len() {
        let separator = (bytes[i] == b'.' || bytes[i] == b',')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(bytes[i].is_ascii_digit() || separator) {
            break;
        }
        i += 1;
    }
    (text[start..i].to_string(), i)
}

/// A year (1900–2100) or a span of years ("2020-2025"), written without
/// `%`: not a target's or a figure's number.
fn is_year(token: &Token) -> bool {
    let year = |s: &str| s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y));
    !token.percent
        && token.denominator.is_none()
        && year(&token.text)
        && token.upper.as_deref().is_none_or(year)
}

/// Reads a target written in words into a target expression, checked by
/// [`target::parse_target`]; `None` when the text has no number, or more
/// than one that could be the target.
pub(crate) fn read_target(text: &str) -> Option<String> {
    let found: Vec<Token> = tokens(text)
        .into_iter()
        .filter(|t| !is_year(t))
        .filter(|t| t.denominator.is_none())
        .collect();
    let [token] = found.as_slice() else {
        return None;
    };
    let folded_before = fold(&text[..token.start]);
    let folded_after = fold(&text[token.end..]);
    let before = folded_before.trim_end();
    let after = folded_after.trim_start();
    let per_year = after.starts_with("/nam")
        || after.starts_with("/ nam")
        || after.starts_with("/year")
        || ["moi nam", "hang nam", "mot nam"]
            .iter()
            .any(|w| fold(text).contains(w));
    let op = if token.upper.is_some() {
        ""
    } else {
        target::sign_of_words(before, after).unwrap_or("")
    };
    // A bare number means "at least": written so, but for a 100% duty.
    let duty = token.percent && token.text == "100";
    let op = if op.is_empty() && token.upper.is_none() && !duty {
        ">="
    } else {
        op
    };
    let mut expr = String::new();
    if !op.is_empty() {
        expr.push_str(op);
        expr.push(' ');
    }
    expr.push_str(&token.text);
    if let Some(upper) = &token.upper {
        expr.push('-');
        expr.push_str(upper);
    }
    if token.percent {
        expr.push('%');
    }
    if per_year {
        expr.push_str("/năm");
    }
    target::parse_target(&expr).ok().map(|_| expr)
}

/// A figure read from a result's text, with a warning when the text's own
/// arithmetic is wrong ("41/71 = 57,8%").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadFigure {
    /// As [`target::parse_figure`] reads it: "41/71", "91,6", "305".
    pub written: String,
    pub figure: Figure,
    pub warning: Option<crate::diag::Msg>,
}

/// Reads the figure of a result's text: the one number of the text (after
/// its label "…:" and without remarks in brackets) that fits the target.
/// `None` for a yes/no target, or when the text has no such number or more
/// than one.
pub(crate) fn read_figure(text: &str, target: Option<&Target>) -> Option<ReadFigure> {
    if target.is_some_and(|t| t.kind == target::TargetKind::Yes) {
        return None;
    }
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let value = plain.rsplit_once(':').map_or(plain.as_str(), |(_, v)| v);
    let found: Vec<Token> = tokens(value).into_iter().filter(|t| !is_year(t)).collect();
    let (token, check) = match found.as_slice() {
        [one] => (one.clone(), None),
        // "41/71 = 57,7%": the fraction and its own percentage.
        [fraction, share]
            if fraction.denominator.is_some()
                && share.percent
                && share.upper.is_none()
                && value[fraction.end..share.start].trim() == "=" =>
        {
            (fraction.clone(), Some(share.text.clone()))
        }
        _ => return None,
    };
    if token.upper.is_some() {
        return None;
    }
    let written = match &token.denominator {
        Some(den) => format!("{}/{den}", token.text),
        None => token.text.clone(),
    };
    let figure = target::parse_figure(&written).ok()?;
    // The figure must suit the target: a share for a `%` target, a count
    // for a count.
    if let Some(target) = target {
        let share = token.percent || token.denominator.is_some();
        if target.percent != share {
            return None;
        }
    }
    let warning = check.and_then(|share| arithmetic(&figure, &share));
    Some(ReadFigure {
        written,
        figure,
        warning,
    })
}

/// The warning when a fraction's stated share is not its value at the
/// precision written: "41/71 = 57,8%".
fn arithmetic(figure: &Figure, share: &str) -> Option<crate::diag::Msg> {
    let Figure::Fraction { num, den } = *figure else {
        return None;
    };
    let Ok(Figure::Number(stated)) = target::parse_figure(share) else {
        return None;
    };
    if den.is_zero() {
        return None;
    }
    let places = stated.scale();
    let exact = num.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(den)?;
    let rounded =
        exact.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    // Cut rather than rounded ("57,7" for 57,746…) is accepted too.
    let cut = exact.trunc_with_scale(places);
    if rounded == stated || cut == stated {
        return None;
    }
    Some(
        crate::diag::Msg::new("import_share_wrong")
            .arg("num", crate::vi::format_written(num))
            .arg("den", crate::vi::format_written(den))
            .arg("share", crate::vi::format_written(rounded))
            .arg("stated", share),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_in_words_read_as_the_grammar_writes_them() {
        let cases = [
            (
                "Trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ chính trị",
                Some("> 95%"),
            ),
            ("Kết nạp 100 đảng viên trở lên.", Some(">= 100")),
            (
                "Bình quân thu nhập người lao động tăng 3-5%/năm.",
                Some("3-5%/năm"),
            ),
            ("98% trở lên cơ quan, đơn vị, doanh nghiệp", Some(">= 98%")),
            ("100% doanh nghiệp thực hiện đầy đủ nghĩa vụ", Some("100%")),
            (
                "Trong nhiệm kỳ 60% tổ chức đảng trực thuộc được kiểm tra",
                Some(">= 60%"),
            ),
            ("tỷ lệ hộ nghèo giảm xuống dưới 2%", Some("< 2%")),
            ("Kết nạp ít nhất 100 đảng viên mỗi năm", Some(">= 100/năm")),
            ("Tỷ lệ nợ xấu tối đa 3%", Some("<= 3%")),
            ("Tăng 3 – 5% trong nhiệm kỳ 2020-2025", Some("3-5%")),
            // Two numbers that could each be the target: not read.
            (
                "Đảng bộ Khối, 90% tổ chức cơ sở đảng, 95% đảng viên hoàn thành tốt",
                None,
            ),
            // No number: a yes/no duty is never guessed.
            (
                "Đảng bộ Khối hằng năm hoàn thành tốt nhiệm vụ trở lên",
                None,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(read_target(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn figures_are_read_only_when_the_text_holds_one() {
        let pct = target::parse_target(">= 90%").ok();
        let count = target::parse_target(">= 100").ok();
        let read = |text: &str, t: Option<&Target>| read_figure(text, t).map(|f| f.written);
        assert_eq!(
            read("98% tổ chức cơ sở đảng", pct.as_ref()).as_deref(),
            Some("98")
        );
        assert_eq!(read("CĐCS: 93,1%.", pct.as_ref()).as_deref(), Some("93,1"));
        assert_eq!(
            read(
                "100% (trong đó 99,2% đảng viên, 97,7% quần chúng)",
                pct.as_ref()
            )
            .as_deref(),
            Some("100")
        );
        assert_eq!(
            read(
                "Kết nạp 305 đảng viên (năm 2020, 2021, 2022)",
                count.as_ref()
            )
            .as_deref(),
            Some("305")
        );
        assert_eq!(
            read("Tổ chức đảng được KTGS: 41/71 = 57,7%", pct.as_ref()).as_deref(),
            Some("41/71")
        );
        // Several figures, or one of the wrong kind: not read.
        assert_eq!(
            read("02/12 DN từ 3 đến 5%; 10/12 DN dưới 3%.", pct.as_ref()),
            None
        );
        assert_eq!(read("Kết nạp 305 đảng viên", pct.as_ref()), None);
        assert_eq!(read("Đạt 98%", count.as_ref()), None);
        let yes = target::parse_target("yes").ok();
        assert_eq!(read("Đảng bộ Khối: 02 năm HTNV", yes.as_ref()), None);
    }

    #[test]
    fn a_fraction_whose_own_share_is_wrong_is_read_with_a_warning() {
        let right = read_figure("41/71 = 57,7%", None).and_then(|f| f.warning);
        assert_eq!(right, None);
        let wrong = read_figure("41/71 = 58,7%", None).and_then(|f| f.warning);
        assert_eq!(
            wrong.map(|w| w.en()).as_deref(),
            Some("41/71 is 57,7%, not 58,7%")
        );
        assert_eq!(
            read_figure("71/71=100%", None).and_then(|f| f.warning),
            None
        );
    }
}
