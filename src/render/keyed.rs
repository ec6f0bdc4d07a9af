//! Each page's key: a hash of everything its bytes are made from, handed
//! to the sink with the page (`Sink::write_keyed`), so that a sink holding
//! the page made from the same key may keep it instead of rendering it.
//!
//! A page is its template applied to its context: the key hashes the
//! template's name, every template of the theme (they include and extend
//! each other), the globals (the site's view, the interface strings), and
//! the page's own context, serialized. The template functions (charts) are
//! pure functions of their arguments, and the code itself is the binary,
//! which the sink's manifest names. So two pages with one key have the same
//! bytes: correct by construction, with nothing to keep in step.

use std::io::Write as _;

use minijinja::Value;

use super::{Page, Renderer, template_diagnostic};
use crate::diag::{Diagnostic, Sources};
use crate::theme::Theme;
use crate::write::{KeyHasher, Sink};

impl Renderer<'_> {
    /// The part of every page's key that pages share: the templates and
    /// the globals.
    pub(crate) fn shared_key(&self, theme: &Theme, sources: &Sources) -> KeyHasher {
        let mut h = KeyHasher::new();
        let mut templates: Vec<_> = theme
            .templates
            .iter()
            .map(|t| (t.name.as_str(), sources.text(t.file)))
            .collect();
        templates.sort_unstable();
        h.field(&templates.len().to_le_bytes());
        for (name, text) in templates {
            h.field(name.as_bytes());
            h.field(text.as_bytes());
        }
        // The globals, in the environment's order (sorted by name).
        for (name, value) in self.env.globals() {
            h.field(name.as_bytes());
            hash_value(&mut h, &value);
        }
        h
    }

    /// Renders `page` into `sink` under its key (see the module's text).
    pub(crate) fn write_page(
        &self,
        page: &Page,
        shared: &KeyHasher,
        theme: &Theme,
        sources: &Sources,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let context = self.page_context(page);
        let template = self
            .env
            .get_template(page.template)
            .map_err(|err| template_diagnostic(&err, theme, sources))?;
        let mut fill = |out: &mut dyn std::io::Write| {
            template
                .render_captured_to(context.clone(), &mut *out)
                .map(|_| ())
                .map_err(|err| template_diagnostic(&err, theme, sources))
        };
        if !sink.keyed() {
            return sink.write_with(&page.path, &mut fill);
        }
        let key = self.work.keys.time(|| {
            let mut h = shared.clone();
            h.field(page.template.as_bytes());
            hash_value(&mut h, &context);
            h.key()
        });
        sink.write_keyed(&page.path, key, &mut fill)
    }
}

/// Adds a template value to a key: its JSON, and its kind (a function or
/// other value JSON cannot hold adds its kind and text; functions are code,
/// and the code is named by the sink's manifest).
fn hash_value(h: &mut KeyHasher, value: &Value) {
    h.field(format!("{:?}", value.kind()).as_bytes());
    let mut json = KeyHasher::new();
    // serde_json writes a few bytes at a time: hashed in blocks.
    let mut out = std::io::BufWriter::with_capacity(1 << 13, &mut json);
    let written = serde_json::to_writer(&mut out, value).is_ok() && out.flush().is_ok();
    drop(out);
    if written {
        h.field(&json.key().0.to_le_bytes());
    } else {
        h.field(value.to_string().as_bytes());
    }
}
