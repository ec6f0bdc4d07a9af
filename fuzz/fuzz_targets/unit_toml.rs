//! The unit loader, and all that follows it: the input's bytes are one
//! unit's `unit.toml` in a copy of the `minimal` test site; the site is
//! checked (load, model, theme), its diagnostics rendered with their source
//! lines, and, when it checks clean, every page rendered in memory. Nothing
//! may panic.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ketqua::build::check;
use ketqua::render::Renderer;
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
    let mut checked = check(root, jiff::civil::date(2023, 9, 15), false);
    let rendered = checked.diagnostics.render(&checked.sources);
    if checked.diagnostics.has_errors() {
        assert!(!rendered.is_empty(), "errors without a message");
    }
    if checked.ok(false)
        && let Some(site) = &checked.site
        && let Some(renderer) = Renderer::new(
            site,
            &checked.theme,
            &checked.sources,
            &mut checked.diagnostics,
        )
    {
        let pages = renderer.pages();
        let discard = |_: &str, _: &[u8]| Ok(());
        renderer
            .render_all(&pages, &checked.theme, &checked.sources, &discard, &|| {})
            .expect("a site that checks clean renders");
    }
});
