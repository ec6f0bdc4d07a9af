//! Escaping text for HTML and XML: the one place where `&`, `<`, `>` and
//! quotes become entities. Three flavours, because their outputs differ
//! and the site's bytes must not change:
//!
//! - [`Html`]: pages (templates, report HTML, the preview's error overlay);
//! - [`Xml`]: the SVG charts, inline in pages and standalone, where a
//!   character XML forbids would make the file ill-formed, so it is dropped;
//! - [`Feed`]: the Atom feed and the sitemap, with XML's own `&apos;`.
//!
//! Each is a `Display` value, written straight into the output without a
//! string of its own; [`html`] and [`xml`] give a `String`.
//! Every special character is ASCII (and U+FFFE, U+FFFF start with the byte
//! 0xEF), so the text is scanned as bytes and copied between them in runs.

use std::fmt;

/// Text for HTML, in element content and in double- or single-quoted
/// attributes: `&`, `<`, `>`, `"` and `'` (as `&#39;`) become entities,
/// everything else stays as it is (`/` too: links and "41/71" stay
/// readable, and `/` needs no escaping in text or quoted attributes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Html<'a>(pub &'a str);

/// Text for XML (the charts' SVG), in content and quoted attributes: as
/// [`Html`], and the characters XML 1.0 does not allow (C0 controls other
/// than tab, line feed and carriage return; U+FFFE, U+FFFF) dropped, so the
/// output stays well-formed whatever the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Xml<'a>(pub &'a str);

/// Text for the Atom feed and the sitemap, in content and quoted
/// attributes: as [`Html`] but `'` as `&apos;`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Feed<'a>(pub &'a str);

/// [`Html`] as a string.
pub(crate) fn html(text: &str) -> String {
    Html(text).to_string()
}

/// [`Xml`] as a string.
pub(crate) fn xml(text: &str) -> String {
    Xml(text).to_string()
}

impl fmt::Display for Html<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, "&#39;", false)
    }
}

impl fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, "&#39;", true)
    }
}

impl fmt::Display for Feed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, "&apos;", false)
    }
}

/// Writes `text` escaped into `out`: the runs between special characters
/// as they are. `apos` is what `'` becomes; with `xml`, the characters XML
/// forbids are dropped.
fn write_escaped(out: &mut impl fmt::Write, text: &str, apos: &str, xml: bool) -> fmt::Result {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => (apos, 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..0x20 if xml => ("", 1),
            // U+FFFE and U+FFFF: EF BF BE and EF BF BF.
            0xEF if xml
                && bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_str(&text[start..i])?;
        out.write_str(replacement)?;
        i += len;
        start = i;
    }
    out.write_str(&text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKUP: &str = r#"A & B <c> "d" 'e' 41/71"#;

    #[test]
    fn html_escapes_markup_and_both_quotes() {
        assert_eq!(
            html(MARKUP),
            "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39; 41/71"
        );
        assert_eq!(html("Đảng bộ\ttỉnh\u{1}"), "Đảng bộ\ttỉnh\u{1}");
        assert_eq!(html(""), "");
    }

    #[test]
    fn xml_drops_what_xml_forbids_and_keeps_whitespace() {
        assert_eq!(
            xml(MARKUP),
            "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39; 41/71"
        );
        assert_eq!(xml("a\u{0}b\u{1b}c\u{FFFF}d\u{FFFE}"), "abcd");
        assert_eq!(xml("Đảng bộ\ttỉnh\r\n"), "Đảng bộ\ttỉnh\r\n");
        // Other characters of the same lead byte stay.
        assert_eq!(xml("\u{FFFD}\u{F000}\u{FFEF}"), "\u{FFFD}\u{F000}\u{FFEF}");
    }

    #[test]
    fn feed_writes_the_apostrophe_as_xml_does() {
        assert_eq!(
            Feed(MARKUP).to_string(),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos; 41/71"
        );
    }

    #[test]
    fn escaping_matches_a_char_by_char_escaper() {
        fn slow(text: &str, apos: &str, xml: bool) -> String {
            let mut out = String::new();
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str(apos),
                    '\t' | '\n' | '\r' => out.push(c),
                    c if xml && ((c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}') => {}
                    c => out.push(c),
                }
            }
            out
        }
        let mut text = String::new();
        for c in (0..0x250).chain(0xFFF0..0x10010).filter_map(char::from_u32) {
            text.push(c);
            text.push('ả');
        }
        assert_eq!(html(&text), slow(&text, "&#39;", false));
        assert_eq!(xml(&text), slow(&text, "&#39;", true));
        assert_eq!(Feed(&text).to_string(), slow(&text, "&apos;", false));
    }
}
