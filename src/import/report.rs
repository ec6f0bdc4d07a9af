//! A Word report ([`Doc`]) → what a unit holds: the fields of the header
//! block and the closing block (`unit.toml`), the body as Markdown
//! (`report.md`) and the appendix of indicators (`[[indicators]]`).
//!
//! The administrative layout of Nghị định 30/2020 is read, not assumed:
//! a field that is not found stays absent. Pure: no IO.

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use super::docx::{Block, Cell, Doc, Inline, Merged, Para, Table};
use super::words::{self, ReadFigure};
use crate::diag::Msg;
use crate::target;
use crate::vi::fold;

/// What the header block and the closing block say.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Fields {
    /// The body above the issuer ("ĐẢNG BỘ TỈNH LAI CHÂU").
    pub superior: Option<String>,
    /// The issuing body as written ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN…").
    pub issuer: Option<String>,
    /// "Số 152-KH/TU"; absent when the number is left blank.
    pub document_number: Option<String>,
    pub place: Option<String>,
    pub date: Option<Date>,
    /// The document's kind ("BÁO CÁO", "KẾ HOẠCH").
    pub kind: Option<String>,
    pub title: Option<String>,
    pub signer: Option<String>,
    pub signer_title: Option<String>,
}

/// An indicator of the appendix, or one of its parts.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Indicator {
    pub id: String,
    pub group: Option<String>,
    pub description: String,
    /// The target as a target expression (`> 95%`), when the words read.
    pub target: Option<String>,
    pub actual: Option<ReadFigure>,
    pub stated: Option<String>,
    pub note: Option<String>,
    pub parts: Vec<Indicator>,
}

/// A report read from a Word document.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub fields: Fields,
    pub markdown: String,
    pub footnotes: usize,
    pub indicators: Vec<Indicator>,
    /// What was read but not understood, for the person importing.
    pub warnings: Vec<Msg>,
}

/// Converts a document.
pub(crate) fn convert(doc: &Doc) -> Imported {
    let blocks = &doc.blocks;
    let mut fields = Fields::default();
    let mut i = header(blocks, &mut fields);
    i = title(blocks, i, &mut fields);

    // The closing block (Nơi nhận, the signer) and the appendix after it.
    let appendix = blocks
        .iter()
        .enumerate()
        .skip(i)
        .position(|(_, b)| matches!(b, Block::Para(p) if is_appendix(&p.text())))
        .map(|k| k + i);
    let closing = blocks
        .iter()
        .enumerate()
        .take(appendix.unwrap_or(blocks.len()))
        .skip(i)
        .find(|(_, b)| is_closing(b))
        .map(|(k, _)| k);
    if let Some(start) = closing {
        signer(
            &blocks[start..appendix.unwrap_or(blocks.len())],
            &mut fields,
        );
    }

    let mut out = Writer::new(doc, styled_headings(blocks));
    if let Some(title) = &fields.title {
        let _ = write!(out.text, "## {}\n\n", escape_line_start(&escape(title)));
    }
    let body_end = closing.or(appendix).unwrap_or(blocks.len());
    for block in &blocks[i..body_end] {
        out.block(block);
    }
    let mut indicators = Vec::new();
    let mut warnings = Vec::new();
    if let Some(start) = appendix {
        let mut found = false;
        for block in &blocks[start..] {
            out.block(block);
            if let Block::Table(table) = block
                && !found
                && let Some(read) = appendix_table(table, &mut warnings)
            {
                indicators = read;
                found = true;
            }
        }
    }
    let footnotes = out.notes.len();
    let markdown = out.finish(&mut warnings);
    Imported {
        fields,
        markdown,
        footnotes,
        indicators,
        warnings,
    }
}

// ---------------------------------------------------------------------------
// The header block, the title, the closing block
// ---------------------------------------------------------------------------

fn is_party_line(folded: &str) -> bool {
    folded.contains("dang cong san viet nam")
        || folded.contains("cong hoa xa hoi chu nghia viet nam")
        || folded.starts_with("doc lap - tu do")
}

fn is_rule(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '-' | '*' | '_' | '=' | '–' | '—' | ' '))
}

fn is_upper(text: &str) -> bool {
    text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase)
}

/// "Số 152-KH/TU" → the number as written (spaces collapsed); `None` for
/// a line that is no number, `Some(None)` for a number left blank.
fn number_line(text: &str) -> Option<Option<String>> {
    let folded = fold(text);
    let rest = folded.strip_prefix("so")?;
    if !(rest.starts_with(' ')
        || rest.starts_with(':')
        || rest.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    if !rest.contains('/') && !rest.contains('-') {
        return None;
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(
        collapsed
            .chars()
            .any(|c| c.is_ascii_digit())
            .then_some(collapsed),
    )
}

/// "Lai Châu, ngày 20 tháng 7 năm 2023" → (place, date).
fn date_line(text: &str) -> Option<(Option<String>, Date)> {
    let folded = fold(text);
    let at = folded.find("ngay ")?;
    let words: Vec<&str> = folded[at..]
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let [ngay, d, thang, m, nam, y, ..] = words.as_slice() else {
        return None;
    };
    if (*ngay, *thang, *nam) != ("ngay", "thang", "nam") {
        return None;
    }
    let date = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    let place = text
        .split_once(',')
        .map(|(p, _)| p.trim().to_string())
        .filter(|p| !p.is_empty() && !fold(p).starts_with("ngay"));
    Some((place, date))
}

fn header_line(text: &str) -> bool {
    let folded = fold(text);
    is_party_line(&folded) || number_line(text).is_some() || date_line(text).is_some()
}

/// Reads the header block (a table or leading paragraphs); returns the
/// index of the first block after it.
fn header(blocks: &[Block], fields: &mut Fields) -> usize {
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    // Leading tables holding header lines.
    while let Some(Block::Table(table)) = blocks.get(i) {
        let cells: Vec<String> = table
            .rows
            .iter()
            .flatten()
            .flat_map(|c| c.paras.iter().map(|p| p.text().trim().to_string()))
            .collect();
        if !cells.iter().any(|t| header_line(t)) {
            break;
        }
        lines.extend(cells);
        i += 1;
    }
    // Leading paragraphs, when one of them is a header line and the
    // document's kind ("BÁO CÁO") follows within a few paragraphs.
    if lines.is_empty() {
        let kind_at = blocks
            .iter()
            .take(16)
            .position(|b| matches!(b, Block::Para(p) if is_kind(p)));
        if let Some(end) = kind_at {
            let paras: Vec<String> = blocks[..end]
                .iter()
                .filter_map(|b| match b {
                    Block::Para(p) => Some(p.text().trim().to_string()),
                    Block::Table(_) => None,
                })
                .collect();
            if paras.iter().any(|t| header_line(t)) {
                lines = paras;
                i = end;
            }
        }
    }
    let mut bodies = Vec::new();
    for line in lines.iter().filter(|l| !l.is_empty()) {
        let folded = fold(line);
        if is_party_line(&folded) || is_rule(line) {
            continue;
        }
        if let Some(number) = number_line(line) {
            fields.document_number = number;
        } else if let Some((place, date)) = date_line(line) {
            fields.place = place;
            fields.date = Some(date);
        } else if is_upper(line) && fields.document_number.is_none() {
            bodies.push(line.clone());
        }
    }
    match bodies.as_slice() {
        [] => {}
        [issuer] => fields.issuer = Some(issuer.clone()),
        [superior, rest @ ..] => {
            fields.superior = Some(superior.clone());
            fields.issuer = Some(rest.join(" "));
        }
    }
    i
}

/// The kinds of party documents (Hướng dẫn 36-HD/VPTW), folded.
const KINDS: &[&str] = &[
    "bao cao",
    "ke hoach",
    "to trinh",
    "nghi quyet",
    "chuong trinh",
    "thong bao",
    "de an",
    "huong dan",
    "quyet dinh",
    "chi thi",
    "ket luan",
    "cong van",
    "de cuong",
    "tham luan",
    "quy che",
    "quy dinh",
];

/// A paragraph naming the document's kind: "BÁO CÁO", "KẾ HOẠCH".
fn is_kind(p: &Para) -> bool {
    let text = p.text();
    let text = text.trim();
    let folded = fold(text);
    p.heading.is_none()
        && is_upper(text)
        && text.split_whitespace().count() <= 4
        && KINDS.iter().any(|k| folded.starts_with(k))
        && (p.centered || p.all_bold())
}

/// Reads the document's kind and title after the header; returns the index
/// of the first block of the body.
fn title(blocks: &[Block], mut i: usize, fields: &mut Fields) -> usize {
    let empty = |b: &Block| matches!(b, Block::Para(p) if p.text().trim().is_empty());
    while blocks.get(i).is_some_and(empty) {
        i += 1;
    }
    let Some(Block::Para(first)) = blocks.get(i) else {
        return i;
    };
    if first.title && !is_kind(first) {
        fields.title = Some(collapse(&first.text()));
        return i + 1;
    }
    if !is_kind(first) {
        return i;
    }
    fields.kind = Some(collapse(&first.text()));
    i += 1;
    let mut lines = Vec::new();
    while let Some(Block::Para(p)) = blocks.get(i) {
        let text = p.text();
        if text.trim().is_empty() {
            i += 1;
            if lines.is_empty() {
                continue;
            }
            break;
        }
        if is_rule(&text) || !(p.centered || p.title) || p.heading.is_some() || p.number.is_some() {
            break;
        }
        lines.push(collapse(&text));
        i += 1;
    }
    if !lines.is_empty() {
        fields.title = Some(lines.join(" "));
    }
    while let Some(Block::Para(p)) = blocks.get(i) {
        let text = p.text();
        if !(text.trim().is_empty() || is_rule(&text)) {
            break;
        }
        i += 1;
    }
    i
}

fn is_recipients(text: &str) -> bool {
    fold(text).starts_with("noi nhan")
}

fn is_appendix(text: &str) -> bool {
    fold(text).starts_with("phu luc")
}

fn is_closing(block: &Block) -> bool {
    match block {
        Block::Para(p) => is_recipients(&p.text()),
        Block::Table(t) => t
            .rows
            .iter()
            .flatten()
            .any(|c| c.paras.first().is_some_and(|p| is_recipients(&p.text()))),
    }
}

/// Reads the signer from the closing block: the lines of the signer's
/// column without the "T/M", "K/T" lines and bracketed remarks; the last is
/// the name, the one before it the title.
fn signer(blocks: &[Block], fields: &mut Fields) {
    let mut lines: Vec<String> = Vec::new();
    let mut recipients = false;
    for block in blocks {
        match block {
            Block::Table(t) => {
                for cell in t.rows.iter().flatten() {
                    if cell.paras.first().is_some_and(|p| is_recipients(&p.text())) {
                        continue;
                    }
                    lines.extend(cell.paras.iter().map(|p| p.text()));
                }
            }
            Block::Para(p) => {
                let text = p.text();
                if is_recipients(&text) {
                    recipients = true;
                    continue;
                }
                let t = text.trim();
                let listed = p.number.is_some()
                    || t.starts_with('-')
                    || t.starts_with('+')
                    || t.starts_with('•');
                if recipients && listed {
                    continue;
                }
                recipients = false;
                lines.push(text);
            }
        }
    }
    let kept: Vec<String> = lines
        .iter()
        .map(|l| collapse(l))
        .filter(|l| !(l.is_empty() || l.starts_with('(') && l.ends_with(')')))
        .filter(|l| {
            let f = fold(l);
            ![
                "t/m", "tm.", "tm ", "k/t", "kt.", "kt ", "t/l", "tl.", "tl ", "q.", "tuq",
            ]
            .iter()
            .any(|p| f.starts_with(p))
        })
        .collect();
    match kept.as_slice() {
        [] => {}
        [name] => fields.signer = Some(name.clone()),
        [.., title, name] => {
            fields.signer = Some(name.clone());
            fields.signer_title = Some(if is_upper(title) {
                sentence_case(title)
            } else {
                title.clone()
            });
        }
    }
}

/// "BÍ THƯ" → "Bí thư".
pub(crate) fn sentence_case(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

/// Whether the document marks its headings with Word's heading styles.
fn styled_headings(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .any(|b| matches!(b, Block::Para(p) if p.heading.is_some() && !p.text().trim().is_empty()))
}

/// The Markdown heading level of an outline number, for documents without
/// heading styles: "I." 2, "1." 3, "1.1." 4, "1.1.1." 5; "Phần thứ…" 2.
fn outline_level(text: &str) -> Option<u8> {
    let t = text.trim_start();
    if fold(t).starts_with("phan thu") || fold(t).starts_with("phan ") && is_upper(t) {
        return Some(2);
    }
    let roman_len = t
        .find(|c: char| !matches!(c, 'I' | 'V' | 'X' | 'L'))
        .unwrap_or(t.len());
    if roman_len > 0 && t[roman_len..].starts_with(['.', '-', '–', ')']) {
        return Some(2);
    }
    let mut numbers = 0;
    let mut dotted = false;
    let mut rest = t;
    loop {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            break;
        }
        numbers += 1;
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
            Some(r) => {
                rest = r;
                dotted = true;
                break;
            }
            None => break,
        }
    }
    // "1." alone, or "2.1.3" without its last dot; never "2023 là…".
    if numbers == 0 || !rest.starts_with(' ') || (numbers == 1 && !dotted) {
        return None;
    }
    Some((numbers + 2).min(6) as u8)
}

struct Writer<'a> {
    doc: &'a Doc,
    styled: bool,
    text: String,
    /// Footnote ids in the order of their first reference.
    notes: Vec<String>,
    number_of: HashMap<String, usize>,
}

impl<'a> Writer<'a> {
    fn new(doc: &'a Doc, styled: bool) -> Writer<'a> {
        Writer {
            doc,
            styled,
            text: String::new(),
            notes: Vec::new(),
            number_of: HashMap::new(),
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Para(p) => self.para(p),
            Block::Table(t) => self.table(t),
        }
    }

    fn heading_level(&self, p: &Para, text: &str) -> Option<u8> {
        if is_appendix(text) {
            return Some(2);
        }
        if self.styled {
            return p.heading.map(|n| (n + 1).min(6));
        }
        if text.chars().count() < 300 && (p.all_bold() || is_upper(text)) {
            let numbered = match &p.number {
                Some(n) => format!("{n} {text}"),
                None => text.to_string(),
            };
            return outline_level(&numbered);
        }
        None
    }

    fn para(&mut self, p: &Para) {
        let plain = p.text();
        let has_image = p.inlines.iter().any(|i| matches!(i, Inline::Image(_)));
        if plain.trim().is_empty() && !has_image {
            return;
        }
        let number = p
            .number
            .as_deref()
            .map(|n| format!("{n} "))
            .unwrap_or_default();
        if let Some(level) = self.heading_level(p, plain.trim()) {
            let text = self.inline(&p.inlines, Context::Heading);
            let _ = write!(
                self.text,
                "{} {}\n\n",
                "#".repeat(level as usize),
                escape_line_start(&format!("{number}{text}"))
            );
            return;
        }
        let text = self.inline(&p.inlines, Context::Paragraph);
        let line = if number.is_empty() {
            escape_line_start(&text)
        } else {
            format!("{number}{text}")
        };
        self.text.push_str(&line);
        self.text.push_str("\n\n");
    }

    fn table(&mut self, table: &Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let mut lines = Vec::new();
        for (r, row) in table.rows.iter().enumerate() {
            let mut cells = Vec::new();
            for c in 0..columns {
                let text = match row.get(c) {
                    Some(cell) if cell.merged == Merged::No => self.cell(cell, r == 0),
                    _ => String::new(),
                };
                cells.push(text);
            }
            lines.push(format!("| {} |", cells.join(" | ")).replace("|  |", "| |"));
            if r == 0 {
                let aligns: Vec<&str> = (0..columns)
                    .map(|c| {
                        if centered_column(table, c) {
                            ":-:"
                        } else {
                            "---"
                        }
                    })
                    .collect();
                lines.push(format!("|{}|", aligns.join("|")));
            }
        }
        // A cell merged away leaves "| |": pulldown-cmark reads it as empty.
        for line in lines {
            self.text.push_str(&line.replace("|  |", "| |"));
            self.text.push('\n');
        }
        self.text.push('\n');
    }

    /// A cell's paragraphs on one line; a header cell without bold and
    /// italic (the header row is shown bold).
    fn cell(&mut self, cell: &Cell, header: bool) -> String {
        let context = if header {
            Context::HeaderCell
        } else {
            Context::Cell
        };
        let mut parts = Vec::new();
        for p in &cell.paras {
            let text = self.inline(&p.inlines, context);
            if text.is_empty() {
                continue;
            }
            parts.push(match &p.number {
                Some(n) => format!("{n} {text}"),
                None => text,
            });
        }
        parts.join(" ")
    }

    fn note(&mut self, id: &str) -> usize {
        if let Some(&n) = self.number_of.get(id) {
            return n;
        }
        self.notes.push(id.to_string());
        let n = self.notes.len();
        self.number_of.insert(id.to_string(), n);
        n
    }

    fn inline(&mut self, inlines: &[Inline], context: Context) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text { text, bold, italic } => {
                    let escaped = escape(&text.replace(char::is_whitespace, " "));
                    let escaped = if matches!(context, Context::Cell | Context::HeaderCell) {
                        escaped.replace('|', "\\|")
                    } else {
                        escaped
                    };
                    let styled = !matches!(context, Context::Heading | Context::HeaderCell)
                        && (*bold || *italic);
                    if !styled || escaped.trim().is_empty() {
                        out.push_str(&escaped);
                        continue;
                    }
                    let marker = match (bold, italic) {
                        (true, true) => "***",
                        (true, false) => "**",
                        _ => "*",
                    };
                    let lead = &escaped[..escaped.len() - escaped.trim_start().len()];
                    let trail = &escaped[escaped.trim_end().len()..];
                    let _ = write!(out, "{lead}{marker}{}{marker}{trail}", escaped.trim());
                }
                Inline::Break => match context {
                    Context::Paragraph => out.push_str("\\\n"),
                    _ => out.push(' '),
                },
                Inline::Note(id) => {
                    if context == Context::Footnote {
                        continue;
                    }
                    let n = self.note(id);
                    let _ = write!(out, "[^{n}]");
                }
                Inline::Image(k) => {
                    if let Some(image) = self.doc.images.get(*k) {
                        let _ = write!(out, "![](media/{})", image.name);
                    }
                }
            }
        }
        collapse_spaces(&out)
    }

    /// The text, with the footnotes' definitions at the end in order.
    fn finish(mut self, warnings: &mut Vec<Msg>) -> String {
        let notes = std::mem::take(&mut self.notes);
        for (k, id) in notes.iter().enumerate() {
            let paras = self.doc.footnotes.get(id);
            let Some(paras) = paras else {
                warnings.push(Msg::new("import_footnote_missing").arg("n", k + 1));
                continue;
            };
            let texts: Vec<String> = paras
                .iter()
                .map(|p| {
                    let t = self.inline(&p.inlines, Context::Footnote);
                    match &p.number {
                        Some(n) => format!("{n} {t}"),
                        None => t,
                    }
                })
                .filter(|t| !t.is_empty())
                .collect();
            let _ = write!(self.text, "[^{}]: {}\n\n", k + 1, texts.join("\n\n    "));
        }
        let unused = self.doc.footnotes.len().saturating_sub(notes.len());
        if unused > 0 {
            warnings.push(Msg::new("import_footnotes_unused").arg("n", unused));
        }
        let mut text = self.text.trim_end().to_string();
        text.push('\n');
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Paragraph,
    Heading,
    Cell,
    HeaderCell,
    Footnote,
}

fn centered_column(table: &Table, c: usize) -> bool {
    let mut any = false;
    for row in table.rows.iter().skip(1) {
        let Some(cell) = row.get(c) else { continue };
        if cell.merged != Merged::No || cell.text().is_empty() {
            continue;
        }
        if !cell
            .paras
            .iter()
            .all(|p| p.centered || p.text().trim().is_empty())
        {
            return false;
        }
        any = true;
    }
    any
}

/// Markdown's inline punctuation, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A line that would start a heading, a quote or a code fence as written,
/// escaped.
fn escape_line_start(text: &str) -> String {
    let t = text.trim_start();
    if t.starts_with('#') || t.starts_with('>') || t.starts_with("~~~") {
        format!("\\{t}")
    } else {
        t.to_string()
    }
}

/// Runs of spaces as one, and none at the ends (a hard break's newline kept).
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() && c != '\n' {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// The appendix of indicators
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    Target,
    Actual,
    Stated,
}

/// What a header cell names, loosely.
fn column_of(text: &str) -> Option<Column> {
    let f = fold(text);
    if matches!(f.as_str(), "stt" | "tt" | "so tt" | "so thu tu" | "s tt") {
        return Some(Column::Number);
    }
    if f.contains("so sanh") || f.contains("danh gia") || f.contains("muc do") {
        return Some(Column::Stated);
    }
    if f.contains("thuc hien") || f.contains("ket qua") || f.contains("dat duoc") {
        return Some(Column::Actual);
    }
    if f.contains("muc tieu")
        || f.contains("chi tieu")
        || f.contains("nghi quyet")
        || f.contains("noi dung")
    {
        return Some(Column::Target);
    }
    None
}

/// One row of an indicator: the target's text (and whether it is shared
/// with the rows above, by a merged cell), the result's, the comparison's.
#[derive(Debug, Clone)]
struct Row {
    target: Vec<String>,
    shared: bool,
    actual: Vec<String>,
    stated: Vec<String>,
}

/// The indicators of an appendix table; `None` when its header names no
/// target and result columns.
fn appendix_table(table: &Table, warnings: &mut Vec<Msg>) -> Option<Vec<Indicator>> {
    let header = table.rows.first()?;
    let mut columns: HashMap<usize, Column> = HashMap::new();
    let mut header_rows = 1;
    for (r, row) in table.rows.iter().enumerate().take(2) {
        let mut found = false;
        for (c, cell) in row.iter().enumerate() {
            if cell.merged != Merged::No || columns.contains_key(&c) {
                continue;
            }
            if let Some(kind) = column_of(&cell.text())
                && !columns.values().any(|k| *k == kind)
            {
                columns.insert(c, kind);
                found = true;
            }
        }
        if r == 1 && found {
            header_rows = 2;
        }
    }
    let col = |kind: Column| columns.iter().find(|(_, k)| **k == kind).map(|(c, _)| *c);
    let target_col = col(Column::Target)?;
    let actual_col = col(Column::Actual)?;
    let number_col = col(Column::Number);
    let stated_col = col(Column::Stated);
    let _ = header;

    let lines = |cell: Option<&Cell>| -> Vec<String> {
        cell.map(|c| {
            c.paras
                .iter()
                .map(|p| collapse(&p.text()))
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
    };
    // The last own cell of each column, for cells merged down into it.
    let mut above: HashMap<usize, Vec<String>> = HashMap::new();
    let mut group: Option<String> = None;
    let mut current: Option<(String, Option<String>, Vec<Row>)> = None;
    let mut out = Vec::new();
    for row in table.rows.iter().skip(header_rows) {
        let own = |c: usize| row.get(c).filter(|cell| cell.merged == Merged::No);
        let mut text_of = |c: usize| -> (Vec<String>, bool) {
            match row.get(c) {
                Some(cell) if cell.merged == Merged::Up => {
                    (above.get(&c).cloned().unwrap_or_default(), true)
                }
                Some(cell) if cell.merged == Merged::No => {
                    let t = lines(Some(cell));
                    above.insert(c, t.clone());
                    (t, false)
                }
                _ => (Vec::new(), false),
            }
        };
        let number = number_col.map(&mut text_of);
        let (target, shared) = text_of(target_col);
        let (actual, _) = text_of(actual_col);
        let stated = stated_col.map(|c| text_of(c).0).unwrap_or_default();
        let continued = match &number {
            Some((_, true)) => true,
            Some((n, false)) => n.is_empty(),
            None => false,
        };
        // A group row: a roman or letter STT, or one cell across the row.
        let spanning = row.iter().skip(1).all(|c| c.merged == Merged::Left);
        let number_text = number
            .as_ref()
            .map(|(n, _)| n.join(" "))
            .unwrap_or_default();
        if spanning || is_group_number(&number_text) {
            let text = row
                .iter()
                .enumerate()
                .filter(|(c, _)| Some(*c) != number_col)
                .filter_map(|(c, _)| own(c).map(|cell| cell.text()))
                .find(|t| !t.is_empty());
            if let Some(text) =
                text.or_else(|| (!number_text.is_empty()).then(|| number_text.clone()))
            {
                if let Some(done) = current.take() {
                    out.push(indicator(done, warnings));
                }
                group = Some(text);
            }
            continue;
        }
        let row_read = Row {
            target,
            shared,
            actual,
            stated,
        };
        if continued && let Some((_, _, rows)) = current.as_mut() {
            rows.push(row_read);
            continue;
        }
        if let Some(done) = current.take() {
            out.push(indicator(done, warnings));
        }
        let id = number_text.trim().trim_end_matches(['.', ')']).to_string();
        let id = if id.is_empty() {
            (out.len() + 1).to_string()
        } else {
            id
        };
        current = Some((id, group.clone(), vec![row_read]));
    }
    if let Some(done) = current.take() {
        out.push(indicator(done, warnings));
    }
    Some(out)
}

fn is_group_number(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', ')']);
    !t.is_empty()
        && (t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
            || (t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase())))
}

fn strip_bullet(text: &str) -> &str {
    let t = text.trim();
    for bullet in ["- ", "+ ", "• ", "-", "+", "•"] {
        if let Some(rest) = t.strip_prefix(bullet) {
            return rest.trim_start();
        }
    }
    t
}

/// An indicator from its rows: one row (or one row whose cells list their
/// sub-rows line by line, "- …") or several rows, each a part.
fn indicator(
    (id, group, rows): (String, Option<String>, Vec<Row>),
    warnings: &mut Vec<Msg>,
) -> Indicator {
    // Sub-rows written as lines of one row: as many result lines as
    // comparison lines, at least two.
    let mut rows = match rows.as_slice() {
        [row] if row.actual.len() >= 2 && row.actual.len() == row.stated.len() => {
            let k = row.actual.len();
            (0..k)
                .map(|i| Row {
                    target: if row.target.len() == k {
                        vec![row.target[i].clone()]
                    } else {
                        row.target.clone()
                    },
                    shared: row.target.len() != k,
                    actual: vec![row.actual[i].clone()],
                    stated: vec![row.stated[i].clone()],
                })
                .collect()
        }
        _ => rows,
    };
    // The first row of a target merged down is shared too.
    for k in (1..rows.len()).rev() {
        if rows[k].shared {
            rows[k - 1].shared = true;
        }
    }
    let join = |lines: &[String]| -> String {
        lines
            .iter()
            .map(|l| strip_bullet(l))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let [row] = rows.as_slice() {
        let mut one = part(
            id,
            &join(&row.target),
            &join(&row.actual),
            &join(&row.stated),
            None,
            warnings,
        );
        one.group = group;
        return one;
    }
    let mut descriptions: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let target = join(&row.target);
        if !descriptions.contains(&target) && !target.is_empty() {
            descriptions.push(target.clone());
        }
        let actual = join(&row.actual);
        let label = row
            .shared
            .then(|| actual.split_once(':').map(|(l, _)| l.trim().to_string()))
            .flatten()
            .filter(|l| !l.is_empty() && l.chars().count() <= 80);
        let letter = char::from(b'a' + (k % 26) as u8);
        parts.push(part(
            format!("{id}{letter}"),
            &target,
            &actual,
            &join(&row.stated),
            label,
            warnings,
        ));
    }
    Indicator {
        id,
        group,
        description: descriptions.join(" "),
        parts,
        ..Indicator::default()
    }
}

fn part(
    id: String,
    target_text: &str,
    actual: &str,
    stated: &str,
    label: Option<String>,
    warnings: &mut Vec<Msg>,
) -> Indicator {
    let target = words::read_target(target_text);
    let parsed = target.as_deref().and_then(|t| target::parse_target(t).ok());
    let figure = words::read_figure(actual, parsed.as_ref());
    if target.is_none() && !target_text.is_empty() {
        warnings.push(
            Msg::new("import_target_unread")
                .arg("id", &id)
                .arg("target", target_text),
        );
    }
    if figure.is_none()
        && !actual.is_empty()
        && parsed
            .as_ref()
            .is_none_or(|t| t.kind != target::TargetKind::Yes)
    {
        warnings.push(
            Msg::new("import_no_figure")
                .arg("id", &id)
                .arg("actual", actual),
        );
    }
    if let Some(w) = figure.as_ref().and_then(|f| f.warning.as_ref()) {
        warnings.push(
            Msg::new("import_figure_warning")
                .arg("id", &id)
                .arg("actual", actual)
                .arg_msg("warning", w.clone()),
        );
    }
    Indicator {
        id,
        group: None,
        description: label.unwrap_or_else(|| target_text.to_string()),
        target,
        actual: figure,
        stated: (!stated.is_empty()).then(|| stated.to_string()),
        note: (!actual.is_empty()).then(|| actual.to_string()),
        parts: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_numbers_give_heading_levels() {
        assert_eq!(outline_level("I. MỤC ĐÍCH, YÊU CẦU"), Some(2));
        assert_eq!(outline_level("II- NỘI DUNG"), Some(2));
        assert_eq!(outline_level("1. Mục đích"), Some(3));
        assert_eq!(outline_level("1.1. Yêu cầu chung"), Some(4));
        assert_eq!(outline_level("2.1.3 Lĩnh vực"), Some(5));
        assert_eq!(outline_level("a) Đối với cấp tỉnh"), None);
        assert_eq!(outline_level("2023 là năm"), None);
    }

    #[test]
    fn header_lines_read_the_number_and_the_date() {
        assert_eq!(
            number_line("Số 152-KH/TU"),
            Some(Some("Số 152-KH/TU".into()))
        );
        assert_eq!(number_line("Số      -BC/ĐUK"), Some(None));
        assert_eq!(number_line("Sơ kết giữa nhiệm kỳ"), None);
        let (place, date) = date_line("Lai Châu, ngày 20 tháng 7 năm 2023").unwrap_or_default();
        assert_eq!(place.as_deref(), Some("Lai Châu"));
        assert_eq!(date, Date::new(2023, 7, 20).unwrap_or_default());
        assert_eq!(date_line("ngày 31 tháng 2 năm 2023"), None);
    }

    fn para(text: &str, centered: bool) -> Block {
        Block::Para(Para {
            centered,
            inlines: vec![Inline::Text {
                text: text.into(),
                bold: false,
                italic: false,
            }],
            ..Para::default()
        })
    }

    #[test]
    fn a_header_and_a_closing_written_as_paragraphs_are_read() {
        let doc = Doc {
            blocks: vec![
                para("TỈNH ỦY LAI CHÂU", true),
                para("*", true),
                para("Số 152-KH/TU", true),
                para("ĐẢNG CỘNG SẢN VIỆT NAM", true),
                para("Lai Châu, ngày 27 tháng 02 năm 2023", true),
                para("KẾ HOẠCH", true),
                para("Sơ kết giữa nhiệm kỳ", true),
                para("-----", true),
                para("Nội dung.", false),
                para("Nơi nhận:", false),
                para("- Như trên,", false),
                para("T/M BAN THƯỜNG VỤ", true),
                para("BÍ THƯ", true),
                para("(đã ký)", true),
                para("Giàng Páo Mỷ", true),
            ],
            ..Doc::default()
        };
        let read = convert(&doc);
        let f = &read.fields;
        assert_eq!(f.issuer.as_deref(), Some("TỈNH ỦY LAI CHÂU"));
        assert_eq!(f.document_number.as_deref(), Some("Số 152-KH/TU"));
        assert_eq!(f.date, Date::new(2023, 2, 27).ok());
        assert_eq!(f.kind.as_deref(), Some("KẾ HOẠCH"));
        assert_eq!(f.title.as_deref(), Some("Sơ kết giữa nhiệm kỳ"));
        assert_eq!(f.signer.as_deref(), Some("Giàng Páo Mỷ"));
        assert_eq!(f.signer_title.as_deref(), Some("Bí thư"));
        assert_eq!(read.markdown, "## Sơ kết giữa nhiệm kỳ\n\nNội dung.\n");
    }

    #[test]
    fn markdown_escapes_what_would_change_the_text() {
        assert_eq!(escape("a*b_c[1]"), "a\\*b\\_c\\[1\\]");
        assert_eq!(escape_line_start("# 1"), "\\# 1");
        assert_eq!(collapse_spaces("a   b  "), "a b");
    }
}
