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

impl Language {
    /// The language of the site in `root`, read from its site.toml for
    /// the messages of commands that do not load the site (`serve` before
    /// its first build, `import`): Vietnamese, the default, when the file
    /// is missing or does not say `language = "en"` (`check` reports a
    /// file it cannot read).
    pub fn of_site(root: &std::path::Path) -> Language {
        let text = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
        let table: toml::Table = text.parse().unwrap_or_default();
        match table.get("language").and_then(|v| v.as_str()) {
            Some("en") => Language::En,
            _ => Language::Vi,
        }
    }
}

const VI: &str = include_str!("i18n/vi.toml");
const EN: &str = include_str!("i18n/en.toml");
/// The messages of diagnostics, each in both languages (see `Msg` in the
/// diag module, which builds on this one).
const MESSAGES: &str = include_str!("i18n/messages.toml");

/// One message of the catalogue, in both languages.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    vi: String,
    en: String,
}

/// The catalogue, parsed once per process: a constant table, read-only.
fn messages() -> &'static BTreeMap<String, Message> {
    static TABLE: std::sync::OnceLock<BTreeMap<String, Message>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(MESSAGES).unwrap_or_default())
}

/// The message `key` of the catalogue in `language`; "?" when missing (a bug of the code: debug builds stop on it, and a test checks
/// every key the code uses).
pub(crate) fn message(language: Language, key: &str) -> &'static str {
    let found = messages().get(key);
    debug_assert!(found.is_some(), "no message `{key}` in messages.toml");
    match (found, language) {
        (Some(m), Language::Vi) => &m.vi,
        (Some(m), Language::En) => &m.en,
        (None, _) => "?",
    }
}

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

    /// Every message of the catalogue is in both languages, with the same
    /// placeholders.
    #[test]
    fn every_message_is_in_both_languages_with_the_same_placeholders() {
        let table: BTreeMap<String, Message> =
            toml::from_str(MESSAGES).expect("messages.toml parses, each entry with vi and en");
        let placeholders = |text: &str| -> Vec<String> {
            let mut found: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            found.sort();
            found
        };
        for (key, m) in &table {
            assert!(!m.vi.trim().is_empty() && !m.en.trim().is_empty(), "{key}");
            assert_eq!(placeholders(&m.vi), placeholders(&m.en), "{key}");
        }
        assert!(table.len() > 20);
    }

    /// Every key the code names (`Msg::new("…")`) is in the catalogue.
    #[test]
    fn every_message_the_code_names_is_in_the_catalogue() {
        let table: BTreeMap<String, Message> = toml::from_str(MESSAGES).unwrap();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut files = vec![src];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // This test's own text names no key.
            if path.ends_with("i18n.rs") {
                continue;
            }
            for part in text.split("Msg::new(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if !table.contains_key(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "not in messages.toml: {missing:?}");
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
