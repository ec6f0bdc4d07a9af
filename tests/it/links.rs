//! The link gate: every internal link and anchor of a built site resolves.
//!
//! Walks whatever the build wrote (no list of pages): every `href`, `src`,
//! `srcset`, `poster`, `action` and `data` in every HTML page, and every
//! `url(…)` and `@import` in every stylesheet, must name a file of the
//! output, and a `#fragment` must name an `id` (or `<a name>`) of the page it
//! points to. Links must also work from a subfolder and from `file://`: a
//! root-relative link (`/x.html`), a link to a folder and a link that climbs
//! out of the site are broken too. External `http(s)://` links are listed,
//! never fetched.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;

use scraper::{Html, Selector};

use crate::support::{example_site, ketqua, site};

/// What the checker found in one output folder.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub pages: usize,
    pub stylesheets: usize,
    /// Links checked inside the site (files and anchors).
    pub internal: usize,
    /// Of those, links with a `#fragment`.
    pub anchors: usize,
    /// One line per broken link: page, element, link, why.
    pub broken: Vec<String>,
    /// External links (not fetched), with the pages that hold them.
    pub external: BTreeMap<String, BTreeSet<String>>,
}

/// Attributes that name another resource, with the elements they count on.
const LINK_ATTRIBUTES: [(&str, &str); 6] = [
    ("href", "[href]"),
    ("src", "[src]"),
    ("srcset", "[srcset]"),
    ("poster", "[poster]"),
    ("action", "form[action]"),
    ("data", "object[data]"),
];

/// Checks every link of the built site in `out`.
pub fn check_links(out: &Path) -> LinkReport {
    let files = walk(out);
    let mut report = LinkReport::default();
    let mut ids: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    // (page, element, attribute, value) for every link, checked once every
    // page's ids are known.
    let mut links: Vec<(String, String, String)> = Vec::new();

    for rel in files.iter().filter(|f| f.ends_with(".html")) {
        report.pages += 1;
        let text = match fs::read_to_string(out.join(rel)) {
            Ok(text) => text,
            Err(err) => {
                report
                    .broken
                    .push(format!("{rel}: cannot be read as UTF-8: {err}"));
                continue;
            }
        };
        let doc = Html::parse_document(&text);
        let page_ids = ids.entry(rel.clone()).or_default();
        let with_id = Selector::parse("[id], a[name]").expect("a valid selector");
        for el in doc.select(&with_id) {
            page_ids.extend(el.value().id().map(str::to_string));
            if el.value().name() == "a" {
                page_ids.extend(el.value().attr("name").map(str::to_string));
            }
        }
        for (attr, selector) in LINK_ATTRIBUTES {
            let selector = Selector::parse(selector).expect("a valid selector");
            for el in doc.select(&selector) {
                let Some(value) = el.value().attr(attr) else {
                    continue;
                };
                let element = format!("<{} {attr}=\"{value}\">", el.value().name());
                if attr == "srcset" {
                    // "a.png 1x, b.png 2x": the URL is each candidate's first word.
                    for candidate in value.split(',') {
                        if let Some(url) = candidate.split_whitespace().next() {
                            links.push((rel.clone(), element.clone(), url.to_string()));
                        }
                    }
                } else {
                    links.push((rel.clone(), element, value.to_string()));
                }
            }
        }
    }

    for rel in files.iter().filter(|f| f.ends_with(".css")) {
        report.stylesheets += 1;
        let text = fs::read_to_string(out.join(rel)).unwrap_or_default();
        for url in css_urls(&text) {
            links.push((rel.clone(), format!("url({url})"), url));
        }
    }

    let file_set: HashSet<&str> = files.iter().map(String::as_str).collect();
    let folders: HashSet<String> = files
        .iter()
        .flat_map(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            (1..parts.len())
                .map(|n| parts[..n].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    for (page, element, url) in links {
        let mut broken = |why: &str| {
            report
                .broken
                .push(format!("{page}: {element}: `{url}` {why}"));
        };
        let url = url.trim();
        if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
            report
                .external
                .entry(url.to_string())
                .or_default()
                .insert(page.clone());
            continue;
        }
        if let Some(scheme) = scheme(url) {
            match scheme.as_str() {
                "mailto" | "tel" | "data" => {}
                _ => broken(&format!("uses the `{scheme}:` scheme")),
            }
            continue;
        }
        if url.starts_with('/') {
            broken(
                "is root-relative: it breaks when the site is served from a subfolder or opened from file://",
            );
            continue;
        }
        let (path, fragment) = match url.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (url, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let target = if path.is_empty() {
            page.clone()
        } else {
            match resolve(&page, &percent_decode(path)) {
                Some(target) => target,
                None => {
                    broken("climbs out of the site");
                    continue;
                }
            }
        };
        report.internal += 1;
        if path.ends_with('/') || folders.contains(&target) {
            broken("names a folder: it does not open from file://; link to the page itself");
            continue;
        }
        if !file_set.contains(target.as_str()) {
            broken(&format!("names {target}, which the build did not write"));
            continue;
        }
        let Some(fragment) = fragment else {
            continue;
        };
        report.anchors += 1;
        // `#` alone is the top of the page; fragments of non-HTML files
        // (an SVG sprite, say) are not checked.
        if fragment.is_empty() || !target.ends_with(".html") {
            continue;
        }
        let id = percent_decode(fragment);
        if !ids.get(&target).is_some_and(|ids| ids.contains(&id)) {
            broken(&format!("points to #{id}, which {target} does not have"));
        }
    }
    report
}

/// Every file below `dir`, relative with `/`, sorted; the build marker left out.
fn walk(dir: &Path) -> Vec<String> {
    fn visit(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("a readable output folder") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                visit(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below the base");
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    let mut files = Vec::new();
    visit(dir, dir, &mut files);
    files.retain(|f| f != ketqua::MARKER);
    files.sort();
    files
}

/// The scheme of an absolute URL (`mailto`, `javascript`…), lowercased.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| scheme.to_ascii_lowercase())
}

/// `link` taken from the folder of `page`; `None` when it climbs above the root.
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URLs a stylesheet loads: `url(…)` (quoted or not) and `@import "…"`.
fn css_urls(css: &str) -> Vec<String> {
    let css = strip_css_comments(css);
    let mut urls = Vec::new();
    let mut rest = css.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let url = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        if !url.is_empty() {
            urls.push(url.to_string());
        }
        rest = &rest[end..];
    }
    let mut rest = css.as_str();
    while let Some(at) = rest.find("@import") {
        rest = &rest[at + 7..];
        let trimmed = rest.trim_start();
        if let Some(quote) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'')
            && let Some(end) = trimmed[1..].find(quote)
        {
            urls.push(trimmed[1..1 + end].to_string());
        }
    }
    urls
}

fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn every_internal_link_and_anchor_of_the_example_site_resolves() {
    let dir = example_site();
    let out = dir.path().join("out");
    let run = ketqua(dir.path(), &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = check_links(&out);
    // The checker walked the output: the example has a home page, the units
    // index, level pages and 20 unit pages, and links between them.
    assert!(report.pages >= 20, "only {} pages found", report.pages);
    assert!(report.stylesheets >= 1, "no stylesheet found");
    assert!(
        report.internal > 200,
        "only {} links found",
        report.internal
    );
    assert!(report.anchors > 50, "only {} anchors found", report.anchors);
    for (url, pages) in &report.external {
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        eprintln!(
            "links: external, not fetched: {url} (on {})",
            pages.join(", ")
        );
    }
    eprintln!(
        "links: {} pages and {} stylesheets, {} internal links ({} with an anchor), {} external, {} broken",
        report.pages,
        report.stylesheets,
        report.internal,
        report.anchors,
        report.external.len(),
        report.broken.len()
    );
    assert!(
        report.broken.is_empty(),
        "{} broken links:\n{}",
        report.broken.len(),
        report.broken.join("\n")
    );
}

#[test]
fn broken_links_anchors_and_asset_urls_in_a_built_page_are_reported() {
    let dir = site(&[]);
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::create_dir_all(dir.path().join("static/css")).unwrap();
    fs::write(
        dir.path().join("templates/404.html"),
        r##"<!DOCTYPE html>
<html lang="vi"><head><title>{{ page.title }}</title>
<script src="js/khong-co.js"></script></head>
<body><main id="noi-dung">
<a href="khong-co.html">a</a>
<a href="index.html#khong-co-muc-nay">b</a>
<a href="#khong-co">c</a>
<a href="/index.html">d</a>
<a href="units/">e</a>
<a href="../ngoai.html">f</a>
<a href="javascript:void(0)">g</a>
<img srcset="anh.png 1x, css/ketqua.css 2x" alt="">
<a href="index.html#main">good</a>
<a href="#noi-dung">good</a>
<a href="units/dang-bo-khoi.html?q=x#bc-fn-1">good</a>
<a href="index.html">good</a>
<a href="mailto:vp@example.org">good</a>
<a href="https://example.org/trang">external</a>
</main></body></html>
"##,
    )
    .unwrap();
    fs::write(
        dir.path().join("static/css/ketqua.css"),
        "/* url(ghi-chu.png) */\n@import \"khong-co.css\";\nbody { background: url('../fonts/khong-co.woff2') }\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    let run = ketqua(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = check_links(&out);
    let broken = report.broken.join("\n");
    for expected in [
        "404.html: <script src=\"js/khong-co.js\">: `js/khong-co.js` names js/khong-co.js, which the build did not write",
        "404.html: <a href=\"khong-co.html\">: `khong-co.html` names khong-co.html",
        "`index.html#khong-co-muc-nay` points to #khong-co-muc-nay, which index.html does not have",
        "`#khong-co` points to #khong-co, which 404.html does not have",
        "`/index.html` is root-relative",
        "`units/` names a folder",
        "`../ngoai.html` climbs out of the site",
        "`javascript:void(0)` uses the `javascript:` scheme",
        "`anh.png` names anh.png",
        "css/ketqua.css: url(khong-co.css): `khong-co.css` names css/khong-co.css",
        "css/ketqua.css: url(../fonts/khong-co.woff2): `../fonts/khong-co.woff2` names fonts/khong-co.woff2",
    ] {
        assert!(
            broken.contains(expected),
            "expected `{expected}` in:\n{broken}"
        );
    }
    assert_eq!(report.broken.len(), 11, "unexpected reports:\n{broken}");
    assert!(!broken.contains("good"), "{broken}");
    assert!(
        !broken.contains("ghi-chu"),
        "a commented-out url was checked"
    );
    assert!(report.external.contains_key("https://example.org/trang"));
}

#[test]
fn relative_links_resolve_like_a_browser() {
    assert_eq!(
        resolve("units/a.html", "../index.html").as_deref(),
        Some("index.html")
    );
    assert_eq!(
        resolve("units/a.html", "b.html").as_deref(),
        Some("units/b.html")
    );
    assert_eq!(
        resolve("units/a.html", "./x/../c.html").as_deref(),
        Some("units/c.html")
    );
    assert_eq!(resolve("index.html", "../x.html"), None);
    assert_eq!(percent_decode("%C4%90%E1%BA%A3ng%20b%E1%BB%99"), "Đảng bộ");
    assert_eq!(percent_decode("100%"), "100%");
    assert_eq!(scheme("JavaScript:x").as_deref(), Some("javascript"));
    assert_eq!(scheme("a/b:c"), None);
    assert_eq!(scheme("units/x.html#a:b"), None);
}
