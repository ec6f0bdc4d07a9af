//! The static search index: documents from the model, folded words, and the
//! small JSON files the browser (`themes/default/static/js/search.js`) reads.
//! Pure: the files are returned as bytes and written by the caller's sink.
//!
//! Layout under `search/` in the output (see `docs/themes.md`):
//!
//! - `meta.json`: `{"v":1,"docs":N,"block":B,"split":[…]}`: the number of
//!   documents, the documents per block, and the two-letter prefixes whose
//!   words are sharded by three letters instead.
//! - `t/<key>.json`: the words whose shard key is `<key>` (their first two
//!   letters, or three when the two are in `split`; a one-letter word is its
//!   own key), each with its postings: a flat list of integers
//!   `delta × 8 + weight`, where `delta` is the document id minus the previous
//!   one (the first is the id itself) and `weight` (1–7) is the word's count
//!   in the document, capped at 3, plus 4 when the word is in the title.
//!   Characters of a key other than `a–z`, `0–9` are written `_<hex>`.
//!   A common word (postings over [`COMMON_BYTES`]: "dang", "bo" on a
//!   large site) has its document count instead, and its postings in
//!   `w/<word>.json`: a query with a rarer word leaves its common words
//!   out (they would be most of its bytes and barely narrow the results);
//!   a query of common words only is matched on its two rarest words (its
//!   count is then an upper bound).
//! - `d/<n>.json`: the documents `n × B … n × B + B − 1`, each
//!   `[title, level, url, [passages…]]`, where passages are the first
//!   paragraphs of its text (bounded) for the excerpt.
//!
//! Words are the runs of letters and digits of the text folded by
//! [`vi::fold`], so "Đảng bộ" and "dang bo" are the same words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::Strings;
use crate::model::{HighlightKind, Level, Site};
use crate::render::{indicator_url, unit_url};
use crate::vi;

/// Documents per block file `d/<n>.json`: small, since the ten results
/// shown may fall in ten blocks.
pub const BLOCK: usize = 10;
/// A two-letter shard larger than this is split by three letters.
pub const MAX_SHARD: usize = 100_000;
/// The excerpt text kept per document, in bytes (whole paragraphs, the last
/// one cut at a word).
pub const EXCERPT_BYTES: usize = 700;
/// A word whose encoded postings are longer than this is common: its
/// postings get a file of their own (about 2,500 documents or more).
pub const COMMON_BYTES: usize = 8_000;

/// A document: what a search result shows and the text it is found by.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    /// The unit's level, or "Chỉ tiêu" for a catalogue indicator.
    pub level: String,
    /// From the site root.
    pub url: String,
    /// Whether the document may go into a public build's index. Every
    /// document is public until the model knows non-public content; the
    /// index of a public build is made with `public_only`.
    pub public: bool,
    /// Paragraphs of text other than the title, in order, plain text.
    pub passages: Vec<String>,
}

/// The documents of a site: each unit, then each catalogue indicator, then
/// each highlight.
pub fn documents(site: &Site, strings: &Strings) -> Vec<Doc> {
    let mut docs = Vec::with_capacity(site.units.len() + site.catalogue.len());
    for unit in &site.units {
        let mut passages = Vec::new();
        if !unit.short_name.is_empty() && unit.short_name != unit.name {
            passages.push(unit.short_name.clone());
        }
        push_text(&mut passages, &html_text(&unit.summary));
        for ind in &unit.indicators {
            // A catalogue indicator's id is a word ("ket-nap"), not a number.
            passages.push(match ind.catalogue {
                Some(_) => ind.description.clone(),
                None => format!("{}. {}", ind.id, ind.description),
            });
            for part in &ind.parts {
                passages.push(format!("{}. {}", part.id, part.description));
            }
            push_text(&mut passages, &ind.note);
        }
        if let Some(report) = &unit.report {
            push_text(&mut passages, &html_text(&report.html));
        }
        docs.push(Doc {
            title: unit.name.clone(),
            level: strings.get(level_key(unit.level)).to_string(),
            url: unit_url(unit),
            public: true,
            passages,
        });
    }
    for entry in &site.catalogue {
        let mut passages = vec![entry.group.clone()];
        push_text(&mut passages, &entry.note);
        docs.push(Doc {
            title: entry.description.clone(),
            level: strings.get("search_indicator").to_string(),
            url: indicator_url(&entry.id),
            public: true,
            passages: passages.into_iter().filter(|p| !p.is_empty()).collect(),
        });
    }
    for h in &site.highlights {
        let mut passages = vec![h.summary.clone()];
        push_text(&mut passages, &html_text(&h.body.html));
        docs.push(Doc {
            title: h.title.clone(),
            level: strings
                .get(match h.kind {
                    HighlightKind::Result => "highlight_kind_result",
                    HighlightKind::Model => "highlight_kind_model",
                    HighlightKind::Lesson => "highlight_kind_lesson",
                })
                .to_string(),
            url: format!("highlights/{}.html", h.slug),
            public: h.is_public(),
            passages,
        });
    }
    docs
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Province => "level_province",
        Level::District => "level_district",
        Level::Grassroots => "level_grassroots",
        Level::Branch => "level_branch",
    }
}

/// Adds the non-empty lines of `text` as passages.
fn push_text(passages: &mut Vec<String>, text: &str) {
    passages.extend(
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty()),
    );
}

/// The text of rendered HTML, one line per block (paragraph, heading, list
/// item, table cell), without the heading anchors ("#"), footnote marks and
/// back-links ("↩"). Entities written by the Markdown renderer are decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Depth inside elements whose text is not content.
    let mut skip: Vec<&str> = Vec::new();
    while let Some(lt) = rest.find('<') {
        if skip.is_empty() {
            out.push_str(&decode(&rest[..lt]));
        }
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if closing {
            if skip.last().is_some_and(|s| *s == name) {
                skip.pop();
            }
        } else if name == "sup"
            || (name == "a" && (tag.contains("class=\"anchor\"") || tag.contains("fnback")))
        {
            skip.push(if name == "sup" { "sup" } else { "a" });
        }
        if matches!(
            name.as_str(),
            "p" | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "li"
                | "td"
                | "th"
                | "br"
                | "div"
                | "section"
                | "blockquote"
                | "tr"
        ) {
            out.push('\n');
        }
    }
    if skip.is_empty() {
        out.push_str(&decode(rest));
    }
    out
}

fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The words of `text`: runs of letters and digits of its folded form.
/// "Đảng bộ Khối" → ["dang", "bo", "khoi"].
pub fn words(text: &str) -> Vec<String> {
    vi::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The shard key of a folded word: its first two characters, or three when
/// those two are split (a shorter word is its own key).
pub fn shard_key(word: &str, split: &[String]) -> String {
    let two: String = word.chars().take(2).collect();
    if split.contains(&two) {
        word.chars().take(3).collect()
    } else {
        two
    }
}

/// The file name of a shard key: `a–z`, `0–9` as they are, any other
/// character as `_` and its code point in lowercase hex.
pub fn key_file(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}", u32::from(c)));
        }
    }
    out
}

/// One posting: a document and the word's weight in it (1–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub weight: u8,
}

/// The inverted index of a set of documents.
#[derive(Debug)]
pub struct Index {
    /// The documents in the index, in id order.
    pub docs: Vec<Doc>,
    /// Each folded word and its postings, by document id.
    pub terms: BTreeMap<String, Vec<Posting>>,
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    docs: usize,
    block: usize,
    split: &'a [String],
}

impl Index {
    /// Indexes `docs` (only the public ones when `public_only`), in order.
    pub fn build(docs: Vec<Doc>, public_only: bool) -> Index {
        let docs: Vec<Doc> = docs
            .into_iter()
            .filter(|d| d.public || !public_only)
            .collect();
        let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (id, doc) in docs.iter().enumerate() {
            let mut counts: BTreeMap<String, (u32, bool)> = BTreeMap::new();
            for w in words(&doc.title) {
                let e = counts.entry(w).or_default();
                e.0 += 1;
                e.1 = true;
            }
            for p in &doc.passages {
                for w in words(p) {
                    counts.entry(w).or_default().0 += 1;
                }
            }
            for (w, (count, in_title)) in counts {
                let weight = count.min(3) as u8 + if in_title { 4 } else { 0 };
                terms.entry(w).or_default().push(Posting {
                    doc: id as u32,
                    weight,
                });
            }
        }
        Index { docs, terms }
    }

    /// The index as files (path from the output root, bytes), in a fixed
    /// order; the same documents give the same bytes.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut common = Vec::new();
        // Each word with what its shard says: its postings, or the document
        // count of a common word.
        let encoded: BTreeMap<&str, String> = self
            .terms
            .iter()
            .map(|(w, p)| {
                let postings = encode_postings(p);
                if postings.len() > COMMON_BYTES {
                    common.push((w.as_str(), postings));
                    (w.as_str(), p.len().to_string())
                } else {
                    (w.as_str(), format!("[{postings}]"))
                }
            })
            .collect();
        // Sizes of the two-letter shards decide which are split.
        let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
        for (w, p) in &encoded {
            *sizes.entry(shard_key(w, &[])).or_default() += w.len() + p.len() + 6;
        }
        let split: Vec<String> = sizes
            .into_iter()
            .filter(|&(_, size)| size > MAX_SHARD)
            .map(|(k, _)| k)
            .collect();
        let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        for (w, p) in &encoded {
            shards
                .entry(shard_key(w, &split))
                .or_default()
                .push((w, p.as_str()));
        }
        let mut files = Vec::with_capacity(shards.len() + self.docs.len() / BLOCK + 2);
        let meta = Meta {
            v: 1,
            docs: self.docs.len(),
            block: BLOCK,
            split: &split,
        };
        files.push(("search/meta.json".to_string(), json(&meta)));
        for (key, entries) in shards {
            let mut text = String::from("{");
            for (i, (w, p)) in entries.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&String::from_utf8_lossy(&json(w)));
                text.push(':');
                text.push_str(p);
            }
            text.push('}');
            files.push((format!("search/t/{}.json", key_file(&key)), text.into()));
        }
        for (w, postings) in common {
            files.push((
                format!("search/w/{}.json", key_file(w)),
                format!("[{postings}]").into(),
            ));
        }
        for (n, block) in self.docs.chunks(BLOCK).enumerate() {
            let rows: Vec<(&str, &str, &str, Vec<&str>)> = block
                .iter()
                .map(|d| {
                    (
                        d.title.as_str(),
                        d.level.as_str(),
                        d.url.as_str(),
                        excerpt_passages(&d.passages),
                    )
                })
                .collect();
            files.push((format!("search/d/{n}.json"), json(&rows)));
        }
        files
    }
}

/// Postings as `delta × 8 + weight`, comma-separated.
fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (i, p) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let delta = u64::from(p.doc - last);
        out.push_str(&(delta * 8 + u64::from(p.weight)).to_string());
        last = p.doc;
    }
    out
}

/// The first passages, at most [`EXCERPT_BYTES`] in all; the last one cut at
/// a word boundary.
fn excerpt_passages(passages: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut left = EXCERPT_BYTES;
    for p in passages {
        if left == 0 {
            break;
        }
        if p.len() <= left {
            out.push(p.as_str());
            left -= p.len();
        } else {
            let mut end = left;
            while !p.is_char_boundary(end) {
                end -= 1;
            }
            let cut = p[..end].rfind(' ').unwrap_or(end);
            out.push(&p[..cut]);
            break;
        }
    }
    out
}

fn json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Serializing strings, numbers and sequences cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests;
