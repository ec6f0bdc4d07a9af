//! Markdown for unit reports and summaries.
//!
//! This module owns the Markdown dialect of the site (CommonMark with GitHub
//! tables, strikethrough and footnotes; no raw HTML, no smart punctuation;
//! heading attributes are read, for `{.public}`, and never rendered) and everything the HTML of a report is made of beyond
//! what `pulldown-cmark` renders by itself:
//!
//! - heading ids made from the heading text with [`crate::vi::slugify`],
//!   namespaced, unique within the report, plus a small self-link;
//! - footnotes numbered in the order they are first referenced and listed once
//!   at the end with links back to every reference;
//! - raw HTML escaped and shown as text;
//! - tables wrapped so that wide ones scroll on a phone;
//! - links and images with `javascript:`-like URLs neutralised;
//! - the [`Problem`]s found on the way (undefined, unused and duplicate
//!   footnotes, unsafe links), with byte spans into the source.
//!
//! Rendering is deterministic and linear in the size of the input.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, Msg};
use crate::i18n::Strings;
use crate::packed::Packed;

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Something wrong in a report's source.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// Byte range in the source.
    pub span: Range<usize>,
    pub message: Msg,
    pub hint: Option<Msg>,
}

impl Problem {
    /// The problem as a diagnostic, without its place (its span is in the
    /// report's text, which the caller places).
    pub(crate) fn diagnostic(&self) -> Diagnostic {
        match self.severity {
            Severity::Error => Diagnostic::error(
                self.message.clone(),
                self.hint
                    .clone()
                    .unwrap_or_else(|| Msg::new("report_problem_hint")),
            ),
            Severity::Warning => {
                Diagnostic::warning(self.message.clone()).maybe_hint(self.hint.clone())
            }
        }
    }
}

/// A heading of a report, as listed in its table of contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute of the heading, already namespaced (`{ns}-{slug}`).
    pub id: String,
    /// Plain text of the heading, numbering included ("2.1.1. Công tác kiểm tra").
    pub title: String,
}

/// A rendered report.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// The safe HTML (raw HTML of the source is escaped), then the plain
    /// text for the search index, held compressed in one block (see
    /// [`crate::packed`]): the text repeats the HTML's words, which the
    /// compression then keeps once (docs/performance.md).
    body: Packed,
    /// Where the HTML ends and the text begins in `body`.
    html_len: usize,
    /// Every heading of the report body, in order (see [`Report::headings`]),
    /// held packed like the HTML: a table of contents is read once, when its
    /// page is rendered, and twenty headings a report would otherwise be
    /// forty strings held for every unit.
    headings: Packed,
    /// Number of footnotes rendered (referenced ones only).
    pub footnotes: usize,
    /// Problems found, ordered by position in the source. Not kept by the
    /// build cache, which holds only units without problems.
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

impl Report {
    /// The report's HTML (safe: raw HTML of the source is escaped).
    pub fn html(&self) -> String {
        // The text is expanded too and cut off: a few microseconds a page,
        // for the memory the one block saves (docs/performance.md).
        let mut body = self.body.text();
        body.truncate(self.html_len);
        body
    }

    /// The report's plain text, taken from the events its HTML is written
    /// from: one line for each block (paragraph, heading, list item, table
    /// cell, line of a code block) and each line break of the source, the
    /// text as written (not escaped), without what is not read as text:
    /// heading anchors, footnote marks and back-links, images (their
    /// description is an attribute) and links whose address or title holds
    /// `fnback` (as the search index had it when it read the HTML: its
    /// files stay the same; a link to a page named so is rare). The
    /// footnotes follow under their heading.
    pub fn text(&self) -> String {
        let mut body = self.body.text();
        if body.is_char_boundary(self.html_len) {
            body.split_off(self.html_len)
        } else {
            String::new()
        }
    }

    /// Sets the report's HTML, text and headings aside in `spill` (see
    /// [`crate::packed`]) until they are read.
    pub(crate) fn spill(&mut self, spill: &std::sync::Arc<dyn crate::packed::Spill>) {
        self.body.spill(spill);
        self.headings.spill(spill);
    }

    /// Where the texts a build cache record names are read from (see
    /// [`Packed::attach`]): `Ok(false)` when the record held them.
    pub(crate) fn attach(
        &mut self,
        texts: &std::sync::Arc<dyn crate::packed::Spill>,
        end: u64,
    ) -> Result<bool, ()> {
        let body = self.body.attach(texts, end)?;
        let headings = self.headings.attach(texts, end)?;
        Ok(body && headings)
    }

    /// How many bytes of its texts the build cache being written holds
    /// apart from its unit's record.
    pub(crate) fn in_cache(&self) -> u64 {
        self.body.in_cache() + self.headings.in_cache()
    }

    /// Every heading of the report body, in order. Headings inside footnotes
    /// get ids but are not listed.
    pub fn headings(&self) -> Vec<Heading> {
        // The text is what `pack_headings` wrote, so it reads back; were it
        // not, the page would go without a table of contents rather than
        // the build stop.
        let rows: Vec<(u8, String, String)> =
            serde_json::from_str(&self.headings.text()).unwrap_or_default();
        rows.into_iter()
            .map(|(level, id, title)| Heading { level, id, title })
            .collect()
    }
}

/// [`Report::headings`] as they are held: a JSON list of
/// `[level, id, title]`, packed.
fn pack_headings(headings: &[Heading]) -> Packed {
    let rows: Vec<(u8, &str, &str)> = headings
        .iter()
        .map(|h| (h.level, h.id.as_str(), h.title.as_str()))
        .collect();
    // A list of numbers and strings always serializes.
    Packed::new(&serde_json::to_string(&rows).unwrap_or_default())
}

/// The words a report's HTML holds that are not the report's own, in the
/// interface language, escaped for HTML: `{n}` is a number, `{k}` the k-th
/// reference to a note.
#[derive(Debug, Clone)]
pub struct Labels {
    /// `aria-label` of the self-link of a heading.
    heading_anchor: String,
    /// Heading of the footnotes section, as text (a text event: the
    /// report's plain text has it).
    footnotes: String,
    /// `aria-label` of a back-link from note `{n}`.
    backlink: String,
    /// `aria-label` of the back-link to the `{k}`-th reference to note `{n}`.
    backlink_again: String,
    /// `aria-label` of the scrolling wrapper of table `{n}`.
    table: String,
}

impl Labels {
    pub fn new(strings: &Strings) -> Labels {
        let get = |key: &str| crate::escape::html(strings.get(key));
        Labels {
            heading_anchor: get("report_heading_anchor"),
            footnotes: strings.get("footnotes").to_owned(),
            backlink: get("report_backlink"),
            backlink_again: get("report_backlink_again"),
            table: get("report_table"),
        }
    }
}

/// Heading ids are cut to about this many characters (at a word boundary):
/// a report's headings can be whole sentences.
const MAX_SLUG: usize = 60;
/// Longest label (in bytes) considered when scanning text for `[^label]`.
const MAX_LABEL_BYTES: usize = 1000;
/// Upper bound on the label comparisons spent on "did you mean" hints.
const HINT_BUDGET: usize = 20_000;

fn options(footnotes: bool) -> Options {
    let mut options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    if footnotes {
        options |= Options::ENABLE_FOOTNOTES;
    }
    options
}

/// Renders a report.
///
/// `ns` namespaces every id the report creates so it can't clash with the
/// page's own ids: heading ids are `{ns}-{slug}`, footnotes `{ns}-fn-{n}`,
/// references `{ns}-fnref-{n}` and `{ns}-fnref-{n}-{k}` for the k-th
/// reference (k ≥ 2) to the same note. The words the HTML adds (footnotes
/// heading, link labels) are `labels`.
pub fn render(source: &str, ns: &str, labels: &Labels) -> Report {
    let collected = collect(source);
    let mut renderer = Renderer::new(source, ns, &collected, labels);
    let mut out: Vec<Event<'_>> = Vec::with_capacity(collected.body.len() + 16);
    renderer.convert(&collected.body, &mut out, false);
    renderer.render_footnotes(&mut out);
    renderer.report_unused();

    let text = plain_text(&out);
    // Reports come out about 1.6 times the size of their source, and the
    // text about as large as the source.
    let mut body = String::with_capacity(3 * source.len());
    pulldown_cmark::html::push_html(&mut body, keep_figures_together(out).into_iter());
    let html_len = body.len();
    body.push_str(&text);

    let Renderer {
        headings,
        order,
        mut problems,
        ..
    } = renderer;
    problems.extend(collected.problems);
    problems.sort_by_key(|p| (p.span.start, p.span.end));
    Report {
        body: Packed::new(&body),
        html_len,
        headings: pack_headings(&headings),
        footnotes: order.len(),
        problems,
    }
}

/// Figures that must not break across lines ("3-5%/năm", "3.322 đảng
/// viên": see [`crate::vi::figure_spans`]) in `<span class="nobr">`, outside
/// code blocks. The plain text is taken before, so it is unchanged.
fn keep_figures_together(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut code = 0usize;
    for event in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Text(t) if code == 0 => {
                let spans = crate::vi::figure_spans(t);
                if !spans.is_empty() {
                    let mut at = 0;
                    for r in spans {
                        if r.start > at {
                            out.push(Event::Text(t[at..r.start].to_owned().into()));
                        }
                        out.push(Event::InlineHtml(CowStr::Borrowed(
                            r#"<span class="nobr">"#,
                        )));
                        out.push(Event::Text(t[r.clone()].to_owned().into()));
                        out.push(Event::InlineHtml(CowStr::Borrowed("</span>")));
                        at = r.end;
                    }
                    if at < t.len() {
                        out.push(Event::Text(t[at..].to_owned().into()));
                    }
                    continue;
                }
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

/// The plain text of the events given to the HTML writer (see
/// [`Report::text`]). Every event but inline markup and text breaks a line:
/// the `Html` events of [`Renderer`] are blocks, its inline pieces
/// (footnote marks, back-links) are `InlineHtml`.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    // Depth inside what is not text: images, links to back-references.
    let mut hidden = 0usize;
    // One entry per open link: whether it is hidden.
    let mut links: Vec<bool> = Vec::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if hidden == 0 {
                    text.push_str(t);
                }
            }
            Event::Start(Tag::Image { .. }) => hidden += 1,
            Event::End(TagEnd::Image) => hidden = hidden.saturating_sub(1),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                let hide = dest_url.contains("fnback") || title.contains("fnback");
                links.push(hide);
                hidden += usize::from(hide);
            }
            Event::End(TagEnd::Link) => {
                if links.pop() == Some(true) {
                    hidden = hidden.saturating_sub(1);
                }
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)
            | Event::InlineHtml(_) => {}
            _ => text.push('\n'),
        }
    }
    text
}

/// The public part of a report's source: every section whose heading has
/// the class `public` (`## Kết quả nổi bật {.public}`: the heading and all
/// that follows it up to the next heading of the same or a higher level),
/// then the definitions of the footnotes those sections reference. Text
/// before the first heading, other sections, and footnotes referenced only
/// from them are left out. The result is Markdown, rendered like a report.
pub(crate) fn public_source(source: &str) -> String {
    let mut headings: Vec<(u8, bool, usize)> = Vec::new();
    let mut definitions: Vec<(String, Range<usize>)> = Vec::new();
    let mut references: Vec<(String, usize)> = Vec::new();
    let mut in_definition = 0usize;
    for (event, range) in Parser::new_ext(source, options(true)).into_offset_iter() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_definition += 1;
                definitions.push((label_key(&label), range));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                in_definition = in_definition.saturating_sub(1);
            }
            Event::Start(Tag::Heading { level, classes, .. }) if in_definition == 0 => {
                let public = classes.iter().any(|c| c.as_ref() == "public");
                headings.push((level as u8, public, range.start));
            }
            Event::FootnoteReference(label) if in_definition == 0 => {
                references.push((label_key(&label), range.start));
            }
            _ => {}
        }
    }
    // The kept ranges, in order and without overlaps.
    let mut kept: Vec<Range<usize>> = Vec::new();
    for (i, &(level, public, start)) in headings.iter().enumerate() {
        if !public {
            continue;
        }
        let end = headings[i + 1..]
            .iter()
            .find(|(l, _, _)| *l <= level)
            .map_or(source.len(), |h| h.2);
        match kept.last_mut() {
            Some(last) if last.end >= start => last.end = last.end.max(end),
            _ => kept.push(start..end),
        }
    }
    // Footnote definitions are cut out of the sections (a definition sits
    // wherever its author put it) and added back only when referenced.
    let mut pieces: Vec<Range<usize>> = Vec::new();
    for range in &kept {
        let mut from = range.start;
        for (_, def) in definitions
            .iter()
            .filter(|(_, d)| d.start >= range.start && d.start < range.end)
        {
            if def.start > from {
                pieces.push(from..def.start);
            }
            from = from.max(def.end);
        }
        if from < range.end {
            pieces.push(from..range.end);
        }
    }
    let used: HashSet<&str> = references
        .iter()
        .filter(|(_, at)| pieces.iter().any(|p| p.contains(at)))
        .map(|(key, _)| key.as_str())
        .collect();
    let mut seen = HashSet::new();
    let mut out = String::new();
    let mut push = |text: &str| {
        let text = text.trim_end();
        if !text.is_empty() {
            out.push_str(text);
            out.push_str("\n\n");
        }
    };
    // Without the sections between them, the kept headings would skip
    // levels (a `####` under the page's `##`): each is raised to at most one
    // level below the one before it, the first to `##`.
    let mut previous = 1u8;
    let mut relevelled: Vec<(usize, usize, u8)> = Vec::new();
    for &(level, _, start) in &headings {
        if !pieces.iter().any(|p| p.contains(&start)) {
            continue;
        }
        let new = level.min(previous + 1);
        previous = new;
        if new != level {
            let indent = source[start..].len() - source[start..].trim_start_matches(' ').len();
            let hashes = source[start + indent..]
                .bytes()
                .take_while(|&b| b == b'#')
                .count();
            if hashes == usize::from(level) {
                relevelled.push((start + indent, hashes, new));
            }
        }
    }
    for piece in pieces {
        let mut text = String::new();
        let mut from = piece.start;
        for &(at, hashes, new) in relevelled.iter().filter(|(at, _, _)| piece.contains(at)) {
            text.push_str(&source[from..at]);
            text.push_str(&"#".repeat(usize::from(new)));
            from = at + hashes;
        }
        text.push_str(&source[from..piece.end]);
        push(&text);
    }
    for (key, def) in &definitions {
        if used.contains(key.as_str()) && seen.insert(key.as_str()) {
            push(&source[def.clone()]);
        }
    }
    out
}

/// Renders one paragraph of inline Markdown (a unit's summary) without the
/// `<p>` wrapper. Raw HTML is escaped; line breaks become spaces; block syntax
/// (headings, lists, quotes, code blocks, tables) is not recognised, so "1. …"
/// or "- …" at the start stays text. Footnotes are not supported and stay text.
pub fn render_inline(source: &str) -> String {
    inline(source, false).0
}

/// [`render_inline`], and the plain text of the same events (see
/// [`Report::text`]): the search index reads a unit's summary from it.
pub(crate) fn render_inline_with_text(source: &str) -> (String, String) {
    inline(source, true)
}

fn inline(source: &str, with_text: bool) -> (String, String) {
    let line = source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut line = escape_block_start(&line);
    // A line starting with a tag is an HTML block, which would hide the
    // Markdown after the tag; autolinks (`<https://…>`) are not, so they stay.
    if matches!(
        Parser::new_ext(&line, options(false)).next(),
        Some(Event::Start(Tag::HtmlBlock))
    ) {
        line.insert(0, '\\');
    }
    let mut links: Vec<bool> = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(&line, options(false)) {
        match event {
            Event::Html(text) | Event::InlineHtml(text) => events.push(Event::Text(text)),
            Event::Start(tag) => match tag {
                Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. } => {
                    let image = matches!(tag, Tag::Image { .. });
                    let safe = !is_unsafe_url(dest_url, image);
                    links.push(safe);
                    if safe {
                        events.push(Event::Start(tag));
                    }
                }
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough => events.push(Event::Start(tag)),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Link | TagEnd::Image => {
                    let kept = links.pop().unwrap_or(false);
                    if kept {
                        events.push(Event::End(tag));
                    }
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                    events.push(Event::End(tag))
                }
                _ => {}
            },
            Event::Text(_) | Event::Code(_) | Event::HardBreak => events.push(event),
            Event::SoftBreak => events.push(Event::Text(CowStr::Borrowed(" "))),
            _ => {}
        }
    }
    let text = if with_text {
        plain_text(&events)
    } else {
        String::new()
    };
    let mut html = String::with_capacity(line.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (html, text)
}

/// Escapes what would make a single line start a block other than a
/// paragraph, so that Markdown reads it as a paragraph.
fn escape_block_start(line: &str) -> String {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else {
        return String::new();
    };
    let next_is_space = bytes.get(1).is_none_or(|b| b.is_ascii_whitespace());
    let only_marks = |mark: u8| {
        bytes.iter().all(|&b| b == mark || b == b' ' || b == b'\t')
            && bytes.iter().filter(|&&b| b == mark).count() >= 3
    };
    let escape_at = match first {
        b'#' | b'>' => Some(0),
        b'~' if line.starts_with("~~~") => Some(0),
        b'-' | b'+' | b'*' if next_is_space || only_marks(first) => Some(0),
        b'_' if only_marks(b'_') => Some(0),
        b'`' if line.starts_with("```") && !line.trim_start_matches('`').contains('`') => Some(0),
        b'[' if starts_with_reference_definition(&line[1..]) => Some(0),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            let after = bytes.get(digits + 1);
            match bytes.get(digits) {
                Some(b'.' | b')')
                    if digits <= 9 && after.is_none_or(|b| b.is_ascii_whitespace()) =>
                {
                    Some(digits)
                }
                _ => None,
            }
        }
        _ => None,
    };
    match escape_at {
        Some(at) => {
            let mut escaped = String::with_capacity(line.len() + 1);
            escaped.push_str(&line[..at]);
            escaped.push('\\');
            escaped.push_str(&line[at..]);
            escaped
        }
        None => line.to_owned(),
    }
}

/// Whether `rest` (what follows a leading `[`) looks like `label]: …`.
fn starts_with_reference_definition(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'[' => return false,
            b']' => return bytes.get(i + 1) == Some(&b':'),
            _ => i += 1,
        }
    }
    false
}

/// Whether a link (or image) destination would run script or embed a
/// document: `javascript:`, `vbscript:`, `data:` (raster images excepted).
fn is_unsafe_url(url: &str, image: bool) -> bool {
    // Browsers ignore leading spaces and control characters, and tabs and
    // newlines anywhere, before they look at the scheme.
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    let Some((scheme, rest)) = cleaned.split_once(':') else {
        return false;
    };
    match scheme {
        "javascript" | "vbscript" => true,
        "data" => {
            !(image
                && ["image/png", "image/gif", "image/jpeg", "image/webp"]
                    .iter()
                    .any(|t| rest.starts_with(t)))
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// First pass: split the events into body and footnote definitions, and find
// references to footnotes that are not defined (pulldown-cmark renders those
// as plain text).

/// One footnote definition as written.
struct Definition<'a> {
    /// The label as written.
    label: CowStr<'a>,
    /// `[^label]:`, for problems.
    marker: Range<usize>,
    events: Vec<(Event<'a>, Range<usize>)>,
}

/// `[^label]` found in plain text.
struct TextReference {
    label: String,
    span: Range<usize>,
}

struct Collected<'a> {
    body: Vec<(Event<'a>, Range<usize>)>,
    definitions: Vec<Definition<'a>>,
    /// Key of a label → index in `definitions` of its first definition.
    by_key: HashMap<String, usize>,
    /// Keys referenced by at least one parsed footnote reference, anywhere.
    referenced: HashSet<String>,
    problems: Vec<Problem>,
}

fn collect(source: &str) -> Collected<'_> {
    let mut body = Vec::new();
    let mut definitions = Vec::new();
    let mut open: Vec<Definition<'_>> = Vec::new();
    let mut referenced = HashSet::new();
    let mut text_refs = Vec::new();
    let mut run: Vec<Range<usize>> = Vec::new();
    let mut in_code_block = 0usize;

    for (event, range) in Parser::new_ext(source, options(true)).into_offset_iter() {
        if let Event::Text(_) = event {
            if in_code_block == 0 {
                run.push(range.clone());
            }
        } else if !run.is_empty() {
            scan_text_run(source, &run, &mut text_refs);
            run.clear();
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
            Event::End(TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                open.push(Definition {
                    label: label.clone(),
                    marker: definition_marker(source, &range),
                    events: Vec::new(),
                });
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(definition) = open.pop() {
                    definitions.push(definition);
                }
                continue;
            }
            Event::FootnoteReference(label) => {
                referenced.insert(label_key(label));
            }
            _ => {}
        }
        match open.last_mut() {
            Some(definition) => definition.events.push((event, range)),
            None => body.push((event, range)),
        }
    }
    if !run.is_empty() {
        scan_text_run(source, &run, &mut text_refs);
    }
    // Unbalanced input can't happen with pulldown-cmark, but never lose text.
    while let Some(definition) = open.pop() {
        definitions.push(definition);
    }

    let mut problems = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // Offsets of the line ends, computed only if a line number is needed.
    let mut newlines: Option<Vec<usize>> = None;
    for (index, definition) in definitions.iter().enumerate() {
        let key = label_key(&definition.label);
        if let Some(&first) = by_key.get(&key) {
            let newlines = newlines
                .get_or_insert_with(|| source.match_indices('\n').map(|(i, _)| i).collect());
            let line = 1 + newlines.partition_point(|&n| n < definitions[first].marker.start);
            problems.push(Problem {
                severity: Severity::Error,
                span: definition.marker.clone(),
                message: Msg::new("footnote_twice").arg("label", &definition.label),
                hint: Some(Msg::new("footnote_twice_hint").arg("line", line)),
            });
        } else {
            by_key.insert(key, index);
        }
    }

    let mut hints = HintFinder::new(&definitions, &by_key);
    for text_ref in text_refs {
        let key = label_key(&text_ref.label);
        if by_key.contains_key(&key) {
            problems.push(Problem {
                severity: Severity::Warning,
                span: text_ref.span,
                message: Msg::new("footnote_as_text").arg("label", &text_ref.label),
                hint: Some(Msg::new("footnote_as_text_hint")),
            });
        } else {
            let hint = hints
                .closest(&key)
                .map(|label| Msg::new("footnote_did_you_mean").arg("label", label))
                .or_else(|| Some(define_footnote(&text_ref.label)));
            problems.push(Problem {
                severity: Severity::Error,
                span: text_ref.span,
                message: Msg::new("footnote_undefined").arg("label", &text_ref.label),
                hint,
            });
        }
    }

    Collected {
        body,
        definitions,
        by_key,
        referenced,
        problems,
    }
}

/// The `[^label]:` part of a definition's range, or the whole range.
fn definition_marker(source: &str, range: &Range<usize>) -> Range<usize> {
    let text = source.get(range.clone()).unwrap_or("");
    if text.starts_with("[^")
        && let Some(end) = text.find("]:")
    {
        return range.start..range.start + end + 2;
    }
    range.clone()
}

/// How pulldown-cmark matches footnote labels: whitespace collapsed, Unicode
/// case-insensitive (approximated here by lower(upper(lower(·)))).
fn label_key(label: &str) -> String {
    let collapsed = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_ascii() {
        collapsed.to_ascii_lowercase()
    } else {
        collapsed.to_lowercase().to_uppercase().to_lowercase()
    }
}

/// Finds `[^label]` in a run of consecutive text events (whose ranges are
/// `run`, in order). Escaped brackets and labels interrupted by anything but
/// text (code, emphasis, links) don't count.
fn scan_text_run(source: &str, run: &[Range<usize>], found: &mut Vec<TextReference>) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    let (start, end) = (first.start, last.end);
    let Some(text) = source.get(start..end) else {
        return;
    };
    let bytes = source.as_bytes();
    let in_run = |pos: usize| {
        let i = run.partition_point(|r| r.end <= pos);
        run.get(i).is_some_and(|r| r.start <= pos)
    };
    let mut from = 0;
    while let Some(offset) = text[from..].find("[^") {
        let open = start + from + offset;
        from += offset + 1;
        if !in_run(open) {
            continue;
        }
        let backslashes = bytes[..open]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            continue;
        }
        // Scan the label like pulldown-cmark does.
        let mut i = open + 2;
        let close = loop {
            if i >= end || i - open > MAX_LABEL_BYTES {
                break None;
            }
            match bytes[i] {
                b'[' | b'\n' | b'\r' => break None,
                b']' => break Some(i),
                b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i += 2,
                _ => i += 1,
            }
        };
        let Some(close) = close else { continue };
        if !in_run(close) {
            continue;
        }
        let label = &source[open + 2..close];
        if label.trim().is_empty() {
            continue;
        }
        found.push(TextReference {
            label: label.to_owned(),
            span: open..close + 1,
        });
        from = close + 1 - start;
    }
}

/// "Did you mean" suggestions among the defined labels.
struct HintFinder<'c> {
    /// (key, label as written), in definition order, first definitions only.
    labels: Vec<(String, &'c str)>,
    cache: HashMap<String, Option<usize>>,
    budget: usize,
}

impl<'c> HintFinder<'c> {
    fn new(definitions: &'c [Definition<'_>], by_key: &HashMap<String, usize>) -> Self {
        let mut firsts: Vec<usize> = by_key.values().copied().collect();
        firsts.sort_unstable();
        HintFinder {
            labels: firsts
                .into_iter()
                .map(|i| (label_key(&definitions[i].label), &*definitions[i].label))
                .collect(),
            cache: HashMap::new(),
            budget: HINT_BUDGET,
        }
    }

    /// The defined label closest to `key`, if it is close: at most a third
    /// of the longer label's characters differ (at least one may).
    fn closest(&mut self, key: &str) -> Option<&'c str> {
        if let Some(found) = self.cache.get(key) {
            return found.map(|i| self.labels[i].1);
        }
        let len = key.chars().count();
        let mut best: Option<(usize, usize)> = None;
        if len <= 64 {
            for (i, (other, _)) in self.labels.iter().enumerate() {
                if self.budget == 0 {
                    break;
                }
                let other_len = other.chars().count();
                let limit = (len.max(other_len) / 3).max(1);
                if other_len > 64 || len.abs_diff(other_len) > limit {
                    continue;
                }
                self.budget -= 1;
                let distance = strsim::osa_distance(key, other);
                if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, i));
                }
            }
        }
        let found = best.map(|(_, i)| i);
        self.cache.insert(key.to_owned(), found);
        found.map(|i| self.labels[i].1)
    }
}

// ---------------------------------------------------------------------------
// Second pass: turn the collected events into the events pulldown-cmark's HTML
// writer gets, numbering footnotes and giving headings ids on the way.

struct Renderer<'s, 'c> {
    source: &'s str,
    /// The namespace, raw (for `Heading::id`) and escaped (for HTML).
    ns: &'s str,
    ns_html: String,
    collected: &'c Collected<'s>,
    labels: &'c Labels,
    /// Definition index → footnote number (1-based).
    numbers: HashMap<usize, usize>,
    /// Footnote number - 1 → definition index.
    order: Vec<usize>,
    /// Footnote number - 1 → references rendered so far.
    ref_counts: Vec<usize>,
    headings: Vec<Heading>,
    heading_count: usize,
    used_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    problems: Vec<Problem>,
}

/// A heading being rendered.
struct OpenHeading {
    level: u8,
    /// Index in the output of the placeholder for the opening tag.
    placeholder: usize,
    title: String,
}

impl<'s, 'c> Renderer<'s, 'c> {
    fn new(source: &'s str, ns: &'s str, collected: &'c Collected<'s>, labels: &'c Labels) -> Self {
        Renderer {
            source,
            ns,
            ns_html: crate::escape::html(ns),
            collected,
            labels,
            numbers: HashMap::new(),
            order: Vec::new(),
            ref_counts: Vec::new(),
            headings: Vec::new(),
            heading_count: 0,
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            problems: Vec::new(),
        }
    }

    fn convert(
        &mut self,
        events: &[(Event<'s>, Range<usize>)],
        out: &mut Vec<Event<'s>>,
        in_footnote: bool,
    ) {
        let mut heading: Option<OpenHeading> = None;
        // One entry per open link or image: whether it is kept.
        let mut links: Vec<bool> = Vec::new();
        // Tables are numbered to name their scrolling wrappers ("Bảng 2").
        let mut tables = 0usize;
        let mut image_depth = 0usize;

        for (event, range) in events {
            if let Some(open) = heading.as_mut() {
                match event {
                    Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                        open.title.push_str(t)
                    }
                    Event::SoftBreak | Event::HardBreak => open.title.push(' '),
                    _ => {}
                }
            }
            match event {
                Event::Html(text) | Event::InlineHtml(text) => out.push(Event::Text(text.clone())),
                Event::Start(Tag::HtmlBlock) => out.push(Event::Start(Tag::Paragraph)),
                Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
                Event::FootnoteReference(label) => {
                    out.push(self.reference(label, range, image_depth > 0));
                }
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some(OpenHeading {
                        level: *level as u8,
                        placeholder: out.len(),
                        title: String::new(),
                    });
                    out.push(Event::Html(CowStr::Borrowed("")));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(open) = heading.take() {
                        self.close_heading(open, out, in_footnote);
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    // A wide table scrolls in its wrapper: the wrapper is a
                    // named region that takes focus, so that it can be
                    // scrolled with the keyboard.
                    tables += 1;
                    let label = self.labels.table.replace("{n}", &tables.to_string());
                    out.push(Event::Html(CowStr::from(format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{label}\">\n"
                    ))));
                    out.push(event.clone());
                }
                Event::End(TagEnd::Table) => {
                    out.push(event.clone());
                    out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                }
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => {
                    let image = matches!(event, Event::Start(Tag::Image { .. }));
                    let safe = !is_unsafe_url(dest_url, image);
                    links.push(safe);
                    if safe {
                        if image {
                            image_depth += 1;
                        }
                        out.push(event.clone());
                    } else {
                        self.problems.push(Problem {
                            severity: Severity::Warning,
                            span: range.clone(),
                            message: Msg::new(if image {
                                "image_removed"
                            } else {
                                "link_removed"
                            })
                            .arg("scheme", dest_url.split(':').next().unwrap_or_default()),
                            hint: Some(Msg::new("link_removed_hint")),
                        });
                    }
                }
                Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                    if links.pop().unwrap_or(false) {
                        if matches!(event, Event::End(TagEnd::Image)) {
                            image_depth = image_depth.saturating_sub(1);
                        }
                        out.push(event.clone());
                    }
                }
                _ => out.push(event.clone()),
            }
        }
        // A heading can't be left open by pulldown-cmark; close it anyway.
        if let Some(open) = heading.take() {
            self.close_heading(open, out, in_footnote);
        }
    }

    /// The HTML of one footnote reference.
    fn reference(&mut self, label: &str, range: &Range<usize>, in_image: bool) -> Event<'s> {
        let key = label_key(label);
        let Some(&definition) = self.collected.by_key.get(&key) else {
            // pulldown-cmark matched a definition this module doesn't know
            // under this key; say so rather than render a dangling link.
            self.problems.push(Problem {
                severity: Severity::Error,
                span: range.clone(),
                message: Msg::new("footnote_undefined").arg("label", label),
                hint: Some(define_footnote(label)),
            });
            return Event::Text(self.source[range.clone()].to_owned().into());
        };
        if in_image {
            // Image descriptions are plain text: no link can go there.
            return Event::Text(format!("[^{label}]").into());
        }
        let number = match self.numbers.get(&definition) {
            Some(&n) => n,
            None => {
                self.order.push(definition);
                self.ref_counts.push(0);
                let n = self.order.len();
                self.numbers.insert(definition, n);
                n
            }
        };
        self.ref_counts[number - 1] += 1;
        let count = self.ref_counts[number - 1];
        let ns = &self.ns_html;
        let id = if count == 1 {
            format!("{ns}-fnref-{number}")
        } else {
            format!("{ns}-fnref-{number}-{count}")
        };
        Event::InlineHtml(
            format!(
                "<sup class=\"fnref\"><a href=\"#{ns}-fn-{number}\" id=\"{id}\" role=\"doc-noteref\">{number}</a></sup>"
            )
            .into(),
        )
    }

    fn close_heading(&mut self, open: OpenHeading, out: &mut Vec<Event<'s>>, in_footnote: bool) {
        self.heading_count += 1;
        let title = open.title.split_whitespace().collect::<Vec<_>>().join(" ");
        let id = self.heading_id(&title);
        let id_html = crate::escape::html(&id);
        let level = open.level;
        let label = &self.labels.heading_anchor;
        out[open.placeholder] = Event::Html(format!("<h{level} id=\"{id_html}\">").into());
        out.push(Event::Html(
            format!(
                " <a class=\"anchor\" href=\"#{id_html}\" aria-label=\"{label}\">#</a></h{level}>\n"
            )
            .into(),
        ));
        if !in_footnote {
            self.headings.push(Heading { level, id, title });
        }
    }

    /// A unique id for a heading titled `title`.
    fn heading_id(&mut self, title: &str) -> String {
        let slug = shorten_slug(crate::vi::slugify(title));
        let slug = if slug.is_empty() {
            format!("section-{}", self.heading_count)
        } else if is_reserved_slug(&slug) {
            format!("section-{slug}")
        } else {
            slug
        };
        let base = format!("{}-{slug}", self.ns);
        if self.used_ids.insert(base.clone()) {
            return base;
        }
        let mut k = self.next_suffix.get(&base).copied().unwrap_or(2);
        loop {
            let candidate = format!("{base}-{k}");
            k += 1;
            if self.used_ids.insert(candidate.clone()) {
                self.next_suffix.insert(base, k);
                return candidate;
            }
        }
    }

    /// The footnotes section, in reference order. Notes first referenced
    /// from inside other notes are numbered as they are met.
    fn render_footnotes(&mut self, out: &mut Vec<Event<'s>>) {
        if self.order.is_empty() {
            return;
        }
        // The heading's text is a text event: the report's plain text has it.
        out.push(Event::Html(
            format!(
                "<section class=\"footnotes\" role=\"doc-endnotes\" aria-labelledby=\"{ns}-footnotes\">\n\
                 <h2 id=\"{ns}-footnotes\">",
                ns = self.ns_html
            )
            .into(),
        ));
        out.push(Event::Text(CowStr::from(self.labels.footnotes.clone())));
        out.push(Event::Html(CowStr::Borrowed("</h2>\n<ol>\n")));
        let collected = self.collected;
        // Index in `out` of the placeholder for each note's back-links.
        let mut backlinks = Vec::new();
        let mut i = 0;
        while i < self.order.len() {
            let number = i + 1;
            let events = &collected.definitions[self.order[i]].events;
            out.push(Event::Html(
                format!("<li id=\"{}-fn-{number}\">\n", self.ns_html).into(),
            ));
            let ends_with_paragraph =
                matches!(events.last(), Some((Event::End(TagEnd::Paragraph), _)));
            match events.split_last() {
                Some((last, rest)) if ends_with_paragraph => {
                    self.convert(rest, out, true);
                    backlinks.push(out.len());
                    out.push(Event::InlineHtml(CowStr::Borrowed("")));
                    out.push(last.0.clone());
                }
                _ => {
                    self.convert(events, out, true);
                    backlinks.push(out.len());
                    out.push(Event::InlineHtml(CowStr::Borrowed("")));
                }
            }
            out.push(Event::Html(CowStr::Borrowed("</li>\n")));
            i += 1;
        }
        out.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
        for (i, &at) in backlinks.iter().enumerate() {
            out[at] = Event::InlineHtml(self.backlinks(i + 1).into());
        }
    }

    fn backlinks(&self, number: usize) -> String {
        let ns = &self.ns_html;
        let mut html = String::new();
        for k in 1..=self.ref_counts[number - 1] {
            let label = if k == 1 {
                &self.labels.backlink
            } else {
                &self.labels.backlink_again
            };
            let label = label
                .replace("{n}", &number.to_string())
                .replace("{k}", &k.to_string());
            if k == 1 {
                let _ = write!(
                    html,
                    " <a href=\"#{ns}-fnref-{number}\" class=\"fnback\" role=\"doc-backlink\" aria-label=\"{label}\">↩</a>"
                );
            } else {
                let _ = write!(
                    html,
                    " <a href=\"#{ns}-fnref-{number}-{k}\" class=\"fnback\" role=\"doc-backlink\" aria-label=\"{label}\">↩<sup>{k}</sup></a>"
                );
            }
        }
        html
    }

    /// Warnings for definitions that were never rendered.
    fn report_unused(&mut self) {
        let collected = self.collected;
        let mut firsts: Vec<usize> = collected.by_key.values().copied().collect();
        firsts.sort_unstable();
        for index in firsts {
            if self.numbers.contains_key(&index) {
                continue;
            }
            let definition = &collected.definitions[index];
            let label = &definition.label;
            let hint = if collected.referenced.contains(&label_key(label)) {
                Msg::new("footnote_unused_nested_hint")
            } else {
                Msg::new("footnote_unused_hint").arg("label", label)
            };
            self.problems.push(Problem {
                severity: Severity::Warning,
                span: definition.marker.clone(),
                message: Msg::new("footnote_unused").arg("label", label),
                hint: Some(hint),
            });
        }
    }
}

/// Slugs that would look like the ids this module gives footnotes.
fn is_reserved_slug(slug: &str) -> bool {
    ["fn-", "fnref-"].iter().any(|prefix| {
        slug.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Cuts a slug to at most [`MAX_SLUG`] characters at a `-`.
fn shorten_slug(slug: String) -> String {
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    let cut = slug[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
    slug[..cut].to_string()
}

/// The hint of an undefined footnote.
fn define_footnote(label: &str) -> Msg {
    Msg::new("footnote_undefined_hint").arg("label", label)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report rendered with the Vietnamese labels.
    fn render(source: &str, ns: &str) -> Report {
        super::render(
            source,
            ns,
            &Labels::new(&Strings::new(crate::i18n::Language::Vi)),
        )
    }

    fn errors(report: &Report) -> Vec<&Problem> {
        report
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect()
    }

    fn warnings(report: &Report) -> Vec<&Problem> {
        report
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .collect()
    }

    /// The footnotes section of a rendered report.
    fn section(html: &str) -> &str {
        let start = html
            .find("<section class=\"footnotes\" role=\"doc-endnotes\"")
            .expect("footnotes section");
        &html[start..]
    }

    fn pos(haystack: &str, needle: &str) -> usize {
        haystack
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not found in:\n{haystack}"))
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let src = "Kết nạp đảng viên.[^c] Kiểm tra.[^a] Giám sát.[^b]\n\n\
                   [^a]: Ghi chú A.\n\n[^b]: Ghi chú B.\n\n[^c]: Ghi chú C.\n";
        let report = render(src, "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.footnotes, 3);
        let html = &report.html();
        assert!(html.contains(
            "viên.<sup class=\"fnref\"><a href=\"#r-fn-1\" id=\"r-fnref-1\" role=\"doc-noteref\">1</a></sup>"
        ));
        assert!(html.contains("tra.<sup class=\"fnref\"><a href=\"#r-fn-2\" id=\"r-fnref-2\""));
        assert!(html.contains("sát.<sup class=\"fnref\"><a href=\"#r-fn-3\" id=\"r-fnref-3\""));
        let notes = section(html);
        assert!(pos(notes, "<li id=\"r-fn-1\">") < pos(notes, "Ghi chú C."));
        assert!(pos(notes, "Ghi chú C.") < pos(notes, "<li id=\"r-fn-2\">"));
        assert!(pos(notes, "<li id=\"r-fn-2\">") < pos(notes, "Ghi chú A."));
        assert!(pos(notes, "Ghi chú A.") < pos(notes, "<li id=\"r-fn-3\">"));
        assert!(pos(notes, "<li id=\"r-fn-3\">") < pos(notes, "Ghi chú B."));
        // Labels never leak into the output; the section comes last.
        assert!(!html.contains("footnote-definition"));
        assert!(html.trim_end().ends_with("</ol>\n</section>"));
    }

    #[test]
    fn several_references_to_one_note_get_one_backlink_each() {
        let src = "Lần một[^x], lần hai[^x], lần ba[^x].\n\n[^x]: Chỉ một ghi chú.\n";
        let report = render(src, "u7");
        assert_eq!(report.footnotes, 1);
        let html = &report.html();
        assert!(html.contains("id=\"u7-fnref-1\""));
        assert!(
            html.contains("<a href=\"#u7-fn-1\" id=\"u7-fnref-1-2\" role=\"doc-noteref\">1</a>")
        );
        assert!(html.contains("id=\"u7-fnref-1-3\""));
        assert_eq!(html.matches("<li id=").count(), 1);
        let notes = section(html);
        assert!(notes.contains(
            "Chỉ một ghi chú. <a href=\"#u7-fnref-1\" class=\"fnback\" role=\"doc-backlink\" aria-label=\""
        ));
        assert!(notes.contains("href=\"#u7-fnref-1-2\" class=\"fnback\""));
        assert!(notes.contains("href=\"#u7-fnref-1-3\" class=\"fnback\""));
        assert_eq!(notes.matches("class=\"fnback\"").count(), 3);
        assert_eq!(notes.matches("↩").count(), 3);
        // The back-links sit inside the last paragraph of the note.
        assert!(pos(notes, "fnref-1-3") < pos(notes, "</p>"));
    }

    #[test]
    fn undefined_reference_is_an_error_with_its_exact_span() {
        let src = "Đạt 98%[^ghichu1] và vượt[^khac].\n\n[^ghichu2]: Có.\n\n[^khac]: Khác.\n";
        let report = render(src, "r");
        let errors = errors(&report);
        assert_eq!(errors.len(), 1, "{:?}", report.problems);
        let error = errors[0];
        assert_eq!(&src[error.span.clone()], "[^ghichu1]");
        let start = src.find("[^ghichu1]").unwrap();
        assert_eq!(error.span, start..start + "[^ghichu1]".len());
        assert_eq!(error.message.en(), "footnote `[^ghichu1]` is not defined");
        assert_eq!(
            error.hint.as_ref().map(Msg::en).as_deref(),
            Some("did you mean `[^ghichu2]`?")
        );
        // Shown as text; the defined note still works.
        assert!(report.html().contains("98%[^ghichu1] và"));
        assert!(report.html().contains("id=\"r-fnref-1\""));
        // …and the unreferenced `ghichu2` is reported too.
        assert_eq!(warnings(&report).len(), 1);
    }

    #[test]
    fn undefined_reference_far_from_every_label_is_told_how_to_define_it() {
        let src = "A[^1] B[^nguon-so-lieu]\n\n[^1]: x\n";
        let report = render(src, "r");
        let errors = errors(&report);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message.en(),
            "footnote `[^nguon-so-lieu]` is not defined"
        );
        let hint = errors[0].hint.as_ref().map(Msg::en).unwrap_or_default();
        assert!(hint.contains("`[^nguon-so-lieu]: "), "{hint}");
        assert!(!hint.contains("did you mean"), "{hint}");
    }

    #[test]
    fn references_inside_code_do_not_count() {
        let src = "Cú pháp `[^a]` và `[^khong]`.\n\n```\n[^a] [^khong2]\n```\n\n    [^khong3]\n\n[^a]: Ghi chú.\n";
        let report = render(src, "r");
        assert!(errors(&report).is_empty(), "{:?}", report.problems);
        assert_eq!(report.footnotes, 0);
        assert!(report.html().contains("<code>[^a]</code>"));
        assert!(report.html().contains("[^a] [^khong2]"));
        assert!(!report.html().contains("fnref"));
        let warnings = warnings(&report);
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].message.en(),
            "footnote `[^a]` is defined but never referenced"
        );
    }

    #[test]
    fn escaped_reference_is_text_not_an_error() {
        let report = render("Viết \\[^x] để tạo chú thích.\n", "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.html().contains("Viết [^x] để"));
    }

    #[test]
    fn unused_definition_is_a_warning_and_left_out() {
        let src = "Văn bản[^1].\n\n[^1]: Dùng.\n\n[^thua]: Không dùng.\n";
        let report = render(src, "r");
        assert!(errors(&report).is_empty());
        let warnings = warnings(&report);
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].message.en(),
            "footnote `[^thua]` is defined but never referenced"
        );
        assert_eq!(&src[warnings[0].span.clone()], "[^thua]:");
        assert!(!report.html().contains("Không dùng"));
        assert_eq!(report.footnotes, 1);
        assert_eq!(report.html().matches("<li id=").count(), 1);
    }

    #[test]
    fn duplicate_definition_is_an_error_on_the_second() {
        let src = "X[^a]\n\n[^a]: Thứ nhất.\n\n[^a]: Thứ hai.\n";
        let report = render(src, "r");
        let errors = errors(&report);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message.en(),
            "footnote `[^a]` is defined more than once"
        );
        assert_eq!(errors[0].span.start, src.rfind("[^a]:").unwrap());
        assert!(report.html().contains("Thứ nhất."));
        assert!(!report.html().contains("Thứ hai."));
        assert!(warnings(&report).is_empty());
        assert!(
            errors[0]
                .hint
                .as_ref()
                .map(Msg::en)
                .as_deref()
                .unwrap()
                .contains("line 3")
        );
    }

    #[test]
    fn labels_match_case_insensitively_like_pulldown() {
        let src = "A[^Đb] B[^đB]\n\n[^đb]: Một.\n";
        let report = render(src, "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.footnotes, 1);
        assert!(report.html().contains("id=\"r-fnref-1-2\""));
    }

    #[test]
    fn note_first_referenced_from_another_note_is_numbered_after_it() {
        let src = "Văn bản[^a].\n\n[^b]: Chi tiết.\n\n[^a]: Xem thêm[^b].\n\n[^c]: Chỉ có c dẫn tới d[^d].\n\n[^d]: D.\n";
        let report = render(src, "r");
        assert_eq!(report.footnotes, 2);
        let html = report.html();
        let notes = section(&html);
        assert!(notes.contains("<li id=\"r-fn-1\">\n<p>Xem thêm<sup class=\"fnref\"><a href=\"#r-fn-2\" id=\"r-fnref-2\""));
        assert!(pos(notes, "<li id=\"r-fn-2\">") < pos(notes, "Chi tiết."));
        let warnings = warnings(&report);
        assert_eq!(warnings.len(), 2, "{:?}", report.problems);
        assert!(warnings.iter().any(|w| w.message.en().contains("[^c]")));
        let d = warnings
            .iter()
            .find(|w| w.message.en().contains("[^d]"))
            .unwrap();
        assert!(
            d.hint
                .as_ref()
                .map(Msg::en)
                .as_deref()
                .unwrap()
                .contains("only referenced from footnotes")
        );
    }

    #[test]
    fn figures_are_kept_on_one_line_but_the_text_is_unchanged() {
        let report = render(
            "Tăng 3-5%/năm; có 3.322 đảng viên.\n\n```\n3-5%/năm\n```\n",
            "r",
        );
        let html = report.html();
        assert!(
            html.contains(r#"Tăng <span class="nobr">3-5%/năm;</span>"#)
                || html.contains(r#"Tăng <span class="nobr">3-5%/năm</span>;"#),
            "{html}"
        );
        assert!(
            html.contains(r#"có <span class="nobr">3.322 đảng</span> viên."#),
            "{html}"
        );
        assert!(
            html.contains("<code>3-5%/năm\n</code>"),
            "a code block changed: {html}"
        );
    }

    #[test]
    fn definitions_may_hold_paragraphs_lists_and_emphasis() {
        let src = "Số liệu[^sl].\n\n[^sl]: Đoạn *một*.\n\n    Đoạn **hai**:\n\n    - 38 đảng bộ cơ sở;\n    - 33 chi bộ cơ sở.\n";
        let report = render(src, "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let html = report.html();
        let notes = section(&html);
        assert!(notes.contains("<p>Đoạn <em>một</em>.</p>"));
        assert!(notes.contains("<p>Đoạn <strong>hai</strong>:</p>"));
        assert!(notes.contains(
            "<li><span class=\"nobr\">33 chi</span> bộ cơ sở.</li>\n</ul>\n <a href=\"#r-fnref-1\" class=\"fnback\""
        ));
        assert!(notes.ends_with("</a></li>\n</ol>\n</section>\n"));
    }

    #[test]
    fn footnote_in_table_cell_and_definition_in_list() {
        let src = "| Năm | Kết nạp |\n|---|--:|\n| 2021[^n] | 102 |\n\n- mục\n\n  [^n]: Trong danh sách.\n";
        let report = render(src, "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(
            report
                .html()
                .contains("<td>2021<sup class=\"fnref\"><a href=\"#r-fn-1\"")
        );
        assert!(section(&report.html()).contains("Trong danh sách."));
    }

    #[test]
    fn heading_ids_are_vietnamese_slugs_with_numbering() {
        let src = "## I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT\n\n### 2.1.1. Công tác kiểm tra\n\n#### 1.1. Thuận lợi\n";
        let report = render(src, "don-vi");
        assert_eq!(
            report.headings(),
            vec![
                Heading {
                    level: 2,
                    id: "don-vi-i-boi-canh-thuc-hien-nghi-quyet".into(),
                    title: "I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT".into()
                },
                Heading {
                    level: 3,
                    id: "don-vi-2-1-1-cong-tac-kiem-tra".into(),
                    title: "2.1.1. Công tác kiểm tra".into()
                },
                Heading {
                    level: 4,
                    id: "don-vi-1-1-thuan-loi".into(),
                    title: "1.1. Thuận lợi".into()
                },
            ]
        );
        assert!(report.html().contains(
            "<h3 id=\"don-vi-2-1-1-cong-tac-kiem-tra\">2.1.1. Công tác kiểm tra <a class=\"anchor\" href=\"#don-vi-2-1-1-cong-tac-kiem-tra\" aria-label=\""
        ));
        assert!(report.html().contains(">#</a></h3>"));
    }

    #[test]
    fn duplicate_heading_ids_get_suffixes() {
        let src = "## Kết quả\n\n## Kết quả\n\n## Kết quả 2\n\n## Kết quả\n";
        let report = render(src, "r");
        let ids: Vec<String> = report.headings().into_iter().map(|h| h.id).collect();
        assert_eq!(
            ids,
            ["r-ket-qua", "r-ket-qua-2", "r-ket-qua-2-2", "r-ket-qua-3"]
        );
        for id in ids {
            assert_eq!(report.html().matches(&format!("id=\"{id}\"")).count(), 1);
        }
    }

    #[test]
    fn headings_without_slug_or_like_footnote_ids_are_renamed() {
        let src = "## ***\n\n## —\n\n## Fn 1\n\n## Section 2\n";
        let report = render(src, "r");
        let ids: Vec<String> = report.headings().into_iter().map(|h| h.id).collect();
        assert_eq!(
            ids,
            [
                "r-section-1",
                "r-section-2",
                "r-section-fn-1",
                "r-section-2-2"
            ]
        );
    }

    #[test]
    fn heading_title_is_plain_text_without_notes_or_anchor() {
        let src = "## 1. Công tác *kiểm tra* `KT`[^1]\n\n[^1]: Ghi chú.\n";
        let report = render(src, "r");
        assert_eq!(report.headings()[0].title, "1. Công tác kiểm tra KT");
        assert!(
            report
                .html()
                .contains("<em>kiểm tra</em> <code>KT</code><sup class=\"fnref\">")
        );
    }

    #[test]
    fn raw_html_is_escaped() {
        let src = "<script>alert(1)</script>\n\nĐoạn có <b onclick=\"x()\">thẻ</b> nội dòng.\n\n## Tiêu đề <i>nghiêng</i>\n";
        let report = render(src, "r");
        let html = &report.html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "));
        assert!(!html.contains("<i>"));
        assert!(html.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b onclick=\"x()\"&gt;thẻ&lt;/b&gt;"));
        assert!(html.contains("&lt;i&gt;nghiêng&lt;/i&gt;"));
    }

    #[test]
    fn unsafe_links_are_removed_with_a_warning() {
        let src = "[bấm](javascript:alert(1)) và [trang](https://example.org) và ![ảnh](data:text/html,x)\n";
        let report = render(src, "r");
        assert!(!report.html().to_ascii_lowercase().contains("javascript:"));
        assert!(!report.html().contains("data:text"));
        assert!(
            report
                .html()
                .contains("<a href=\"https://example.org\">trang</a>")
        );
        assert!(report.html().contains("bấm"));
        assert_eq!(warnings(&report).len(), 2);
    }

    #[test]
    fn tables_are_wrapped_and_aligned() {
        let src = "| Năm | Kết nạp |\n|---|--:|\n| 2021 | 102 |\n| 2022 | 98 |\n";
        let report = render(src, "r");
        let html = &report.html();
        assert!(
            html.contains(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Bảng 1\">\n<table>"
            ),
            "{html}"
        );
        assert!(html.contains("</table>\n</div>"));
        assert!(html.contains("<td style=\"text-align: right\">102</td>"));
        assert!(pos(html, "table-wrap") < pos(html, "<table>"));
    }

    #[test]
    fn strikethrough_on_smart_punctuation_off_heading_attributes_read_not_rendered() {
        let report = render(
            "## Tiêu đề {#rieng .public}\n\n~~cũ~~ \"mới\" -- ...\n",
            "r",
        );
        assert!(report.html().contains("<del>cũ</del>"));
        assert!(report.html().contains("\"mới\" -- ..."));
        // `{.public}` marks a section for the public build (`public_source`);
        // attributes never reach the page, and ids stay ours.
        assert_eq!(report.headings()[0].title, "Tiêu đề");
        assert_eq!(report.headings()[0].id, "r-tieu-de");
        assert!(!report.html().contains("rieng") && !report.html().contains("public"));
    }

    #[test]
    fn forty_nine_footnotes_are_numbered_one_to_forty_nine() {
        let mut src = String::from("## I- BỐI CẢNH\n\n");
        // Defined in reverse order to show definition order doesn't matter.
        for n in 1..=49 {
            src.push_str(&format!("Đoạn {n} có số liệu chi tiết.[^{}]\n\n", 100 - n));
        }
        for n in (1..=49).rev() {
            src.push_str(&format!("[^{}]: Chi tiết của đoạn {n}.\n\n", 100 - n));
        }
        let report = render(&src, "r");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.footnotes, 49);
        let html = report.html();
        let notes = section(&html);
        let mut last = 0;
        for n in 1..=49 {
            let reference = format!(
                "Đoạn <span class=\"nobr\">{n} có</span> số liệu chi tiết.<sup class=\"fnref\"><a href=\"#r-fn-{n}\" id=\"r-fnref-{n}\" role=\"doc-noteref\">{n}</a></sup>"
            );
            assert!(report.html().contains(&reference), "{reference}");
            let item =
                format!("<li id=\"r-fn-{n}\">\n<p>Chi tiết của đoạn {n}. <a href=\"#r-fnref-{n}\"");
            let at = pos(notes, &item);
            assert!(at >= last);
            last = at;
        }
        assert!(!report.html().contains("r-fn-50"));
    }

    /// About the size of a real report (~115 KB, 50 footnotes). Rendering it
    /// takes a few milliseconds; the time is not asserted.
    #[test]
    fn renders_a_full_size_report() {
        let paragraph = "Đảng bộ Khối có 71 tổ chức cơ sở đảng với 3322 đảng viên; \
                         công tác kiểm tra, giám sát được tăng cường, kết nạp 305 đảng viên. ";
        let mut src = String::new();
        let mut n = 0;
        while src.len() < 115_000 {
            let section = src.len() / 10_000 + 1;
            if src.len() % 10_000 < 400 {
                src.push_str(&format!(
                    "## {section}. Mục {section}\n\n### {section}.1. Kết quả\n\n"
                ));
            }
            src.push_str(paragraph);
            if n < 50 && src.len() > (n + 1) * 2_000 {
                n += 1;
                src.push_str(&format!("[^{n}]"));
            }
            src.push_str(paragraph);
            src.push_str(
                "\n\n| STT | Mục tiêu | Thực hiện |\n|--:|---|--:|\n| 1 | 95% | 98% |\n\n",
            );
        }
        for k in 1..=n {
            src.push_str(&format!(
                "[^{k}]: Trong đó 38 đảng bộ cơ sở, 33 chi bộ cơ sở.\n\n"
            ));
        }
        let started = std::time::Instant::now();
        let report = render(&src, "r");
        let elapsed = started.elapsed();
        eprintln!("{} bytes, {n} footnotes: {elapsed:?}", src.len());
        assert!(src.len() > 115_000);
        assert_eq!(report.footnotes, 50);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.html().contains("id=\"r-fn-50\""));
        assert!(!report.headings().is_empty());
    }

    #[test]
    fn headings_that_do_not_read_back_leave_an_empty_list() {
        let mut report = render("## Một\n\n### Hai\n", "r");
        assert_eq!(report.headings().len(), 2);
        report.headings = Packed::new("[[2, \"r-mot\"");
        assert!(report.headings().is_empty());
    }

    #[test]
    fn output_is_deterministic() {
        let src = "## A\n\nx[^b] y[^a] z[^zz]\n\n[^a]: 1\n\n[^b]: 2\n\n[^c]: 3\n\n## A\n";
        let first = render(src, "r");
        for _ in 0..5 {
            let again = render(src, "r");
            assert_eq!(again.html(), first.html());
            assert_eq!(again.problems, first.problems);
            assert_eq!(again.headings(), first.headings());
        }
        let starts: Vec<usize> = first.problems.iter().map(|p| p.span.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn namespace_is_escaped_in_html_but_raw_in_headings() {
        let report = render("## A\n\nx[^1]\n\n[^1]: y\n", "a\"b");
        assert_eq!(report.headings()[0].id, "a\"b-a");
        assert!(report.html().contains("id=\"a&quot;b-a\""));
        assert!(report.html().contains("href=\"#a&quot;b-fn-1\""));
        assert!(!report.html().contains("a\"b"));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "",
            "[",
            "[^",
            "[^]",
            "[^ ]",
            "[^x",
            "x]",
            "[^[^[^a]]]",
            "[^a]:",
            "[^a]: [^a]",
            "[^a]: x[^b]\n\n[^b]: y[^a]\n\nz[^a]",
            "[^a]:\n    [^b]: nested\n\n[^a] [^b]",
            "| a | b |\n|---|---|\n| [^x] | [^y\\|z] |\n\n[^x]: cell",
            "- item\n\n  [^li]: in list\n\n[^li]",
            "> [^q]: quoted\n\n[^q] [^Q]",
            "![alt [^1]](img.png)\n\n[^1]: x",
            "![^1]\n\n[^1]: y",
            "[^1][^2][^3]\n\n[^2]: b",
            "\\\\[^1] \\[^2]",
            "# \n\n#\n\n##   ",
            "<div>\n\n[^x]\n\n</div>",
            "```\n[^x]\n",
            "`[^x]",
            "[x](javascript:void(0)) [y]( JaVa\tScRiPt:x) ![z](data:image/png;base64,AAAA)",
            "Đ[^đ] [^ĐĐ]\n\n[^đđ]: x",
            "\u{0}[^\u{0}]\r\n[^\u{0}]: nul",
            "[^a]: x\n[^a]: y\n[^a]: z",
            "a\r\n\r\n[^b]\r\n\r\n[^b]: c\r\n",
        ];
        for input in inputs {
            let report = render(input, "r");
            for problem in &report.problems {
                assert!(
                    input.get(problem.span.clone()).is_some(),
                    "{input:?}: {problem:?}"
                );
            }
            let _ = render_inline(input);
        }
        let long = "[^".repeat(5_000) + &"]".repeat(5_000) + &"[^x ".repeat(3_000);
        let _ = render(&long, "r");
        let _ = render_inline(&long);
    }

    #[test]
    fn inline_has_no_paragraph_and_keeps_block_markers_as_text() {
        assert_eq!(
            render_inline("Đảng bộ có **3.322** đảng viên."),
            "Đảng bộ có <strong>3.322</strong> đảng viên."
        );
        assert_eq!(render_inline("1. Đạt chỉ tiêu"), "1. Đạt chỉ tiêu");
        assert_eq!(render_inline("- Vượt 1,6%"), "- Vượt 1,6%");
        assert_eq!(
            render_inline("# Không phải tiêu đề"),
            "# Không phải tiêu đề"
        );
        assert_eq!(render_inline("> trích"), "&gt; trích");
        assert_eq!(
            render_inline("*nhấn mạnh* đầu câu"),
            "<em>nhấn mạnh</em> đầu câu"
        );
        assert_eq!(render_inline("~~cũ~~ mới"), "<del>cũ</del> mới");
        assert_eq!(
            render_inline("dòng một\ndòng hai\n\nđoạn hai"),
            "dòng một dòng hai đoạn hai"
        );
        assert_eq!(render_inline("[x]: http://a"), "[x]: http://a");
        assert_eq!(render_inline(""), "");
    }

    #[test]
    fn inline_escapes_raw_html_and_unsafe_links() {
        let html =
            render_inline("<script>x</script> và <b>đậm</b> [a](javascript:x) [b](/don-vi/)");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!html.contains("javascript"));
        assert!(html.contains("<a href=\"/don-vi/\">b</a>"));
        assert!(!html.contains("<p>"));
        assert_eq!(render_inline("Ghi chú[^1]"), "Ghi chú[^1]");
    }

    #[test]
    fn long_heading_ids_are_cut_at_a_word() {
        let report = render(
            "# TÌNH HÌNH THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH LẦN THỨ IV\n",
            "bc",
        );
        let id = &report.headings()[0].id;
        assert_eq!(
            id,
            "bc-tinh-hinh-thuc-hien-nghi-quyet-dai-hoi-dang-bo-khoi-cac-co"
        );
    }

    #[test]
    fn footnotes_section_has_a_heading() {
        let report = render("Văn bản.[^1]\n\n[^1]: Chú thích.\n", "bc");
        assert!(
            report
                .html()
                .contains("<h2 id=\"bc-footnotes\">Chú thích</h2>"),
            "{}",
            report.html()
        );
    }
}
