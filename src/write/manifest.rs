//! The manifest of an output: for each page, the key of what it was made
//! from (see [`Key`]) and the size and modification time it was written
//! with. It is the content of the output's marker file (`.ketqua-build`), so
//! it is swapped in with the output it describes, in the same step: an
//! output and its manifest never disagree, whatever stops a build.
//!
//! The next build carries a page over from the previous output (a hard
//! link into its staging folder, never a write in place) when the page's
//! key is the same and the file still has the size and modification time
//! the manifest holds (a page edited by hand is made again). Whatever
//! cannot be proven unchanged is made again.

use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::io;

use rustc_hash::FxHashMap;
use siphasher::sip128::{Hasher128, SipHasher13};

/// A 128-bit hash of everything a file is made from (SipHash-1-3, fixed
/// keys: the same inputs give the same key in every process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Key(pub u128);

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// Makes a [`Key`] of bytes written into it (`serde_json::to_writer` into
/// it hashes a value without holding its text).
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyHasher(SipHasher13);

impl KeyHasher {
    pub(crate) fn new() -> KeyHasher {
        KeyHasher::default()
    }

    /// Adds `bytes` as one field: its length first, so that two fields
    /// cannot run into each other.
    pub(crate) fn field(&mut self, bytes: &[u8]) {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
    }

    pub(crate) fn key(&self) -> Key {
        Key(self.0.finish128().as_u128())
    }
}

impl io::Write for KeyHasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The first word of a manifest, and its format's version.
const HEADER: &str = "ketqua-manifest 1";

/// One page of an output, as the manifest holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: Key,
    pub len: u64,
    /// Nanoseconds since the epoch (0 where the platform does not tell).
    pub modified: i128,
}

/// The pages of a previous output, by path, made by the build `identity`
/// (the binary that made them).
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    pub identity: Key,
    pub entries: FxHashMap<String, Entry>,
}

impl Manifest {
    /// Reads a manifest; `None` when `text` is none (an empty marker, made
    /// by a build that kept no manifest). A line that does not read is
    /// skipped: its page is made again.
    pub(crate) fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        let identity = lines.next()?.strip_prefix(HEADER)?.trim();
        let identity = Key(u128::from_str_radix(identity, 16).ok()?);
        let entries = lines
            .filter_map(|line| {
                let mut parts = line.splitn(4, ' ');
                let key = Key(u128::from_str_radix(parts.next()?, 16).ok()?);
                let len = parts.next()?.parse().ok()?;
                let modified = parts.next()?.parse().ok()?;
                let path = parts.next()?.to_string();
                Some((path, Entry { key, len, modified }))
            })
            .collect();
        Some(Manifest { identity, entries })
    }

    /// The manifest's text, its pages sorted by path. A path with a line
    /// break is left out (its page is made again next time).
    pub(crate) fn text(identity: Key, entries: &mut [(String, Entry)]) -> String {
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = format!("{HEADER} {identity}\n");
        for (path, e) in entries.iter() {
            if path.contains(['\n', '\r']) {
                continue;
            }
            let _ = writeln!(out, "{} {} {} {path}", e.key, e.len, e.modified);
        }
        out
    }
}

/// The modification time of a file as the manifest holds it.
pub(crate) fn modified(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_it_wrote() {
        let entry = |k| Entry {
            key: Key(k),
            len: 7,
            modified: 1_700_000_000_123_456_789,
        };
        let mut entries = vec![
            ("units/b x.html".to_string(), entry(2)),
            ("index.html".to_string(), entry(u128::MAX)),
            ("bad\nname".to_string(), entry(3)),
        ];
        let text = Manifest::text(Key(9), &mut entries);
        let back = Manifest::parse(&text).unwrap();
        assert_eq!(back.identity, Key(9));
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries["units/b x.html"], entry(2));
        assert_eq!(back.entries["index.html"], entry(u128::MAX));
        // An empty marker, from a build that kept no manifest.
        assert!(Manifest::parse("").is_none());
    }

    #[test]
    fn fields_do_not_run_into_each_other() {
        let key = |parts: &[&str]| {
            let mut h = KeyHasher::new();
            for p in parts {
                h.field(p.as_bytes());
            }
            h.key()
        };
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_eq!(key(&["ab", "c"]), key(&["ab", "c"]));
    }
}
