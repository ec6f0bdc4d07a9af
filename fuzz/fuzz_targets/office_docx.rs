//! The Word reader (`ketqua import report`): never panics, never hangs.
//! An input that starts with "PK" is a whole .docx file; any other is the
//! XML of its parts, separated by NUL bytes (document, numbering,
//! footnotes, styles), put into a zip here so that the fuzzer works on the
//! WordprocessingML rather than on the zip's checksums. What reads must
//! give Markdown that the report pipeline renders and a unit file.
#![no_main]

use std::io::Write;

use ketqua::{Labels, Language, Strings, read_report, render_report};
use libfuzzer_sys::fuzz_target;

const PARTS: &[&str] = &[
    "word/document.xml",
    "word/numbering.xml",
    "word/footnotes.xml",
    "word/styles.xml",
];

fn package(data: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in PARTS.iter().zip(data.split(|b| *b == 0)) {
        if zip.start_file(*name, options).is_err() || zip.write_all(part).is_err() {
            return Vec::new();
        }
    }
    let _ = zip.finish();
    out.into_inner()
}

fuzz_target!(|data: &[u8]| {
    let bytes = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        package(data)
    };
    if let Ok(read) = read_report(bytes) {
        let markdown = read.markdown();
        assert!(markdown.ends_with('\n'), "the report ends with a newline");
        let _ = render_report(markdown, "bc", &Labels::new(&Strings::new(Language::Vi)));
        let _ = read.unit_toml();
    }
});
