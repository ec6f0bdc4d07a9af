//! The interface language: an English build (`language = "en"`) of the
//! example site has no Vietnamese interface text in any output file (pages,
//! CSV, JSON, SVG, search files, press kit), both the full and the public
//! build. Vietnamese that the site's own content holds (unit names,
//! reports, indicator descriptions) is content, and may appear.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::support::{copy_example, ketqua, snapshot};

/// A date after every highlight's release, so the press site has them all.
const TODAY: &str = "2024-01-15";

/// The example site with `language = "en"`, built (full into `public`,
/// public into `press`).
fn english_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let config = dir.path().join("site.toml");
    let text = fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("language = \"vi\""),
        "the example names its language"
    );
    fs::write(
        &config,
        text.replace("language = \"vi\"", "language = \"en\""),
    )
    .unwrap();
    for args in [
        &["--today", TODAY, "build", "-o", "public"][..],
        &["--today", TODAY, "build", "--public", "-o", "press"][..],
    ] {
        let run = ketqua(dir.path(), args);
        assert_eq!(run.code, 0, "build failed:\n{}{}", run.stdout, run.stderr);
    }
    dir
}

/// Every text file of the site's own content (site.toml, indicators.toml,
/// `content/`), joined.
fn content_text(root: &Path) -> String {
    let mut text = String::new();
    for part in ["site.toml", "indicators.toml"] {
        text.push_str(&fs::read_to_string(root.join(part)).unwrap());
        text.push('\n');
    }
    for (_, bytes) in snapshot(&root.join("content")) {
        if let Ok(file) = String::from_utf8(bytes) {
            text.push_str(&file);
            text.push('\n');
        }
    }
    text
}

fn table(name: &str) -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/i18n")
        .join(name);
    fs::read_to_string(&path).unwrap().parse().unwrap()
}

fn is_vietnamese_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_ascii()
}

/// The Vietnamese interface texts to look for: each value of vi.toml that
/// differs from its English value, cut at its `{placeholders}`, the pieces
/// that hold a Vietnamese letter and that the content does not hold.
fn interface_texts(content: &str) -> BTreeSet<String> {
    let vi = table("vi.toml");
    let en = table("en.toml");
    let mut texts = BTreeSet::new();
    for (key, value) in &vi {
        let value = value.as_str().unwrap();
        if en.get(key).and_then(|v| v.as_str()) == Some(value) {
            continue;
        }
        let mut rest = value;
        loop {
            let (piece, after) = match rest.split_once('{') {
                Some((piece, after)) => (piece, after.split_once('}').map_or("", |(_, a)| a)),
                None => (rest, ""),
            };
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.chars().any(is_vietnamese_letter) && !content.contains(piece) {
                texts.insert(piece.to_string());
            }
            if after.is_empty() {
                break;
            }
            rest = after;
        }
    }
    texts
}

/// The words (runs of letters) of `text` that hold a Vietnamese letter,
/// lowercased, each with whether "…" follows it (a label shortened to fit).
fn vietnamese_words(text: &str) -> BTreeSet<(String, bool)> {
    let mut words = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find(char::is_alphabetic) {
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if word.chars().any(is_vietnamese_letter) {
            words.insert((word.to_lowercase(), rest.starts_with('…')));
        }
    }
    words
}

/// The text files of an output folder: (path, text); binary files (PNG,
/// fonts) are left out.
fn output_texts(out: &Path) -> Vec<(String, String)> {
    snapshot(out)
        .into_iter()
        .filter_map(|(path, bytes)| Some((path, String::from_utf8(bytes).ok()?)))
        .collect()
}

#[test]
fn an_english_build_has_no_vietnamese_interface_text() {
    let site = english_example();
    let content = content_text(site.path());
    let texts = interface_texts(&content);
    // The list is not empty, and holds texts of the kinds the Rust side writes.
    for expected in [
        "Số ngày trễ",
        "Biểu đồ xếp hạng",
        "Biểu đồ thanh xếp chồng",
        "Quay lại chỗ dẫn chú thích",
    ] {
        assert!(
            texts.contains(expected),
            "`{expected}` is not an interface text"
        );
    }

    let mut found = Vec::new();
    let mut files = 0;
    for folder in ["public", "press"] {
        for (path, text) in output_texts(&site.path().join(folder)) {
            files += 1;
            for needle in &texts {
                if text.contains(needle.as_str()) {
                    found.push(format!("{folder}/{path}: `{needle}`"));
                }
            }
        }
    }
    assert!(files > 100, "only {files} text files were built");
    assert!(
        found.is_empty(),
        "Vietnamese interface text in an English build:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_english_build_has_no_vietnamese_word_the_content_does_not_have() {
    // Wider than the list of vi.toml: a Vietnamese text written in the code
    // and never put in the tables is caught by its words.
    let site = english_example();
    let content: BTreeSet<String> = vietnamese_words(&content_text(site.path()))
        .into_iter()
        .map(|(word, _)| word)
        .collect();
    let mut found = BTreeSet::new();
    for folder in ["public", "press"] {
        for (path, text) in output_texts(&site.path().join(folder)) {
            // The theme's scripts and styles hold Vietnamese letters as
            // data (folding tables, font subsets), not as text.
            if path.ends_with(".js") || path.ends_with(".css") {
                continue;
            }
            for (word, shortened) in vietnamese_words(&text) {
                let known = if shortened {
                    content.iter().any(|w| w.starts_with(&word))
                } else {
                    content.contains(&word)
                };
                if !known {
                    found.insert(format!("{folder}/{path}: `{word}`"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "Vietnamese words not from the content:\n{}",
        found.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The modules whose Vietnamese string literals are not interface text:
/// the input grammar ketqua reads (targets, figures in reports, stated
/// results), the Vietnamese conventions themselves, diagnostics, which
/// quote the content, and the import, which reads the offices' documents
/// (their headers, outline, appendix words) and writes content.
const VIETNAMESE_ALLOWED: &[&str] = &[
    "vi.rs",
    "target.rs",
    "scan.rs",
    "consistency.rs",
    "model.rs",
    "highlight.rs",
    "diag.rs",
    "import.rs",
    "import/words.rs",
    "import/report.rs",
    "import/figures.rs",
];

#[test]
fn interface_code_has_no_vietnamese_string_literal() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut found = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if VIETNAMESE_ALLOWED.contains(&name.as_str()) || name.ends_with("tests.rs") {
            continue;
        }
        let ast = syn::parse_file(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut literals = Literals::default();
        syn::visit::Visit::visit_file(&mut literals, &ast);
        found.extend(
            literals
                .found
                .into_iter()
                .filter(|l| l.chars().any(is_vietnamese_letter))
                .map(|l| format!("src/{name}: {l:?}")),
        );
    }
    assert!(
        found.is_empty(),
        "Vietnamese text in code: put it in src/i18n/*.toml\n{}",
        found.join("\n")
    );
}

/// The string literals of a file outside test code: in expressions,
/// constants and macro calls (`format!`), not in attributes (doc comments).
#[derive(Default)]
struct Literals {
    found: Vec<String>,
}

impl<'ast> syn::visit::Visit<'ast> for Literals {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !crate::layers::is_test(crate::layers::item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.found.push(lit.value());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
    }
}

impl Literals {
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Group(group) => self.tokens(group.stream()),
                proc_macro2::TokenTree::Literal(lit) => {
                    if let Ok(lit) = syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                        self.found.push(lit.value());
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn the_literal_scan_sees_macros_and_skips_docs_and_tests() {
    let file: syn::File = syn::parse_str(
        r#"
        /// Tài liệu.
        fn f() -> String { format!("Bảng {}", 1) + "Ẩn" }
        const A: &str = "Chú thích";
        #[cfg(test)]
        const B: &str = "Kiểm thử";
        #[cfg(test)]
        mod tests { fn g() { let _ = "Thử"; } }
        "#,
    )
    .unwrap();
    let mut literals = Literals::default();
    syn::visit::Visit::visit_file(&mut literals, &file);
    assert_eq!(literals.found, ["Bảng {}", "Ẩn", "Chú thích"]);
}
