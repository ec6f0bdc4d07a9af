//! Highlights and the press site: the pages of highlights in both builds,
//! the pages of the public build (`Site::public`), and the files for the
//! press (Atom feed, sitemap, each highlight's press kit). Kept apart from
//! the rest of `render.rs`; it reuses its view builders. No IO: files are
//! returned as bytes (or, for a highlight's picture, as the path to copy).

use std::path::PathBuf;

use super::*;
use crate::escape::Feed;
use crate::model::{Highlight, HighlightKind};

/// The templates the pages of this file need, besides the theme's usual
/// ones: a theme made before highlights lacks them, and is told so.
pub(super) fn required_templates(site: &Site) -> &'static [&'static str] {
    if site.public {
        &["press.html", "highlight.html"]
    } else if !site.highlights.is_empty() {
        &["highlights.html", "highlight.html"]
    } else {
        &[]
    }
}

/// Where a highlight's page and files go.
pub(super) fn highlight_url(slug: &str) -> String {
    format!("highlights/{slug}.html")
}

fn kit_dir(slug: &str) -> String {
    format!("highlights/{slug}")
}

fn image_path(h: &Highlight) -> Option<String> {
    h.image
        .as_ref()
        .map(|i| format!("{}/anh.{}", kit_dir(&h.slug), i.extension))
}

fn kind_view(kind: HighlightKind, strings: &Strings) -> HighlightKindView {
    HighlightKindView {
        key: kind.key(),
        label: strings
            .get(match kind {
                HighlightKind::Result => "highlight_kind_result",
                HighlightKind::Model => "highlight_kind_model",
                HighlightKind::Lesson => "highlight_kind_lesson",
            })
            .to_string(),
    }
}

fn card(ctx: &ViewContext<'_>, h: &Highlight) -> HighlightCard {
    let unit = &ctx.site.units[h.unit];
    HighlightCard {
        slug: h.slug.clone(),
        url: highlight_url(&h.slug),
        title: h.title.clone(),
        summary: h.summary.clone(),
        kind: kind_view(h.kind, ctx.strings),
        date: vi::format_date(h.date),
        date_iso: h.date.to_string(),
        date_illustrative: h.date_illustrative,
        release: vi::format_date(h.release),
        release_iso: h.release.to_string(),
        embargoed: !h.released,
        public: h.public,
        unit_id: unit.id.clone(),
        unit_name: unit.name.clone(),
        unit_url: unit_url(unit),
        image: h
            .image
            .as_ref()
            .zip(image_path(h))
            .map(|(i, url)| ImageView {
                url,
                alt: i.alt.clone(),
            }),
    }
}

/// The highlights of unit `i`, newest first.
pub(super) fn unit_highlights(ctx: &ViewContext<'_>, i: usize) -> Vec<HighlightCard> {
    ctx.site
        .highlights
        .iter()
        .filter(|h| h.unit == i)
        .map(|h| card(ctx, h))
        .collect()
}

fn highlights_page(ctx: &ViewContext<'_>) -> HighlightsPage {
    let site = ctx.site;
    let kinds = HighlightKind::ALL
        .into_iter()
        .filter(|k| site.highlights.iter().any(|h| h.kind == *k))
        .map(|k| kind_view(k, ctx.strings))
        .collect();
    // Units are in collation order in the model: keep it.
    let units = (0..site.units.len())
        .filter(|&u| site.highlights.iter().any(|h| h.unit == u))
        .map(|u| UnitOption {
            id: site.units[u].id.clone(),
            name: site.units[u].name.clone(),
        })
        .collect();
    let mut public_units = Vec::new();
    if site.public {
        let mut stack: Vec<usize> = site.roots.iter().rev().copied().collect();
        while let Some(u) = stack.pop() {
            public_units.push(unit_row(ctx, u));
            stack.extend(site.children[u].iter().rev());
        }
    }
    HighlightsPage {
        highlights: site.highlights.iter().map(|h| card(ctx, h)).collect(),
        kinds,
        units,
        public_units,
    }
}

/// The unit with only the indicators (or parts) a highlight cites.
fn cited(unit: &Unit, ids: &[String]) -> Unit {
    let mut u = unit.clone();
    u.report = None;
    u.indicators = unit
        .indicators
        .iter()
        .filter_map(|i| {
            if ids.iter().any(|id| *id == i.id) {
                return Some(i.clone());
            }
            let parts: Vec<Indicator> = i
                .parts
                .iter()
                .filter(|p| ids.iter().any(|id| *id == p.id))
                .cloned()
                .collect();
            (!parts.is_empty()).then(|| {
                // Shown with only the cited parts, each with its own status;
                // the indicator keeps the status of the unit page (all its
                // parts), never one made from the cited parts alone.
                let mut c = i.clone();
                c.parts = parts;
                c
            })
        })
        .collect();
    u
}

/// For each indicator the highlight cites by some of its parts only, a
/// sentence saying so and that its status is the unit page's.
fn partly_cited(unit: &Unit, cited: &Unit, strings: &Strings) -> Vec<String> {
    cited
        .indicators
        .iter()
        .filter_map(|c| {
            let all = unit.indicators.iter().find(|i| i.id == c.id)?;
            (!c.parts.is_empty() && c.parts.len() < all.parts.len()).then(|| {
                let ids: Vec<&str> = c.parts.iter().map(|p| p.id.as_str()).collect();
                strings
                    .get("highlight_partly_cited")
                    .replace("{id}", &c.id)
                    .replace("{n}", &all.parts.len().to_string())
                    .replace("{cited}", &ids.join(", "))
                    .replace("{status}", &status_view(c.status(), strings).label)
            })
        })
        .collect()
}

/// An absolute URL from the site's `base_url`, or "" without one.
fn absolute(base: &str, path: &str) -> String {
    if base.is_empty() {
        String::new()
    } else {
        format!("{}/{path}", base.trim_end_matches('/'))
    }
}

fn highlight_page(ctx: &ViewContext<'_>, h: &Highlight) -> HighlightPage {
    let s = ctx.strings;
    let card = card(ctx, h);
    let unit = cited(&ctx.site.units[h.unit], &h.indicators);
    let rows = bullet_rows(&unit, ctx.site.config.decimals, s);
    let years: std::collections::BTreeSet<i32> = unit
        .indicators
        .iter()
        .flat_map(|i| std::iter::once(i).chain(&i.parts))
        .flat_map(|i| i.actuals.keys().copied())
        .collect();
    let dir = kit_dir(&h.slug);
    let has_chart = !rows.is_empty();
    let base = &ctx.site.config.base_url;
    let image = match &card.image {
        Some(i) => absolute(base, &i.url),
        None if has_chart => absolute(base, &format!("{dir}/{}.png", h.slug)),
        None => String::new(),
    };
    let image_alt = match &card.image {
        Some(i) => i.alt.clone(),
        None if has_chart => s.get("chart_bullet_title").to_string(),
        None => String::new(),
    };
    let partly_cited = partly_cited(&ctx.site.units[h.unit], &unit, s);
    HighlightPage {
        partly_cited,
        html: h.body.html(),
        footnotes: h.body.footnotes,
        indicator_groups: indicator_groups(&unit, ctx.site.config.decimals, s),
        years: years.into_iter().collect(),
        chart_indicators: rows.into(),
        kit: KitView {
            text: format!("{dir}/{}.md", h.slug),
            svg: if has_chart {
                format!("{dir}/{}.svg", h.slug)
            } else {
                String::new()
            },
            png: if has_chart {
                format!("{dir}/{}.png", h.slug)
            } else {
                String::new()
            },
        },
        meta: MetaView {
            title: h.title.clone(),
            description: h.summary.clone(),
            url: absolute(base, &card.url),
            card: if image.is_empty() {
                "summary"
            } else {
                "summary_large_image"
            },
            image,
            image_alt,
        },
        card,
    }
}

/// The internal site's highlight pages: `highlights.html` and one page per
/// highlight.
pub(super) fn highlight_pages(ctx: &ViewContext<'_>) -> Vec<Page> {
    let site = ctx.site;
    if site.highlights.is_empty() {
        return Vec::new();
    }
    let mut pages = vec![Page {
        path: "highlights.html".into(),
        template: "highlights.html",
        kind: "highlights",
        title: ctx.strings.get("highlights_title").to_string(),
        view: View::Vars(context! { highlights => val(highlights_page(ctx)) }),
        export: None,
    }];
    pages.extend(each_highlight(ctx));
    pages
}

fn each_highlight(ctx: &ViewContext<'_>) -> Vec<Page> {
    ctx.site
        .highlights
        .iter()
        .map(|h| Page {
            path: highlight_url(&h.slug),
            template: "highlight.html",
            kind: "highlight",
            title: h.title.clone(),
            view: View::Vars(context! { highlight => val(highlight_page(ctx, h)) }),
            export: None,
        })
        .collect()
}

/// Every page of the press site: its home (highlights and public units),
/// each highlight, each public unit, search and 404.
pub(super) fn public_pages(r: &Renderer<'_>) -> Vec<Page> {
    let ctx = ViewContext::new(r.site, &r.strings);
    let site = r.site;
    let mut pages = vec![Page {
        path: "index.html".into(),
        template: "press.html",
        kind: "home",
        title: site.config.title.clone(),
        view: View::Vars(context! { highlights => val(highlights_page(&ctx)) }),
        export: None,
    }];
    pages.extend(each_highlight(&ctx));
    let deadline = r.strings.get("fact_deadline");
    for i in 0..site.units.len() {
        let mut unit = unit_page(&ctx, i);
        // The deadlines belong to the internal follow-up of reports.
        unit.facts.retain(|f| f.label != deadline);
        pages.push(Page {
            path: unit_url(&site.units[i]),
            template: "unit.html",
            kind: "unit",
            title: site.units[i].name.clone(),
            view: View::Vars(context! {
                unit => val(unit),
                highlights => val(unit_highlights(&ctx, i)),
            }),
            export: (!site.units[i].indicators.is_empty()).then_some(Export::Indicators(i)),
        });
    }
    for (path, template, kind, key) in [
        ("search.html", "search.html", "search", "search_title"),
        ("404.html", "404.html", "404", "not_found"),
    ] {
        pages.push(Page {
            path: path.into(),
            template,
            kind,
            title: r.strings.get(key).to_string(),
            view: View::Vars(context! {}),
            export: None,
        });
    }
    pages
}

impl Renderer<'_> {
    /// The files for the press, from the output root: each highlight's
    /// press kit (text and figures as Markdown, chart as SVG and PNG), and
    /// in the public build the Atom feed and (with `base_url`) the sitemap.
    pub(crate) fn press_files(&self) -> Vec<(String, Vec<u8>)> {
        let ctx = ViewContext::new(self.site, &self.strings);
        let mut files = Vec::new();
        let png = (!self.site.highlights.is_empty()).then(crate::chart::png::PngRenderer::new);
        for h in &self.site.highlights {
            let page = highlight_page(&ctx, h);
            files.push((page.kit.text.clone(), kit_text(&ctx, h, &page).into_bytes()));
            if !page.kit.svg.is_empty() {
                let svg = standalone_svg(&page.chart_indicators, &self.strings);
                if let Some(bytes) = png.as_ref().and_then(|r| r.render(&svg)) {
                    files.push((page.kit.png.clone(), bytes));
                }
                files.push((page.kit.svg.clone(), svg.into_bytes()));
            }
        }
        if self.site.public {
            files.push(("feed.xml".into(), feed(&ctx).into_bytes()));
            if !self.site.config.base_url.is_empty() {
                files.push(("sitemap.xml".into(), sitemap(self.site).into_bytes()));
            }
        }
        files
    }

    /// Files copied as they are: each highlight's picture, under a name of
    /// ketqua's making (`highlights/<slug>/anh.png`).
    pub(crate) fn press_copies(&self) -> Vec<(String, PathBuf)> {
        self.site
            .highlights
            .iter()
            .filter_map(|h| Some((image_path(h)?, h.image.as_ref()?.path.clone())))
            .collect()
    }
}

/// A table cell of Markdown: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// The press kit's text: the highlight and its figures, exactly as on the
/// page, as Markdown.
fn kit_text(ctx: &ViewContext<'_>, h: &Highlight, page: &HighlightPage) -> String {
    let s = ctx.strings;
    let c = &ctx.site.config;
    let card = &page.card;
    let date = if card.date_illustrative {
        format!("{} ({})", card.date, s.get("illustrative_mark"))
    } else {
        card.date.clone()
    };
    let mut out = format!(
        "# {}\n\n{} · {} · {date}\n\n{}\n\n",
        card.title, card.kind.label, card.unit_name, card.summary
    );
    if !h.body_source.is_empty() {
        out.push_str(&h.body_source);
        out.push_str("\n\n");
    }
    if !page.indicator_groups.is_empty() {
        out.push_str(&format!(
            "## {}\n\n| {} | {} | {} | {} {} | {} |\n|---|---|---|--:|---|\n",
            s.get("highlight_figures"),
            s.get("col_no"),
            s.get("col_indicator"),
            s.get("col_target"),
            s.get("col_actual"),
            vi::format_date(c.cutoff),
            s.get("col_status"),
        ));
        for g in &page.indicator_groups {
            for i in &g.indicators {
                for v in std::iter::once(i).chain(&i.parts) {
                    let status = if v.margin.is_empty() {
                        v.status.label.clone()
                    } else {
                        format!("{} ({})", v.status.label, v.margin)
                    };
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} |\n",
                        cell(&v.id),
                        cell(&v.description),
                        cell(&v.target),
                        cell(&if v.period.is_empty() {
                            v.actual.clone()
                        } else {
                            format!("{} ({} {})", v.actual, s.get("period"), v.period)
                        }),
                        cell(&status)
                    ));
                }
            }
        }
        out.push('\n');
        for note in &page.partly_cited {
            out.push_str(note);
            out.push_str("\n\n");
        }
    }
    let url = absolute(&c.base_url, &card.url);
    out.push_str(&format!(
        "{}: {}{}{}\n",
        s.get("source"),
        c.title,
        if c.organisation.is_empty() {
            String::new()
        } else {
            format!(", {}", c.organisation)
        },
        if url.is_empty() {
            String::new()
        } else {
            format!(" ({url})")
        }
    ));
    out
}

/// The chart of a highlight as a file of its own: the page's chart in the
/// chart module's standalone mode (its own styles, light scheme only: a
/// file has no page around it to be dark).
fn standalone_svg(rows: &[crate::chart::BulletRow], strings: &Strings) -> String {
    let rows: Vec<crate::chart::BulletRow> = rows
        .iter()
        .cloned()
        .map(|mut r| {
            r.url = None;
            r
        })
        .collect();
    let words = crate::chart::ChartText::new(strings);
    let mut opts =
        crate::chart::ChartOptions::new("bieu-do", strings.get("chart_bullet_title"), &words);
    opts.table = false;
    opts.standalone = true;
    crate::chart::bullet(&rows, &opts)
}

/// A date as the start of that day in Vietnam, for Atom.
fn atom_date(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00+07:00")
}

/// The Atom 1.0 feed of the press site's highlights, newest first.
fn feed(ctx: &ViewContext<'_>) -> String {
    let site = ctx.site;
    let c = &site.config;
    let base = &c.base_url;
    let id = |path: &str, fallback: String| {
        let abs = absolute(base, path);
        if abs.is_empty() { fallback } else { abs }
    };
    let name = vi::slugify(&c.title);
    let updated = site
        .highlights
        .iter()
        .map(|h| h.release)
        .max()
        .unwrap_or(c.cutoff);
    let link = |path: &str| {
        let abs = absolute(base, path);
        if abs.is_empty() {
            path.to_string()
        } else {
            abs
        }
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        c.language.key()
    ));
    out.push_str(&format!("  <title>{}</title>\n", Feed(&c.title)));
    if !c.description.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            Feed(&c.description)
        ));
    }
    out.push_str(&format!(
        "  <id>{}</id>\n",
        Feed(&id("", format!("urn:ketqua:{name}")))
    ));
    if !base.is_empty() {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            Feed(&absolute(base, "feed.xml"))
        ));
    }
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        Feed(&link("index.html"))
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", atom_date(updated)));
    let author = if c.organisation.is_empty() {
        &c.title
    } else {
        &c.organisation
    };
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        Feed(author)
    ));
    for h in &site.highlights {
        let url = highlight_url(&h.slug);
        let kind = kind_view(h.kind, ctx.strings);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", Feed(&h.title)));
        out.push_str(&format!(
            "    <id>{}</id>\n",
            Feed(&id(&url, format!("urn:ketqua:{name}:{}", h.slug)))
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            Feed(&link(&url))
        ));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            atom_date(h.date)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            atom_date(h.release)
        ));
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            kind.key,
            Feed(&kind.label)
        ));
        out.push_str(&format!("    <summary>{}</summary>\n", Feed(&h.summary)));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            Feed(&h.body.html())
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The sitemap of the press site (absolute URLs: only with `base_url`).
fn sitemap(site: &Site) -> String {
    let base = &site.config.base_url;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<jiff::civil::Date>| {
        out.push_str(&format!(
            "  <url><loc>{}</loc>{}</url>\n",
            Feed(&absolute(base, path)),
            lastmod.map_or(String::new(), |d| format!("<lastmod>{d}</lastmod>"))
        ));
    };
    url(
        "index.html",
        site.highlights.iter().map(|h| h.release).max(),
    );
    for h in &site.highlights {
        url(&highlight_url(&h.slug), Some(h.release));
    }
    for u in &site.units {
        url(&unit_url(u), None);
    }
    out.push_str("</urlset>\n");
    out
}
