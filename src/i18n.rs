//! Interface strings. Each language is a flat TOML table compiled into the
//! binary (`src/i18n/vi.toml`, `src/i18n/en.toml`, with the same keys);
//! templates see it as `t`, and the Rust side reads the keys in
//! [`RUST_KEYS`] for the labels it puts into the view model.

use std::collections::BTreeMap;

/// The language of a site's interface (`language` in site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Vi,
    En,
}

impl Language {
    pub fn key(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }
}

const VI: &str = include_str!("i18n/vi.toml");
const EN: &str = include_str!("i18n/en.toml");

/// The keys the Rust side itself uses; a test checks both languages have them.
#[cfg(test)]
const RUST_KEYS: &[&str] = &[
    "status_exceeded",
    "status_achieved",
    "status_not_achieved",
    "status_not_assessed",
    "overall_none",
    "overall_achieved",
    "submission_on_time",
    "submission_late",
    "submission_missing",
    "submission_not_due",
    "late_days",
    "level_province",
    "level_district",
    "level_grassroots",
    "level_branch",
    "all_units",
    "progress_title",
    "catalogue_title",
    "of_target",
    "fact_level",
    "fact_kind",
    "fact_parent",
    "fact_members",
    "fact_organisations",
    "fact_conference",
    "fact_submitted",
    "fact_deadline",
    "fact_document",
    "fact_signer",
    "yes",
    "no",
    "search_indicator",
];

#[derive(Debug, Clone)]
pub struct Strings {
    map: BTreeMap<String, String>,
}

impl Strings {
    pub fn new(language: Language) -> Strings {
        let text = match language {
            Language::Vi => VI,
            Language::En => EN,
        };
        // The tables are compiled in and parsed by a test; an error here is a
        // bug in the binary, not in the user's content, so fall back to keys.
        let map = toml::from_str(text).unwrap_or_default();
        Strings { map }
    }

    /// The string for `key`, or the key itself when missing.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The string for `key` with `{n}` replaced.
    pub fn with_n(&self, key: &str, n: i64) -> String {
        self.get(key).replace("{n}", &n.to_string())
    }

    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> BTreeMap<String, String> {
        toml::from_str(text).expect("the string table parses")
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let vi = table(VI);
        let en = table(EN);
        let vi_keys: Vec<_> = vi.keys().collect();
        let en_keys: Vec<_> = en.keys().collect();
        assert_eq!(vi_keys, en_keys);
    }

    #[test]
    fn rust_keys_exist() {
        let vi = table(VI);
        for key in RUST_KEYS {
            assert!(vi.contains_key(*key), "missing key {key}");
        }
        assert!(vi["late_days"].contains("{n}"));
    }
}
