//! The WordprocessingML model on small documents made in memory: what the
//! office suites write in ways the fixtures do not show.

use std::io::Write;

use super::*;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A .docx with `body` as its document's body and the given extra parts.
fn docx(body: &str, parts: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        let document = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
        );
        let mut files = vec![("word/document.xml", document.as_str())];
        files.extend_from_slice(parts);
        for (name, text) in files {
            zip.start_file(name, options).expect("a zip entry");
            zip.write_all(text.as_bytes()).expect("written");
        }
        zip.finish().expect("a zip");
    }
    out.into_inner()
}

fn para_texts(doc: &Doc) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => Some(format!(
                "{}{}",
                p.number
                    .as_deref()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                p.text()
            )),
            Block::Table(_) => None,
        })
        .collect()
}

#[test]
fn multi_level_numbering_resolves_into_the_outlines_text() {
    let numbering = format!(
        r#"<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
        <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
        </w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    let p = |level: u8, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        p(0, "A"),
        p(1, "B"),
        p(1, "C"),
        p(2, "D"),
        p(2, "E"),
        p(3, "F"),
        p(0, "G"),
        p(1, "H"),
    ]
    .concat();
    let doc = read(docx(&body, &[("word/numbering.xml", &numbering)])).expect("a document");
    assert_eq!(
        para_texts(&doc),
        [
            "1. A", "1.1. B", "1.2. C", "a) D", "b) E", "- F", "2. G", "2.1. H"
        ]
    );
}

#[test]
fn merged_cells_sit_on_the_grid() {
    let tc = |props: &str, text: &str| {
        format!(r#"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"#)
    };
    let body = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl><w:p><w:r><w:t>x</w:t></w:r></w:p>",
        tc(r#"<w:vMerge w:val="restart"/>"#, "A"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "B"),
        tc("<w:vMerge/>", ""),
        tc("", "C"),
        tc("", "D"),
    );
    let doc = read(docx(&body, &[])).expect("a document");
    let Some(Block::Table(table)) = doc.blocks.first() else {
        panic!("a table first")
    };
    let shape: Vec<Vec<(Merged, String)>> = table
        .rows
        .iter()
        .map(|r| r.iter().map(|c| (c.merged, c.text())).collect())
        .collect();
    assert_eq!(
        shape,
        [
            vec![
                (Merged::No, "A".into()),
                (Merged::No, "B".into()),
                (Merged::Left, String::new())
            ],
            vec![
                (Merged::Up, String::new()),
                (Merged::No, "C".into()),
                (Merged::No, "D".into())
            ],
        ]
    );
}

#[test]
fn tracked_changes_are_taken_as_accepted_and_comments_dropped() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">Kết nạp </w:t></w:r>
        <w:del w:id="1"><w:r><w:delText>300</w:delText></w:r></w:del>
        <w:ins w:id="2"><w:r><w:t>305</w:t></w:r></w:ins>
        <w:commentRangeStart w:id="3"/><w:r><w:t xml:space="preserve"> đảng viên</w:t></w:r><w:commentRangeEnd w:id="3"/>
        <w:r><w:commentReference w:id="3"/></w:r>
        <w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r>
        <w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"#;
    let doc = read(docx(body, &[])).expect("a document");
    assert_eq!(para_texts(&doc), ["Kết nạp 305 đảng viên"]);
}

#[test]
fn bold_and_italic_come_from_runs_and_styles() {
    let styles = format!(
        r#"<w:styles xmlns:w="{W}"><w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
        <w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/></w:style></w:styles>"#
    );
    let body = r#"<w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr><w:r><w:t>1. Mục</w:t></w:r></w:p>
        <w:p><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>đậm</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>nghiêng</w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>thường</w:t></w:r></w:p>"#;
    let doc = read(docx(body, &[("word/styles.xml", &styles)])).expect("a document");
    let Some(Block::Para(heading)) = doc.blocks.first() else {
        panic!("a paragraph")
    };
    assert_eq!(heading.heading, Some(2));
    let Some(Block::Para(p)) = doc.blocks.get(1) else {
        panic!("a paragraph")
    };
    let runs: Vec<(String, bool, bool)> = p
        .inlines
        .iter()
        .filter_map(|i| match i {
            Inline::Text { text, bold, italic } => Some((text.clone(), *bold, *italic)),
            _ => None,
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("đậm".into(), true, false),
            ("nghiêng".into(), false, true),
            ("thường".into(), false, false)
        ]
    );
}

#[test]
fn what_is_not_a_docx_is_named() {
    assert_eq!(read(b"%PDF-1.7 ...".to_vec()).err(), Some(DocxError::Pdf));
    assert_eq!(read(b"{\\rtf1 ...".to_vec()).err(), Some(DocxError::Rtf));
    assert_eq!(read(b"hello".to_vec()).err(), Some(DocxError::NotZip));
    assert!(matches!(
        read(b"PK\x03\x04garbage".to_vec()),
        Err(DocxError::Corrupt(_))
    ));
    let no_body = docx("", &[]);
    assert_eq!(read(no_body).err(), Some(DocxError::NoBody));
    // A DTD (the road to entity expansion) is refused.
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        zip.write_all(br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>"#)
            .expect("written");
        zip.finish().expect("a zip");
    }
    assert!(matches!(read(out.into_inner()), Err(DocxError::Xml { .. })));
}

#[test]
fn images_are_read_from_their_relationship_once_each() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/hinh.PNG"/></Relationships>"#;
    let drawing = r#"<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#;
    let body = format!("<w:p><w:r><w:t>Hình</w:t></w:r>{drawing}</w:p><w:p>{drawing}</w:p>");
    let doc = read(docx(
        &body,
        &[
            ("word/_rels/document.xml.rels", rels),
            ("word/media/hinh.PNG", "PNG bytes"),
        ],
    ))
    .expect("a document");
    assert_eq!(doc.images.len(), 1);
    assert_eq!(doc.images[0].name, "image1.png");
    assert_eq!(doc.images[0].bytes, b"PNG bytes");
    let markdown = super::super::report::convert(&doc).markdown;
    assert_eq!(
        markdown,
        "Hình![](media/image1.png)\n\n![](media/image1.png)\n"
    );
}
