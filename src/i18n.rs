//! Interface strings. Each language is a flat TOML table compiled into the
//! binary (`src/i18n/vi.toml`, `src/i18n/en.toml`, with the same keys);
//! templates see it as `t`, and the Rust side reads its labels with
//! [`Strings::get`], which in debug builds (every test) fails on a key the
//! tables lack, so a misspelt key cannot pass as text.

use std::collections::BTreeMap;

/// The language of a site's interface (`language` in site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
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

    /// The string for `key`, or the key itself when missing (a bug of the
    /// code, never of the content: debug builds stop on it).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        debug_assert!(self.map.contains_key(key), "no interface string `{key}`");
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
    fn counted_strings_have_their_placeholder() {
        for table in [table(VI), table(EN)] {
            assert!(table["late_days"].contains("{n}"));
        }
    }

    #[test]
    #[should_panic(expected = "no interface string `no_such_key`")]
    fn a_missing_key_stops_a_debug_build() {
        Strings::new(Language::En).get("no_such_key");
    }
}
