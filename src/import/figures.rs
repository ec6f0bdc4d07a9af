//! Figures of many units from a spreadsheet (.xlsx, .xls, .ods with
//! `calamine`; .csv with `csv`), written into their `unit.toml` files.
//!
//! Two layouts, told apart by the header: **long**, a row per unit ×
//! indicator [× year] × value (columns "Đơn vị", "Chỉ tiêu", ["Năm"],
//! "Thực hiện"); **wide**, a row per unit and a column per indicator (its
//! id or description), the header possibly on two rows under a merged
//! "Chỉ tiêu". Units and indicators are matched by id or by name, folded
//! (case, diacritics, the "Đảng bộ"/"Chi bộ" prefixes); an unknown one is
//! an error naming the cell ("figures.xlsx: Sheet1!C7") with a "did you
//! mean". Numbers written as text are read as the reports write them
//! ("1.234,5", "57,7%", "41/71"); numbers the sheet stores are taken as
//! stored. Any problem: nothing is written.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use toml_edit::{DocumentMut, Item, Table, value};

use super::ImportError;
use super::unit_file::figure_value;
use super::words::ReadFigure;
use crate::diag::Msg;
use crate::target::{self, Figure};
use crate::vi::fold;

/// What `import figures` is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct FiguresOptions {
    pub root: PathBuf,
    pub file: PathBuf,
    pub sheet: Option<String>,
    pub write: bool,
}

/// What `import figures` found, and did with `--write`.
#[derive(Debug, Default)]
pub(crate) struct FiguresOutcome {
    /// "dang-bo-khoi  3b  actual: 91.6 → 92"
    pub changes: Vec<Msg>,
    pub errors: Vec<ImportError>,
    pub written: Vec<PathBuf>,
}

/// A cell's value as the sheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Number(Decimal),
    Bool(bool),
    /// A date or time (never a figure).
    Date,
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) => n.normalize().to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Empty | Value::Date => String::new(),
        }
    }
}

/// A sheet: its name (none for CSV) and its rows from A1.
/// A problem of an input file: the message and what to do.
pub(crate) type Problem = (Msg, Option<Msg>);

#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub sheet: Option<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Grid {
    fn get(&self, row: usize, col: usize) -> &Value {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Value::Empty)
    }

    /// "Sheet1!C7", or "C7" for a CSV file.
    fn cell_name(&self, row: usize, col: usize) -> String {
        let mut letters = String::new();
        let mut n = col + 1;
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.insert(0, char::from(b'A' + rem as u8));
            n = (n - 1) / 26;
        }
        match &self.sheet {
            Some(sheet) => format!("{sheet}!{letters}{}", row + 1),
            None => format!("{letters}{}", row + 1),
        }
    }
}

/// A spreadsheet's sheet, from the file's bytes (for the command and the
/// fuzz target). `name` tells CSV from a workbook by its extension.
pub(crate) fn read_grid(name: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Grid, Problem> {
    if name.to_ascii_lowercase().ends_with(".csv") {
        return read_csv(&bytes);
    }
    check_package(&bytes)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|err| {
        (
            Msg::new("sheet_unreadable").arg("err", err),
            Some(Msg::new("sheet_unreadable_hint")),
        )
    })?;
    use calamine::Reader as _;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| fold(n) == fold(wanted))
            .cloned()
            .ok_or_else(|| {
                (
                    Msg::new("sheet_missing").arg("sheet", wanted),
                    Some(Msg::new("sheet_missing_hint").arg("sheets", names.join(", "))),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| (Msg::new("sheet_none"), Some(Msg::new("sheet_none_hint"))))?,
    };
    let range = book.worksheet_range(&chosen).map_err(|err| {
        (
            Msg::new("sheet_read_failed")
                .arg("sheet", &chosen)
                .arg("err", err),
            Some(Msg::new("sheet_unreadable_hint")),
        )
    })?;
    let (top, left) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = vec![Vec::new(); top];
    for row in range.rows() {
        let mut out = vec![Value::Empty; left];
        out.extend(row.iter().map(value_of));
        rows.push(out);
    }
    Ok(Grid {
        sheet: Some(chosen),
        rows,
    })
}

/// A zip package's entries all read through the caps of `docx` before
/// `calamine` opens it: a zip bomb stops here. An OLE2 file is a legacy
/// .xls (read as it is) or an encrypted workbook.
fn check_package(bytes: &[u8]) -> Result<(), Problem> {
    if !bytes.starts_with(b"PK") {
        if super::docx::is_encrypted_ole(bytes) {
            return Err((
                Msg::new("sheet_encrypted"),
                Some(Msg::new("sheet_encrypted_hint")),
            ));
        }
        return Ok(());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
        (
            Msg::new("sheet_corrupt").arg("err", err),
            Some(Msg::new("sheet_corrupt_hint")),
        )
    })?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|err| {
            (
                Msg::new("sheet_corrupt").arg("err", err),
                Some(Msg::new("sheet_corrupt_hint")),
            )
        })?;
        let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
        let limit = super::docx::MAX_PART.min(super::docx::MAX_TOTAL - total);
        let read = std::io::copy(&mut (&mut file).take(limit + 1), &mut std::io::sink()).map_err(
            |err| {
                (
                    Msg::new("sheet_corrupt").arg("err", format!("{name}: {err}")),
                    Some(Msg::new("sheet_corrupt_hint")),
                )
            },
        )?;
        if read > limit {
            return Err((
                Msg::new("docx_too_large")
                    .arg("part", &name)
                    .arg("mib", limit >> 20),
                Some(Msg::new("sheet_corrupt_hint")),
            ));
        }
        total += read;
    }
    Ok(())
}

fn value_of(data: &calamine::Data) -> Value {
    use calamine::Data;
    match data {
        Data::Int(n) => Value::Number(Decimal::from(*n)),
        // As stored: the shortest decimal that reads back to the double.
        Data::Float(x) => format!("{x}")
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&format!("{x:e}")))
            .map_or(Value::Text(format!("{x}")), Value::Number),
        Data::String(s) => {
            if s.trim().is_empty() {
                Value::Empty
            } else {
                Value::Text(s.clone())
            }
        }
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Value::Date,
        Data::Error(_) | Data::Empty => Value::Empty,
    }
}

fn read_csv(bytes: &[u8]) -> Result<Grid, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        (
            Msg::new("csv_not_utf8").arg("byte", err.valid_up_to()),
            Some(Msg::new("csv_not_utf8_hint")),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| {
            (
                Msg::new("csv_unreadable").arg("err", err),
                Some(Msg::new("sheet_unreadable_hint")),
            )
        })?;
        rows.push(
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(c.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Grid { sheet: None, rows })
}

// ---------------------------------------------------------------------------
// The layouts
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Unit,
    Indicator,
    Year,
    Value,
}

fn head_of(text: &str) -> Option<Head> {
    let f = fold(text);
    match f.as_str() {
        "don vi" | "ma don vi" | "ten don vi" | "unit" | "to chuc dang" | "co so dang" => {
            Some(Head::Unit)
        }
        "chi tieu" | "ma chi tieu" | "indicator" | "stt chi tieu" => Some(Head::Indicator),
        "nam" | "year" => Some(Head::Year),
        "thuc hien" | "ket qua" | "gia tri" | "so lieu" | "actual" | "value"
        | "ket qua thuc hien" => Some(Head::Value),
        _ => None,
    }
}

/// A figure the sheet gives: which cells say which unit, indicator and
/// year, and the value's cell.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub unit: (usize, usize),
    pub indicator: (usize, usize),
    /// The indicator's text when it comes from a header.
    pub indicator_text: String,
    pub year: Option<(usize, usize)>,
    pub value: (usize, usize),
}

/// The records of a grid, long or wide; an error when the header names no
/// unit column.
pub(crate) fn records(grid: &Grid) -> Result<Vec<Record>, Problem> {
    let header_row = (0..grid.rows.len().min(10))
        .find(|&r| {
            (0..grid.rows[r].len()).any(|c| head_of(&grid.get(r, c).text()) == Some(Head::Unit))
        })
        .ok_or_else(|| {
            (
                Msg::new("sheet_no_header"),
                Some(Msg::new("sheet_no_header_hint")),
            )
        })?;
    let width = grid.rows[header_row].len();
    let heads: Vec<Option<Head>> = (0..width)
        .map(|c| head_of(&grid.get(header_row, c).text()))
        .collect();
    let find = |h: Head| heads.iter().position(|x| *x == Some(h));
    let unit_col = find(Head::Unit).unwrap_or(0);
    let mut out = Vec::new();
    if let (Some(ind), Some(val)) = (find(Head::Indicator), find(Head::Value)) {
        // Long.
        let year = find(Head::Year);
        for r in header_row + 1..grid.rows.len() {
            if grid.get(r, val) == &Value::Empty {
                continue;
            }
            out.push(Record {
                unit: (r, unit_col),
                indicator: (r, ind),
                indicator_text: grid.get(r, ind).text(),
                year: year.map(|c| (r, c)),
                value: (r, val),
            });
        }
        return Ok(out);
    }
    // Wide: the header may take two rows (a merged "Chỉ tiêu" above the
    // indicators' ids); a cell merged away is empty.
    let next = header_row + 1;
    let two_rows = grid.get(next, unit_col) == &Value::Empty
        && (0..grid.rows.get(next).map_or(0, Vec::len))
            .any(|c| c != unit_col && grid.get(next, c) != &Value::Empty);
    let first_data = if two_rows { next + 1 } else { next };
    let year = find(Head::Year);
    let width = width.max(if two_rows { grid.rows[next].len() } else { 0 });
    for c in 0..width {
        if c == unit_col || Some(c) == year {
            continue;
        }
        let (hr, text) = if two_rows && grid.get(next, c) != &Value::Empty {
            (next, grid.get(next, c).text())
        } else {
            (header_row, grid.get(header_row, c).text())
        };
        if text.is_empty() || head_of(&text).is_some() {
            continue;
        }
        for r in first_data..grid.rows.len() {
            if grid.get(r, c) == &Value::Empty {
                continue;
            }
            out.push(Record {
                unit: (r, unit_col),
                indicator: (hr, c),
                indicator_text: text.clone(),
                year: year.map(|y| (r, y)),
                value: (r, c),
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Units and matching
// ---------------------------------------------------------------------------

struct Unit {
    id: String,
    path: PathBuf,
    text: String,
    /// Folded names: id, name, short name, each also without its prefix.
    keys: Vec<String>,
    /// (id, folded description) of each indicator and part.
    indicators: Vec<(String, String)>,
}

/// The prefixes a unit's name may be written with or without.
const PREFIXES: &[&str] = &["dang bo ", "chi bo ", "dang uy ", "to chuc co so dang "];

fn keys_of(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out = vec![folded.clone()];
    for p in PREFIXES {
        if let Some(rest) = folded.strip_prefix(p) {
            out.push(rest.to_string());
        }
    }
    out
}

fn load_units(root: &Path) -> Result<Vec<Unit>, ImportError> {
    let dir = root.join("content").join("units");
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| ImportError::new(&dir, Msg::new("import_io").arg("err", e)))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("unit.toml").is_file())
        .collect();
    entries.sort();
    let mut units = Vec::new();
    for folder in entries {
        let id = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = folder.join("unit.toml");
        let text = fs::read_to_string(&path)
            .map_err(|e| ImportError::new(&path, Msg::new("import_io").arg("err", e)))?;
        let doc: DocumentMut = text.parse().map_err(|e| {
            ImportError::new(&path, Msg::new("import_unit_unreadable").arg("err", e))
                .hint(Msg::new("import_unit_unreadable_hint"))
        })?;
        let mut keys = vec![fold(&id)];
        for key in ["name", "short_name"] {
            if let Some(name) = doc.get(key).and_then(Item::as_str) {
                keys.extend(keys_of(name));
            }
        }
        let mut indicators = Vec::new();
        if let Some(list) = doc.get("indicators").and_then(Item::as_array_of_tables) {
            for t in list.iter() {
                push_indicator(t, &mut indicators);
                if let Some(parts) = t.get("parts").and_then(Item::as_array_of_tables) {
                    for p in parts.iter() {
                        push_indicator(p, &mut indicators);
                    }
                }
            }
        }
        units.push(Unit {
            id,
            path,
            text,
            keys,
            indicators,
        });
    }
    Ok(units)
}

fn push_indicator(t: &Table, out: &mut Vec<(String, String)>) {
    if let Some(id) = t.get("id").and_then(Item::as_str) {
        let description = t
            .get("description")
            .and_then(Item::as_str)
            .map(fold)
            .unwrap_or_default();
        out.push((id.to_string(), description));
    }
}

fn find_unit<'a>(units: &'a [Unit], text: &str) -> Result<&'a Unit, Problem> {
    let query = keys_of(text);
    let found: Vec<&Unit> = units
        .iter()
        .filter(|u| query.iter().any(|q| u.keys.contains(q)))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            // The closest unit by any of its folded names, shown by its id.
            let query = fold(text);
            let query = query.as_str();
            let best = units
                .iter()
                .flat_map(|u| {
                    u.keys
                        .iter()
                        .map(move |k| (strsim::jaro_winkler(query, k), &u.id))
                })
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
            let hint = match best {
                Some((_, id)) => Msg::new("did_you_mean").arg("name", id),
                None => Msg::new("figures_unknown_unit_hint"),
            };
            Err((
                Msg::new("figures_unknown_unit").arg("unit", text),
                Some(hint),
            ))
        }
        many => Err((
            Msg::new("figures_unit_ambiguous").arg("unit", text).arg(
                "units",
                many.iter()
                    .map(|u| u.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Some(Msg::new("figures_unit_ambiguous_hint")),
        )),
    }
}

fn find_indicator(unit: &Unit, text: &str) -> Result<String, Problem> {
    let t = text.trim().trim_end_matches('.');
    if let Some((id, _)) = unit
        .indicators
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(t))
    {
        return Ok(id.clone());
    }
    let folded = fold(t);
    let by_text: Vec<&String> = unit
        .indicators
        .iter()
        .filter(|(_, d)| !d.is_empty() && (*d == folded || d.trim_end_matches('.') == folded))
        .map(|(id, _)| id)
        .collect();
    if let [one] = by_text.as_slice() {
        return Ok((*one).clone());
    }
    let hint = crate::diag::did_you_mean_msg(t, unit.indicators.iter().map(|(id, _)| id.as_str()))
        .unwrap_or_else(|| Msg::new("figures_no_indicator_hint").arg("unit", &unit.id));
    Err((
        Msg::new("figures_no_indicator")
            .arg("unit", &unit.id)
            .arg("indicator", text),
        Some(hint),
    ))
}

/// A cell's figure: numbers as stored, text as the reports write it.
fn figure_of(value: &Value) -> Result<ReadFigure, Problem> {
    match value {
        Value::Number(n) => Ok(ReadFigure {
            written: crate::vi::format_written(*n),
            figure: Figure::Number(*n),
            warning: None,
        }),
        Value::Bool(b) => Ok(ReadFigure {
            written: b.to_string(),
            figure: Figure::Bool(*b),
            warning: None,
        }),
        Value::Text(t) => {
            let figure = target::parse_figure(t).map_err(|e| {
                (
                    Msg::new("figures_bad_figure")
                        .arg("text", t.trim())
                        .arg_msg("err", e.message),
                    Some(e.hint),
                )
            })?;
            Ok(ReadFigure {
                written: t.trim().trim_end_matches('%').trim().to_string(),
                figure,
                warning: None,
            })
        }
        Value::Date => Err((
            Msg::new("figures_date"),
            Some(Msg::new("figures_date_hint")),
        )),
        Value::Empty => Err((
            Msg::new("figures_empty"),
            Some(Msg::new("figures_empty_hint")),
        )),
    }
}

fn year_of(value: &Value) -> Result<i64, Problem> {
    let text = value.text();
    text.parse::<i64>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| {
            (
                Msg::new("figures_not_year").arg("text", &text),
                Some(Msg::new("figures_not_year_hint")),
            )
        })
}

/// One change to a unit file.
struct Change {
    unit: usize,
    indicator: String,
    year: Option<i64>,
    figure: ReadFigure,
}

/// `ketqua import figures`.
pub(crate) fn import_figures(options: &FiguresOptions) -> Result<FiguresOutcome, ImportError> {
    super::site_root(&options.root)?;
    let bytes = super::read_input(&options.file)?;
    let name = options.file.to_string_lossy().into_owned();
    let problem = |(message, hint): Problem| {
        let mut err = ImportError::new(&options.file, message);
        err.hint = hint.map(Box::new);
        err
    };
    let grid = read_grid(&name, bytes, options.sheet.as_deref()).map_err(problem)?;
    let records = records(&grid).map_err(problem)?;
    let units = load_units(&options.root)?;
    let mut outcome = FiguresOutcome::default();
    let at = |cell: (usize, usize), message: Problem| {
        let mut err = problem(message);
        err.at = Some(grid.cell_name(cell.0, cell.1));
        err
    };
    let mut changes = Vec::new();
    for record in &records {
        let unit_text = grid.get(record.unit.0, record.unit.1).text();
        let unit = match find_unit(&units, &unit_text) {
            Ok(u) => u,
            Err(message) => {
                outcome.errors.push(at(record.unit, message));
                continue;
            }
        };
        let indicator = match find_indicator(unit, &record.indicator_text) {
            Ok(id) => id,
            Err(message) => {
                outcome.errors.push(at(record.indicator, message));
                continue;
            }
        };
        let year = match record.year.map(|c| (c, grid.get(c.0, c.1))) {
            Some((_, Value::Empty)) | None => None,
            Some((cell, v)) => match year_of(v) {
                Ok(y) => Some(y),
                Err(message) => {
                    outcome.errors.push(at(cell, message));
                    continue;
                }
            },
        };
        match figure_of(grid.get(record.value.0, record.value.1)) {
            Ok(figure) => changes.push(Change {
                unit: units.iter().position(|u| u.id == unit.id).unwrap_or(0),
                indicator,
                year,
                figure,
            }),
            Err(message) => outcome.errors.push(at(record.value, message)),
        }
    }

    // The changes, unit by unit, into each file's document.
    let mut docs: BTreeMap<usize, DocumentMut> = BTreeMap::new();
    for change in &changes {
        let unit = &units[change.unit];
        let doc = docs
            .entry(change.unit)
            .or_insert_with(|| unit.text.parse().unwrap_or_default());
        let Some(table) = indicator_table(doc, &change.indicator) else {
            continue;
        };
        let new = figure_value(&change.figure);
        let (key, old) = match change.year {
            None => (
                "actual".to_string(),
                table
                    .get("actual")
                    .and_then(Item::as_value)
                    .map(|v| v.to_string()),
            ),
            Some(y) => (
                format!("actuals.{y}"),
                table
                    .get("actuals")
                    .and_then(Item::as_table_like)
                    .and_then(|t| t.get(&y.to_string()))
                    .and_then(Item::as_value)
                    .map(|v| v.to_string()),
            ),
        };
        let shown = new.to_string();
        if old.as_deref().map(str::trim) == Some(shown.trim()) {
            continue;
        }
        let line = match &old {
            Some(old) => Msg::new("figures_change").arg("old", old.trim()),
            None => Msg::new("figures_change_new"),
        };
        outcome.changes.push(
            line.arg("unit", &unit.id)
                .arg("indicator", &change.indicator)
                .arg("key", &key)
                .arg("new", shown.trim()),
        );
        set_figure(table, change.year, new);
    }
    if options.write && outcome.errors.is_empty() {
        for (k, doc) in docs {
            let unit = &units[k];
            let text = doc.to_string();
            if text != unit.text {
                fs::write(&unit.path, text).map_err(|e| {
                    ImportError::new(&unit.path, Msg::new("import_io").arg("err", e))
                })?;
                outcome.written.push(unit.path.clone());
            }
        }
    }
    Ok(outcome)
}

/// The table of indicator (or part) `id` in a unit's document.
fn indicator_table<'a>(doc: &'a mut DocumentMut, id: &str) -> Option<&'a mut Table> {
    let list = doc.get_mut("indicators")?.as_array_of_tables_mut()?;
    for t in list.iter_mut() {
        if t.get("id").and_then(Item::as_str) == Some(id) {
            return Some(t);
        }
        if let Some(parts) = t.get_mut("parts").and_then(Item::as_array_of_tables_mut) {
            for p in parts.iter_mut() {
                if p.get("id").and_then(Item::as_str) == Some(id) {
                    return Some(p);
                }
            }
        }
    }
    None
}

fn set_figure(table: &mut Table, year: Option<i64>, new: toml_edit::Value) {
    match year {
        None => match table.get_mut("actual").and_then(Item::as_value_mut) {
            Some(slot) => {
                let decor = slot.decor().clone();
                *slot = new;
                *slot.decor_mut() = decor;
            }
            None => {
                table.insert("actual", value(new));
            }
        },
        Some(y) => {
            if !table.contains_key("actuals") {
                let mut t = Table::new();
                t.set_implicit(false);
                table.insert("actuals", Item::Table(t));
            }
            if let Some(actuals) = table.get_mut("actuals").and_then(Item::as_table_like_mut) {
                actuals.insert(&y.to_string(), value(new));
            }
        }
    }
}

/// A number as a TOML value (for tests of the reading of cells).
#[cfg(test)]
fn shown(n: Decimal) -> String {
    super::unit_file::number_value(n)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        let grid = Grid {
            sheet: Some("Sheet1".into()),
            rows: Vec::new(),
        };
        assert_eq!(grid.cell_name(6, 2), "Sheet1!C7");
        assert_eq!(grid.cell_name(0, 27), "Sheet1!AB1");
    }

    #[test]
    fn vietnamese_numbers_written_as_text_read_exactly() {
        let read = |t: &str| figure_of(&Value::Text(t.into())).map(|f| f.figure);
        assert_eq!(read("1.234,5"), Ok(Figure::Number(Decimal::new(12345, 1))));
        assert_eq!(read("57,7%"), Ok(Figure::Number(Decimal::new(577, 1))));
        assert!(matches!(read("41/71"), Ok(Figure::Fraction { .. })));
        assert!(read("15.1915").is_err());
        assert_eq!(shown(Decimal::new(916, 1)), "91.6");
        assert_eq!(
            value_of(&calamine::Data::Float(91.6)),
            Value::Number(Decimal::new(916, 1))
        );
    }

    #[test]
    fn long_and_wide_layouts_are_told_apart_by_the_header() {
        let t = |s: &str| Value::Text(s.into());
        let long = Grid {
            sheet: None,
            rows: vec![
                vec![t("Đơn vị"), t("Chỉ tiêu"), t("Năm"), t("Thực hiện")],
                vec![t("A"), t("1"), Value::Empty, t("98")],
            ],
        };
        let r = records(&long).expect("records");
        assert_eq!((r.len(), r[0].value, r[0].year), (1, (1, 3), Some((1, 2))));
        // Wide, "Chỉ tiêu" merged over two rows of header.
        let wide = Grid {
            sheet: None,
            rows: vec![
                vec![t("Đơn vị"), t("Chỉ tiêu"), Value::Empty],
                vec![Value::Empty, t("1"), t("3b")],
                vec![t("A"), t("98"), t("91,6")],
            ],
        };
        let r = records(&wide).expect("records");
        let texts: Vec<&str> = r.iter().map(|x| x.indicator_text.as_str()).collect();
        assert_eq!(texts, ["1", "3b"]);
        assert_eq!(r[1].value, (2, 2));
    }
}
