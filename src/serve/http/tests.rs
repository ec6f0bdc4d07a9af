use super::*;

fn file(path: &str) -> Result<Target, Refusal> {
    Ok(Target::File(path.to_string()))
}

/// Paths that try to leave the output, written every way a client can:
/// plain, encoded, double-encoded, with backslashes and NULs. None may
/// resolve to anything but a refusal or a path inside the output.
#[test]
fn traversal_corpus() {
    let forbidden = [
        "/..",
        "/../",
        "/../etc/passwd",
        "/../../../../etc/passwd",
        "/css/../../site.toml",
        "/units/./x.html",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2fsite.toml",
        "/css%2f..%2f..%2fsite.toml",
        "/..%2fsite.toml",
        "/.%2e/site.toml",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
        "/units/%00.html",
        "/index.html%00.png",
        "/..;/site.toml",
    ];
    for url in forbidden {
        match resolve(url) {
            Err(_) => {}
            // "..;" is a name, not "..": it stays inside the output.
            Ok(Target::File(path)) => assert!(
                !path.split('/').any(|p| p == ".." || p == "."),
                "{url} resolved to {path}"
            ),
            Ok(other) => panic!("{url} resolved to {other:?}"),
        }
    }
    for url in ["/%2e%2e/site.toml", "/..%2f..%2fetc", "/a/%5c", "/%00"] {
        assert_eq!(resolve(url), Err(Refusal::Forbidden), "{url}");
    }
    // Double encoding decodes once: "%252e%252e" is the name "%2e%2e".
    assert_eq!(resolve("/%252e%252e/x"), file("%2e%2e/x"));
    for url in [
        "*",
        "http://example.com/index.html",
        "units/x.html",
        "/%ff%fe.html",
    ] {
        assert_eq!(resolve(url), Err(Refusal::BadRequest), "{url}");
    }
    // A malformed escape is a name like any other (and names no file).
    assert_eq!(resolve("/%zz"), file("%zz"));
    // Absolute paths are paths inside the output, like any other.
    assert_eq!(resolve("/etc/passwd"), file("etc/passwd"));
    assert_eq!(resolve("//etc//passwd"), file("etc/passwd"));
}

#[test]
fn paths_of_the_site() {
    assert_eq!(resolve("/"), file("index.html"));
    assert_eq!(resolve(""), Err(Refusal::BadRequest));
    assert_eq!(resolve("/index.html?q=dang+bo"), file("index.html"));
    assert_eq!(
        resolve("/units/xa-ma-quai.html#bc-fn-1"),
        file("units/xa-ma-quai.html")
    );
    assert_eq!(resolve("/levels/"), file("levels/index.html"));
    assert_eq!(resolve("/search/t/%C4%91a.json"), file("search/t/đa.json"));
    assert_eq!(resolve("/__ketqua/live.js"), Ok(Target::LiveScript));
    assert_eq!(resolve("/__ketqua/events"), Ok(Target::Events));
}

#[test]
fn content_types() {
    for (path, kind) in [
        ("index.html", "text/html; charset=utf-8"),
        ("css/ketqua.css", "text/css; charset=utf-8"),
        ("js/search.js", "text/javascript; charset=utf-8"),
        ("units.csv", "text/csv; charset=utf-8"),
        ("units.json", "application/json"),
        ("units/x.svg", "image/svg+xml"),
        ("fonts/a.WOFF2", "font/woff2"),
        ("README", "application/octet-stream"),
    ] {
        assert_eq!(content_type(path), kind, "{path}");
    }
}

#[test]
fn the_reload_script_and_the_overlay() {
    let mut output = Output {
        generation: 7,
        ..Output::default()
    };
    let page = "<html><head><title>x</title></head><body><p>Trang</p></body></html>";
    let served = with_live_reload(page, &output);
    assert!(served.contains(
        "<script src=\"/__ketqua/live.js\" data-generation=\"7\" defer></script></head>"
    ));
    assert!(!served.contains("ketqua-problems"));
    output.problems = Some("error: <bad> & \"worse\"\n  ┌─ content/units/x/report.md:3:5".into());
    let served = with_live_reload(page, &output);
    let overlay = served.find("id=\"ketqua-problems\"").expect("an overlay");
    assert!(
        overlay > served.find("<p>Trang</p>").unwrap(),
        "over the page"
    );
    assert!(served.contains("error: &lt;bad&gt; &amp; &quot;worse&quot;"));
    assert!(served.contains("content/units/x/report.md:3:5"));
    // The overlay's words are the site's interface language.
    assert!(served.contains("Nội dung có lỗi"));
    output.language = crate::i18n::Language::En;
    let served = with_live_reload(page, &output);
    assert!(served.contains("The content has errors") && !served.contains("Nội dung"));
}

/// A request for a page left to render after a rebuild waits for the
/// output that has it rendered, and is never answered with the bytes held
/// before; a file that is not waited for is answered at once.
#[test]
fn a_page_left_to_render_is_waited_for() {
    use super::super::preview::Files;
    use std::collections::{HashMap, HashSet};
    let files = |bytes: &[u8]| {
        Files::new(HashMap::from([
            (Arc::<str>::from("units.csv"), Arc::<[u8]>::from(bytes)),
            (
                Arc::<str>::from("index.html"),
                Arc::<[u8]>::from(&b"home"[..]),
            ),
        ]))
    };
    let root = Path::new(".");
    let stale = Output {
        files: files(b"old"),
        pending: Arc::new(HashSet::from([Arc::<str>::from("units.csv")])),
        ..Output::default()
    };
    let shared = Arc::new(Shared::new(root, Arc::new(stale)));
    let now = output_for(&shared, "index.html").expect("served at once");
    assert!(matches!(now.get(root, "units.csv"), Lookup::Pending));
    let renderer = Arc::clone(&shared);
    let rendered = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        renderer.replace(Arc::new(Output {
            files: files(b"new"),
            ..Output::default()
        }));
    });
    let output = output_for(&shared, "units.csv").expect("rendered in time");
    match output.get(root, "units.csv") {
        Lookup::Found(bytes) => assert_eq!(&*bytes, b"new"),
        other => panic!("{other:?}"),
    }
    rendered.join().unwrap();
}
