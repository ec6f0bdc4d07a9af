//! CSV and JSON exports read back to the figures of the content files.

use std::fs;
use std::path::Path;

use crate::support::{build_ok, ketqua, site};

/// Reads an exported CSV: checks the byte-order mark, returns header + rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} has no BOM",
        path.display()
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// A figure of unit.toml as the export writes it.
fn toml_figure(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::String(s) => s.replace(' ', ""),
        other => panic!("unexpected figure {other:?}"),
    }
}

#[test]
fn indicator_tables_read_back_to_the_unit_toml_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = ketqua(root, &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let source: toml::Table = fs::read_to_string(root.join("content/units/dang-bo-khoi/unit.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut expected = Vec::new(); // (id, key, figure as written)
    for ind in source["indicators"].as_array().unwrap() {
        let parts = ind
            .get("parts")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default();
        for one in std::iter::once(ind).chain(parts.iter()) {
            for key in ["baseline", "actual", "estimate"] {
                if let Some(v) = one.get(key) {
                    expected.push((one["id"].as_str().unwrap().to_string(), key, toml_figure(v)));
                }
            }
        }
    }
    assert!(expected.len() >= 14, "{expected:?}");

    let (header, rows) = read_csv(&out.join("units/dang-bo-khoi.csv"));
    let col = |label: &str| header.iter().position(|h| h == label).unwrap();
    let json = read_json(&out.join("units/dang-bo-khoi.json"));
    let json_rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), json_rows.len());
    for (id, key, figure) in &expected {
        let label = match *key {
            "baseline" => "Đầu nhiệm kỳ",
            "actual" => "Thực hiện",
            _ => "Ước thực hiện",
        };
        let row = rows.iter().find(|r| r[col("STT")] == *id).unwrap();
        assert_eq!(&row[col(label)], figure, "CSV {id} {key}");
        let jrow = json_rows.iter().find(|r| r["id"] == id.as_str()).unwrap();
        let jvalue = match &jrow[*key] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(&jvalue, figure, "JSON {id} {key}");
    }
    // The computed status travels too: 5b (41/71 against ≥ 60%) is not achieved.
    let b5 = json_rows.iter().find(|r| r["id"] == "5b").unwrap();
    assert_eq!(b5["status"], "not-achieved");
    assert_eq!(b5["compared"], 57.75);
}

#[test]
fn units_tables_read_back_to_every_unit_toml() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let (header, rows) = read_csv(&out.join("units.csv"));
    let json = read_json(&out.join("units.json"));
    let units = dir.path().join("content/units");
    let mut seen = 0;
    for entry in fs::read_dir(&units).unwrap() {
        let entry = entry.unwrap();
        let id = entry.file_name().to_string_lossy().into_owned();
        let source: toml::Table = fs::read_to_string(entry.path().join("unit.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let row = rows.iter().find(|r| r[0] == id).unwrap();
        let jrow = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id.as_str())
            .unwrap();
        assert_eq!(
            row[header.iter().position(|h| h == "Tên đơn vị").unwrap()],
            source["name"].as_str().unwrap()
        );
        assert_eq!(jrow["name"], source["name"].as_str().unwrap());
        for key in ["members", "organisations"] {
            let label = if key == "members" {
                "Số đảng viên"
            } else {
                "Số tổ chức đảng"
            };
            let cell = &row[header.iter().position(|h| h == label).unwrap()];
            match source.get(key) {
                Some(v) => {
                    assert_eq!(cell, &v.as_integer().unwrap().to_string());
                    assert_eq!(jrow[key], v.as_integer().unwrap());
                }
                None => {
                    assert_eq!(cell, "");
                    assert!(jrow[key].is_null());
                }
            }
        }
        seen += 1;
    }
    assert_eq!(seen, rows.len());
    // Each level page exports its own units only.
    let (_, district) = read_csv(&out.join("levels/district.csv"));
    assert_eq!(district.len(), 1);
    assert_eq!(district[0][0], "huyen-a");
}
