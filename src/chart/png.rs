//! A standalone chart SVG as PNG, for the press kit: rendered by resvg with
//! the theme's typeface (Be Vietnam Pro, SIL Open Font License, `fonts/`
//! beside this file) compiled in, so Vietnamese text looks as on the page
//! and the result does not depend on the fonts of the machine that builds.
//!
//! The theme ships the same typeface as WOFF2 split into Unicode subsets for
//! browsers; resvg's font fallback gives up on a word whose letters come from
//! two subsets ("chức": "ứ" is in the Vietnamese one), so the PNG uses whole
//! TrueType files (from the `@expo-google-fonts/be-vietnam-pro` package).

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

const FONTS: [&[u8]; 3] = [
    include_bytes!("fonts/BeVietnamPro-Regular.ttf"),
    include_bytes!("fonts/BeVietnamPro-SemiBold.ttf"),
    include_bytes!("fonts/BeVietnamPro-Bold.ttf"),
];

/// Renders SVGs to PNG with the theme's fonts (loaded once).
pub(crate) struct PngRenderer {
    options: usvg::Options<'static>,
}

impl Default for PngRenderer {
    fn default() -> Self {
        Self::new()
    }
}

impl PngRenderer {
    pub(crate) fn new() -> PngRenderer {
        let mut db = usvg::fontdb::Database::new();
        for ttf in FONTS {
            db.load_font_data(ttf.to_vec());
        }
        let options = usvg::Options {
            font_family: "Be Vietnam Pro".to_string(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        };
        PngRenderer { options }
    }

    /// The SVG as PNG at twice its size (sharp on screens and in print),
    /// or `None` when it cannot be read.
    pub(crate) fn render(&self, svg: &str) -> Option<Vec<u8>> {
        let tree = usvg::Tree::from_str(svg, &self.options).ok()?;
        let scale = 2.0;
        let size = tree.size().to_int_size().scale_by(scale)?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())?;
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap.encode_png().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number of dark pixels of `text` drawn alone.
    fn ink(r: &PngRenderer, text: &str) -> usize {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><text x=\"4\" y=\"30\" font-size=\"24\" fill=\"#000\">{text}</text></svg>"
        );
        let tree = usvg::Tree::from_str(&svg, &r.options).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(120, 40).unwrap();
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        pixmap.pixels().iter().filter(|p| p.red() < 128).count()
    }

    #[test]
    fn every_vietnamese_letter_has_a_glyph() {
        let r = PngRenderer::new();
        assert_eq!(r.options.fontdb.len(), FONTS.len(), "every font file loads");
        for c in "aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÊẾỀỂỄỆƠỚỜỞỠỢƯỨỪỬỮỰđứợưở".chars()
        {
            assert!(ink(&r, &c.to_string()) > 10, "no glyph for {c}");
        }
    }

    /// A word mixing letters of several Unicode blocks is drawn whole: the
    /// ink of "tổ chức cơ sở đảng" is the ink of its letters drawn apart.
    #[test]
    fn a_vietnamese_word_is_drawn_whole() {
        let r = PngRenderer::new();
        let word = "chức";
        let apart: usize = word.chars().map(|c| ink(&r, &c.to_string())).sum();
        let whole = ink(&r, word);
        assert!(
            whole * 10 >= apart * 9,
            "{word}: {whole} dark pixels drawn whole, {apart} letter by letter"
        );
    }
}
