//! The .docx reader: the package (a zip, read with caps on what it expands
//! to) and a small model of WordprocessingML: paragraphs with their heading
//! level, numbering (numbering.xml resolved into the text "I-", "1.",
//! "a)", "-") and runs (bold, italic, breaks, footnote references, images);
//! tables on their grid with merged cells; footnotes. Tracked changes are
//! taken as accepted (insertions kept, deletions dropped); comments, field
//! codes, hidden text and text boxes are dropped.
//!
//! Nothing here panics or loops on any input: every file is sniffed first
//! (a legacy .doc, a PDF, an encrypted document are named as such), every
//! part is read through a cap, XML is parsed without DTDs, and the walk of
//! the tree stops at a fixed depth.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node, ParsingOptions};

use crate::diag::Msg;

/// The most one XML part may expand to.
pub(crate) const MAX_PART: u64 = 32 << 20;
/// The most all the parts read from one package may expand to.
pub(crate) const MAX_TOTAL: u64 = 128 << 20;
/// How deep the walk of an XML tree goes; deeper content is dropped.
const MAX_DEPTH: usize = 64;
/// The most columns a table's row is given (a `gridSpan` is capped too).
const MAX_COLUMNS: usize = 64;

const W_NS: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// A Word document as ketqua reads it.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub blocks: Vec<Block>,
    /// Footnotes by their id in the document (`w:id`).
    pub footnotes: HashMap<String, Vec<Para>>,
    /// Images, in the order of their first use ([`Inline::Image`] indexes).
    pub images: Vec<Image>,
}

#[derive(Debug)]
pub(crate) struct Image {
    /// The file name (ASCII), unique within the document.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub(crate) enum Block {
    Para(Para),
    Table(Table),
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Para {
    /// The heading level from the paragraph's style (1 for "Heading 1").
    pub heading: Option<u8>,
    /// In the "Title" style.
    pub title: bool,
    /// The automatic number, as Word shows it ("I-", "1.", "a)", "-").
    pub number: Option<String>,
    pub centered: bool,
    pub inlines: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
    },
    /// A line break inside the paragraph.
    Break,
    /// A footnote reference, by the footnote's id.
    Note(String),
    /// An image, by its index in [`Doc::images`].
    Image(usize),
}

impl Para {
    /// The paragraph's text, without formatting, breaks as spaces.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for inline in &self.inlines {
            match inline {
                Inline::Text { text, .. } => out.push_str(text),
                Inline::Break => out.push(' '),
                Inline::Note(_) | Inline::Image(_) => {}
            }
        }
        out
    }

    /// Whether every visible character is bold.
    pub(crate) fn all_bold(&self) -> bool {
        let mut any = false;
        for inline in &self.inlines {
            if let Inline::Text { text, bold, .. } = inline
                && !text.trim().is_empty()
            {
                if !bold {
                    return false;
                }
                any = true;
            }
        }
        any
    }
}

#[derive(Debug, Default)]
pub(crate) struct Table {
    /// Rows of cells on the table's grid: a cell spanning n columns is
    /// followed by n-1 [`Merged::Left`] cells.
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Default)]
pub(crate) struct Cell {
    pub paras: Vec<Para>,
    pub merged: Merged,
}

impl Cell {
    /// The cell's paragraphs' texts joined by spaces, trimmed.
    pub(crate) fn text(&self) -> String {
        let parts: Vec<String> = self
            .paras
            .iter()
            .map(|p| p.text().trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(" ")
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Merged {
    /// A cell of its own.
    #[default]
    No,
    /// Covered by the cell on its left (`gridSpan`).
    Left,
    /// Covered by the cell above (`vMerge`).
    Up,
}

/// Why a file cannot be read as a Word document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocxError {
    /// A Word 97–2003 .doc (an OLE2 compound file).
    Legacy,
    /// A PDF.
    Pdf,
    /// An RTF file.
    Rtf,
    /// A document saved with a password.
    Encrypted,
    /// Not a zip archive at all.
    NotZip,
    /// A zip archive that is damaged or cut short.
    Corrupt(String),
    /// A part that expands past the cap (a zip bomb, or far too large).
    TooLarge { part: String, limit: u64 },
    /// A zip archive without a Word document in it.
    /// (`found`: the catalogue's words for what it is instead.)
    NotWord { found: Option<&'static str> },
    /// A part whose XML cannot be read.
    Xml { part: String, message: String },
    /// A document with no text in its body.
    NoBody,
}

impl DocxError {
    pub(crate) fn message(&self) -> Msg {
        match self {
            DocxError::Legacy => Msg::new("docx_legacy"),
            DocxError::Pdf => Msg::new("docx_pdf"),
            DocxError::Rtf => Msg::new("docx_rtf"),
            DocxError::Encrypted => Msg::new("docx_encrypted"),
            DocxError::NotZip => Msg::new("docx_not_zip"),
            DocxError::Corrupt(why) => Msg::new("docx_corrupt").arg("why", why),
            DocxError::TooLarge { part, limit } => Msg::new("docx_too_large")
                .arg("part", part)
                .arg("mib", limit >> 20),
            DocxError::NotWord { found: Some(kind) } => {
                Msg::new("docx_not_word_kind").arg_msg("kind", Msg::new(kind))
            }
            DocxError::NotWord { found: None } => Msg::new("docx_not_word"),
            DocxError::Xml { part, message } => {
                Msg::new("docx_xml").arg("part", part).arg("err", message)
            }
            DocxError::NoBody => Msg::new("docx_no_body"),
        }
    }

    pub(crate) fn hint(&self) -> Msg {
        match self {
            DocxError::Legacy | DocxError::Rtf => Msg::new("docx_convert_hint"),
            DocxError::Pdf => Msg::new("docx_pdf_hint"),
            DocxError::Encrypted => Msg::new("docx_encrypted_hint"),
            DocxError::NotZip | DocxError::Corrupt(_) => Msg::new("docx_corrupt_hint"),
            DocxError::TooLarge { .. } => {
                Msg::new("docx_too_large_hint").arg("mib", MAX_PART >> 20)
            }
            DocxError::NotWord { found: Some(_) } => Msg::new("docx_not_word_kind_hint"),
            DocxError::NotWord { found: None } | DocxError::Xml { .. } => {
                Msg::new("docx_save_as_hint")
            }
            DocxError::NoBody => Msg::new("docx_no_body_hint"),
        }
    }
}

/// An encrypted OOXML document (a .docx or .xlsx saved with a password):
/// an OLE2 file with a stream named "EncryptedPackage" (stored in UTF-16LE).
pub(crate) fn is_encrypted_ole(bytes: &[u8]) -> bool {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.starts_with(OLE) && bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// What a file is, from its first bytes, when it is not a zip archive.
fn sniff(bytes: &[u8]) -> Result<(), DocxError> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    if bytes.starts_with(OLE) {
        if is_encrypted_ole(bytes) {
            return Err(DocxError::Encrypted);
        }
        return Err(DocxError::Legacy);
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = bytes.get(start..).unwrap_or(&[]);
    if head.starts_with(b"%PDF") {
        return Err(DocxError::Pdf);
    }
    if head.starts_with(b"{\\rtf") {
        return Err(DocxError::Rtf);
    }
    Err(DocxError::NotZip)
}

/// The zip package, read part by part through the caps.
struct Package {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    /// What the parts read so far expanded to.
    total: u64,
}

impl Package {
    fn open(bytes: Vec<u8>) -> Result<Package, DocxError> {
        sniff(&bytes)?;
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|err| DocxError::Corrupt(zip_cause(&err)))?;
        Ok(Package { zip, total: 0 })
    }

    fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// A part's bytes; `None` when the package has no such part.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let mut file = self
            .zip
            .by_index(index)
            .map_err(|err| DocxError::Corrupt(format!("{name}: {}", zip_cause(&err))))?;
        if file.encrypted() {
            return Err(DocxError::Encrypted);
        }
        let limit = MAX_PART.min(MAX_TOTAL.saturating_sub(self.total));
        let mut out = Vec::new();
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|err| DocxError::Corrupt(format!("{name}: {err}")))?;
        if out.len() as u64 > limit {
            return Err(DocxError::TooLarge {
                part: name.to_string(),
                limit,
            });
        }
        self.total += out.len() as u64;
        Ok(Some(out))
    }

    /// A part as text (UTF-8, as every OOXML producer writes it).
    fn read_text(&mut self, name: &str) -> Result<Option<String>, DocxError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|err| DocxError::Xml {
                part: name.to_string(),
                message: format!("not UTF-8 at byte {}", err.utf8_error().valid_up_to()),
            })
    }
}

fn zip_cause(err: &zip::result::ZipError) -> String {
    match err {
        zip::result::ZipError::InvalidArchive(_) => {
            "its zip directory is missing or damaged (a file cut short?)".to_string()
        }
        zip::result::ZipError::Io(io) => format!("{io}"),
        other => other.to_string(),
    }
}

fn parse_xml<'a>(part: &str, text: &'a str) -> Result<Document<'a>, DocxError> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|err| DocxError::Xml {
        part: part.to_string(),
        message: err.to_string(),
    })
}

/// Reads a .docx file's bytes.
pub(crate) fn read(bytes: Vec<u8>) -> Result<Doc, DocxError> {
    let mut package = Package::open(bytes)?;
    let main = main_part(&mut package)?;
    let Some(main_text) = package.read_text(&main)? else {
        let found = if package.has("xl/workbook.xml") {
            Some("docx_kind_xlsx")
        } else if package.has("ppt/presentation.xml") {
            Some("docx_kind_pptx")
        } else if package.has("content.xml") {
            Some("docx_kind_odf")
        } else {
            None
        };
        return Err(DocxError::NotWord { found });
    };
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let rels_name = format!("{dir}/_rels/{}.rels", main.rsplit('/').next().unwrap_or(""));
    let rels = match package.read_text(&rels_name)? {
        Some(text) => relationships(&rels_name, &text)?,
        None => Vec::new(),
    };
    let part_of = |kind: &str, default: &str| -> String {
        rels.iter()
            .find(|r| r.kind.ends_with(kind))
            .map_or_else(|| format!("{dir}/{default}"), |r| join(&dir, &r.target))
    };

    let styles = match package.read_text(&part_of("/styles", "styles.xml"))? {
        Some(text) => Styles::parse(&parse_xml("styles.xml", &text)?),
        None => Styles::default(),
    };
    let numbering = match package.read_text(&part_of("/numbering", "numbering.xml"))? {
        Some(text) => Numbering::parse(&parse_xml("numbering.xml", &text)?),
        None => Numbering::default(),
    };
    let mut reader = Reader {
        styles,
        numbering,
        images: Vec::new(),
        image_of: HashMap::new(),
    };

    let doc = parse_xml(&main, &main_text)?;
    let body = doc
        .root_element()
        .children()
        .find(|n| is_w(*n, "body"))
        .ok_or(DocxError::NoBody)?;
    let mut blocks = Vec::new();
    reader.blocks(body, &mut blocks, 0);

    let mut footnotes = HashMap::new();
    if let Some(text) = package.read_text(&part_of("/footnotes", "footnotes.xml"))? {
        let notes = parse_xml("footnotes.xml", &text)?;
        for note in notes
            .root_element()
            .children()
            .filter(|n| is_w(*n, "footnote"))
        {
            if wattr(note, "type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = wattr(note, "id") else {
                continue;
            };
            let mut paras = Vec::new();
            for block in flatten(&{
                let mut b = Vec::new();
                reader.blocks(note, &mut b, 0);
                b
            }) {
                paras.push(block);
            }
            footnotes.insert(id.to_string(), paras);
        }
    }

    let has_text = blocks.iter().any(|b| match b {
        Block::Para(p) => !p.text().trim().is_empty(),
        Block::Table(t) => t.rows.iter().flatten().any(|c| !c.text().is_empty()),
    });
    if !has_text {
        return Err(DocxError::NoBody);
    }

    // The images, read once each, in the order of their first use.
    let mut images = Vec::new();
    for (n, target) in reader.images.iter().enumerate() {
        let target = rels
            .iter()
            .find(|r| r.id == *target)
            .map(|r| join(&dir, &r.target));
        let bytes = match target.as_deref() {
            Some(part) => package.read(part)?,
            None => None,
        };
        let ext = target
            .as_deref()
            .and_then(|t| t.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| "bin".to_string());
        images.push(Image {
            name: format!("image{}.{ext}", n + 1),
            bytes: bytes.unwrap_or_default(),
        });
    }

    Ok(Doc {
        blocks,
        footnotes,
        images,
    })
}

/// Every paragraph of some blocks, tables' cells included, in order.
fn flatten(blocks: &[Block]) -> Vec<Para> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Para(p) => out.push(p.clone()),
            Block::Table(t) => {
                for cell in t.rows.iter().flatten() {
                    out.extend(cell.paras.iter().cloned());
                }
            }
        }
    }
    out
}

/// The main document part, from the package's relationships.
fn main_part(package: &mut Package) -> Result<String, DocxError> {
    let Some(text) = package.read_text("_rels/.rels")? else {
        return Ok("word/document.xml".to_string());
    };
    let rels = relationships("_rels/.rels", &text)?;
    Ok(rels
        .iter()
        .find(|r| r.kind.ends_with("/officeDocument"))
        .map(|r| join("", &r.target))
        .unwrap_or_else(|| "word/document.xml".to_string()))
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn relationships(part: &str, text: &str) -> Result<Vec<Relationship>, DocxError> {
    let doc = parse_xml(part, text)?;
    Ok(doc
        .root_element()
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "Relationship")
        .filter(|n| n.attribute("TargetMode") != Some("External"))
        .map(|n| Relationship {
            id: n.attribute("Id").unwrap_or("").to_string(),
            kind: n.attribute("Type").unwrap_or("").to_string(),
            target: n.attribute("Target").unwrap_or("").to_string(),
        })
        .collect())
}

/// A relationship's target as a part name: relative to `dir`, or absolute
/// from the package's root; `..` resolved.
fn join(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalise(abs.split('/').collect());
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    parts.extend(target.split('/'));
    normalise(parts)
}

fn normalise(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

fn is_w(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_some_and(|ns| W_NS.contains(&ns))
}

/// An attribute by its local name, whatever its namespace (`w:val`).
fn wattr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// The first child element named `name` in the WordprocessingML namespace.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| is_w(*n, name))
}

/// A toggle property (`<w:b/>`, `<w:b w:val="0"/>`): `None` when absent.
fn toggle(props: Option<Node<'_, '_>>, name: &str) -> Option<bool> {
    let node = child(props?, name)?;
    Some(!matches!(wattr(node, "val"), Some("0" | "false" | "off")))
}

// ---------------------------------------------------------------------------
// Styles and numbering
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
    bold: Option<bool>,
    italic: Option<bool>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_bold: Option<bool>,
    default_italic: Option<bool>,
}

impl Styles {
    fn parse(doc: &Document<'_>) -> Styles {
        let mut styles = Styles::default();
        let root = doc.root_element();
        if let Some(rpr) = child(root, "docDefaults")
            .and_then(|d| child(d, "rPrDefault"))
            .and_then(|d| child(d, "rPr"))
        {
            styles.default_bold = toggle(Some(rpr), "b");
            styles.default_italic = toggle(Some(rpr), "i");
        }
        for node in root.children().filter(|n| is_w(*n, "style")) {
            let Some(id) = wattr(node, "styleId") else {
                continue;
            };
            let ppr = child(node, "pPr");
            let rpr = child(node, "rPr");
            let style = Style {
                name: child(node, "name")
                    .and_then(|n| wattr(n, "val"))
                    .unwrap_or("")
                    .to_lowercase(),
                based_on: child(node, "basedOn")
                    .and_then(|n| wattr(n, "val"))
                    .map(str::to_string),
                outline: ppr
                    .and_then(|p| child(p, "outlineLvl"))
                    .and_then(|n| wattr(n, "val"))
                    .and_then(|v| v.parse::<u8>().ok()),
                num: ppr.and_then(num_pr),
                bold: toggle(rpr, "b"),
                italic: toggle(rpr, "i"),
            };
            styles.by_id.insert(id.to_string(), style);
        }
        styles
    }

    /// A style and those it is based on, nearest first (at most 16).
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut next = id;
        while let Some(id) = next {
            let Some(style) = self.by_id.get(id) else {
                break;
            };
            if out.len() >= 16 {
                break;
            }
            out.push(style);
            next = style.based_on.as_deref();
        }
        out
    }

    /// The heading level a paragraph style gives (1 for "Heading 1").
    fn heading(&self, id: Option<&str>) -> Option<u8> {
        for style in self.chain(id) {
            if let Some(n) = style
                .name
                .strip_prefix("heading ")
                .and_then(|n| n.trim().parse::<u8>().ok())
                .filter(|n| (1..=9).contains(n))
            {
                return Some(n);
            }
            if let Some(level) = style.outline {
                return (level < 9).then_some(level + 1);
            }
        }
        None
    }

    fn is_title(&self, id: Option<&str>) -> bool {
        self.chain(id).first().is_some_and(|s| s.name == "title")
    }
}

fn num_pr(ppr: Node<'_, '_>) -> Option<(String, usize)> {
    let num = child(ppr, "numPr")?;
    let id = child(num, "numId").and_then(|n| wattr(n, "val"))?;
    let level = child(num, "ilvl")
        .and_then(|n| wattr(n, "val"))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(8);
    Some((id.to_string(), level))
}

#[derive(Debug, Default, Clone)]
struct Level {
    start: i64,
    format: String,
    text: String,
    legal: bool,
}

#[derive(Debug, Default)]
struct Numbering {
    /// numId → the levels of its abstract numbering, with overrides.
    lists: HashMap<String, Vec<Level>>,
    /// numId → the current count at each level (`None`: not started).
    counters: HashMap<String, [Option<i64>; 9]>,
}

impl Numbering {
    fn parse(doc: &Document<'_>) -> Numbering {
        let root = doc.root_element();
        let mut abstracts: HashMap<&str, Vec<Level>> = HashMap::new();
        for node in root.children().filter(|n| is_w(*n, "abstractNum")) {
            let Some(id) = wattr(node, "abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for lvl in node.children().filter(|n| is_w(*n, "lvl")) {
                read_level(lvl, &mut levels);
            }
            abstracts.insert(id, levels);
        }
        let mut lists = HashMap::new();
        for node in root.children().filter(|n| is_w(*n, "num")) {
            let Some(id) = wattr(node, "numId") else {
                continue;
            };
            let Some(levels) = child(node, "abstractNumId")
                .and_then(|n| wattr(n, "val"))
                .and_then(|a| abstracts.get(a))
            else {
                continue;
            };
            let mut levels = levels.clone();
            for over in node.children().filter(|n| is_w(*n, "lvlOverride")) {
                if let Some(lvl) = child(over, "lvl") {
                    read_level(lvl, &mut levels);
                }
                let ilvl = wattr(over, "ilvl").and_then(|v| v.parse::<usize>().ok());
                let start = child(over, "startOverride")
                    .and_then(|n| wattr(n, "val"))
                    .and_then(|v| v.parse::<i64>().ok());
                if let (Some(i), Some(start)) = (ilvl, start)
                    && let Some(level) = levels.get_mut(i)
                {
                    level.start = start;
                }
            }
            lists.insert(id.to_string(), levels);
        }
        Numbering {
            lists,
            counters: HashMap::new(),
        }
    }

    /// The next number of list `id` at `level`, as Word shows it.
    fn next(&mut self, id: &str, level: usize) -> Option<String> {
        let levels = self.lists.get(id)?;
        let counters = self.counters.entry(id.to_string()).or_insert([None; 9]);
        let this = levels.get(level)?;
        let value = counters[level].map_or(this.start, |n| n.saturating_add(1));
        counters[level] = Some(value);
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        let mut out = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let k = (d as usize).saturating_sub(1);
                if let Some(l) = levels.get(k) {
                    let n = counters[k].unwrap_or(l.start);
                    let format = if this.legal {
                        "decimal"
                    } else {
                        l.format.as_str()
                    };
                    out.push_str(&format_number(n, format));
                }
            } else {
                out.push(c);
            }
        }
        if this.format == "bullet" {
            return Some(bullet(&out).to_string());
        }
        if this.format == "none" && out.trim().is_empty() {
            return None;
        }
        let out = out.trim().to_string();
        (!out.is_empty()).then_some(out)
    }
}

fn read_level(lvl: Node<'_, '_>, levels: &mut [Level]) {
    let Some(i) = wattr(lvl, "ilvl").and_then(|v| v.parse::<usize>().ok()) else {
        return;
    };
    let Some(level) = levels.get_mut(i) else {
        return;
    };
    let val = |name: &str| child(lvl, name).and_then(|n| wattr(n, "val"));
    *level = Level {
        start: val("start").and_then(|v| v.parse().ok()).unwrap_or(1),
        format: val("numFmt").unwrap_or("decimal").to_string(),
        text: val("lvlText").unwrap_or("").to_string(),
        legal: child(lvl, "isLgl").is_some(),
    };
}

/// A bullet as the reports write it: "+" stays, every other sign is "-".
fn bullet(text: &str) -> &'static str {
    if text.trim() == "+" { "+" } else { "-" }
}

fn format_number(n: i64, format: &str) -> String {
    match format {
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperLetter" => letter(n).to_uppercase(),
        "lowerLetter" => letter(n),
        "decimalZero" => format!("{n:02}"),
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: &[(i64, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for &(value, text) in TABLE {
        while n >= value {
            out.push_str(text);
            n -= value;
        }
    }
    out
}

/// Word's letters: a…z, then aa…zz, aaa….
fn letter(n: i64) -> String {
    if !(1..=780).contains(&n) {
        return n.to_string();
    }
    let index = (n - 1) % 26;
    let times = ((n - 1) / 26 + 1) as usize;
    let c = char::from(b'a' + index as u8);
    std::iter::repeat_n(c, times).collect()
}

// ---------------------------------------------------------------------------
// The body
// ---------------------------------------------------------------------------

struct Reader {
    styles: Styles,
    numbering: Numbering,
    /// The relationship ids of the images, in the order of first use.
    images: Vec<String>,
    image_of: HashMap<String, usize>,
}

/// What a run's text looks like.
#[derive(Clone, Copy)]
struct Format {
    bold: bool,
    italic: bool,
}

impl Reader {
    /// The blocks under `node` (a body, a cell, a footnote), through the
    /// containers that only wrap them (content controls, custom XML,
    /// insertions).
    fn blocks(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for n in node.children().filter(Node::is_element) {
            if is_w(n, "p") {
                out.push(Block::Para(self.para(n)));
            } else if is_w(n, "tbl") {
                out.push(Block::Table(self.table(n, depth + 1)));
            } else if is_w(n, "sdt") {
                if let Some(content) = child(n, "sdtContent") {
                    self.blocks(content, out, depth + 1);
                }
            } else if is_w(n, "customXml") || is_w(n, "ins") || is_w(n, "moveTo") {
                self.blocks(n, out, depth + 1);
            }
        }
    }

    fn para(&mut self, p: Node<'_, '_>) -> Para {
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|n| child(n, "pStyle"))
            .and_then(|n| wattr(n, "val"));
        let own_outline = ppr
            .and_then(|n| child(n, "outlineLvl"))
            .and_then(|n| wattr(n, "val"))
            .and_then(|v| v.parse::<u8>().ok());
        let heading = match own_outline {
            Some(level) => (level < 9).then_some(level + 1),
            None => self.styles.heading(style),
        };
        let num = ppr
            .and_then(num_pr)
            .or_else(|| self.styles.chain(style).iter().find_map(|s| s.num.clone()));
        let number = num.and_then(|(id, level)| {
            if id == "0" {
                None
            } else {
                self.numbering.next(&id, level)
            }
        });
        let centered = ppr
            .and_then(|n| child(n, "jc"))
            .and_then(|n| wattr(n, "val"))
            .is_some_and(|v| v == "center");
        let chain = self.styles.chain(style);
        let base = Format {
            bold: chain
                .iter()
                .find_map(|s| s.bold)
                .or(self.styles.default_bold)
                .unwrap_or(false),
            italic: chain
                .iter()
                .find_map(|s| s.italic)
                .or(self.styles.default_italic)
                .unwrap_or(false),
        };
        let mut inlines = Vec::new();
        self.inlines(p, base, &mut inlines, 0);
        Para {
            heading,
            title: self.styles.is_title(style),
            number,
            centered,
            inlines,
        }
    }

    /// The runs under a paragraph, through hyperlinks, fields, content
    /// controls and insertions; deletions, comments and field codes dropped.
    fn inlines(&mut self, node: Node<'_, '_>, base: Format, out: &mut Vec<Inline>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for n in node.children().filter(Node::is_element) {
            if is_w(n, "r") {
                self.run(n, base, out);
            } else if is_w(n, "sdt") {
                if let Some(content) = child(n, "sdtContent") {
                    self.inlines(content, base, out, depth + 1);
                }
            } else if [
                "hyperlink",
                "ins",
                "moveTo",
                "fldSimple",
                "smartTag",
                "customXml",
                "dir",
                "bdo",
            ]
            .iter()
            .any(|name| is_w(n, name))
            {
                self.inlines(n, base, out, depth + 1);
            }
        }
    }

    fn run(&mut self, r: Node<'_, '_>, base: Format, out: &mut Vec<Inline>) {
        let rpr = child(r, "rPr");
        if toggle(rpr, "vanish") == Some(true) {
            return;
        }
        let char_style = rpr
            .and_then(|n| child(n, "rStyle"))
            .and_then(|n| wattr(n, "val"));
        let chain = self.styles.chain(char_style);
        let format = Format {
            bold: toggle(rpr, "b")
                .or_else(|| chain.iter().find_map(|s| s.bold))
                .unwrap_or(base.bold),
            italic: toggle(rpr, "i")
                .or_else(|| chain.iter().find_map(|s| s.italic))
                .unwrap_or(base.italic),
        };
        let push_text = |out: &mut Vec<Inline>, s: &str| {
            if let Some(Inline::Text { text, bold, italic }) = out.last_mut()
                && *bold == format.bold
                && *italic == format.italic
            {
                text.push_str(s);
                return;
            }
            out.push(Inline::Text {
                text: s.to_string(),
                bold: format.bold,
                italic: format.italic,
            });
        };
        for n in r.children().filter(Node::is_element) {
            let name = n.tag_name().name();
            if is_w(n, name) {
                match name {
                    "t" => push_text(out, n.text().unwrap_or("")),
                    "tab" | "ptab" => push_text(out, " "),
                    "noBreakHyphen" => push_text(out, "-"),
                    "br" if !matches!(wattr(n, "type"), Some("page" | "column")) => {
                        out.push(Inline::Break);
                    }
                    "cr" => out.push(Inline::Break),
                    "footnoteReference" => {
                        if let Some(id) = wattr(n, "id") {
                            out.push(Inline::Note(id.to_string()));
                        }
                    }
                    "drawing" | "pict" | "object" => self.image(n, out),
                    _ => {}
                }
            } else if name == "AlternateContent" {
                // The first choice only; the fallback repeats it.
                if let Some(choice) = n.children().find(|c| c.tag_name().name() == "Choice") {
                    self.image(choice, out);
                }
            }
        }
    }

    /// An image under a drawing: the first `a:blip` (or VML `imagedata`).
    fn image(&mut self, node: Node<'_, '_>, out: &mut Vec<Inline>) {
        let found = node.descendants().find_map(|d| match d.tag_name().name() {
            "blip" => wattr(d, "embed"),
            "imagedata" => wattr(d, "id"),
            _ => None,
        });
        if let Some(id) = found {
            let next = self.images.len();
            let index = *self.image_of.entry(id.to_string()).or_insert(next);
            if index == next {
                self.images.push(id.to_string());
            }
            out.push(Inline::Image(index));
        }
    }

    fn table(&mut self, tbl: Node<'_, '_>, depth: usize) -> Table {
        let mut table = Table::default();
        if depth > MAX_DEPTH {
            return table;
        }
        let mut rows = Vec::new();
        collect(tbl, "tr", &mut rows, depth);
        for tr in rows {
            let mut row = Vec::new();
            let before = child(tr, "trPr")
                .and_then(|p| child(p, "gridBefore"))
                .and_then(|n| wattr(n, "val"))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
                .min(MAX_COLUMNS);
            row.extend((0..before).map(|_| Cell::default()));
            let mut cells = Vec::new();
            collect(tr, "tc", &mut cells, depth);
            for tc in cells {
                let tcpr = child(tc, "tcPr");
                let span = tcpr
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|n| wattr(n, "val"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_COLUMNS);
                let continued = |name: &str| {
                    tcpr.and_then(|p| child(p, name))
                        .is_some_and(|n| wattr(n, "val").is_none_or(|v| v == "continue"))
                };
                let merged = if continued("vMerge") {
                    Merged::Up
                } else if continued("hMerge") {
                    Merged::Left
                } else {
                    Merged::No
                };
                let mut blocks = Vec::new();
                self.blocks(tc, &mut blocks, depth + 1);
                if row.len() >= MAX_COLUMNS {
                    continue;
                }
                row.push(Cell {
                    paras: flatten(&blocks),
                    merged,
                });
                for _ in 1..span {
                    if row.len() < MAX_COLUMNS {
                        row.push(Cell {
                            paras: Vec::new(),
                            merged: Merged::Left,
                        });
                    }
                }
            }
            table.rows.push(row);
        }
        table
    }
}

/// The elements named `name` under `node`, through content controls and
/// custom XML (rows of a table, cells of a row).
fn collect<'a, 'i>(node: Node<'a, 'i>, name: &str, out: &mut Vec<Node<'a, 'i>>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for n in node.children().filter(Node::is_element) {
        if is_w(n, name) {
            out.push(n);
        } else if is_w(n, "sdt") {
            if let Some(content) = child(n, "sdtContent") {
                collect(content, name, out, depth + 1);
            }
        } else if is_w(n, "customXml") || is_w(n, "ins") {
            collect(n, name, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests;
