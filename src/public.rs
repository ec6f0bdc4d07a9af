//! The public copy of the model, for `ketqua build --public`.
//!
//! Visibility is decided here, once, on the model: [`public_site`] returns a
//! [`Site`] from which everything not marked public has been removed, and the
//! normal render pipeline runs on it. Pages, charts, roll-ups, exports, the
//! search index and the feed are all computed from the model, so none of
//! them can show what is not in the copy. Nothing is public unless marked
//! (the rule is written in docs/content-format.md, "Public build"):
//!
//! - a unit with `public = true`, with its public facts only: name, short
//!   name, level, kind, members, organisations, summary, and its parent when
//!   the parent is public too. Its document number, signer, conference and
//!   submission dates (and so lateness) are internal, as is the id of its
//!   `report.md` file;
//! - of such a unit, the indicators with `public = true` (with their parts),
//!   without the report's stated result (disagreements are internal);
//! - of its report, the sections whose heading has `{.public}`, and the
//!   footnotes they reference ([`crate::markdown::public_source`]);
//! - highlights with `public = true` whose release date has come and whose
//!   unit is public, citing only public indicators.
//!
//! The catalogue is left out (its pages list every unit using an
//! indicator), so are indicators' links to it. Pure: no IO.

use std::collections::HashMap;

use arcstr::ArcStr;

use crate::diag::Sources;
use crate::i18n::Strings;
use crate::markdown;
use crate::model::{Config, Indicator, Site, Submission, Unit};

/// The public copy of `site`.
pub(crate) fn public_site(site: &Site, sources: &Sources) -> Site {
    let kept: Vec<usize> = (0..site.units.len())
        .filter(|&i| site.units[i].public)
        .collect();
    let new_index: HashMap<usize, usize> = kept
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect();
    let labels = markdown::Labels::new(&Strings::new(site.config.language));
    let units: Vec<Unit> = kept
        .iter()
        .map(|&i| public_unit(&site.units[i], &new_index, sources, &labels))
        .collect();
    let (children, roots) = crate::model::hierarchy(&units);
    let highlights = site
        .highlights
        .iter()
        .filter(|h| h.is_public())
        .filter_map(|h| {
            let unit = *new_index.get(&h.unit)?;
            let mut h = h.clone();
            h.unit = unit;
            h.indicators
                .retain(|id| units[unit].indicators.iter().any(|i| has_id(i, id)));
            Some(h)
        })
        .collect();
    Site {
        config: public_config(&site.config),
        units,
        children,
        roots,
        catalogue: Vec::new(),
        highlights,
        public: true,
    }
}

/// The press site's configuration: its own title, subtitle, description and
/// address from `[public]`.
fn public_config(config: &Config) -> Config {
    let mut c = config.clone();
    c.title = c.public.title.clone();
    c.subtitle = c.public.subtitle.clone();
    c.description = c.public.description.clone();
    c.base_url = c.public.base_url.clone();
    c
}

fn has_id(indicator: &Indicator, id: &str) -> bool {
    indicator.id == id || indicator.parts.iter().any(|p| p.id == id)
}

fn public_unit(
    unit: &Unit,
    new_index: &HashMap<usize, usize>,
    sources: &Sources,
    labels: &markdown::Labels,
) -> Unit {
    let report = unit.report_file.and_then(|file| {
        let text = markdown::public_source(&sources.text(file));
        (!text.trim().is_empty()).then(|| markdown::render(&text, "bc", labels))
    });
    Unit {
        id: unit.id.clone(),
        file: unit.file,
        slug: unit.slug.clone(),
        name: unit.name.clone(),
        short_name: unit.short_name.clone(),
        level: unit.level,
        parent: unit.parent.and_then(|p| new_index.get(&p).copied()),
        kind: unit.kind.clone(),
        members: unit.members,
        organisations: unit.organisations,
        conference_date: None,
        submitted: None,
        submission: Submission::NotDue,
        document_number: String::new(),
        signer: String::new(),
        signer_title: String::new(),
        illustrative: unit.illustrative,
        // The facts it marks (dates, document, signer) are not public; the
        // counts that are keep their marks.
        illustrative_fields: unit.illustrative_fields.clone(),
        summary: unit.summary.clone(),
        summary_text: unit.summary_text.clone(),
        indicators: unit
            .indicators
            .iter()
            .filter(|i| i.public)
            .map(public_indicator)
            .collect(),
        report,
        report_file: None,
        files_key: unit.files_key,
        // A public indicator is on no catalogue (`strip`).
        catalogue_uses: Vec::new(),
        members_span: None,
        organisations_span: None,
        name_span: 0..0,
        parent_span: None,
        conference_span: None,
        submitted_span: None,
        public: true,
        // The report's overall figure counts all its indicators; beside the
        // public ones only, it would seem to disagree.
        stated_overall: None,
        // Never linked again nor cached: the copy is made after both.
        link: unit.link.clone(),
        cache_key: None,
        checked_clean: false,
    }
}

fn public_indicator(indicator: &Indicator) -> Indicator {
    let mut i = indicator.clone();
    strip(&mut i);
    for part in &mut i.parts {
        strip(part);
    }
    i
}

/// What stays internal in a public indicator.
fn strip(i: &mut Indicator) {
    i.stated = ArcStr::new();
    i.reading = crate::target::Reading::Empty;
    i.catalogue = None;
    i.spans = Default::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site built from files given as (path, text), through load and model.
    fn site(files: &[(&str, &str)]) -> (Site, Sources) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let today = jiff::civil::date(2023, 9, 1);
        let checked = crate::build::check(dir.path(), today, true);
        let (diags, sources) = (checked.diagnostics, checked.sources);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        (checked.site.unwrap(), sources)
    }

    const CONFIG: &str = "title = \"T\"\n[review]\nterm_start = 2020\nterm_end = 2025\ncutoff = 2023-06-30\n[public]\ntitle = \"Báo chí\"\n";

    fn unit(name: &str, parent: Option<&str>, public: bool) -> String {
        let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
        let level = if parent.is_empty() {
            "province"
        } else {
            "district"
        };
        format!(
            "name = \"{name}\"\nlevel = \"{level}\"\n{parent}public = {public}\ndocument_number = \"Số 1-BC\"\nsigner = \"Nguyễn Văn A\"\nsubmitted = 2023-07-01\n\
             [[indicators]]\nid = \"1\"\ndescription = \"Công khai\"\ntarget = \">= 90%\"\nactual = 95\nstated = \"Đạt\"\npublic = true\n\
             [[indicators]]\nid = \"2\"\ndescription = \"Nội bộ\"\ntarget = \">= 90%\"\nactual = 45\n"
        )
    }

    #[test]
    fn only_marked_units_and_indicators_remain_with_their_public_facts() {
        let (site, sources) = site(&[
            ("site.toml", CONFIG),
            ("content/units/tinh/unit.toml", &unit("Tỉnh", None, true)),
            (
                "content/units/huyen/unit.toml",
                &unit("Huyện", Some("tinh"), false),
            ),
            (
                "content/units/xa/unit.toml",
                &unit("Xã", Some("tinh"), true),
            ),
        ]);
        let public = public_site(&site, &sources);
        assert!(public.public);
        assert_eq!(public.config.title, "Báo chí");
        let names: Vec<&str> = public.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Tỉnh", "Xã"]);
        let xa = &public.units[1];
        assert_eq!(xa.parent, Some(0), "the parent is remapped");
        assert_eq!(public.children[0], [1]);
        for u in &public.units {
            assert_eq!(u.document_number, "");
            assert_eq!(u.signer, "");
            assert_eq!(u.submitted, None);
            assert_eq!(u.submission, Submission::NotDue);
            let ids: Vec<&str> = u.indicators.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids, ["1"]);
            assert_eq!(u.indicators[0].stated, "");
        }
        assert!(public.catalogue.is_empty());
    }

    #[test]
    fn a_public_unit_under_an_internal_parent_becomes_a_root() {
        let (site, sources) = site(&[
            ("site.toml", CONFIG),
            ("content/units/tinh/unit.toml", &unit("Tỉnh", None, false)),
            (
                "content/units/xa/unit.toml",
                &unit("Xã", Some("tinh"), true),
            ),
        ]);
        let public = public_site(&site, &sources);
        assert_eq!(public.units.len(), 1);
        assert_eq!(public.units[0].parent, None);
        assert_eq!(public.roots, [0]);
    }

    #[test]
    fn highlights_need_a_marker_a_public_unit_and_their_release_date() {
        let highlight = |unit: &str, public: bool, release: &str| {
            format!(
                "+++\ntitle = \"H\"\nunit = \"{unit}\"\nkind = \"result\"\nsummary = \"S\"\ndate = 2023-08-01\nrelease = {release}\nindicators = [\"1\", \"2\"]\npublic = {public}\n+++\nBody\n"
            )
        };
        let (site, sources) = site(&[
            ("site.toml", CONFIG),
            ("content/units/tinh/unit.toml", &unit("Tỉnh", None, true)),
            (
                "content/units/huyen/unit.toml",
                &unit("Huyện", Some("tinh"), false),
            ),
            (
                "content/highlights/a-public.md",
                &highlight("tinh", true, "2023-08-01"),
            ),
            (
                "content/highlights/b-unmarked.md",
                &highlight("tinh", false, "2023-08-01"),
            ),
            (
                "content/highlights/c-embargoed.md",
                &highlight("tinh", true, "2023-09-02"),
            ),
            (
                "content/highlights/d-released-today.md",
                &highlight("tinh", true, "2023-09-01"),
            ),
            (
                "content/highlights/e-internal-unit.md",
                &highlight("huyen", true, "2023-08-01"),
            ),
        ]);
        assert_eq!(site.highlights.len(), 5);
        let public = public_site(&site, &sources);
        let slugs: Vec<&str> = public.highlights.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(slugs, ["a-public", "d-released-today"]);
        assert_eq!(
            public.highlights[0].indicators,
            ["1"],
            "indicator 2 is internal"
        );
    }

    #[test]
    fn only_public_sections_of_the_report_and_their_footnotes_remain() {
        let report = "Mở đầu nội bộ.[^a]\n\n## I. Nội bộ\n\nTự phê bình.[^b]\n\n## II. Kết quả {.public}\n\nKết nạp 305 đảng viên.[^c]\n\n### 1. Chi tiết\n\nVẫn công khai.\n\n## III. Hạn chế\n\nKỷ luật.[^b]\n\n[^a]: Chú thích A.\n[^b]: Chú thích B.\n[^c]: Chú thích C.\n";
        let (site, sources) = site(&[
            ("site.toml", CONFIG),
            ("content/units/tinh/unit.toml", &unit("Tỉnh", None, true)),
            ("content/units/tinh/report.md", report),
        ]);
        let internal = site.units[0].report.as_ref().unwrap();
        assert!(internal.html().contains("Tự phê bình"));
        assert!(
            !internal.html().contains("{.public}"),
            "the attribute is not shown"
        );
        let public = public_site(&site, &sources);
        let html = &public.units[0].report.as_ref().unwrap().html();
        for kept in [
            "II. Kết quả",
            "<span class=\"nobr\">305 đảng</span> viên",
            "1. Chi tiết",
            "Vẫn công khai",
            "Chú thích C",
        ] {
            assert!(html.contains(kept), "{kept} missing from {html}");
        }
        for gone in [
            "Mở đầu",
            "I. Nội bộ",
            "Tự phê bình",
            "Hạn chế",
            "Kỷ luật",
            "Chú thích A",
            "Chú thích B",
        ] {
            assert!(!html.contains(gone), "{gone} leaked into {html}");
        }
        // The kept headings keep their order without skipping a level.
        let levels: Vec<u8> = public.units[0]
            .report
            .as_ref()
            .unwrap()
            .headings()
            .iter()
            .map(|h| h.level)
            .collect();
        assert_eq!(levels, [2, 3]);
    }

    #[test]
    fn kept_sections_deeper_than_their_neighbours_are_raised_to_no_gap() {
        let report = "## A\n\n### 1. Ưu điểm {.public}\n\nTốt.\n\n### 2. Hạn chế\n\nNội bộ.\n\n## B\n\n#### 3.1. Đề án {.public}\n\nKết quả.\n\n##### a) Chi tiết\n\nThêm.\n";
        let (site, sources) = site(&[
            ("site.toml", CONFIG),
            ("content/units/tinh/unit.toml", &unit("Tỉnh", None, true)),
            ("content/units/tinh/report.md", report),
        ]);
        let public = public_site(&site, &sources);
        let headings: Vec<(u8, String)> = public.units[0]
            .report
            .as_ref()
            .unwrap()
            .headings()
            .iter()
            .map(|h| (h.level, h.title.clone()))
            .collect();
        assert_eq!(
            headings,
            [
                (2, "1. Ưu điểm".to_string()),
                (3, "3.1. Đề án".to_string()),
                (4, "a) Chi tiết".to_string())
            ]
        );
    }
}
