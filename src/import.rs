//! `ketqua import`: the offices' files into the site's content.
//!
//! - `import report FILE.docx --unit ID`: a Word report ([`docx`]) read
//!   into a unit ([`report`]): the header block's fields and the signer
//!   into `unit.toml`, the body into `report.md`, the appendix of
//!   indicators into `[[indicators]]` (targets and figures read from words
//!   by [`words`] into the grammars of `target`).
//! - `import figures FILE.xlsx|ods|csv`: figures of many units
//!   ([`figures`]) written into their `unit.toml` files.
//!
//! `unit.toml` is edited with `toml_edit` ([`unit_file`]): comments, order
//! and the keys an import does not set are kept. This module and `cli` are
//! the only code that writes into a site's `content/` (`init` writes a new
//! site); nothing below the pipeline layer uses it.

pub(crate) mod docx;
pub(crate) mod figures;
pub(crate) mod report;
mod unit_file;
pub(crate) mod words;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub(crate) use figures::FiguresOptions;

use crate::diag::Msg;
use crate::i18n::Language;

/// The most bytes an input file may have.
const MAX_INPUT: u64 = 256 << 20;

/// The levels a unit may have (as in `unit.toml`).
const LEVELS: &[&str] = &["province", "district", "grassroots", "branch"];

/// An import that cannot be done: the file, the cause, what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// The file at fault (the input, or the site's file).
    pub file: PathBuf,
    /// Where in the file, when known ("Sheet1!C7").
    pub at: Option<String>,
    pub message: Msg,
    /// (Boxed: a `Result` carrying an error stays small.)
    pub hint: Option<Box<Msg>>,
}

impl ImportError {
    pub(crate) fn new(file: &Path, message: Msg) -> ImportError {
        ImportError {
            file: file.to_path_buf(),
            at: None,
            message,
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: Msg) -> ImportError {
        self.hint = Some(Box::new(hint));
        self
    }

    fn io(file: &Path, err: &io::Error) -> ImportError {
        ImportError::new(file, Msg::new("import_io").arg("err", err))
    }

    /// "error: FILE[: AT]: message" and an indented "help: hint", as
    /// `check` writes its diagnostics, in `language`.
    pub(crate) fn text(&self, language: Language) -> String {
        let mut text = format!(
            "{}: {}",
            Msg::new("severity_error").text(language),
            self.file.display()
        );
        if let Some(at) = &self.at {
            text.push_str(&format!(": {at}"));
        }
        text.push_str(&format!(": {}", self.message.text(language)));
        if let Some(hint) = &self.hint {
            text.push_str(&format!(
                "\n  = {}: {}",
                Msg::new("help").text(language),
                hint.text(language)
            ));
        }
        text
    }
}

/// The error in English (what logs and the fuzz targets read).
impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Language::En))
    }
}

/// What `import report` is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct ReportOptions {
    /// The site folder (holding site.toml).
    pub root: PathBuf,
    pub file: PathBuf,
    pub unit: String,
    pub parent: Option<String>,
    pub level: Option<String>,
    pub force: bool,
}

/// What `import report` did, or would do.
#[derive(Debug)]
pub(crate) struct ReportOutcome {
    /// Whether the files were written (false: they exist and no --force).
    pub written: bool,
    /// The files written, or that would be.
    pub files: Vec<PathBuf>,
    /// What changes in files that exist.
    pub changes: Vec<Msg>,
    /// What the document holds that was not read, or read with doubt.
    pub warnings: Vec<Msg>,
    /// What was read: "49 footnotes, 8 indicators (12 parts)".
    pub summary: Msg,
}

/// Reads an input file whole, with a cap on its size.
pub(crate) fn read_input(file: &Path) -> Result<Vec<u8>, ImportError> {
    let meta = fs::metadata(file).map_err(|e| ImportError::io(file, &e))?;
    if meta.len() > MAX_INPUT {
        return Err(ImportError::new(
            file,
            Msg::new("import_too_large")
                .arg("mib", meta.len() >> 20)
                .arg("max", MAX_INPUT >> 20),
        )
        .hint(Msg::new("import_too_large_hint")));
    }
    fs::read(file).map_err(|e| ImportError::io(file, &e))
}

/// Reads a Word report from its bytes (for `import report` and the fuzz
/// target): the unit's fields, `report.md` and the indicators.
pub fn read_report(bytes: Vec<u8>) -> Result<ReadReport, (Msg, Msg)> {
    let doc = docx::read(bytes).map_err(|e| (e.message(), e.hint()))?;
    let imported = report::convert(&doc);
    let images = doc.images.into_iter().map(|i| (i.name, i.bytes)).collect();
    Ok(ReadReport { imported, images })
}

/// Reads a spreadsheet's sheet from its bytes and finds its figures' cells
/// (for the fuzz target): the number of figures, or why it cannot be read.
/// `name` tells a CSV file from a workbook by its extension.
pub fn read_sheet(name: &str, bytes: Vec<u8>) -> Result<usize, Msg> {
    let grid = figures::read_grid(name, bytes, None).map_err(|(message, _)| message)?;
    figures::records(&grid)
        .map(|records| records.len())
        .map_err(|(message, _)| message)
}

/// A Word report read: what [`report::convert`] made and the images.
#[derive(Debug)]
pub struct ReadReport {
    pub(crate) imported: report::Imported,
    pub(crate) images: Vec<(String, Vec<u8>)>,
}

impl ReadReport {
    /// The report's Markdown.
    pub fn markdown(&self) -> &str {
        &self.imported.markdown
    }

    /// The unit file a new unit would get.
    pub fn unit_toml(&self) -> String {
        let update = unit_file::UnitUpdate {
            name: None,
            level: None,
            parent: None,
            fields: &self.imported.fields,
            indicators: &self.imported.indicators,
            comment: String::new(),
        };
        unit_file::update(None, &update)
            .map(|(t, _)| t)
            .unwrap_or_default()
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The site's folder, checked: it holds site.toml.
pub(crate) fn site_root(root: &Path) -> Result<(), ImportError> {
    let site = root.join("site.toml");
    if site.is_file() {
        Ok(())
    } else {
        Err(ImportError::new(&site, Msg::new("import_no_site"))
            .hint(Msg::new("import_no_site_hint")))
    }
}

/// The unit's name from the issuing body: "ĐẢNG ỦY KHỐI …" → "Đảng bộ
/// khối …" (the committee issues the reports of its Đảng bộ).
fn name_from_issuer(issuer: &str) -> String {
    let name = report::sentence_case(issuer);
    let folded = crate::vi::fold(&name);
    if folded.starts_with("dang uy ") {
        let rest: String = name.chars().skip("Đảng ủy ".chars().count()).collect();
        format!("Đảng bộ {rest}")
    } else {
        name
    }
}

/// `ketqua import report`.
pub(crate) fn import_report(options: &ReportOptions) -> Result<ReportOutcome, ImportError> {
    site_root(&options.root)?;
    if !valid_id(&options.unit) {
        return Err(ImportError::new(
            &options.file,
            Msg::new("import_bad_unit_id").arg("unit", &options.unit),
        )
        .hint(Msg::new("import_bad_unit_id_hint")));
    }
    if let Some(level) = &options.level
        && !LEVELS.contains(&level.as_str())
    {
        let hint = crate::diag::did_you_mean_msg(level, LEVELS.iter().copied())
            .unwrap_or_else(|| Msg::new("import_levels_hint").arg("levels", LEVELS.join(", ")));
        return Err(ImportError::new(
            &options.file,
            Msg::new("import_unknown_level").arg("level", level),
        )
        .hint(hint));
    }
    let bytes = read_input(&options.file)?;
    let read = read_report(bytes)
        .map_err(|(message, hint)| ImportError::new(&options.file, message).hint(hint))?;
    let imported = &read.imported;

    let folder = options
        .root
        .join("content")
        .join("units")
        .join(&options.unit);
    let unit_path = folder.join("unit.toml");
    let report_path = folder.join("report.md");
    let existing = match fs::read_to_string(&unit_path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(ImportError::io(&unit_path, &err)),
    };
    if existing.is_none() && options.level.is_none() {
        return Err(ImportError::new(
            &options.file,
            Msg::new("import_needs_level").arg("unit", &options.unit),
        )
        .hint(Msg::new("import_needs_level_hint").arg("levels", LEVELS.join(", "))));
    }
    let file_name = options
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let update = unit_file::UnitUpdate {
        name: imported.fields.issuer.as_deref().map(name_from_issuer),
        level: options.level.as_deref(),
        parent: options.parent.as_deref(),
        fields: &imported.fields,
        indicators: &imported.indicators,
        comment: format!(
            "# Imported from {file_name} by `ketqua import report`: check the name's capitals\n# and what the import could not read (`ketqua check`)."
        ),
    };
    let (unit_text, mut changes) = unit_file::update(existing.as_deref(), &update)
        .map_err(|message| ImportError::new(&unit_path, message))?;

    let old_report = fs::read_to_string(&report_path).ok();
    if let Some(old) = &old_report
        && old != &imported.markdown
    {
        changes.push(
            Msg::new("import_report_lines")
                .arg("old", old.lines().count())
                .arg("new", imported.markdown.lines().count()),
        );
    }
    let mut files = vec![unit_path.clone(), report_path.clone()];
    let media = folder.join("media");
    files.extend(read.images.iter().map(|(name, _)| media.join(name)));

    let parts: usize = imported.indicators.iter().map(|i| i.parts.len()).sum();
    let key = match (parts > 0, read.images.is_empty()) {
        (false, true) => "import_read",
        (true, true) => "import_read_parts",
        (false, false) => "import_read_images",
        (true, false) => "import_read_parts_images",
    };
    let summary = Msg::new(key)
        .arg("footnotes", imported.footnotes)
        .arg("indicators", imported.indicators.len())
        .arg("parts", parts)
        .arg("images", read.images.len());
    let mut outcome = ReportOutcome {
        written: false,
        files,
        changes,
        warnings: imported.warnings.clone(),
        summary,
    };
    if (existing.is_some() || old_report.is_some()) && !options.force {
        return Ok(outcome);
    }
    fs::create_dir_all(&folder).map_err(|e| ImportError::io(&folder, &e))?;
    fs::write(&unit_path, unit_text).map_err(|e| ImportError::io(&unit_path, &e))?;
    fs::write(&report_path, &imported.markdown).map_err(|e| ImportError::io(&report_path, &e))?;
    if !read.images.is_empty() {
        fs::create_dir_all(&media).map_err(|e| ImportError::io(&media, &e))?;
        for (name, bytes) in &read.images {
            let path = media.join(name);
            fs::write(&path, bytes).map_err(|e| ImportError::io(&path, &e))?;
        }
    }
    outcome.written = true;
    Ok(outcome)
}
