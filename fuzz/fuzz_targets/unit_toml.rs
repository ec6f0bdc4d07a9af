//! The unit loader, and all that follows it: the input's bytes are one
//! unit's `unit.toml` in a copy of the `minimal` test site; the site is
//! built in memory as the preview builds it (load, model, checks, theme,
//! and, when it checks clean, every page, export and search file), its
//! diagnostics rendered with their source lines. Nothing may panic.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ketqua::Preview;
use libfuzzer_sys::fuzz_target;

/// A copy of tests/fixtures/minimal, made once per fuzzing process; each
/// input overwrites the same unit.toml in it.
fn site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/minimal");
        copy_tree(&fixture, dir.path());
        dir
    })
    .path()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the fixture") {
        let entry = entry.expect("an entry");
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("a copy");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let root = site();
    // huyen-a has a parent, a child and a report: the model links all three.
    std::fs::write(root.join("content/units/huyen-a/unit.toml"), data).expect("a write");
    // The fixture's site.toml sets `as_of`; this date is only its fallback.
    let (preview, outcome) = Preview::new(root, jiff::civil::date(2023, 9, 15), false);
    let output = preview.output();
    if !outcome.ok {
        let problems = output.problems.as_deref().unwrap_or_default();
        assert!(!problems.is_empty(), "a failed build without a message");
    } else {
        assert!(outcome.files > 0, "a site that checks clean renders");
    }
});
