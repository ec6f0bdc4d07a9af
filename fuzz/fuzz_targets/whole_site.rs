//! Whole small sites, built from the input's bytes by structure (with
//! `arbitrary`): a site.toml, a catalogue, several units (levels, parents,
//! counts, indicators referring to the catalogue, figures and targets from
//! pools of valid and invalid ones), reports (headings, footnotes, numbers,
//! LF, CRLF or CR line ends) and highlights, each file now and then replaced
//! by raw bytes. The invariants:
//!
//! - nothing panics;
//! - a failed build changes nothing: the output folder, holding a previous
//!   build, is byte for byte what it was;
//! - `check` and `build` agree: the preview's in-memory build (check, then
//!   render) succeeds exactly when `ketqua build` does.
#![no_main]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use arbitrary::{Result, Unstructured};
use ketqua::{BuildOptions, MARKER, Preview, Silent};
use libfuzzer_sys::fuzz_target;

const IDS: [&str; 6] = ["tinh", "huyen-a", "huyen-b", "xa-a", "xa-b", "chi-bo"];
const LEVELS: [&str; 5] = ["province", "district", "grassroots", "branch", "xa"];
const CATALOGUE: [&str; 4] = ["ket-nap", "dang-vien-htt", "ho-ngheo", "khong-co"];
const TARGETS: [&str; 9] = [
    "> 95%",
    ">= 100/năm",
    "3-5%/năm",
    "100%",
    "yes",
    "95.5%",
    "",
    "< 2%",
    "≥ 60%",
];
const FIGURES: [&str; 10] = [
    "98",
    "\"41/71\"",
    "\"57,7\"",
    "true",
    "-5",
    "\"15.1915\"",
    "1e400",
    "\"\"",
    "305",
    "\"3.322\"",
];
const WORDS: [&str; 10] = [
    "Đảng bộ",
    "đạt 99,2%",
    "kết nạp 305 đảng viên",
    "15.1915",
    "41/71 tổ chức",
    "[^1]",
    "[^ghi-chu]",
    "**Vượt**",
    "`mã`",
    "<script>x</script>",
];

fn pick<'a>(u: &mut Unstructured<'_>, pool: &[&'a str]) -> Result<&'a str> {
    u.choose(pool).copied()
}

/// A file's text, or now and then the input's raw bytes.
fn or_raw(u: &mut Unstructured<'_>, text: String) -> Result<Vec<u8>> {
    if u.ratio(1, 12)? {
        let raw: &[u8] = u.arbitrary()?;
        Ok(raw.to_vec())
    } else {
        Ok(text.into_bytes())
    }
}

fn site_toml(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let language = pick(u, &["vi", "en", "fr"])?;
    let decimals = u.int_in_range(0..=4)?;
    let extra = if u.ratio(1, 8)? {
        "titel = \"x\"\n"
    } else {
        ""
    };
    let text = format!(
        "title = \"Thử\"\nlanguage = \"{language}\"\n{extra}\n[review]\nterm_start = 2020\nterm_end = 2025\ncutoff = 2023-06-30\nas_of = 2023-09-15\ndecimals = {decimals}\n\n[deadlines]\ngrassroots = 2023-06-30\ndistrict = 2023-07-30\nprovince = 2023-08-30\n"
    );
    or_raw(u, text)
}

fn catalogue(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut text = String::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let id = pick(u, &CATALOGUE)?;
        let target = pick(u, &TARGETS)?;
        text.push_str(&format!(
            "[[indicator]]\nid = \"{id}\"\ndescription = \"Chỉ tiêu {id}\"\ntarget = \"{target}\"\n\n"
        ));
    }
    or_raw(u, text)
}

fn unit_toml(u: &mut Unstructured<'_>, id: &str) -> Result<Vec<u8>> {
    let level = pick(u, &LEVELS)?;
    let mut text = format!("name = \"Đơn vị {id}\"\nlevel = \"{level}\"\n");
    if u.arbitrary()? {
        text.push_str(&format!("parent = \"{}\"\n", pick(u, &IDS)?));
    }
    if u.arbitrary()? {
        text.push_str(&format!("members = {}\n", u.int_in_range(-2..=5000)?));
    }
    if u.arbitrary()? {
        text.push_str(&format!("organisations = {}\n", u.int_in_range(0..=80)?));
    }
    if u.arbitrary()? {
        text.push_str("submitted = 2023-07-01\n");
    }
    if u.ratio(1, 10)? {
        text.push_str("public = true\n");
    }
    for n in 0..u.int_in_range(0..=4)? {
        text.push_str("\n[[indicators]]\n");
        if u.arbitrary()? {
            text.push_str(&format!("ref = \"{}\"\n", pick(u, &CATALOGUE)?));
        } else {
            text.push_str(&format!(
                "id = \"{}\"\ndescription = \"Chỉ tiêu {n}\"\ntarget = \"{}\"\n",
                n + 1,
                pick(u, &TARGETS)?
            ));
        }
        text.push_str(&format!("actual = {}\n", pick(u, &FIGURES)?));
        if u.arbitrary()? {
            text.push_str(&format!(
                "stated = \"{}\"\n",
                pick(u, &["Đạt", "Vượt", "Không đạt", "Đạt 96,16%"])?
            ));
        }
    }
    or_raw(u, text)
}

fn report(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let end = pick(u, &["\n", "\r\n", "\r"])?;
    let mut lines = vec!["# Báo cáo".to_string(), String::new()];
    for _ in 0..u.int_in_range(0..=8)? {
        let kind = u.int_in_range(0..=3)?;
        let words: Vec<&str> = (0..u.int_in_range(1..=6)?)
            .map(|_| pick(u, &WORDS))
            .collect::<Result<_>>()?;
        let line = words.join(" ");
        lines.push(match kind {
            0 => format!("## {line}"),
            1 => format!("[^{}]: {line}", pick(u, &["1", "ghi-chu", "2"])?),
            2 => format!("- {line}"),
            _ => line,
        });
        lines.push(String::new());
    }
    or_raw(u, lines.join(end))
}

fn highlight(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let unit = pick(u, &IDS)?;
    let kind = pick(u, &["result", "model", "lesson", "reslt"])?;
    let text = format!(
        "+++\ntitle = \"Điểm nhấn\"\nunit = \"{unit}\"\nkind = \"{kind}\"\nsummary = \"Tóm tắt\"\ndate = 2023-08-01\npublic = true\n+++\nNội dung.\n"
    );
    or_raw(u, text)
}

/// The site's files, by path.
fn site(u: &mut Unstructured<'_>) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert("site.toml".to_string(), site_toml(u)?);
    if u.arbitrary()? {
        files.insert("indicators.toml".to_string(), catalogue(u)?);
    }
    for id in IDS {
        if !u.arbitrary()? {
            continue;
        }
        let dir = format!("content/units/{id}");
        files.insert(format!("{dir}/unit.toml"), unit_toml(u, id)?);
        if u.arbitrary()? {
            files.insert(format!("{dir}/report.md"), report(u)?);
        }
    }
    for n in 0..u.int_in_range(0..=2)? {
        files.insert(format!("content/highlights/diem-{n}.md"), highlight(u)?);
    }
    Ok(files)
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(bytes) = fs::read(&path) {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                out.insert(rel.to_string_lossy().into_owned(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(files) = site(&mut u) else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    for (path, bytes) in &files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        fs::write(path, bytes).expect("a write");
    }
    // A previous build in the output folder, which a failed build must leave.
    let output = root.join("public");
    fs::create_dir_all(&output).expect("a folder");
    fs::write(output.join(MARKER), "").expect("a write");
    fs::write(output.join("index.html"), "bản trước").expect("a write");
    let before = snapshot(&output);

    let today = jiff::civil::date(2023, 9, 15);
    let (_, outcome) = Preview::new(root, today, false);
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: output.clone(),
        deny_warnings: false,
        today,
        public: false,
        reuse_output: false,
        fresh: false,
    };
    let built = ketqua::build(&options, &Silent);
    assert_eq!(
        outcome.ok,
        built.is_ok(),
        "check and build disagree on {files:?}"
    );
    if built.is_err() {
        assert_eq!(
            snapshot(&output),
            before,
            "a failed build changed the output"
        );
    }
});
