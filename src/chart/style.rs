//! The styles a standalone chart carries (`ChartOptions::standalone`): a
//! file has no page and no theme style sheet around it, and SVG viewers
//! and resvg read plain values, not CSS custom properties. The colours are
//! the light ones the default theme's `charts.css` declares in `:root`
//! (read from it, the one place they are given); the rules are those of
//! its sections for the SVG (text, stacked, bullet, ranked, timeline).

use std::collections::HashMap;

/// The chart tokens of the default theme's `charts.css` (its first
/// `:root` block, the light scheme), by name without `--`: each one's
/// value, or the fallback of a token that defers to a page variable
/// (`var(--bg, #ffffff)` → `#ffffff`; a file has no page).
fn palette() -> HashMap<&'static str, &'static str> {
    let css = crate::theme::default_file("css/charts.css")
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("");
    let block = css
        .find(":root")
        .and_then(|at| {
            let rest = &css[at..];
            let open = rest.find('{')?;
            let close = rest.find('}')?;
            rest.get(open + 1..close)
        })
        .unwrap_or("");
    let mut tokens = HashMap::new();
    for line in block.lines() {
        let line = line.split("/*").next().unwrap_or("");
        for decl in line.split(';') {
            let Some((name, value)) = decl.split_once(':') else {
                continue;
            };
            let Some(name) = name.trim().strip_prefix("--") else {
                continue;
            };
            let value = value.trim();
            let value = match value.strip_prefix("var(") {
                Some(inner) => inner
                    .trim_end_matches(')')
                    .split_once(',')
                    .map_or("", |(_, fallback)| fallback.trim()),
                None => value,
            };
            tokens.insert(name, value);
        }
    }
    tokens
}

/// The statuses of indicators and reports, in the order of `charts.css`.
const STATUSES: [&str; 8] = [
    "exceeded",
    "achieved",
    "not-achieved",
    "not-assessed",
    "on-time",
    "late",
    "missing",
    "not-due",
];

/// The background of a standalone chart: the page's colour.
pub(super) fn background() -> &'static str {
    palette().get("chart-bg").copied().unwrap_or("#ffffff")
}

/// The style sheet of a standalone chart.
pub(super) fn standalone_css() -> String {
    let tokens = palette();
    let c = |name: &str| tokens.get(name).copied().unwrap_or("#000000");
    let mut css = format!(
        "text{{fill:{text};font-size:13px}}\
         .tick,.seg-value,.status-label,.no-data,.rule-label,.target-label,.series-label{{font-size:11px}}\
         .legend text{{font-size:12px}}\
         .total,.value{{font-weight:600}}\
         .status-label,.no-data,.tick,.empty{{fill:{muted}}}\
         .no-data{{font-style:italic}}\
         .track{{fill:{track}}}\
         .seg{{fill:{not_assessed};stroke:{bg};stroke-width:1px}}\
         .swatch{{stroke:none}}\
         .seg-value{{fill:{on_not_assessed};font-weight:600}}\
         .chart-bar{{fill:{bar}}}",
        text = c("chart-text"),
        muted = c("chart-muted"),
        track = c("chart-track"),
        not_assessed = c("chart-not-assessed"),
        bg = c("chart-bg"),
        on_not_assessed = c("chart-on-not-assessed"),
        bar = c("chart-bar"),
    );
    for status in STATUSES {
        css.push_str(&format!(
            ".seg-{status},.status-{status}{{fill:{}}}",
            c(&format!("chart-{status}"))
        ));
    }
    for status in STATUSES {
        css.push_str(&format!(
            ".on-{status}{{fill:{}}}",
            c(&format!("chart-on-{status}"))
        ));
    }
    css.push_str(&format!(
        ".target-band{{fill:{target};fill-opacity:0.22}}\
         line.target{{stroke:{target};stroke-width:3px}}\
         .baseline{{stroke:{muted};stroke-width:2px}}\
         .year{{fill:{bg};stroke:{text};stroke-width:1.5px}}\
         .target-rule{{stroke:{target};stroke-width:2px;stroke-dasharray:4 3}}\
         .target-label{{font-weight:600}}\
         .grid{{stroke:{grid};stroke-width:1px}}\
         .axis-line,.tick-mark{{stroke:{axis};stroke-width:1px}}\
         .line{{fill:none;stroke:{text};stroke-width:2.5px;stroke-linejoin:round}}\
         .deadline{{stroke:{text};stroke-width:1.5px;stroke-dasharray:5 4}}\
         .as-of{{stroke:{muted};stroke-width:1.5px;stroke-dasharray:1 3;stroke-linecap:round}}\
         .series-label{{font-weight:600}}\
         .legend .legend-note,.axis-title{{font-size:11px;fill:{muted}}}\
         .yes-no-label{{font-size:11px}}\
         .yes-no-not-done{{fill:{bg};stroke:{text};stroke-width:1.5px}}\
         .leader{{fill:none;stroke:{muted};stroke-width:1px;stroke-opacity:0.7}}",
        target = c("chart-target"),
        muted = c("chart-muted"),
        bg = c("chart-bg"),
        text = c("chart-text"),
        grid = c("chart-grid"),
        axis = c("chart-axis"),
    ));
    for level in ["province", "district", "grassroots", "branch"] {
        css.push_str(&format!(
            ".series-{level}{{stroke:{}}}",
            c(&format!("chart-{level}"))
        ));
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_is_the_light_tokens_of_the_default_theme() {
        let tokens = palette();
        assert_eq!(tokens.get("chart-bg"), Some(&"#ffffff"));
        assert_eq!(tokens.get("chart-text"), Some(&"#0b0c0c"));
        assert_eq!(tokens.get("chart-exceeded"), Some(&"#0c6b63"));
        assert_eq!(tokens.get("chart-on-exceeded"), Some(&"#ffffff"));
        assert_eq!(tokens.get("chart-branch"), Some(&"#6a3d9a"));
        // Not the dark scheme's.
        assert_ne!(tokens.get("chart-bar"), Some(&"#8cbcf5"));
    }

    #[test]
    fn every_colour_of_the_style_sheet_is_a_token() {
        let css = standalone_css();
        assert!(!css.contains("var("), "{css}");
        assert!(!css.contains("#000000"), "a token is missing: {css}");
        assert!(css.contains(".status-not-achieved{fill:#b3261e}"), "{css}");
        assert!(!css.contains('<') && !css.contains('&'));
    }

    /// Every (selector, property) of a style sheet and its value, with the
    /// `.chart ` scope taken off and `var(--token)` replaced by its colour.
    fn declarations(css: &str, tokens: &HashMap<&str, &str>) -> HashMap<(String, String), String> {
        let mut out = HashMap::new();
        let css = css.split("@media").next().unwrap_or("");
        let mut rest = css;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let selectors = rest[..open].rsplit("*/").next().unwrap_or("");
            let body = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            for decl in body.split(';') {
                let Some((prop, value)) = decl.split_once(':') else {
                    continue;
                };
                let mut value = value.trim().to_owned();
                while let Some(at) = value.find("var(--") {
                    let end = at + value[at..].find(')').unwrap_or(value.len() - at);
                    let name = value[at + 6..end].split(',').next().unwrap_or("").trim();
                    let colour = tokens.get(name).copied().unwrap_or("?");
                    value.replace_range(at..=end.min(value.len() - 1), colour);
                }
                for selector in selectors.split(',') {
                    let selector = selector.trim().trim_start_matches(".chart ").trim();
                    out.insert((selector.to_owned(), prop.trim().to_owned()), value.clone());
                }
            }
        }
        out
    }

    #[test]
    fn every_rule_of_the_style_sheet_is_the_themes() {
        // The standalone rules are written here, the theme's in charts.css:
        // each property a standalone chart sets has the theme's value.
        let tokens = palette();
        let theme = crate::theme::default_file("css/charts.css")
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let theme = declarations(theme, &tokens);
        let own = declarations(&standalone_css(), &tokens);
        assert!(own.len() > 40, "{own:?}");
        let key = ("line.target".to_owned(), "stroke-width".to_owned());
        assert_eq!(theme.get(&key).map(String::as_str), Some("3px"));
        assert_eq!(own.get(&key).map(String::as_str), Some("3px"));
        let differ: Vec<String> = own
            .iter()
            .filter(|(key, value)| theme.get(*key) != Some(*value))
            .map(|((sel, prop), value)| {
                format!(
                    "{sel} {{ {prop}: {value} }} (theme: {:?})",
                    theme.get(&(sel.clone(), prop.clone()))
                )
            })
            .collect();
        assert!(differ.is_empty(), "{}", differ.join("\n"));
    }
}
