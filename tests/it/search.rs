//! The search box in a real browser: the minimal fixture is built, served
//! over HTTP by a tiny static server, and loaded in headless Chromium, which
//! runs `search.js` on the written index.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use crate::support::{assert_has, build_ok, site};

/// Serves `dir` on 127.0.0.1 (GET only) from a thread; returns the port.
fn serve(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            thread::spawn(move || answer(stream, &dir));
        }
    });
    port
}

fn answer(mut stream: TcpStream, dir: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let file = dir.join(path);
    let body = if method == "GET" && !path.contains("..") {
        fs::read(&file).ok()
    } else {
        None
    };
    let response = match body {
        Some(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("json") => "application/json",
                Some("css") => "text/css; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("woff2") => "font/woff2",
                _ => "application/octet-stream",
            };
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

/// The Chromium to drive: `$CHROMIUM` when set (as in tests/browser), else
/// the first of the usual names on the PATH.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return path.into();
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "the search test needs headless Chromium: install `chromium` \
                 (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM to its path"
            )
        })
        .into()
}

/// The DOM of `url` after its scripts ran, in headless Chromium.
fn dump_dom(url: &str) -> String {
    let browser = chromium();
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", browser.display()));
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of the first element with `class` in `dom`, up to its list's end.
fn results(dom: &str, class: &str) -> String {
    let start = dom
        .find(class)
        .unwrap_or_else(|| panic!("no `{class}` in:\n{dom}"));
    let end = dom[start..].find("</ol>").map_or(dom.len(), |e| start + e);
    dom[start..end].to_string()
}

#[test]
fn the_search_page_finds_a_unit_typed_without_diacritics() {
    let dir = site(&[]);
    let public = build_ok(dir.path());
    let port = serve(public);
    let dom = dump_dom(&format!(
        "http://127.0.0.1:{port}/search.html?q=dang+bo+khoi"
    ));
    // The query fills the header box, as if typed.
    assert_has(&dom, r#"name="q" placeholder="#);
    assert_has(&dom, "1 kết quả");
    let list = results(&dom, "search-results--page");
    assert_has(
        &list,
        r#"<a class="search-result__link" href="units/dang-bo-khoi.html"><mark>Đảng</mark> <mark>bộ</mark> <mark>Khối</mark> các cơ quan"#,
    );
    assert_has(&list, "Cấp huyện và tương đương");
    // The excerpt shows the short name, highlighted in its own spelling.
    assert_has(
        &list,
        "<mark>Đảng</mark> <mark>bộ</mark> <mark>Khối</mark></p>",
    );
}

#[test]
fn typing_in_a_page_header_shows_results() {
    let dir = site(&[]);
    let public = build_ok(dir.path());
    // A page below the root, so that data-root ("../") is exercised: a
    // script typed into its box stands in for the user.
    let unit = public.join("units/tinh-uy.html");
    let html = fs::read_to_string(&unit).unwrap().replace(
        "</body>",
        "<script>addEventListener('load', function () {\n\
         var q = document.getElementById('site-search-q');\n\
         q.value = 'dang bo';\n\
         q.dispatchEvent(new Event('input'));\n\
         });</script></body>",
    );
    fs::write(&unit, html).unwrap();
    let port = serve(public);
    let dom = dump_dom(&format!("http://127.0.0.1:{port}/units/tinh-uy.html"));
    let panel = results(&dom, "site-search__panel");
    assert!(!panel.starts_with("site-search__panel\" hidden"), "{panel}");
    // Every unit's name holds "Đảng bộ": the three units, in collation order
    // within the same weight, with the hit marked.
    assert_has(
        &panel,
        r#"href="../units/dang-bo-khoi.html"><mark>Đảng</mark> <mark>bộ</mark> Khối"#,
    );
    assert_has(
        &panel,
        r#"href="../units/tinh-uy.html"><mark>Đảng</mark> <mark>bộ</mark> tỉnh Thử"#,
    );
    assert_has(&panel, "<mark>Đảng</mark> <mark>bộ</mark> xã Bản Giang");
    assert_has(&dom, "kết quả</p>");
}

#[test]
fn a_query_with_diacritics_or_a_half_typed_word_matches() {
    let dir = site(&[]);
    let public = build_ok(dir.path());
    let port = serve(public);
    let dom = dump_dom(&format!(
        "http://127.0.0.1:{port}/search.html?q=B%E1%BA%A2N+GI%C3%80"
    ));
    let list = results(&dom, "search-results--page");
    assert_has(&list, "<mark>Bản</mark> <mark>Giang</mark>");
    assert!(!list.contains("dang-bo-khoi"), "{list}");
}
