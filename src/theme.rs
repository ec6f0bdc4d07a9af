//! Themes: finding the templates and static assets of the site's theme, with
//! the site's own `templates/` and `static/` files overriding single files.
//!
//! The default theme is compiled into the binary, so a site made by
//! `ketqua init` anywhere builds without a copy of it; a `themes/<name>/`
//! folder in the site wins over the built-in one (the templates of review
//! rounds it lacks are the built-in ones).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, Sources};
use crate::load::read_text_allowing_empty;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates newer than the themes a site may have copied from the default
/// one (those of review rounds): a `themes/<name>/` without them uses the
/// built-in ones, so that a theme made before them still builds.
const BUILT_IN_FALLBACK: [&str; 3] = ["compare.html", "unit_rounds.html", "indicator_rounds.html"];

/// A template's name (its path under `templates/`, with `/`) and its source file.
#[derive(Debug)]
pub struct TemplateSource {
    pub name: String,
    pub file: FileId,
}

#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

#[derive(Debug, Default)]
pub struct Theme {
    pub templates: Vec<TemplateSource>,
    /// Output path (with `/`) → where its bytes come from.
    pub statics: BTreeMap<String, StaticFile>,
}

/// Collects the theme `name` with the site's overrides: `themes/<name>/` when
/// the site has that folder, else the built-in default theme (load has
/// already refused any other name). Problems (unreadable or non-UTF-8
/// templates) go into `diags`.
pub(crate) fn load(
    root: &Path,
    name: &str,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Theme {
    let mut templates: BTreeMap<String, FileId> = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let theme_dir = root.join("themes").join(name);
    // Layers, lowest first: the theme, then the site's own files.
    let mut layers = vec![root.to_path_buf()];
    if theme_dir.is_dir() {
        layers.insert(0, theme_dir);
        add_fallback(&mut templates, sources);
    } else {
        add_embedded(&DEFAULT_THEME, &mut templates, &mut statics, sources);
    }
    for layer in &layers {
        for (folder, is_static) in [("templates", false), ("static", true)] {
            let files = Files {
                templates: &mut templates,
                statics: &mut statics,
            };
            add_disk(root, &layer.join(folder), files, is_static, sources, diags);
        }
    }
    Theme {
        templates: templates
            .into_iter()
            .map(|(name, file)| TemplateSource { name, file })
            .collect(),
        statics,
    }
}

/// A file of the built-in default theme (`css/charts.css`), for what is
/// made from it outside a page (the press kit's standalone charts).
pub(crate) fn default_file(rel: &str) -> Option<&'static [u8]> {
    DEFAULT_THEME
        .get_file(format!("static/{rel}"))
        .map(|f| f.contents())
}

impl Theme {
    /// Where the static file `rel` comes from, for messages:
    /// `static/logo.svg`, `themes/x/static/logo.svg` (relative to the site
    /// folder), or the built-in theme.
    pub fn static_origin(&self, root: &Path, rel: &str) -> String {
        match self.statics.get(rel) {
            Some(StaticFile::Disk(path)) => path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/"),
            _ => format!("themes/default/static/{rel} (built in)"),
        }
    }
}

fn add_embedded(
    dir: &'static Dir<'static>,
    templates: &mut BTreeMap<String, FileId>,
    statics: &mut BTreeMap<String, StaticFile>,
    sources: &mut Sources,
) {
    for file in all_files(dir) {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            let id = sources.add(format!("themes/default/{path} (built in)"), text);
            templates.insert(name.to_string(), id);
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), StaticFile::Embedded(file.contents()));
        }
    }
}

/// The built-in [`BUILT_IN_FALLBACK`] templates, under a theme's own.
fn add_fallback(templates: &mut BTreeMap<String, FileId>, sources: &mut Sources) {
    for name in BUILT_IN_FALLBACK {
        if let Some(file) = DEFAULT_THEME.get_file(format!("templates/{name}")) {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            let id = sources.add(format!("themes/default/templates/{name} (built in)"), text);
            templates.insert(name.to_string(), id);
        }
    }
}

fn all_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(all_files(sub));
    }
    out
}

/// The theme's files collected so far, later layers replacing earlier ones.
struct Files<'a> {
    templates: &'a mut BTreeMap<String, FileId>,
    statics: &'a mut BTreeMap<String, StaticFile>,
}

fn add_disk(
    root: &Path,
    dir: &Path,
    files_out: Files<'_>,
    is_static: bool,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    if let Some(problem) = crate::load::folder_problem(root, dir) {
        diags.push(problem);
        return;
    }
    let mut files = Vec::new();
    if let Err(err) = walk(root, dir, &mut files, diags) {
        let shown = dir.strip_prefix(root).unwrap_or(dir).display();
        diags.push(Diagnostic::error(
            Msg::new("folder_unreadable")
                .arg("path", shown)
                .arg("err", err),
            Msg::new("folder_unreadable_hint"),
        ));
        return;
    }
    files.sort();
    for path in files {
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if is_static {
            files_out.statics.insert(name, StaticFile::Disk(path));
        } else if let Some(id) = read_text_allowing_empty(root, &path, sources, diags) {
            files_out.templates.insert(name, id);
        }
    }
}

/// Every file below `dir` (none when it does not exist), skipping hidden
/// ones. A link is followed only when it leads inside the site, and into a
/// folder only when that folder does not hold the link (which would loop):
/// every other link is a problem in `diags` (see [`crate::load::link_problem`]).
fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<PathBuf>,
    diags: &mut Diagnostics,
) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let mut kind = entry.file_type()?;
        if kind.is_symlink() {
            if let Some(problem) = crate::load::link_problem(root, &path) {
                diags.push(problem);
                continue;
            }
            kind = fs::metadata(&path)?.file_type();
            if kind.is_dir() && holds_link(&path)? {
                diags.push(Diagnostic::error(
                    Msg::new("link_folder_loop")
                        .arg("link", path.strip_prefix(root).unwrap_or(&path).display()),
                    Msg::new("link_fix_hint"),
                ));
                continue;
            }
        }
        if kind.is_dir() {
            walk(root, &path, out, diags)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether the folder a link leads to holds the link itself.
fn holds_link(link: &Path) -> std::io::Result<bool> {
    let target = fs::canonicalize(link)?;
    let parent = match link.parent() {
        Some(parent) => fs::canonicalize(parent)?,
        None => return Ok(false),
    };
    Ok(parent.starts_with(target))
}
