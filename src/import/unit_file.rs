//! Writing what an import read into a unit's `unit.toml`, with `toml_edit`:
//! an existing file keeps its comments, its order and every key the import
//! does not set.

use crate::diag::Msg;
use rust_decimal::Decimal;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::report::{Fields, Indicator};
use super::words::ReadFigure;
use crate::target::Figure;

/// A figure as a TOML value: an integer or a decimal as a TOML number when
/// it reads back to the same digits, otherwise the string as written
/// ("41/71", "57,70").
pub(crate) fn figure_value(read: &ReadFigure) -> toml_edit::Value {
    match read.figure {
        Figure::Number(x) => number_value(x).unwrap_or_else(|| read.written.as_str().into()),
        Figure::Fraction { .. } | Figure::Bool(_) => read.written.as_str().into(),
    }
}

pub(crate) fn number_value(x: Decimal) -> Option<toml_edit::Value> {
    if x.scale() == 0 {
        return i64::try_from(x).ok().map(toml_edit::Value::from);
    }
    let text = x.to_string();
    let float: f64 = text.parse().ok()?;
    (float.is_finite() && format!("{float}") == text).then(|| toml_edit::Value::from(float))
}

/// What an import sets in a unit's file.
pub(crate) struct UnitUpdate<'a> {
    pub name: Option<String>,
    pub level: Option<&'a str>,
    pub parent: Option<&'a str>,
    pub fields: &'a Fields,
    pub indicators: &'a [Indicator],
    /// The first line of a new file.
    pub comment: String,
}

/// The unit file after the import: `existing` (parsed with its comments)
/// updated, or a new file. Returns the text and, for an existing file, what
/// changed ("signer: “A” → “B”").
pub(crate) fn update(
    existing: Option<&str>,
    update: &UnitUpdate<'_>,
) -> Result<(String, Vec<Msg>), Msg> {
    let mut doc = match existing {
        Some(text) => text
            .parse::<DocumentMut>()
            .map_err(|err| Msg::new("import_unit_unreadable").arg("err", err))?,
        None => {
            let mut doc = DocumentMut::new();
            doc.decor_mut().set_prefix(format!("{}\n", update.comment));
            doc
        }
    };
    let mut changes = Vec::new();
    let fields = update.fields;
    let date = fields.date.map(|d| {
        let mut dt = toml_edit::Datetime {
            date: None,
            time: None,
            offset: None,
        };
        dt.date = Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        });
        dt
    });
    let sets: Vec<(&str, Option<toml_edit::Value>)> = vec![
        // The name is the document's only when the unit has none.
        (
            "name",
            update
                .name
                .clone()
                .filter(|_| !doc.contains_key("name"))
                .map(Into::into),
        ),
        ("level", update.level.map(Into::into)),
        ("parent", update.parent.map(Into::into)),
        (
            "document_number",
            fields.document_number.clone().map(Into::into),
        ),
        ("conference_date", date.map(Into::into)),
        ("signer", fields.signer.clone().map(Into::into)),
        ("signer_title", fields.signer_title.clone().map(Into::into)),
    ];
    for (key, new) in sets {
        let Some(new) = new else { continue };
        let old = doc.get(key).and_then(Item::as_value).map(|v| v.to_string());
        let shown = new.to_string();
        if old.as_deref().map(str::trim) != Some(shown.trim()) {
            changes.push(match &old {
                Some(old) => Msg::new("import_change")
                    .arg("key", key)
                    .arg("old", old.trim())
                    .arg("new", shown.trim()),
                None => Msg::new("import_change_new")
                    .arg("key", key)
                    .arg("new", shown.trim()),
            });
        }
        match doc.get_mut(key).and_then(Item::as_value_mut) {
            Some(slot) => {
                let decor = slot.decor().clone();
                *slot = new;
                *slot.decor_mut() = decor;
            }
            None => {
                doc.insert(key, value(new));
            }
        }
    }

    let old = match doc.remove("indicators") {
        Some(Item::ArrayOfTables(a)) => a,
        _ => ArrayOfTables::new(),
    };
    if !update.indicators.is_empty() || !old.is_empty() {
        let before = old.len();
        let merged = merge_all(&old, update.indicators);
        if before != merged.len() || existing.is_some() {
            changes.push(
                Msg::new("import_change_indicators")
                    .arg("old", before)
                    .arg("new", merged.len()),
            );
        }
        if !merged.is_empty() {
            doc.insert("indicators", Item::ArrayOfTables(merged));
        }
    }
    Ok((doc.to_string(), changes))
}

/// The keys an import writes from the appendix, in this order.
const KEYS: &[&str] = &[
    "id",
    "group",
    "description",
    "target",
    "actual",
    "stated",
    "note",
];

fn merge_all(old: &ArrayOfTables, new: &[Indicator]) -> ArrayOfTables {
    let mut out = ArrayOfTables::new();
    for indicator in new {
        let previous = old
            .iter()
            .find(|t| t.get("id").and_then(Item::as_str) == Some(indicator.id.as_str()));
        out.push(merge(previous, indicator));
    }
    out
}

/// An indicator's table: the previous one (same id) with the keys the
/// document gives replaced; a key the document does not give is kept.
fn merge(previous: Option<&Table>, indicator: &Indicator) -> Table {
    let mut table = previous.cloned().unwrap_or_default();
    table.set_position(None);
    let values: Vec<(&str, Option<toml_edit::Value>)> = vec![
        ("id", Some(indicator.id.as_str().into())),
        ("group", indicator.group.as_deref().map(Into::into)),
        ("description", Some(indicator.description.as_str().into())),
        ("target", indicator.target.as_deref().map(Into::into)),
        ("actual", indicator.actual.as_ref().map(figure_value)),
        ("stated", indicator.stated.as_deref().map(Into::into)),
        ("note", indicator.note.as_deref().map(Into::into)),
    ];
    debug_assert_eq!(values.len(), KEYS.len());
    for (key, new) in values {
        let Some(new) = new else { continue };
        match table.get_mut(key).and_then(Item::as_value_mut) {
            Some(slot) => {
                let decor = slot.decor().clone();
                *slot = new;
                *slot.decor_mut() = decor;
            }
            None => {
                table.insert(key, value(new));
            }
        }
    }
    if !indicator.parts.is_empty() {
        let old_parts = match table.remove("parts") {
            Some(Item::ArrayOfTables(a)) => a,
            _ => ArrayOfTables::new(),
        };
        table.insert(
            "parts",
            Item::ArrayOfTables(merge_all(&old_parts, &indicator.parts)),
        );
    }
    table
}
