//! Vietnamese text conventions in one place: number, percentage and date
//! formatting, collation (sorting names in Vietnamese order), ASCII slugs and
//! diacritic folding for search.
//!
//! Everything the site shows or sorts the Vietnamese way goes through this
//! module, so the conventions live in one file:
//!
//! - numbers use a decimal comma and dot thousands (`99,2%`, `3.445.485`),
//!   rounded half away from zero on the number's shortest decimal form
//!   (what `{}` prints), so `2.675` shows as `2,68` although the nearest
//!   `f64` lies just below it;
//! - dates are `30/6/2023` or, in running text, `ngày 27 tháng 02 năm 2023`;
//! - names sort by CLDR's Vietnamese collation, digits by numeric value;
//! - slugs are ASCII (`Đảng bộ Khối` → `dang-bo-khoi`) and search matches
//!   without diacritics (`dang bo` finds `Đảng bộ`).
//!
//! The module does no IO and holds no global state.

use std::cmp::Ordering;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use jiff::civil::Date;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// A number with up to 2 decimals, trailing zeros trimmed, decimal comma and
/// dot thousands: 99.2 → "99,2"; 65914.0 → "65.914"; 3445485.0 → "3.445.485";
/// 57.746 → "57,75"; -1.5 → "-1,5"; 0.004 → "0" (never "-0"); 1234.5 → "1.234,5".
///
/// Rounding is half away from zero on the shortest decimal form of `x`, see
/// [`format_fixed`]. Non-finite values print as "NaN", "∞" and "-∞".
pub(crate) fn format_decimal(x: f64) -> String {
    match Rounded::new(x, 2) {
        Some(mut r) => {
            let kept = r.frac.trim_end_matches('0').len();
            r.frac.truncate(kept);
            r.to_string()
        }
        None => non_finite(x),
    }
}

/// A number with exactly `decimals` decimals: `format_fixed(96.1666, 2)` →
/// "96,17"; `format_fixed(3.0, 1)` → "3,0"; `format_fixed(57.7, 0)` → "58".
///
/// Rounding is half away from zero on the shortest decimal form of `x` (the
/// digits `format!("{x}")` prints), not on its exact binary value: 2.675 →
/// "2,68" and 0.005 → "0,01", as a reader rounding the printed figure by hand
/// would get. A result that rounds to zero has no minus sign. Non-finite values
/// print as "NaN", "∞" and "-∞".
pub(crate) fn format_fixed(x: f64, decimals: usize) -> String {
    match Rounded::new(x, decimals) {
        Some(r) => r.to_string(),
        None => non_finite(x),
    }
}

/// A decimal with its written digits, decimal comma and dot thousands:
/// 57.70 → "57,70"; 0.001 → "0,001"; 3322 → "3.322"; -1.5 → "-1,5"; a zero
/// has no sign. Nothing is rounded: round first (see `target::Exact::round`).
pub(crate) fn format_written(x: Decimal) -> String {
    let plain = x.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::with_capacity(plain.len() + 8);
    if x.is_sign_negative() && !x.is_zero() {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// An integer with dot thousands: 3322 → "3.322", -1200 → "-1.200", 71 → "71".
pub(crate) fn format_int(n: i64) -> String {
    let digits = group_thousands(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{digits}") } else { digits }
}

/// [`format_decimal`] followed by "%" (no space, as the reports write it):
/// 99.2 → "99,2%".
pub(crate) fn format_percent(x: f64) -> String {
    format!("{}%", format_decimal(x))
}

/// A finite number rounded to a fixed count of decimals, as decimal digits.
struct Rounded {
    negative: bool,
    /// Integer digits, no leading zeros except a lone "0".
    int: String,
    /// Exactly the requested count of fraction digits (before any trimming).
    frac: String,
}

impl Rounded {
    /// `None` for NaN and infinities.
    fn new(x: f64, decimals: usize) -> Option<Rounded> {
        if !x.is_finite() {
            return None;
        }
        // `Display` for f64 prints the shortest digits that read back as `x`
        // and never uses exponent notation.
        let shortest = format!("{}", x.abs());
        let (int, frac) = shortest.split_once('.').unwrap_or((&shortest, ""));
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(decimals)).collect();
        digits.resize(int.len() + decimals, b'0');
        if frac.as_bytes().get(decimals).is_some_and(|&d| d >= b'5') {
            round_up(&mut digits);
        }
        let int_len = digits.len() - decimals;
        let (int, frac) = digits.split_at(int_len);
        let int = String::from_utf8_lossy(int)
            .trim_start_matches('0')
            .to_owned();
        let nonzero = digits.iter().any(|&d| d != b'0');
        Some(Rounded {
            negative: x.is_sign_negative() && nonzero,
            int: if int.is_empty() { "0".to_owned() } else { int },
            frac: String::from_utf8_lossy(frac).into_owned(),
        })
    }
}

impl std::fmt::Display for Rounded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str(&group_thousands(&self.int))?;
        if !self.frac.is_empty() {
            write!(f, ",{}", self.frac)?;
        }
        Ok(())
    }
}

/// Adds one unit in the last place to a string of ASCII digits, carrying into
/// a new leading digit when all are nines.
fn round_up(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

/// A string of digits with dot thousands: "3445485" → "3.445.485",
/// "151915" → "151.915", "71" → "71".
pub(crate) fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn non_finite(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x > 0.0 {
        "∞".to_owned()
    } else {
        "-∞".to_owned()
    }
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// A short date, day first, no zero padding: 2023-06-30 → "30/6/2023",
/// 2020-04-01 → "1/4/2020".
pub(crate) fn format_date(d: Date) -> String {
    format!("{}/{}/{}", d.day(), d.month(), d.year())
}

// ---------------------------------------------------------------------------
// Slugs and search folding
// ---------------------------------------------------------------------------

/// An ASCII URL slug: "Đảng bộ Khối" → "dang-bo-khoi"; "Huyện ủy Tam Đường" →
/// "huyen-uy-tam-duong"; "I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT" →
/// "i-boi-canh-thuc-hien-nghi-quyet"; "2.1.1. Công tác" → "2-1-1-cong-tac".
///
/// Only `[a-z0-9-]`, no leading, trailing or doubled hyphens; empty for text
/// with no letters or digits. NFC and NFD input give the same slug. Letters of
/// other scripts are transliterated (by `deunicode`), so they still give ASCII.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().filter(|&c| !is_invisible(c)) {
        let ascii = if c.is_ascii() {
            None
        } else {
            deunicode::deunicode_char(c)
        };
        let mut buf = [0; 4];
        let piece = ascii.unwrap_or_else(|| c.encode_utf8(&mut buf));
        for a in piece.chars() {
            if a.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(a.to_ascii_lowercase());
            } else {
                pending_hyphen = true;
            }
        }
    }
    out
}

/// Folds text for diacritic-insensitive search: lowercase, diacritics removed,
/// đ/Đ → d, whitespace collapsed to single spaces, trimmed.
/// "Đảng bộ Khối" → "dang bo khoi"; "Hòa Bình" and "Hoà Bình" (NFC or NFD, old
/// or new tone placement) → "hoa binh".
///
/// Only letters of the Latin script lose their marks (ơ → o, ß → ss, the
/// look-alike Ð/ð → d); punctuation, digits and other scripts are kept
/// (lowercased), and invisible format characters (soft hyphen, zero-width
/// space and joiners, BOM) are dropped. To match, fold both the query and the
/// text. For Vietnamese text a browser gets the same result with
/// `s.normalize("NFD").replace(/[\u0300-\u036f]/g, "")`, then đ/Đ → d,
/// lowercasing and collapsing whitespace.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        // ASCII (most of any text, even Vietnamese) needs no table lookup.
        if c.is_ascii() {
            // The ASCII characters of `char::is_whitespace`.
            if matches!(c, '\t'..='\r' | ' ') {
                pending_space = true;
                continue;
            }
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
            continue;
        }
        // A Latin letter folds to the lowercase of its base letters
        // whatever its case, without the lowercase table lookup (the test
        // `latin_letters_fold_as_their_lowercase_does` checks every one).
        if let Some(base) = latin_base(c).filter(|_| case_free_fold(c)) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(base.chars().map(|b| b.to_ascii_lowercase()));
            continue;
        }
        for c in c.to_lowercase() {
            fold_char(c, &mut out, &mut pending_space);
        }
    }
    out
}

/// Folds one lowercased non-ASCII character into `out` (see [`fold`]).
fn fold_char(c: char, out: &mut String, pending_space: &mut bool) {
    if c.is_whitespace() {
        *pending_space = true;
        return;
    }
    if is_invisible(c) || is_combining_mark(c) {
        return;
    }
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    match latin_base(c) {
        Some(base) => out.extend(base.chars().map(|b| b.to_ascii_lowercase())),
        None => out.push(c),
    }
}

/// The ASCII letters of a non-ASCII Latin letter ("ờ" → "o", "đ" → "d",
/// "æ" → "ae"), or `None` for anything else.
fn latin_base(c: char) -> Option<&'static str> {
    let latin = matches!(c,
        '\u{00C0}'..='\u{024F}'   // Latin-1 Supplement letters, Latin Extended-A and -B
        | '\u{1E00}'..='\u{1EFF}' // Latin Extended Additional (most Vietnamese letters)
        | '\u{2C60}'..='\u{2C7F}' // Latin Extended-C
        | '\u{A720}'..='\u{A7FF}' // Latin Extended-D
        | '\u{AB30}'..='\u{AB6F}' // Latin Extended-E
    );
    if !latin || !is_latin_letter(c) {
        return None;
    }
    deunicode::deunicode_char(c)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Whether `c`, when a letter, folds the same as its lowercase: the Latin
/// blocks of Vietnamese (Latin-1 Supplement, Extended-A, ơ and ư,
/// Extended Additional); not, for example, Ɓ whose lowercase ɓ is kept.
fn case_free_fold(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{017F}' | '\u{01A0}' | '\u{01A1}' | '\u{01AF}' | '\u{01B0}' | '\u{1E00}'..='\u{1EFF}')
}

/// `c.is_alphabetic()` for `c` in the Latin blocks of [`latin_base`],
/// without a table lookup for the blocks that hold only letters (Latin-1
/// Supplement but for × and ÷, Extended-A and -B, Extended Additional:
/// every Vietnamese letter).
fn is_latin_letter(c: char) -> bool {
    match c {
        '\u{00D7}' | '\u{00F7}' => false,
        '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => true,
        _ => c.is_alphabetic(),
    }
}

/// Whether `c` is a combining mark that decomposed (NFD) text can hold
/// over a letter: the blocks of combining diacritical marks (U+0300–036F,
/// where every tone and vowel mark of Vietnamese is; Extended U+1AB0–1AFF;
/// Supplement U+1DC0–1DFF; for Symbols U+20D0–20FF; Half Marks
/// U+FE20–FE2F). The one definition of the crate: folding drops them, and
/// the chart's text widths and the target parser count them with their
/// letter.
pub(crate) fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Format characters that word processors leave inside words and that show
/// nothing: soft hyphen, zero-width space, non-joiner, joiner, word joiner, BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

// ---------------------------------------------------------------------------
// Collation
// ---------------------------------------------------------------------------

/// Sorts strings in Vietnamese order: a ă â b c d đ e ê g h i k l m n o ô ơ p
/// q r s t u ư v x y, tones in the order ngang, huyền, hỏi, ngã, sắc, nặng
/// (ma < mà < mả < mã < má < mạ), as CLDR's Vietnamese collation has them.
///
/// - Case is ignored first: strings that differ only in case (or only in
///   NFC/NFD form) are ordered by their raw UTF-8 bytes, so "An" < "an" and
///   the order is total and deterministic.
/// - Runs of digits compare by numeric value (CLDR's `kn` option), so
///   "Chi bộ 2" < "Chi bộ 10".
/// - Spaces and punctuation are not ignored, as in CLDR: a space sorts
///   before any letter, so "Ba Vì" < "Bac" and "Bà Rịa" < "Ba Vì".
///
/// Build one and reuse it; it is `Send` and `Sync`, so it can be shared
/// across threads.
#[derive(Debug)]
pub(crate) struct Collator {
    /// `None` only if the compiled data failed to load, which does not happen
    /// with the data built into `icu_collator`; then [`fold`] order is used.
    icu: Option<CollatorBorrowed<'static>>,
}

impl Collator {
    /// The Vietnamese collator, from data compiled into the binary.
    pub(crate) fn new() -> Collator {
        let mut prefs = CollatorPreferences::from(&icu_locale_core::locale!("vi"));
        prefs.numeric_ordering = Some(CollationNumericOrdering::True);
        let mut options = CollatorOptions::default();
        options.strength = Some(Strength::Secondary);
        Collator {
            icu: CollatorBorrowed::try_new(prefs, options).ok(),
        }
    }

    /// Compares two strings in Vietnamese order, then by raw bytes.
    pub(crate) fn compare(&self, a: &str, b: &str) -> Ordering {
        let first = match &self.icu {
            Some(icu) => icu.compare(a, b),
            None => fold(a).cmp(&fold(b)),
        };
        first.then_with(|| a.cmp(b))
    }
}

impl Default for Collator {
    fn default() -> Collator {
        Collator::new()
    }
}

/// The byte ranges of `text` that should not break across lines: a figure
/// with its range, percent and per-unit ("3-5%/năm", "3–5%", "101,67/năm")
/// and a number with the word after it ("3.322 đảng viên" keeps "3.322
/// đảng" together). Only ranges holding a break opportunity (a space, a
/// dash or a slash) are returned, in order, without overlap.
pub(crate) fn figure_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    // Byte offsets throughout: the digits and the marks that join a figure
    // are ASCII but for "–", so characters are decoded only around digits.
    let at = |b: usize| text.get(b..).and_then(|s| s.chars().next());
    let after = |b: usize| b + at(b).map_or(1, char::len_utf8);
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || is_combining_mark(c));
    // A number from `b`: digits, with "." and "," between digits.
    let number = |mut b: usize| -> usize {
        while let Some(c) = at(b) {
            let inner = (c == '.' || c == ',') && at(b + 1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_digit() || (inner && b > 0) {
                b += 1;
            } else {
                break;
            }
        }
        b
    };
    // The word after a figure, or after its "/".
    let word = |mut b: usize| -> usize {
        while is_word(at(b)) {
            b = after(b);
        }
        b
    };
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let mut b = 0;
    while b < bytes.len() {
        if !bytes[b].is_ascii_digit() || is_word(text[..b].chars().next_back()) {
            b += 1;
            continue;
        }
        let begin = b;
        let mut end = number(b);
        // A range: "3-5", "3 – 5".
        let mut j = end;
        if at(j) == Some(' ') {
            j += 1;
        }
        if matches!(at(j), Some('-' | '–')) {
            let mut k = after(j);
            if at(k) == Some(' ') {
                k += 1;
            }
            if at(k).is_some_and(|c| c.is_ascii_digit()) {
                end = number(k);
            }
        }
        if at(end) == Some('%') {
            end += 1;
        }
        // A per-unit: "/năm".
        if at(end) == Some('/') && at(end + 1).is_some_and(char::is_alphabetic) {
            end = word(end + 1);
        }
        // The word after the figure.
        if at(end) == Some(' ') && at(end + 1).is_some_and(char::is_alphabetic) {
            end = word(end + 1);
        }
        if text[begin..end].contains([' ', '-', '–', '/']) {
            spans.push(begin..end);
        }
        b = end.max(b + 1);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // --- numbers -----------------------------------------------------------

    #[test]
    fn figures_from_the_reports() {
        assert_eq!(format_percent(99.2), "99,2%");
        assert_eq!(format_decimal(65914.0), "65.914");
        assert_eq!(format_decimal(3445485.0), "3.445.485");
        assert_eq!(format_int(3322), "3.322");
        assert_eq!(format_int(71), "71");
        assert_eq!(format_percent(6.42), "6,42%");
        assert_eq!(format_percent(101.1), "101,1%");
        assert_eq!(format_decimal(1234.5), "1.234,5");
    }

    #[test]
    fn share_of_organisations_inspected_41_of_71() {
        let share = 41.0 / 71.0 * 100.0;
        assert_eq!(format_decimal(share), "57,75");
        assert_eq!(format_fixed(share, 1), "57,7");
        assert_eq!(format_fixed(96.1666, 2), "96,17");
    }

    #[test]
    fn decimal_trims_trailing_zeros() {
        assert_eq!(format_decimal(57.746), "57,75");
        assert_eq!(format_decimal(98.0), "98");
        assert_eq!(format_decimal(0.1 + 0.2), "0,3");
        assert_eq!(format_decimal(1.999), "2");
        assert_eq!(format_decimal(99.999), "100");
        assert_eq!(format_decimal(999.996), "1.000");
    }

    #[test]
    fn fixed_pads_and_rounds() {
        assert_eq!(format_fixed(3.0, 1), "3,0");
        assert_eq!(format_fixed(0.0, 2), "0,00");
        assert_eq!(format_fixed(57.7, 0), "58");
        assert_eq!(format_fixed(1234567.891, 2), "1.234.567,89");
        assert_eq!(format_fixed(0.1, 5), "0,10000");
        assert_eq!(format_fixed(9.96, 1), "10,0");
    }

    #[test]
    fn negative_and_zero() {
        assert_eq!(format_decimal(-1.5), "-1,5");
        assert_eq!(format_decimal(-1234.5), "-1.234,5");
        assert_eq!(format_decimal(0.0), "0");
        assert_eq!(format_decimal(-0.0), "0");
        assert_eq!(format_decimal(0.004), "0");
        assert_eq!(format_decimal(-0.004), "0");
        assert_eq!(format_fixed(-0.004, 2), "0,00");
        assert_eq!(format_fixed(-0.4, 0), "0");
        assert_eq!(format_percent(-2.0), "-2%");
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(-1200), "-1.200");
        assert_eq!(format_int(-999), "-999");
    }

    #[test]
    fn large_numbers() {
        assert_eq!(format_int(1_000), "1.000");
        assert_eq!(format_int(999_999), "999.999");
        assert_eq!(format_int(1_000_000), "1.000.000");
        assert_eq!(format_int(i64::MAX), "9.223.372.036.854.775.807");
        assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(format_decimal(1e15), "1.000.000.000.000.000");
        assert_eq!(format_decimal(1e20), "100.000.000.000.000.000.000");
        assert_eq!(format_decimal(123456789.125), "123.456.789,13");
    }

    /// Half away from zero on the printed digits, not on the binary value:
    /// `format!("{:.2}", 2.675)` gives "2.67" because the nearest f64 is
    /// 2.67499999…, but a reader rounding "2.675" by hand writes 2,68.
    #[test]
    fn rounding_is_half_away_from_zero_on_the_printed_digits() {
        assert_eq!(format_decimal(0.005), "0,01");
        assert_eq!(format_decimal(-0.005), "-0,01");
        assert_eq!(format_decimal(2.675), "2,68");
        assert_eq!(format_decimal(1.005), "1,01");
        assert_eq!(format_decimal(0.125), "0,13");
        assert_eq!(format_fixed(2.5, 0), "3");
        assert_eq!(format_fixed(-2.5, 0), "-3");
        assert_eq!(format_decimal(0.0049999), "0");
    }

    #[test]
    fn tiny_numbers_are_not_in_exponent_notation() {
        assert_eq!(format_decimal(1e-10), "0");
        assert_eq!(format_fixed(1.5e-7, 8), "0,00000015");
    }

    #[test]
    fn non_finite_numbers_are_visible_not_plausible() {
        assert_eq!(format_decimal(f64::NAN), "NaN");
        assert_eq!(format_fixed(f64::INFINITY, 2), "∞");
        assert_eq!(format_percent(f64::NEG_INFINITY), "-∞%");
    }

    // --- dates -------------------------------------------------------------

    #[test]
    fn short_dates_are_not_padded() {
        assert_eq!(format_date(date(2023, 6, 30)), "30/6/2023");
        assert_eq!(format_date(date(2020, 4, 1)), "1/4/2020");
        assert_eq!(format_date(date(2025, 12, 31)), "31/12/2025");
    }

    // --- slugs -------------------------------------------------------------

    #[test]
    fn slugs_of_real_unit_names() {
        assert_eq!(slugify("Đảng bộ Khối"), "dang-bo-khoi");
        assert_eq!(
            slugify("Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"),
            "dang-bo-khoi-cac-co-quan-va-doanh-nghiep-tinh"
        );
        assert_eq!(slugify("Thành ủy Lai Châu"), "thanh-uy-lai-chau");
        assert_eq!(slugify("Huyện ủy Mường Tè"), "huyen-uy-muong-te");
        assert_eq!(slugify("Huyện ủy Tam Đường"), "huyen-uy-tam-duong");
        assert_eq!(slugify("Đảng bộ xã Bản Giang"), "dang-bo-xa-ban-giang");
    }

    #[test]
    fn slugs_of_headings() {
        assert_eq!(
            slugify("I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT"),
            "i-boi-canh-thuc-hien-nghi-quyet"
        );
        assert_eq!(slugify("2.1.1. Công tác"), "2-1-1-cong-tac");
        assert_eq!(slugify("  -- Ưu điểm --  "), "uu-diem");
        assert_eq!(slugify("Số 152-KH/TU"), "so-152-kh-tu");
    }

    #[test]
    fn slug_of_nfd_input_equals_slug_of_nfc() {
        // "Huyện ủy Mường Tè" decomposed: e + circumflex + dot below, etc.
        let nfd = "Huye\u{0302}\u{0323}n u\u{0309}y Mu\u{031B}o\u{031B}\u{0300}ng Te\u{0300}";
        assert_eq!(slugify(nfd), "huyen-uy-muong-te");
    }

    #[test]
    fn slug_ignores_invisible_characters_inside_words() {
        assert_eq!(slugify("Đảng\u{00AD}bộ\u{200B}"), "dangbo");
    }

    #[test]
    fn slug_may_be_empty() {
        assert_eq!(slugify(""), "");
        assert_eq!(slugify(" – … / "), "");
    }

    #[test]
    fn slugs_are_url_safe() {
        for text in [
            "Đảng bộ Khối",
            "Ðảng bộ (Icelandic Ð)",
            "99,2% «»",
            "Chi bộ 1 & 2",
        ] {
            let slug = slugify(text);
            assert!(
                slug.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug}"
            );
            assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }

    // --- folding -----------------------------------------------------------

    #[test]
    fn combining_marks_are_the_four_blocks_and_nothing_else() {
        // The tones and vowel marks of decomposed Vietnamese.
        for c in [
            '\u{0300}', '\u{0301}', '\u{0302}', '\u{0303}', '\u{0306}', '\u{0309}', '\u{031B}',
            '\u{0323}',
        ] {
            assert!(is_combining_mark(c), "{c:?}");
        }
        for c in [
            '\u{036F}', '\u{1AB0}', '\u{1DC0}', '\u{1DFF}', '\u{20D0}', '\u{20FF}', '\u{FE20}',
            '\u{FE2F}',
        ] {
            assert!(is_combining_mark(c), "{c:?}");
        }
        for c in [
            'a', 'đ', 'ơ', '\u{02FF}', '\u{0370}', '\u{1DBF}', '\u{2100}', '\u{FE30}', '\u{00AD}',
        ] {
            assert!(!is_combining_mark(c), "{c:?}");
        }
    }

    #[test]
    fn fold_removes_diacritics_and_case() {
        assert_eq!(fold("Đảng bộ Khối"), "dang bo khoi");
        assert_eq!(fold("ĐẢNG BỘ"), "dang bo");
        assert_eq!(fold("Thành ủy Lai Châu"), "thanh uy lai chau");
        assert_eq!(fold("Ưu điểm, hạn chế"), "uu diem, han che");
        assert_eq!(fold("99,2%"), "99,2%");
    }

    #[test]
    fn fold_matches_nfc_nfd_and_both_tone_placements() {
        let nfc_new = "Hòa Bình"; // tone on o
        let nfc_old = "Hoà Bình"; // tone on a
        let nfd_new = "Ho\u{0300}a Bi\u{0300}nh";
        let nfd_old = "Hoa\u{0300} Bi\u{0300}nh";
        for text in [nfc_new, nfc_old, nfd_new, nfd_old] {
            assert_eq!(fold(text), "hoa binh", "{text:?}");
        }
        assert_eq!(fold("Đa\u{0309}ng bo\u{0302}\u{0323}"), "dang bo");
    }

    #[test]
    fn fold_treats_ascii_control_characters_as_unicode_does() {
        // U+000B is white space to Unicode, U+001C is not.
        assert_eq!(fold("A\u{0B}B\u{1C}C"), "a b\u{1c}c");
        // A non-ASCII letter whose lowercase is ASCII (the Kelvin sign).
        assert_eq!(fold("\u{212A}m"), "km");
    }

    #[test]
    fn latin_letter_blocks_are_all_alphabetic() {
        for c in ('\u{00C0}'..='\u{024F}').chain('\u{1E00}'..='\u{1EFF}') {
            assert_eq!(is_latin_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn latin_letters_fold_as_their_lowercase_does() {
        let ranges = [
            '\u{00C0}'..='\u{024F}',
            '\u{1E00}'..='\u{1EFF}',
            '\u{2C60}'..='\u{2C7F}',
            '\u{A720}'..='\u{A7FF}',
            '\u{AB30}'..='\u{AB6F}',
        ];
        for c in ranges.into_iter().flatten() {
            let Some(base) = latin_base(c).filter(|_| case_free_fold(c)) else {
                continue;
            };
            let mut slow = String::new();
            let mut pending = false;
            for l in c.to_lowercase() {
                fold_char(l, &mut slow, &mut pending);
            }
            assert_eq!(slow, base.to_ascii_lowercase(), "{c:?}");
            assert!(!pending, "{c:?}");
        }
    }

    #[test]
    fn fold_collapses_whitespace() {
        assert_eq!(fold("  Đảng \t bộ\n\nKhối\u{00A0} "), "dang bo khoi");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" \n "), "");
    }

    #[test]
    fn fold_maps_the_icelandic_look_alike_of_d_stroke() {
        // U+00D0/U+00F0 are sometimes typed for U+0110/U+0111.
        assert_eq!(fold("Ðảng ðoàn"), "dang doan");
    }

    #[test]
    fn fold_keeps_other_scripts_and_drops_invisibles() {
        assert_eq!(fold("Đảng\u{200B}bộ"), "dangbo");
        assert_eq!(fold("ΑΒΓ"), "αβγ");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn folded_query_finds_text() {
        let text = fold("Báo cáo sơ kết giữa nhiệm kỳ Đảng bộ Khối");
        assert!(text.contains(&fold("dang bo")));
        assert!(text.contains(&fold("SO KET")));
        assert!(text.contains(&fold("giữa nhiệm")));
    }

    // --- collation ---------------------------------------------------------

    fn sorted(words: &[&'static str]) -> Vec<&'static str> {
        let collator = Collator::new();
        let mut v = words.to_vec();
        v.sort_by(|a, b| collator.compare(a, b));
        v
    }

    #[test]
    fn collation_follows_the_vietnamese_alphabet() {
        let words = [
            "Đảng bộ",
            "Dân vận",
            "Ăn",
            "An",
            "Âm",
            "Bình",
            "Ba",
            "Ơn",
            "Ôm",
            "Om",
            "Ưu",
            "Uy",
        ];
        let expected = [
            "An",
            "Ăn",
            "Âm",
            "Ba",
            "Bình",
            "Dân vận",
            "Đảng bộ",
            "Om",
            "Ôm",
            "Ơn",
            "Uy",
            "Ưu",
        ];
        assert_eq!(sorted(&words), expected);
        // Byte order gets it wrong, which is why the collator exists.
        let mut bytes = words.to_vec();
        bytes.sort();
        assert_ne!(bytes, expected);
    }

    #[test]
    fn letters_with_marks_are_separate_letters() {
        // ă, â, đ, ê, ô, ơ, ư are letters of their own (primary difference):
        // "ăz" sorts after "ay", unlike French-style accents.
        assert_eq!(sorted(&["ăa", "ay"]), ["ay", "ăa"]);
        assert_eq!(sorted(&["âa", "ăz"]), ["ăz", "âa"]);
        assert_eq!(sorted(&["đa", "dz"]), ["dz", "đa"]);
        assert_eq!(sorted(&["êa", "ez"]), ["ez", "êa"]);
        assert_eq!(sorted(&["ơa", "ôz", "oz"]), ["oz", "ôz", "ơa"]);
        assert_eq!(sorted(&["ưa", "uz"]), ["uz", "ưa"]);
    }

    #[test]
    fn tones_sort_ngang_huyen_hoi_nga_sac_nang() {
        let expected = ["ma", "mà", "mả", "mã", "má", "mạ"];
        assert_eq!(sorted(&["mạ", "má", "mã", "mả", "mà", "ma"]), expected);
        assert_eq!(sorted(&["má", "mã", "ma", "mạ", "mả", "mà"]), expected);
    }

    #[test]
    fn tone_is_weaker_than_letters() {
        // A tone difference loses to any letter difference later on.
        assert_eq!(sorted(&["mạc", "mab"]), ["mab", "mạc"]);
    }

    #[test]
    fn collation_ignores_case_first_then_breaks_ties_by_bytes() {
        let c = Collator::new();
        assert_eq!(c.compare("an", "Ba"), Ordering::Less);
        assert_eq!(c.compare("An", "an"), Ordering::Less);
        assert_eq!(c.compare("an", "An"), Ordering::Greater);
        assert_eq!(c.compare("Đảng", "đảng"), Ordering::Less);
        assert_eq!(c.compare("Đảng bộ", "Đảng bộ"), Ordering::Equal);
        // NFC and NFD are equal to the collator, then ordered by bytes.
        let nfd = "Ho\u{0300}a";
        assert_eq!(c.compare("Hòa", nfd), "Hòa".cmp(nfd));
        assert_ne!(c.compare("Hòa", nfd), Ordering::Equal);
    }

    #[test]
    fn spaces_count_and_sort_before_letters() {
        assert_eq!(sorted(&["Bac", "Ba Vì"]), ["Ba Vì", "Bac"]);
        assert_eq!(sorted(&["Ba Vì", "Bà Rịa"]), ["Bà Rịa", "Ba Vì"]);
    }

    #[test]
    fn numbers_in_names_sort_by_value() {
        assert_eq!(
            sorted(&["Chi bộ 10", "Chi bộ 2", "Chi bộ 1"]),
            ["Chi bộ 1", "Chi bộ 2", "Chi bộ 10"]
        );
    }

    #[test]
    fn real_unit_names_sort() {
        let names = [
            "Huyện ủy Tam Đường",
            "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh",
            "Thành ủy Lai Châu",
            "Huyện ủy Mường Tè",
            "Đảng bộ xã Bản Giang",
            "Chi bộ Ủy ban",
        ];
        assert_eq!(
            sorted(&names),
            [
                "Chi bộ Ủy ban",
                "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh",
                "Đảng bộ xã Bản Giang",
                "Huyện ủy Mường Tè",
                "Huyện ủy Tam Đường",
                "Thành ủy Lai Châu",
            ]
        );
    }

    #[test]
    fn collation_is_a_total_order() {
        let words = [
            "an",
            "An",
            "AN",
            "ăn",
            "Ăn",
            "Hòa",
            "Hoà",
            "Ho\u{0300}a",
            "hòa",
            "",
            " ",
            "a b",
            "ab",
            "1",
            "01",
            "10",
        ];
        let c = Collator::default();
        for a in words {
            for b in words {
                assert_eq!(c.compare(a, b), c.compare(b, a).reverse(), "{a:?} {b:?}");
                assert_eq!(c.compare(a, b) == Ordering::Equal, a == b, "{a:?} {b:?}");
                for m in words {
                    if c.compare(a, b).is_le() && c.compare(b, m).is_le() {
                        assert!(c.compare(a, m).is_le(), "{a:?} {b:?} {m:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn collator_uses_the_vietnamese_tailoring() {
        // The fold fallback would tie these and order them by bytes.
        let c = Collator::new();
        assert!(c.icu.is_some());
        assert_eq!(c.compare("ă", "â"), Ordering::Less);
    }

    #[test]
    fn collator_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Collator>();
    }

    #[test]
    fn figures_with_ranges_units_and_their_word_are_kept_together() {
        let spans = |t: &str| -> Vec<String> {
            super::figure_spans(t)
                .into_iter()
                .map(|r| t[r].to_owned())
                .collect()
        };
        assert_eq!(spans("tăng 3-5%/năm trở lên"), ["3-5%/năm trở"]);
        assert_eq!(spans("tăng 3–5%/năm."), ["3–5%/năm"]);
        assert_eq!(spans("có 3.322 đảng viên"), ["3.322 đảng"]);
        assert_eq!(spans("đạt 57,75% kế hoạch"), ["57,75% kế"]);
        assert_eq!(spans("101,67/năm"), ["101,67/năm"]);
        // Nothing to keep: a figure alone, digits inside a word.
        assert!(spans("57,75%.").is_empty());
        assert!(spans("mã A12 b").is_empty());
    }
}
