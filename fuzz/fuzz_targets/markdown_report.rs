//! The Markdown report pipeline: never panics, problem spans lie inside the
//! source on character boundaries, raw HTML never comes through, and the
//! heading ids stay in the page's namespace.
#![no_main]

use ketqua::{Labels, Language, Strings, render_inline, render_report as render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    let report = render(source, "bc", &Labels::new(&Strings::new(Language::Vi)));
    for problem in &report.problems {
        let span = &problem.span;
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "problem span {span:?} outside the source"
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "problem span {span:?} splits a character"
        );
    }
    let lower = report.html().to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<style", "<object", "<embed", "<form"] {
        assert!(!lower.contains(tag), "raw HTML `{tag}` came through");
    }
    for heading in &report.headings() {
        assert!(heading.id.starts_with("bc-"), "heading id {}", heading.id);
        assert!((1..=6).contains(&heading.level));
    }
    let inline = render_inline(source).to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<style", "<p>"] {
        assert!(!inline.contains(tag), "`{tag}` in an inline summary");
    }
});
