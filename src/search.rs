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

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::i18n::Strings;
use crate::model::{HighlightKind, Level, Site, Unit};
use crate::urls::{indicator_url, unit_url};
use crate::vi;

/// Documents per block file `d/<n>.json`: small, since the ten results
/// shown may fall in ten blocks.
pub(crate) const BLOCK: usize = 10;
/// A two-letter shard larger than this is split by three letters.
pub(crate) const MAX_SHARD: usize = 100_000;
/// The excerpt text kept per document, in bytes (whole paragraphs, the last
/// one cut at a word).
pub(crate) const EXCERPT_BYTES: usize = 700;
/// A word whose encoded postings are longer than this is common: its
/// postings get a file of their own (about 2,500 documents or more).
pub(crate) const COMMON_BYTES: usize = 8_000;

/// A document: what a search result shows and the text it is found by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    pub title: String,
    /// The unit's level, or the `search_indicator` string for a catalogue
    /// indicator.
    pub level: String,
    /// From the site root.
    pub url: String,
    /// Whether the document may go into a public build's index. Every
    /// document is public until the model knows non-public content; the
    /// index of a public build is made with `public_only`.
    pub public: bool,
    /// Paragraphs of text other than the title, in order, plain text:
    /// single-spaced as far as an excerpt reaches (see `push_text`).
    pub passages: Vec<String>,
}

/// The documents of a site: each unit, then each catalogue indicator, then
/// each highlight.
#[cfg(test)]
pub(crate) fn documents(site: &Site, strings: &Strings) -> Vec<Doc> {
    let mut docs: Vec<Doc> = site
        .units
        .par_iter()
        .map(|unit| unit_document(unit, strings))
        .collect();
    docs.extend(other_documents(site, strings));
    docs
}

/// The index of a site's [`documents`], made without holding every
/// document at once: each unit's document (the whole text of its report)
/// becomes its entry (its words, packed) in a parallel loop over a chunk of
/// units, while the postings of the chunk before are gathered. Without
/// `keep_words` each entry's words go once its postings are made: a build,
/// which replaces nothing, needs only the postings; [`Index::replace`]
/// must not be called on such an index.
pub(crate) fn site_index(
    site: &Site,
    strings: &Strings,
    keep_words: bool,
    cache: Option<EntryCache<'_>>,
) -> Index {
    /// Units per chunk: large enough to keep both cores busy, small enough
    /// that a chunk's words are a small part of the index.
    const CHUNK: usize = 512;
    let mut builder = Builder::new(keep_words);
    let mut pending: Vec<(Option<u128>, Entry)> = Vec::new();
    let store = cache.as_ref().map(|c| c.store);
    let add = |builder: &mut Builder, pending: Vec<(Option<u128>, Entry)>| {
        if let Some(cache) = &cache {
            for (key, entry) in &pending {
                if let Some(key) = key {
                    (cache.keep)(*key, entry);
                }
            }
        }
        builder.add(pending.into_iter().map(|(_, entry)| entry).collect());
    };
    for chunk in site.units.chunks(CHUNK) {
        let (entries, ()) = rayon::join(
            || {
                chunk
                    .par_iter()
                    .map(|unit| {
                        let key = store.and_then(|_| entry_key(unit));
                        let kept = key.and_then(|k| store.and_then(|s| s.entry(k)));
                        let entry =
                            kept.unwrap_or_else(|| Entry::new(unit_document(unit, strings)));
                        (key, entry)
                    })
                    .collect()
            },
            || add(&mut builder, std::mem::take(&mut pending)),
        );
        pending = entries;
    }
    add(&mut builder, pending);
    builder.add(
        other_documents(site, strings)
            .into_iter()
            .map(Entry::new)
            .collect(),
    );
    builder.finish()
}

/// Entries kept by an earlier build (the build cache), by [`entry_key`].
pub(crate) trait EntryStore: Sync {
    fn entry(&self, key: u128) -> Option<Entry>;
}

/// The build cache's part in [`site_index`]: where units' entries are
/// taken from, and what is given each unit's entry, in order, to keep it for
/// the next build.
#[derive(Clone, Copy)]
pub(crate) struct EntryCache<'a> {
    pub store: &'a dyn EntryStore,
    pub keep: &'a (dyn Fn(u128, &Entry) + Sync),
}

/// The key of a unit's entry in the build cache: its own key (all it is
/// resolved from, the language among it) and its slug (its address), all
/// that [`unit_document`] reads. `None` for a unit not kept.
pub(crate) fn entry_key(unit: &Unit) -> Option<u128> {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let own = unit.cache_key?;
    let mut h = SipHasher13::new();
    h.write_u128(own);
    h.write(unit.slug.as_bytes());
    Some(h.finish128().as_u128())
}

/// The documents after the units': each catalogue indicator, then each
/// highlight.
fn other_documents(site: &Site, strings: &Strings) -> Vec<Doc> {
    let mut docs = Vec::with_capacity(site.catalogue.len() + site.highlights.len());
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
        push_text(&mut passages, &h.body.text());
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

/// A unit's document (see [`documents`]).
pub(crate) fn unit_document(unit: &Unit, strings: &Strings) -> Doc {
    let mut passages = Vec::new();
    if !unit.short_name.is_empty() && unit.short_name != unit.name {
        passages.push(unit.short_name.clone());
    }
    push_text(&mut passages, &unit.summary_text);
    for ind in &unit.indicators {
        // A catalogue indicator's id is a word ("ket-nap"), not a number.
        passages.push(match ind.catalogue {
            Some(_) => ind.description.to_string(),
            None => format!("{}. {}", ind.id, ind.description),
        });
        for part in &ind.parts {
            passages.push(format!("{}. {}", part.id, part.description));
        }
        push_text(&mut passages, &ind.note);
    }
    if let Some(report) = &unit.report {
        push_text(&mut passages, &report.text());
    }
    Doc {
        title: unit.name.clone(),
        level: strings.get(level_key(unit.level)).to_string(),
        url: unit_url(unit),
        public: true,
        passages,
    }
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Province => "level_province",
        Level::District => "level_district",
        Level::Grassroots => "level_grassroots",
        Level::Branch => "level_branch",
    }
}

/// Adds the non-blank lines of `text` as passages: each its words joined by
/// single spaces while the passages are within the excerpt's
/// [`EXCERPT_BYTES`], as written after them (the excerpt does not reach
/// them, and the index folds whitespace away: normalizing every line of
/// every report cost 3% of a build).
fn push_text(passages: &mut Vec<String>, text: &str) {
    let mut used: usize = passages.iter().map(String::len).sum();
    for line in text.lines() {
        if used >= EXCERPT_BYTES {
            if !line.trim().is_empty() {
                used += line.len();
                passages.push(line.to_owned());
            }
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        let mut passage = String::with_capacity(line.len());
        passage.push_str(first);
        for w in words {
            passage.push(' ');
            passage.push_str(w);
        }
        used += passage.len();
        passages.push(passage);
    }
}

/// The words of `text`: runs of letters and digits of its folded form.
/// "Đảng bộ Khối" → ["dang", "bo", "khoi"].
#[cfg(test)]
pub(crate) fn words(text: &str) -> Vec<String> {
    folded_words(&vi::fold(text)).map(str::to_string).collect()
}

/// The shard key of a folded word: its first two characters, or three when
/// those two are split (a shorter word is its own key).
pub(crate) fn shard_key(word: &str, split: &[String]) -> String {
    let two: String = word.chars().take(2).collect();
    if split.contains(&two) {
        word.chars().take(3).collect()
    } else {
        two
    }
}

/// The file name of a shard key: `a–z`, `0–9` as they are, any other
/// character as `_` and its code point in lowercase hex.
pub(crate) fn key_file(key: &str) -> String {
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

/// One posting: a document and the word's weight in it (1–7), in four
/// bytes, the document in the upper 29 bits: an index holds a posting for
/// every distinct word of every document (twenty million at 60,000 units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Posting(u32);

impl Posting {
    pub(crate) fn new(doc: u32, weight: u8) -> Posting {
        debug_assert!(doc < 1 << 29 && weight < 8);
        Posting(doc << 3 | u32::from(weight & 7))
    }

    pub(crate) fn doc(self) -> u32 {
        self.0 >> 3
    }

    pub(crate) fn weight(self) -> u8 {
        (self.0 & 7) as u8
    }
}

/// A document as the index keeps it: what a result shows, and its words
/// with their weights (sorted by word), so that it can be taken out again.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub(crate) struct Entry {
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub title: String,
    pub level: String,
    pub url: String,
    /// The passages shown as its excerpt (see [`EXCERPT_BYTES`]).
    #[serde(deserialize_with = "crate::packed::text::list")]
    pub excerpt: Vec<String>,
    pub words: Words,
}

/// A document's distinct words, in order, with their weights, packed: the
/// words in one string, each ended by a line break (a folded word has none),
/// and their weights apart. A few bytes a word, where a `String` each would
/// take ten times as much on a large site.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, Serialize)]
pub(crate) struct Words {
    text: String,
    #[serde(with = "crate::packed::bytes")]
    weights: Vec<u8>,
}

impl Words {
    /// The words (sorted) with their weights.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.text
            .split_terminator('\n')
            .zip(self.weights.iter().copied())
    }
}

impl<'a> FromIterator<(&'a str, u8)> for Words {
    /// From words in order (each without a line break).
    fn from_iter<I: IntoIterator<Item = (&'a str, u8)>>(iter: I) -> Words {
        let mut words = Words::default();
        for (w, weight) in iter {
            words.text.push_str(w);
            words.text.push('\n');
            words.weights.push(weight);
        }
        words.text.shrink_to_fit();
        words.weights.shrink_to_fit();
        words
    }
}

impl Entry {
    /// Folds a document's text into words: the costly part of indexing,
    /// done for each document apart (in parallel). The words are counted
    /// as slices of the folded text, and only the distinct ones copied.
    pub(crate) fn new(doc: Doc) -> Entry {
        let title = vi::fold(&doc.title);
        // One fold of all passages: a line break between two passages
        // separates their words as the passages' ends would.
        let mut all = String::with_capacity(doc.passages.iter().map(|p| p.len() + 1).sum());
        for p in &doc.passages {
            all.push_str(p);
            all.push('\n');
        }
        let text = vi::fold(&all);
        let mut counts: HashMap<&str, (u32, bool)> = HashMap::default();
        for w in folded_words(&title) {
            let e = counts.entry(w).or_default();
            e.0 += 1;
            e.1 = true;
        }
        for w in folded_words(&text) {
            counts.entry(w).or_default().0 += 1;
        }
        let mut words: Vec<(&str, u8)> = counts
            .into_iter()
            .map(|(w, (count, in_title))| (w, count.min(3) as u8 + if in_title { 4 } else { 0 }))
            .collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let words: Words = words.into_iter().collect();
        Entry {
            excerpt: excerpt_passages(&doc.passages)
                .into_iter()
                .map(str::to_string)
                .collect(),
            title: doc.title,
            level: doc.level,
            url: doc.url,
            words,
        }
    }
}

/// The words of folded text (see [`words`]), as slices of it.
fn folded_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The inverted index of a set of documents.
#[derive(Debug)]
pub(crate) struct Index {
    /// The documents in the index, in id order.
    pub docs: Vec<Entry>,
    /// Each folded word and its postings, by document id.
    pub terms: BTreeMap<String, Vec<Posting>>,
    /// The two-letter groups sharded by three letters (see [`MAX_SHARD`]).
    split: BTreeSet<String>,
    /// The size of each group's shards, kept up to date by [`Index::replace`].
    sizes: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    docs: usize,
    block: usize,
    split: Vec<&'a str>,
}

/// A change to the index's files: written (new or changed) or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileChange {
    Write(String, Vec<u8>),
    Remove(String),
}

/// The files of one two-letter group: its shards and its common words.
struct GroupFiles {
    files: Vec<(String, Vec<u8>)>,
}

/// The files `make` makes of each item, made in parallel 32 items at a time
/// (a group of common words may take megabytes) and handed to `write` in
/// order.
fn in_batches<T: Sync, E>(
    items: &[T],
    make: impl Fn(&T) -> Vec<(String, Vec<u8>)> + Sync,
    write: &mut impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    for batch in items.chunks(32) {
        let made: Vec<Vec<(String, Vec<u8>)>> = batch.par_iter().map(&make).collect();
        for (path, bytes) in made.into_iter().flatten() {
            write(path, bytes)?;
        }
    }
    Ok(())
}

/// The group of a word: its first two characters (a one-letter word is its
/// own group). A group's words are adjacent in sorted order.
fn group_of(word: &str) -> &str {
    match word.char_indices().nth(2) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Gathers an index's postings, entry by entry in document order.
struct Builder {
    docs: Vec<Entry>,
    /// Each word and its postings, by document id: a word is looked up once
    /// per document that has it, and the map is sorted once at the end.
    postings: HashMap<Box<str>, Vec<Posting>>,
    keep_words: bool,
}

impl Builder {
    fn new(keep_words: bool) -> Builder {
        Builder {
            docs: Vec::new(),
            postings: HashMap::default(),
            keep_words,
        }
    }

    /// Adds `entries` as the next documents.
    fn add(&mut self, entries: Vec<Entry>) {
        self.docs.reserve(entries.len());
        for mut entry in entries {
            let id = self.docs.len() as u32;
            for (w, weight) in entry.words.iter() {
                let posting = Posting::new(id, weight);
                match self.postings.get_mut(w) {
                    Some(list) => list.push(posting),
                    None => {
                        self.postings.insert(w.into(), vec![posting]);
                    }
                }
            }
            if !self.keep_words {
                entry.words = Words::default();
            }
            self.docs.push(entry);
        }
    }

    fn finish(self) -> Index {
        let mut sorted: Vec<(Box<str>, Vec<Posting>)> = self.postings.into_iter().collect();
        sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let terms: BTreeMap<String, Vec<Posting>> = sorted
            .into_iter()
            // Each list copied into one of its own size: the one it grew in
            // holds half as much again, for every word.
            .map(|(w, p)| (String::from(w), p.as_slice().to_vec()))
            .collect();
        let mut index = Index {
            docs: self.docs,
            terms,
            split: BTreeSet::new(),
            sizes: BTreeMap::new(),
        };
        let groups = index.groups();
        index.sizes = groups
            .par_iter()
            .map(|g| (g.to_string(), index.group_size(g)))
            .collect();
        index.split = index
            .sizes
            .iter()
            .filter(|(_, size)| **size > MAX_SHARD)
            .map(|(g, _)| g.clone())
            .collect();
        index
    }
}

impl Index {
    /// Indexes `docs` (only the public ones when `public_only`), in order.
    #[cfg(test)]
    pub(crate) fn build(docs: Vec<Doc>, public_only: bool) -> Index {
        let mut builder = Builder::new(true);
        builder.add(
            docs.into_par_iter()
                .filter(|d| d.public || !public_only)
                .map(Entry::new)
                .collect(),
        );
        builder.finish()
    }

    /// Every group, in order.
    fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for w in self.terms.keys() {
            let g = group_of(w);
            if groups.last() != Some(&g) {
                groups.push(g);
            }
        }
        groups
    }

    /// The words of a group with their postings.
    fn group_terms<'a>(&'a self, group: &'a str) -> impl Iterator<Item = (&'a str, &'a [Posting])> {
        self.terms
            .range::<str, _>((std::ops::Bound::Included(group), std::ops::Bound::Unbounded))
            .take_while(move |(w, _)| w.starts_with(group))
            .filter(move |(w, _)| group_of(w) == group)
            .map(|(w, p)| (w.as_str(), p.as_slice()))
    }

    /// The bytes a group's words take in its shards, which decides whether
    /// it is split.
    fn group_size(&self, group: &str) -> usize {
        self.group_terms(group).map(|(w, p)| entry_size(w, p)).sum()
    }

    /// The files of a group: all of them, or with `only`, the shards
    /// holding any of `only`'s words and the common-word files of those
    /// words (what an edit of those words can change).
    fn group_files(&self, group: &str, only: Option<&BTreeSet<String>>) -> GroupFiles {
        let split = self.split.contains(group);
        let key_of = |w: &'_ str| -> String {
            if split {
                shard_key(w, std::slice::from_ref(&group.to_string()))
            } else {
                group.to_string()
            }
        };
        let keys: Option<BTreeSet<String>> =
            only.map(|words| words.iter().map(|w| key_of(w)).collect());
        let mut shards: BTreeMap<String, String> = BTreeMap::new();
        let mut files = Vec::new();
        for (w, p) in self.group_terms(group) {
            let key = key_of(w);
            if keys.as_ref().is_some_and(|keys| !keys.contains(&key)) {
                continue;
            }
            let postings = encode_postings(p);
            let text = shards.entry(key).or_insert_with(|| String::from("{"));
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(&String::from_utf8_lossy(&json(w)));
            text.push(':');
            if postings.len() > COMMON_BYTES {
                text.push_str(itoa::Buffer::new().format(p.len()));
                if only.is_none_or(|words| words.contains(w)) {
                    files.push((
                        format!("search/w/{}.json", key_file(w)),
                        format!("[{postings}]").into_bytes(),
                    ));
                }
            } else {
                text.push('[');
                text.push_str(&postings);
                text.push(']');
            }
        }
        for (key, mut text) in shards {
            text.push('}');
            files.push((
                format!("search/t/{}.json", key_file(&key)),
                text.into_bytes(),
            ));
        }
        GroupFiles { files }
    }

    fn meta(&self) -> (String, Vec<u8>) {
        let meta = Meta {
            v: 1,
            docs: self.docs.len(),
            block: BLOCK,
            split: self.split.iter().map(String::as_str).collect(),
        };
        ("search/meta.json".to_string(), json(&meta))
    }

    fn block(&self, n: usize) -> (String, Vec<u8>) {
        let end = ((n + 1) * BLOCK).min(self.docs.len());
        let rows: Vec<(&str, &str, &str, &[String])> = self.docs[n * BLOCK..end]
            .iter()
            .map(|d| {
                (
                    d.title.as_str(),
                    d.level.as_str(),
                    d.url.as_str(),
                    d.excerpt.as_slice(),
                )
            })
            .collect();
        (format!("search/d/{n}.json"), json(&rows))
    }

    /// The index as files (path from the output root, bytes), in a fixed
    /// order; the same documents give the same bytes.
    #[cfg(test)]
    pub(crate) fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        self.write_files(|path, bytes| {
            files.push((path, bytes));
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
        files
    }

    /// Hands the index's files to `write`, in the order of [`Index::files`],
    /// made in parallel a few at a time: at 60,000 units they are 110 MB,
    /// which a build need not hold at once. Stops at the first error.
    pub(crate) fn write_files<E>(
        &self,
        mut write: impl FnMut(String, Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let (path, bytes) = self.meta();
        write(path, bytes)?;
        in_batches(
            &self.groups(),
            |g| self.group_files(g, None).files,
            &mut write,
        )?;
        let blocks: Vec<usize> = (0..self.docs.len().div_ceil(BLOCK)).collect();
        in_batches(&blocks, |&n| vec![self.block(n)], &mut write)
    }

    /// Replaces document `id` (which must exist) and returns the files that
    /// change: only the shards of words whose postings changed are written
    /// again, so an edit of one report rewrites a few files.
    pub(crate) fn replace(&mut self, id: usize, doc: Doc) -> Vec<FileChange> {
        let entry = Entry::new(doc);
        let old = std::mem::replace(&mut self.docs[id], entry);
        let new = &self.docs[id];
        let id32 = id as u32;
        // Words whose posting for this document changed, by group.
        let old_words: BTreeMap<&str, u8> = old.words.iter().collect();
        let new_words: BTreeMap<String, u8> =
            new.words.iter().map(|(w, x)| (w.to_string(), x)).collect();
        let mut changed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (w, x) in old_words
            .iter()
            .map(|(w, x)| (*w, *x))
            .chain(new_words.iter().map(|(w, x)| (w.as_str(), *x)))
        {
            if old_words.get(w) != Some(&x) || new_words.get(w) != Some(&x) {
                changed
                    .entry(group_of(w).to_string())
                    .or_default()
                    .insert(w.to_string());
            }
        }
        let before: Vec<GroupFiles> = changed
            .iter()
            .map(|(g, words)| self.group_files(g, Some(words)))
            .collect();
        for (g, words) in &changed {
            let size = self.sizes.entry(g.clone()).or_default();
            for w in words {
                let postings = self.terms.entry(w.clone()).or_default();
                *size -= entry_size(w, postings);
                if let Ok(at) = postings.binary_search_by_key(&id32, |p| p.doc()) {
                    postings.remove(at);
                }
                if let Some(&weight) = new_words.get(w) {
                    let at = postings
                        .binary_search_by_key(&id32, |p| p.doc())
                        .unwrap_or_else(|at| at);
                    postings.insert(at, Posting::new(id32, weight));
                }
                *size += entry_size(w, postings);
                if postings.is_empty() {
                    self.terms.remove(w);
                }
            }
        }
        let mut changes = Vec::new();
        let mut meta = false;
        for ((g, words), before) in changed.iter().zip(before) {
            let split = self.sizes.get(g).copied().unwrap_or_default() > MAX_SHARD;
            let after = if split == self.split.contains(g) {
                self.group_files(g, Some(words))
            } else {
                // Split or joined: every shard of the group is written
                // anew, and the old ones go.
                meta = true;
                let old_keys: BTreeSet<String> = self
                    .group_terms(g)
                    .map(|(w, _)| w)
                    .chain(words.iter().map(String::as_str))
                    .map(|w| {
                        if split {
                            g.clone()
                        } else {
                            shard_key(w, std::slice::from_ref(g))
                        }
                    })
                    .collect();
                for key in old_keys {
                    changes.push(FileChange::Remove(format!(
                        "search/t/{}.json",
                        key_file(&key)
                    )));
                }
                if split {
                    self.split.insert(g.clone());
                } else {
                    self.split.remove(g);
                }
                self.group_files(g, None)
            };
            let kept: BTreeSet<&str> = after.files.iter().map(|(p, _)| p.as_str()).collect();
            for (path, _) in &before.files {
                if !kept.contains(path.as_str()) {
                    changes.push(FileChange::Remove(path.clone()));
                }
            }
            let old_files: BTreeMap<&str, &[u8]> = before
                .files
                .iter()
                .map(|(p, b)| (p.as_str(), b.as_slice()))
                .collect();
            for (path, bytes) in after.files {
                if old_files.get(path.as_str()) != Some(&bytes.as_slice()) {
                    changes.push(FileChange::Write(path, bytes));
                }
            }
        }
        if meta {
            let (path, bytes) = self.meta();
            changes.push(FileChange::Write(path, bytes));
        }
        let new = &self.docs[id];
        if (&old.title, &old.level, &old.url, &old.excerpt)
            != (&new.title, &new.level, &new.url, &new.excerpt)
        {
            let (path, bytes) = self.block(id / BLOCK);
            changes.push(FileChange::Write(path, bytes));
        }
        changes
    }
}

/// The bytes a word takes in its shard (see [`Index::group_size`]); none
/// when it has no postings.
fn entry_size(word: &str, postings: &[Posting]) -> usize {
    if postings.is_empty() {
        return 0;
    }
    let len = encoded_len(postings);
    let entry = if len > COMMON_BYTES {
        decimal_len(postings.len() as u64)
    } else {
        len + 2
    };
    word.len() + entry + 6
}

/// The length of [`encode_postings`]'s text, without writing it.
fn encoded_len(postings: &[Posting]) -> usize {
    let mut len = postings.len().saturating_sub(1);
    let mut last = 0;
    for p in postings {
        len += decimal_len(u64::from(p.doc() - last) * 8 + u64::from(p.weight()));
        last = p.doc();
    }
    len
}

fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Postings as `delta × 8 + weight`, comma-separated.
fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::new();
    let mut last = 0;
    // Millions of numbers on a large site: `itoa`, not `write!`, which
    // took 5% of an incremental build at 10,000 units.
    let mut number = itoa::Buffer::new();
    for (i, p) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let delta = u64::from(p.doc() - last);
        out.push_str(number.format(delta * 8 + u64::from(p.weight())));
        last = p.doc();
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
