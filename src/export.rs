//! Data export: every index table and indicator table is also written as
//! CSV and JSON beside its page, so the figures can be reused without
//! copying them off a web page.
//!
//! One [`Table`] feeds both formats, so they always agree:
//!
//! - **CSV**: UTF-8 with a byte-order mark (spreadsheet programs need it to
//!   read Vietnamese), comma-separated, RFC 4180 quoting (the `csv` crate),
//!   one header row of column names in the interface language.
//! - **JSON**: an object `{"columns": [{key, label}…], "rows": [{key: value}…]}`
//!   with stable ASCII keys, each row's in column order; compact, written
//!   straight from the table (no `serde_json::Value` in between).
//!
//! Figures are written as machine numbers (`98.1`, `3322`, never `98,1` or
//! `3.322`) so that they can be computed with; a fraction is written as
//! `41/71` with its percentage in a separate column. This is the one place
//! where Vietnamese number formatting is deliberately not used.

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::i18n::Strings;
use crate::model::{Indicator, Site, Submission, Unit};
use crate::round::{Change, Direction, Round};
use crate::target::{Exact, Figure, Rounding};

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A decimal with its digits: as written, or rounded once for display.
    Decimal(Decimal),
    Bool(bool),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Decimal(d) => d.to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// A table to export: columns (an ASCII key and a label) and rows of cells.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(columns: &[(&str, &str)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// A table whose columns are `(key, label key)`: the labels are the
    /// strings of those keys in the interface language.
    fn labelled(strings: &Strings, columns: &[(&str, &str)]) -> Table {
        let columns: Vec<(&str, &str)> = columns
            .iter()
            .map(|&(key, label)| (key, strings.get(label)))
            .collect();
        Table::new(&columns)
    }

    /// CSV with a UTF-8 byte-order mark and a header row of labels.
    pub(crate) fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut out);
            // Writing to a Vec cannot fail; a failure would only lose the row.
            let _ = w.write_record(self.columns.iter().map(|(_, label)| label.as_str()));
            for row in &self.rows {
                let _ = w.write_record(row.iter().map(Cell::csv));
            }
            let _ = w.flush();
        }
        out
    }

    /// JSON: the columns and one object per row, keyed by column key (in
    /// the order of the columns), compact, written straight from the table.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.rows.len() * self.columns.len() * 24);
        // Serializing plain strings and numbers into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &JsonTable(self));
        out.push(b'\n');
        out
    }
}

/// A table as its JSON document, serialized without an intermediate
/// `serde_json::Value`.
struct JsonTable<'a>(&'a Table);

struct JsonColumns<'a>(&'a [(String, String)]);

struct JsonRows<'a>(&'a Table);

struct JsonRow<'a>(&'a [(String, String)], &'a [Cell]);

impl Serialize for JsonTable<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("columns", &JsonColumns(&self.0.columns))?;
        map.serialize_entry("rows", &JsonRows(self.0))?;
        map.end()
    }
}

impl Serialize for JsonColumns<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (key, label) in self.0 {
            seq.serialize_element(
                &[("key", key), ("label", label)]
                    .into_iter()
                    .collect::<JsonPairs>(),
            )?;
        }
        seq.end()
    }
}

/// A small object of string pairs, in order.
struct JsonPairs<'a>(Vec<(&'static str, &'a String)>);

impl<'a> FromIterator<(&'static str, &'a String)> for JsonPairs<'a> {
    fn from_iter<I: IntoIterator<Item = (&'static str, &'a String)>>(iter: I) -> Self {
        JsonPairs(iter.into_iter().collect())
    }
}

impl Serialize for JsonPairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for JsonRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for row in &self.0.rows {
            seq.serialize_element(&JsonRow(&self.0.columns, row))?;
        }
        seq.end()
    }
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.1.len()))?;
        for ((key, _), cell) in self.0.iter().zip(self.1) {
            map.serialize_entry(key, cell)?;
        }
        map.end()
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Int(n) => s.serialize_i64(*n),
            // A JSON number when it reads back with the same digits
            // (`98.1`, `305`), else a string that keeps them (`57.70`,
            // 28-digit figures).
            Cell::Decimal(d) => match json_number(*d) {
                Some(JsonNumber::Int(n)) => s.serialize_i64(n),
                Some(JsonNumber::Float(x)) => s.serialize_f64(x),
                None => s.serialize_str(&d.to_string()),
            },
            Cell::Bool(b) => s.serialize_bool(*b),
        }
    }
}

enum JsonNumber {
    Int(i64),
    Float(f64),
}

/// A decimal as a JSON number, when one gives back the same digits.
fn json_number(d: Decimal) -> Option<JsonNumber> {
    let text = d.to_string();
    if d.scale() == 0 {
        return text.parse().ok().map(JsonNumber::Int);
    }
    let x: f64 = text.parse().ok()?;
    (x.is_finite() && format!("{x}") == text).then_some(JsonNumber::Float(x))
}

fn submission_key(s: Submission) -> &'static str {
    match s {
        Submission::OnTime => "on-time",
        Submission::Late { .. } => "late",
        Submission::Missing => "missing",
        Submission::NotDue => "not-due",
    }
}

/// A table of units (an index page, the progress page).
pub(crate) fn units(site: &Site, members: &[usize], strings: &Strings) -> Table {
    let mut t = Table::labelled(
        strings,
        &[
            ("id", "export_id"),
            ("name", "export_name"),
            ("level", "export_level"),
            ("parent", "export_parent"),
            ("members", "export_members"),
            ("organisations", "export_organisations"),
            ("conference_date", "export_conference_date"),
            ("deadline", "export_deadline"),
            ("submitted", "export_submitted"),
            ("submission", "export_submission"),
            ("days_late", "export_days_late"),
            ("exceeded", "export_exceeded"),
            ("achieved", "export_achieved"),
            ("not_achieved", "export_not_achieved"),
            ("not_assessed", "export_not_assessed"),
            ("indicators", "export_indicators"),
            ("by_report", "export_by_report"),
            ("illustrative", "export_illustrative"),
        ],
    );
    for &i in members {
        let u = &site.units[i];
        let mut tally = crate::rollup::Tally::default();
        tally.add_indicators(&u.indicators, site.config.count);
        let date =
            |d: Option<jiff::civil::Date>| d.map_or(Cell::Empty, |d| Cell::text(d.to_string()));
        t.rows.push(vec![
            Cell::text(&u.id),
            Cell::text(&u.name),
            Cell::text(u.level.key()),
            Cell::text(
                u.parent
                    .map(|p| site.units[p].id.clone())
                    .unwrap_or_default(),
            ),
            u.members.map_or(Cell::Empty, Cell::Int),
            u.organisations.map_or(Cell::Empty, Cell::Int),
            date(u.conference_date),
            date(site.config.deadline(u.level)),
            date(u.submitted),
            Cell::text(submission_key(u.submission)),
            match u.submission {
                Submission::Late { days } => Cell::Int(days),
                _ => Cell::Int(0),
            },
            Cell::Int(tally.exceeded as i64),
            Cell::Int(tally.achieved as i64),
            Cell::Int(tally.not_achieved as i64),
            Cell::Int(tally.not_assessed as i64),
            Cell::Int(tally.total() as i64),
            Cell::Int(tally.by_report as i64),
            illustrative_cell(u),
        ]);
    }
    t
}

/// What of a unit is invented for the example: "all", the keys of its
/// `illustrative_fields` ("conference_date submitted"), or nothing.
fn illustrative_cell(u: &crate::model::Unit) -> Cell {
    if u.illustrative {
        Cell::text("all")
    } else if u.illustrative_fields.is_empty() {
        Cell::Empty
    } else {
        let keys: Vec<&str> = u.illustrative_fields.iter().map(|f| f.key()).collect();
        Cell::text(keys.join(" "))
    }
}

const FIGURE_COLUMNS: [(&str, &str); 11] = [
    ("target", "export_target"),
    ("baseline", "export_baseline"),
    ("actual", "export_actual"),
    ("period", "export_period"),
    ("estimate", "export_estimate"),
    ("compared", "export_compared"),
    ("compared_exact", "export_compared_exact"),
    ("status", "export_status"),
    ("margin", "export_margin"),
    ("stated", "export_stated"),
    ("actuals", "export_actuals"),
];

fn figure(f: &Option<Figure>) -> Cell {
    match f {
        None => Cell::Empty,
        Some(Figure::Number(x)) => Cell::Decimal(*x),
        Some(Figure::Bool(b)) => Cell::Bool(*b),
        Some(Figure::Fraction { num, den }) => Cell::Text(format!("{num}/{den}")),
    }
}

/// The figure cells of an indicator, in the order of `FIGURE_COLUMNS`.
fn figure_cells(ind: &Indicator, strings: &Strings) -> Vec<Cell> {
    let margin = ind
        .assessment
        .margin
        .map_or(Cell::Empty, |m| Cell::Decimal(m.value()));
    vec![
        Cell::text(
            ind.target
                .as_ref()
                .map(|t| t.text(strings))
                .unwrap_or_default(),
        ),
        figure(&ind.baseline),
        figure(&ind.actual),
        Cell::text(
            ind.period
                .map(|(a, b)| format!("{a}-{b}"))
                .unwrap_or_default(),
        ),
        figure(&ind.estimate),
        ind.assessment.shown.map_or(Cell::Empty, Cell::Decimal),
        ind.assessment
            .compared
            .and_then(|x| x.to_decimal())
            .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
        Cell::text(ind.status().key()),
        margin,
        Cell::text(ind.stated.as_str()),
        Cell::text(
            ind.actuals
                .iter()
                .map(|(y, v)| format!("{y}: {v}"))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ]
}

/// A unit's indicator table: each indicator, then its parts.
pub(crate) fn indicators(unit: &Unit, strings: &Strings) -> Table {
    let mut columns = vec![
        ("id", "export_number"),
        ("parent", "export_parent_indicator"),
        ("group", "export_group"),
        ("description", "export_description"),
        ("unit_of_measure", "export_unit_of_measure"),
        ("catalogue", "export_catalogue"),
    ];
    columns.extend(FIGURE_COLUMNS);
    let mut t = Table::labelled(strings, &columns);
    for ind in &unit.indicators {
        let mut push = |one: &Indicator, parent: &str| {
            let mut row = vec![
                Cell::text(one.id.as_str()),
                Cell::text(parent),
                Cell::text(one.group.as_str()),
                Cell::text(one.description.as_str()),
                Cell::text(one.unit_of_measure.as_str()),
                Cell::text(one.catalogue.as_deref().unwrap_or_default()),
            ];
            row.extend(figure_cells(one, strings));
            t.rows.push(row);
        };
        push(ind, "");
        for p in &ind.parts {
            push(p, &ind.id);
        }
    }
    t
}

/// Every unit's use of one catalogue indicator.
pub(crate) fn indicator_uses(
    site: &Site,
    uses: &[(usize, &Indicator)],
    strings: &Strings,
) -> Table {
    let mut columns = vec![
        ("unit", "export_unit"),
        ("unit_name", "export_unit_name"),
        ("level", "export_level"),
        ("id", "export_number"),
        ("description", "export_description"),
    ];
    columns.extend(FIGURE_COLUMNS);
    let mut t = Table::labelled(strings, &columns);
    for &(u, ind) in uses {
        let unit = &site.units[u];
        let mut row = vec![
            Cell::text(&unit.id),
            Cell::text(&unit.name),
            Cell::text(unit.level.key()),
            Cell::text(ind.id.as_str()),
            Cell::text(ind.description.as_str()),
        ];
        row.extend(figure_cells(ind, strings));
        t.rows.push(row);
    }
    t
}

/// The catalogue with how many units use each indicator and their statuses.
pub(crate) fn catalogue(site: &Site, strings: &Strings) -> Table {
    let mut t = Table::labelled(
        strings,
        &[
            ("id", "export_id"),
            ("group", "export_group"),
            ("description", "export_description"),
            ("unit_of_measure", "export_unit_of_measure"),
            ("target", "export_target"),
            ("units", "export_units"),
            ("exceeded", "export_exceeded"),
            ("achieved", "export_achieved"),
            ("not_achieved", "export_not_achieved"),
            ("not_assessed", "export_not_assessed"),
            ("by_report", "export_by_report"),
            ("relative", "export_relative"),
            ("min", "export_min"),
            ("median", "export_median"),
            ("max", "export_max"),
        ],
    );
    let all: Vec<usize> = (0..site.units.len()).collect();
    let summaries = crate::rollup::summarise_all(site, &all);
    for (entry, s) in site.catalogue.iter().zip(&summaries) {
        let n = |n: usize| Cell::Int(n as i64);
        let places = site.config.decimals;
        let x = |x: Option<Exact>| {
            x.and_then(|x| x.round(places, Rounding::Nearest))
                .map_or(Cell::Empty, Cell::Decimal)
        };
        t.rows.push(vec![
            Cell::text(&entry.id),
            Cell::text(&entry.group),
            Cell::text(&entry.description),
            Cell::text(&entry.unit_of_measure),
            Cell::text(
                entry
                    .target
                    .as_ref()
                    .map(|t| t.text(strings))
                    .unwrap_or_default(),
            ),
            n(s.units),
            n(s.statuses.exceeded),
            n(s.statuses.achieved),
            n(s.statuses.not_achieved),
            n(s.statuses.not_assessed),
            n(s.statuses.by_report),
            Cell::Bool(s.relative),
            x(s.min),
            x(s.median),
            x(s.max),
        ]);
    }
    t
}

/// The indicators a unit reports in two rounds, with their status in each
/// and which way it moved (`compare.csv`, `compare.json`).
pub(crate) fn round_changes(after: &Site, changes: &[Change], strings: &Strings) -> Table {
    let mut t = Table::labelled(
        strings,
        &[
            ("unit", "export_unit"),
            ("unit_name", "export_unit_name"),
            ("indicator", "export_id"),
            ("description", "export_description"),
            ("before_value", "export_before_value"),
            ("before_status", "export_before_status"),
            ("after_value", "export_after_value"),
            ("after_status", "export_after_status"),
            ("change", "export_change"),
        ],
    );
    for c in changes {
        let unit = &after.units[c.unit];
        t.rows.push(vec![
            Cell::text(&unit.id),
            Cell::text(unit.display_name()),
            Cell::text(&c.indicator),
            Cell::text(&c.description),
            round_value(c.before_value, &c.before_actual),
            Cell::text(c.before.key()),
            round_value(c.after_value, &c.after_actual),
            Cell::text(c.after.key()),
            Cell::text(c.direction().map_or("", direction_key)),
        ]);
    }
    t
}

/// An indicator's figure in a round's export: the figure assessed, or the
/// one reported (a yes/no indicator's true or false).
fn round_value(shown: Option<Decimal>, actual: &Option<Figure>) -> Cell {
    match shown {
        Some(shown) => Cell::Decimal(shown),
        None => figure(actual),
    }
}

/// A [`Direction`]'s stable key.
pub(crate) fn direction_key(d: Direction) -> &'static str {
    match d {
        Direction::Improved => "improved",
        Direction::Worsened => "worsened",
        Direction::Unchanged => "unchanged",
    }
}

/// Every round's figures in one long table for analysts (`rounds.csv`,
/// `rounds.json`): a row per unit, indicator and round, in the year of the
/// round's cut-off, with its status; then each round's own yearly figures,
/// under that round, without a status.
pub(crate) fn across_rounds(rounds: &[(&Round, &Site)], strings: &Strings) -> Table {
    let mut t = Table::labelled(
        strings,
        &[
            ("unit", "export_unit"),
            ("indicator", "export_id"),
            ("round", "export_round"),
            ("year", "export_year"),
            ("value", "export_value"),
            ("status", "export_status"),
        ],
    );
    let mut yearly: std::collections::BTreeMap<(String, String, usize, i32), (String, Decimal)> =
        std::collections::BTreeMap::new();
    for (order, (round, site)) in rounds.iter().enumerate() {
        let year = i64::from(site.config.cutoff.year());
        for unit in &site.units {
            for ind in crate::round::flatten(&unit.indicators) {
                let value = round_value(ind.assessment.shown, &ind.actual);
                t.rows.push(vec![
                    Cell::text(&unit.id),
                    Cell::text(ind.id.as_str()),
                    Cell::text(&round.id),
                    Cell::Int(year),
                    value,
                    Cell::text(ind.assessment.status.key()),
                ]);
                for (y, v) in &ind.actuals {
                    yearly.insert(
                        (unit.id.clone(), ind.id.to_string(), order, *y),
                        (round.id.clone(), *v),
                    );
                }
            }
        }
    }
    for ((unit, indicator, _, year), (round, value)) in yearly {
        t.rows.push(vec![
            Cell::text(unit),
            Cell::text(indicator),
            Cell::text(round),
            Cell::Int(i64::from(year)),
            Cell::Decimal(value),
            Cell::Empty,
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn sample() -> Table {
        let mut t = Table::new(&[("name", "Tên"), ("n", "Số"), ("x", "Tỷ lệ")]);
        t.rows.push(vec![
            Cell::text("Đảng bộ \"Khối\", tỉnh"),
            Cell::Int(3322),
            Cell::Decimal(dec("57.75")),
        ]);
        t.rows.push(vec![Cell::Empty, Cell::Int(0), Cell::Empty]);
        t
    }

    #[test]
    fn csv_has_a_bom_and_quotes_what_needs_it() {
        let csv = sample().to_csv();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Tên,Số,Tỷ lệ\r\n\"Đảng bộ \"\"Khối\"\", tỉnh\",3322,57.75\r\n,0,\r\n"
        );
    }

    #[test]
    fn json_keys_rows_by_column_and_has_no_nan() {
        let json: Value = serde_json::from_slice(&sample().to_json()).unwrap();
        assert_eq!(json["rows"][0]["n"], 3322);
        assert_eq!(json["rows"][0]["x"], 57.75);
        assert_eq!(json["rows"][1]["name"], Value::Null);
        assert_eq!(json["rows"][1]["x"], Value::Null);
        assert_eq!(json["columns"][2]["label"], "Tỷ lệ");
    }

    #[test]
    fn json_is_compact_with_keys_in_column_order() {
        let json = String::from_utf8(sample().to_json()).unwrap();
        assert_eq!(
            json,
            "{\"columns\":[{\"key\":\"name\",\"label\":\"Tên\"},{\"key\":\"n\",\"label\":\"Số\"},\
             {\"key\":\"x\",\"label\":\"Tỷ lệ\"}],\"rows\":[{\"name\":\"Đảng bộ \\\"Khối\\\", tỉnh\",\
             \"n\":3322,\"x\":57.75},{\"name\":null,\"n\":0,\"x\":null}]}\n"
        );
    }

    /// A figure keeps its digits: a JSON number when one reads back the
    /// same, a string otherwise; the CSV has them as written.
    #[test]
    fn decimals_keep_their_digits() {
        let mut t = Table::new(&[("x", "x")]);
        for x in [
            "98.1",
            "305",
            "0.001",
            "57.70",
            "57.74647887323943661971830986",
            "-2.5",
        ] {
            t.rows.push(vec![Cell::Decimal(dec(x))]);
        }
        let json: Value = serde_json::from_slice(&t.to_json()).unwrap();
        let rows: Vec<&Value> = (0..6).map(|i| &json["rows"][i]["x"]).collect();
        assert_eq!(rows[0], &Value::from(98.1));
        assert_eq!(rows[1], &Value::from(305));
        assert_eq!(rows[2], &Value::from(0.001));
        assert_eq!(rows[3], &Value::from("57.70"));
        assert_eq!(rows[4], &Value::from("57.74647887323943661971830986"));
        assert_eq!(rows[5], &Value::from(-2.5));
        let csv = String::from_utf8(t.to_csv()[3..].to_vec()).unwrap();
        assert_eq!(
            csv,
            "x\r\n98.1\r\n305\r\n0.001\r\n57.70\r\n57.74647887323943661971830986\r\n-2.5\r\n"
        );
    }
}
