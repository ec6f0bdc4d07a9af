//! Golden output: the example site and a generated 1,000-unit site are
//! built and every output file is hashed; the sorted list of paths and
//! hashes must equal the one checked in under `tests/golden/`. A change to
//! the output, intended or not, names the files it touched. After an
//! intended change, bless the new output with `KETQUA_BLESS=1 cargo test
//! --test it golden` and review the diff of `tests/golden/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::support::{copy_example, ketqua, snapshot};

/// `path hash` lines, sorted by path; the hash is the first 16 hex digits of
/// the file's SHA-256. The marker file is left out: it holds the manifest of
/// the incremental build, with the pages' modification times.
fn manifest(dir: &Path) -> String {
    let mut out = String::new();
    for (path, bytes) in snapshot(dir) {
        if path == ketqua::MARKER {
            continue;
        }
        let digest = Sha256::digest(&bytes);
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "{} {hex}", path.replace('\\', "/"));
    }
    out
}

fn parse(manifest: &str) -> BTreeMap<&str, &str> {
    manifest
        .lines()
        .filter_map(|line| line.rsplit_once(' '))
        .collect()
}

/// Builds `root` and compares its output with `tests/golden/<name>.txt`.
fn check_golden(root: &Path, name: &str) {
    let run = ketqua(root, &["build", "--quiet"]);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let actual = manifest(&root.join("public"));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("KETQUA_BLESS").is_some_and(|v| v == "1") {
        fs::create_dir_all(golden.parent().unwrap()).unwrap();
        fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&golden).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with KETQUA_BLESS=1 cargo test --test it golden",
            golden.display()
        )
    });
    if actual == expected {
        return;
    }
    let (old, new) = (parse(&expected), parse(&actual));
    let mut changes = Vec::new();
    for (path, hash) in &new {
        match old.get(path) {
            None => changes.push(format!("added    {path}")),
            Some(h) if h != hash => changes.push(format!("changed  {path}")),
            Some(_) => {}
        }
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        changes.push(format!("removed  {path}"));
    }
    let shown = changes.len().min(40);
    panic!(
        "the output of the {name} site differs from tests/golden/{name}.txt in {} files:\n{}{}\n\
         (if the change is intended: KETQUA_BLESS=1 cargo test --test it golden)",
        changes.len(),
        changes[..shown].join("\n"),
        if changes.len() > shown { "\n…" } else { "" },
    );
}

#[test]
fn the_example_site_builds_byte_for_byte_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    check_golden(tmp.path(), "example");
}

#[test]
fn a_generated_1000_unit_site_builds_byte_for_byte_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    ketqua_bench::generate(ketqua_bench::Spec::new(1000), tmp.path()).unwrap();
    check_golden(tmp.path(), "generated-1000");
}
