//! The message catalogue (`src/i18n/messages.toml`) and the diagnostics
//! made from it: every message in Vietnamese and English with the same
//! placeholders, every key the code names in the catalogue and every entry
//! used, `Diagnostic` made only from catalogue messages (an error only with
//! a hint), and, run on every fixture of bad and inconsistent input, every
//! problem printed in both languages, each error with its hint.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

use crate::support::{english, fixtures, ketqua, site};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The catalogue: key → (vi, en).
fn catalogue() -> BTreeMap<String, (String, String)> {
    let text = fs::read_to_string(repo().join("src/i18n/messages.toml")).unwrap();
    let table: toml::Table = text.parse().expect("messages.toml parses");
    table
        .into_iter()
        .map(|(key, entry)| {
            let words = |language: &str| {
                entry
                    .get(language)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let both = (words("vi"), words("en"));
            (key, both)
        })
        .collect()
}

/// The `{names}` of a message, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names
}

/// The problems of the catalogue itself: an entry without both languages,
/// with different placeholders in the two, or whose Vietnamese is the
/// English copied (a message not translated).
fn catalogue_problems(table: &BTreeMap<String, (String, String)>) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, (vi, en)) in table {
        if vi.trim().is_empty() || en.trim().is_empty() {
            problems.push(format!("{key}: not in both languages"));
        } else if placeholders(vi) != placeholders(en) {
            problems.push(format!("{key}: placeholders differ: {vi:?} / {en:?}"));
        } else if vi == en {
            problems.push(format!("{key}: the Vietnamese is the English: {vi:?}"));
        }
    }
    problems
}

#[test]
fn every_message_is_in_vietnamese_and_english_with_the_same_placeholders() {
    let table = catalogue();
    assert!(table.len() > 300, "{} entries", table.len());
    let problems = catalogue_problems(&table);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_catalogue_check_finds_a_missing_language_and_a_placeholder_mismatch() {
    let words = |vi: &str, en: &str| (vi.to_string(), en.to_string());
    let mut table = BTreeMap::new();
    table.insert(
        "no_unit".to_string(),
        words("không có đơn vị `{unit}`", "no unit `{unit}`"),
    );
    table.insert("no_vi".into(), words("", "no unit `{unit}`"));
    table.insert(
        "renamed".into(),
        words("không có đơn vị `{don_vi}`", "no unit `{unit}`"),
    );
    table.insert(
        "copied".into(),
        words("no unit `{unit}`", "no unit `{unit}`"),
    );
    let problems = catalogue_problems(&table);
    assert_eq!(problems.len(), 3, "{problems:?}");
}

/// Every `.rs` file under `src/`.
fn sources() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![repo().join("src")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The string literals of a piece of code.
#[derive(Default)]
struct Strings(Vec<String>);

impl<'ast> Visit<'ast> for Strings {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.0.push(lit.value());
    }
}

/// What the code says of messages: the keys named in `Msg::new(…)` (every
/// string literal of its argument, `if` and `match` arms included), and
/// every string literal anywhere (a key may be chosen from a table first).
#[derive(Default)]
struct Named {
    keys: Vec<String>,
    literals: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for Named {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments.ends_with(&["Msg".to_string(), "new".to_string()]) {
                let mut strings = Strings::default();
                for arg in &call.args {
                    strings.visit_expr(arg);
                }
                self.keys.extend(strings.0);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.literals.insert(lit.value());
    }
}

#[test]
fn every_key_the_code_names_is_in_the_catalogue_and_every_entry_is_used() {
    let table = catalogue();
    let mut named = Named::default();
    let mut all = String::new();
    for path in sources() {
        let text = fs::read_to_string(&path).unwrap();
        all.push_str(&text);
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        named.visit_file(&file);
    }
    assert!(named.keys.len() > 250, "{} keys named", named.keys.len());
    let missing: Vec<&String> = named
        .keys
        .iter()
        .filter(|k| !table.contains_key(*k))
        .collect();
    assert!(missing.is_empty(), "not in messages.toml: {missing:?}");
    // A key may be written in a macro's arguments (`format!`, `vec!`),
    // which syn leaves unparsed: looked for as written there.
    let unused: Vec<&String> = table
        .keys()
        .filter(|k| !named.literals.contains(*k) && !all.contains(&format!("\"{k}\"")))
        .collect();
    assert!(
        unused.is_empty(),
        "in messages.toml but never used: {unused:?}"
    );
}

/// The public functions of `impl Diagnostic` in src/diag.rs, with the types
/// of their parameters as written.
fn diagnostic_constructors() -> Vec<(String, Vec<String>)> {
    let text = fs::read_to_string(repo().join("src/diag.rs")).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let mut found = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || !ty.path.is_ident("Diagnostic") {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let types = f
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => Some(type_words(&t.ty)),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            found.push((f.sig.ident.to_string(), types));
        }
    }
    found
}

fn type_words(ty: &syn::Type) -> String {
    let mut words = Words::default();
    words.visit_type(ty);
    words.0.join(" ")
}

#[derive(Default)]
struct Words(Vec<String>);

impl<'ast> Visit<'ast> for Words {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.0.push(ident.to_string());
    }
}

/// A diagnostic is made from catalogue messages only: its fields are
/// private, no public function of `Diagnostic` takes a text (`String`,
/// `str`, `Into`, `Display`), and `error` takes its hint.
#[test]
fn a_diagnostic_is_made_only_of_catalogue_messages_and_an_error_has_a_hint() {
    let text = fs::read_to_string(repo().join("src/diag.rs")).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let fields: Vec<(String, bool)> = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == "Diagnostic" => Some(
                s.fields
                    .iter()
                    .map(|f| {
                        let name = f.ident.as_ref().map(ToString::to_string);
                        let private = matches!(f.vis, syn::Visibility::Inherited);
                        (name.unwrap_or_default(), private)
                    })
                    .collect(),
            ),
            _ => None,
        })
        .expect("struct Diagnostic in src/diag.rs");
    for (name, private) in &fields {
        let text_field = matches!(name.as_str(), "message" | "label" | "hint");
        assert!(!text_field || *private, "Diagnostic::{name} is public");
    }
    let constructors = diagnostic_constructors();
    let mut takes_text = Vec::new();
    for (name, types) in &constructors {
        for ty in types {
            if ["String", "str", "Into", "Display", "ToString"]
                .iter()
                .any(|t| ty.split(' ').any(|w| w == *t))
            {
                takes_text.push(format!("Diagnostic::{name}({ty})"));
            }
        }
    }
    assert!(takes_text.is_empty(), "take a text: {takes_text:?}");
    let get = |name: &str| {
        constructors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, types)| types.clone())
            .unwrap_or_else(|| panic!("no Diagnostic::{name}"))
    };
    assert_eq!(
        get("error"),
        ["Msg", "Msg"],
        "an error takes its message and hint"
    );
    assert_eq!(get("warning"), ["Msg"]);
    assert_eq!(get("hint"), ["Msg"]);
    assert_eq!(get("label"), ["Msg"]);
}

/// A printed problem: its severity line and its hint.
#[derive(Debug)]
struct Printed {
    error: bool,
    message: String,
    hint: Option<String>,
}

/// The problems of `ketqua check`'s output, with the words of `language`.
fn printed(output: &str, language: &str) -> Vec<Printed> {
    let (error, warning, help) = match language {
        "vi" => ("lỗi: ", "cảnh báo: ", "= gợi ý: "),
        _ => ("error: ", "warning: ", "= help: "),
    };
    let mut found: Vec<Printed> = Vec::new();
    for line in output.lines() {
        if let Some(message) = line.strip_prefix(error) {
            found.push(Printed {
                error: true,
                message: message.to_string(),
                hint: None,
            });
        } else if let Some(message) = line.strip_prefix(warning) {
            found.push(Printed {
                error: false,
                message: message.to_string(),
                hint: None,
            });
        } else if let (Some(at), Some(last)) = (line.find(help), found.last_mut())
            && last.hint.is_none()
        {
            last.hint = Some(line[at + help.len()..].to_string());
        }
    }
    found
}

/// Every fixture of bad or inconsistent input, checked in Vietnamese (the
/// default) and in English: the same problems, each worded differently in
/// the two languages (a message written in the code, or an English text
/// passed through, would print the same), each error with a hint in both.
#[test]
fn every_problem_of_every_fixture_is_worded_in_both_languages_each_error_with_a_hint() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut unreadable = 0;
    for group in ["bad", "inconsistent"] {
        let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let dir = site(&[&case.join("site")]);
            let config = fs::read_to_string(dir.path().join("site.toml")).unwrap();
            if config.contains("\nlanguage = ") || config.starts_with("language = ") {
                // Its own language is the problem it shows.
                continue;
            }
            let vi = ketqua(dir.path(), &["check", "--max-diagnostics", "0"]).stderr;
            english(dir.path());
            let en = ketqua(dir.path(), &["check", "--max-diagnostics", "0"]).stderr;
            let (vi, en) = (printed(&vi, "vi"), printed(&en, "en"));
            if en.is_empty() && !vi.is_empty() {
                // A site.toml that cannot be read: its `language` neither.
                unreadable += 1;
                continue;
            }
            if vi.len() != en.len() || vi.is_empty() {
                failures.push(format!("{name}: {vi:?}\n{en:?}"));
                continue;
            }
            for (v, e) in vi.iter().zip(&en) {
                checked += 1;
                if v.message == e.message {
                    failures.push(format!("{name}: the same in both languages: {}", v.message));
                }
                if v.hint.is_some() && v.hint == e.hint {
                    failures.push(format!("{name}: hint the same in both: {:?}", v.hint));
                }
                if v.error && (v.hint.is_none() || e.hint.is_none()) {
                    failures.push(format!("{name}: error without a hint: {}", e.message));
                }
            }
        }
    }
    assert!(checked > 50, "{checked} problems");
    assert!(
        unreadable <= 3,
        "{unreadable} sites whose language cannot be read"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
