//! Texts held compressed (LZ4) while a build holds every one of them: the
//! units' files from the moment they are read, and the reports' HTML from
//! the model until their pages are rendered. At 60,000 units these are
//! 740 MB of unit files and 740 MB of HTML; both compress about twice, for
//! some 30 µs a unit one way and a few the other.
//!
//! A build sets the reports' compressed bytes aside in a [`Spill`] as each
//! unit is resolved, and reads them back when the unit's page and search
//! entry are made: at 60,000 units they are 475 MB, a third of what the
//! build would otherwise hold (docs/performance.md, "Reports set aside").
//! The build cache then copies the spill into its file whole, and names
//! each text there; a unit taken from the cache has its texts read from
//! the cache's file, which is its spill (docs/performance.md, "An edited
//! report at 60,000 units"). Bytes set aside carry their checksum: those
//! that do not read back whole give an empty text, and the spill is told,
//! so that the build stops before its output is put in place.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// A text, compressed.
#[derive(Debug, Clone)]
pub(crate) struct Packed(Bytes);

/// Where a [`Packed`] text's bytes are.
#[derive(Debug, Clone)]
enum Bytes {
    Held(Box<[u8]>),
    /// In a spill, at `at`, `len` bytes long, with their checksum.
    Spilled {
        spill: Arc<dyn Spill>,
        at: u64,
        len: usize,
        sum: u64,
    },
    /// In the build cache's file, as a record read from it names them,
    /// until the cache's reader is attached (see [`Packed::attach`]; the
    /// reader attaches every record it decodes, so none is ever read so).
    Stored {
        at: u64,
        len: usize,
        sum: u64,
    },
}

/// The checksum of compressed bytes set aside: XXH3, made to find damaged
/// bytes, not an adversary's.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

impl Packed {
    pub(crate) fn new(text: &str) -> Packed {
        // Copied out of the buffer it was compressed in, which is as large
        // as the text (an allocator may shrink a block in place).
        Packed(Bytes::Held(Box::from(
            lz4_flex::compress_prepend_size(text.as_bytes()).as_slice(),
        )))
    }

    /// Sets the bytes aside in `spill`; they stay held when it cannot
    /// take them.
    pub(crate) fn spill(&mut self, spill: &Arc<dyn Spill>) {
        if let Bytes::Held(bytes) = &self.0
            && let Some(at) = spill.put(bytes)
        {
            self.0 = Bytes::Spilled {
                spill: Arc::clone(spill),
                at,
                len: bytes.len(),
                sum: checksum(bytes),
            };
        }
    }

    /// Where the bytes a cache record names are read from: `texts`, whose
    /// readable bytes end at `end`. `Err` when the record names bytes past
    /// the end; `Ok(false)` when it held the bytes themselves.
    pub(crate) fn attach(&mut self, texts: &Arc<dyn Spill>, end: u64) -> Result<bool, ()> {
        let Bytes::Stored { at, len, sum } = self.0 else {
            return Ok(false);
        };
        if at.checked_add(len as u64).is_none_or(|stop| stop > end) {
            return Err(());
        }
        self.0 = Bytes::Spilled {
            spill: Arc::clone(texts),
            at,
            len,
            sum,
        };
        Ok(true)
    }

    /// The compressed bytes, read back from the spill when set aside;
    /// `None` when they do not read back whole (the spill is told).
    fn bytes(&self) -> Option<Cow<'_, [u8]>> {
        match &self.0 {
            Bytes::Held(bytes) => Some(Cow::Borrowed(bytes)),
            Bytes::Spilled {
                spill,
                at,
                len,
                sum,
            } => {
                let bytes = spill.get(*at, *len).filter(|b| checksum(b) == *sum);
                if bytes.is_none() {
                    spill.lost();
                }
                bytes.map(Cow::Owned)
            }
            Bytes::Stored { .. } => None,
        }
    }

    /// The text again: empty when its bytes were set aside and did not read
    /// back (the spill, told, makes the build fail or start again: see
    /// [`Spill::lost`]).
    pub(crate) fn text(&self) -> String {
        let Some(bytes) = self.bytes() else {
            return String::new();
        };
        // The bytes are those `new` made from a string (a checksum vouches
        // for any set aside). Checked with SIMD (the standard check took
        // four fifths of the time here).
        let bytes = lz4_flex::decompress_size_prepended(&bytes).expect("compressed by Packed::new");
        simdutf8::basic::from_utf8(&bytes)
            .expect("compressed from a string")
            .to_owned()
    }

    /// How many of its bytes the build cache being written holds apart
    /// from the record naming them (see [`Spill::in_cache`]).
    pub(crate) fn in_cache(&self) -> u64 {
        match &self.0 {
            Bytes::Spilled { spill, at, len, .. } if spill.in_cache(*at).is_some() => *len as u64,
            _ => 0,
        }
    }

    /// The compressed size, in bytes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.bytes().map_or(0, |b| b.len())
    }
}

/// How the build cache keeps a text: its bytes in the record, or where
/// they are in the cache's file.
#[derive(Serialize, Deserialize)]
enum Wire<'a> {
    Inline(#[serde(with = "bytes")] Cow<'a, [u8]>),
    At { at: u64, len: u64, sum: u64 },
}

/// The build cache names where a text's bytes are when its file holds
/// them apart (see [`Spill::in_cache`]), else keeps the bytes.
impl Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Bytes::Spilled {
            spill,
            at,
            len,
            sum,
        } = &self.0
            && let Some(at) = spill.in_cache(*at)
        {
            let (len, sum) = (*len as u64, *sum);
            return Wire::At { at, len, sum }.serialize(s);
        }
        match self.bytes() {
            Some(bytes) => Wire::Inline(bytes).serialize(s),
            None => Err(serde::ser::Error::custom("a text did not read back")),
        }
    }
}

impl<'de> Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Packed, D::Error> {
        Ok(Packed(match Wire::deserialize(d)? {
            Wire::Inline(bytes) => Bytes::Held(bytes.into_owned().into_boxed_slice()),
            Wire::At { at, len, sum } => Bytes::Stored {
                at,
                len: usize::try_from(len).map_err(serde::de::Error::custom)?,
                sum,
            },
        }))
    }
}

/// Where compressed texts are set aside while a build does not need them.
pub(crate) trait Spill: Send + Sync + std::fmt::Debug {
    /// Keeps `bytes` and tells where they are (`None` when it could not).
    fn put(&self, bytes: &[u8]) -> Option<u64>;
    /// The `len` bytes kept at `at`.
    fn get(&self, at: u64, len: usize) -> Option<Vec<u8>>;
    /// Where the bytes kept at `at` are in the file of the build cache
    /// being written, once they are there: a record then names them
    /// rather than holding them.
    fn in_cache(&self, _at: u64) -> Option<u64> {
        None
    }
    /// Told that bytes it kept did not read back whole: a page made from
    /// them would be wrong, so the build stops short of putting its output
    /// in place (see [`Spill::intact`]).
    fn lost(&self);
    /// Whether every read of its bytes gave them back whole.
    fn intact(&self) -> bool;
}

/// A [`Spill`] in a file without a name (removed when the build lets it
/// go), in the folder the build cache is written in; the build cache then
/// copies its bytes whole (see [`SpillFile::copy_into`]).
#[derive(Debug)]
pub(crate) struct SpillFile {
    /// The file, and where its bytes end. Reads and writes move the one
    /// file offset, so both go under the lock.
    file: Mutex<(std::fs::File, u64)>,
    /// Where the build cache's file holds a copy of these bytes, once it
    /// does (`u64::MAX` before).
    copied_at: AtomicU64,
    lost: AtomicBool,
}

impl SpillFile {
    /// A spill in `dir`; `None` when no file can be made there (the
    /// build then holds its reports).
    pub(crate) fn new_in(dir: &Path) -> Option<Arc<SpillFile>> {
        let file = tempfile::tempfile_in(dir).ok()?;
        Some(Arc::new(SpillFile {
            file: Mutex::new((file, 0)),
            copied_at: AtomicU64::new(u64::MAX),
            lost: AtomicBool::new(false),
        }))
    }

    /// Copies every byte kept to `out` (at its offset `offset`, where it
    /// stands) and returns how many: from then on the texts set aside here
    /// are named in the build cache by where the copy has them.
    pub(crate) fn copy_into(&self, out: &mut std::fs::File, offset: u64) -> std::io::Result<u64> {
        let mut guard = self.file.lock().map_err(|_| std::io::ErrorKind::Other)?;
        let (file, end) = &mut *guard;
        file.seek(SeekFrom::Start(0))?;
        let copied = std::io::copy(&mut Read::by_ref(file).take(*end), out)?;
        if copied != *end {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.copied_at.store(offset, Ordering::Relaxed);
        Ok(copied)
    }
}

impl Spill for SpillFile {
    fn put(&self, bytes: &[u8]) -> Option<u64> {
        let mut guard = self.file.lock().ok()?;
        let (file, end) = &mut *guard;
        let at = *end;
        file.seek(SeekFrom::Start(at)).ok()?;
        // A write that fails part way is written over by the next one.
        file.write_all(bytes).ok()?;
        *end = at + bytes.len() as u64;
        Some(at)
    }

    fn get(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        let mut guard = self.file.lock().ok()?;
        let (file, _) = &mut *guard;
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }

    fn in_cache(&self, at: u64) -> Option<u64> {
        match self.copied_at.load(Ordering::Relaxed) {
            u64::MAX => None,
            base => base.checked_add(at),
        }
    }

    fn lost(&self) {
        self.lost.store(true, Ordering::Relaxed);
    }

    fn intact(&self) -> bool {
        !self.lost.load(Ordering::Relaxed)
    }
}

/// Bytes as bytes for serde (the build cache), not as a sequence of
/// numbers read back one by one.
pub(crate) mod bytes {
    use serde::Serializer;
    use serde::de::{Deserializer, Error, Visitor};

    pub(crate) fn serialize<S: Serializer, B: AsRef<[u8]>>(
        bytes: &B,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes.as_ref())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, B: From<Vec<u8>>>(
        d: D,
    ) -> Result<B, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = Vec<u8>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }

            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }

            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(Bytes).map(B::from)
    }
}

/// Texts for serde (the build cache), read back with the SIMD check of
/// UTF-8: most of a unit's words are Vietnamese, where the standard check,
/// which postcard makes of every text, is slow (7% of an incremental
/// build's time at 10,000 units). Written as any text is.
pub(crate) mod text {
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};

    struct Text<T>(std::marker::PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for Text<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a text")
        }

        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<T, E> {
            simdutf8::basic::from_utf8(v)
                .map(T::from)
                .map_err(|_| E::custom("not UTF-8"))
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: for<'a> From<&'a str>>(
        d: D,
    ) -> Result<T, D::Error> {
        d.deserialize_bytes(Text(std::marker::PhantomData))
    }

    /// A list of texts, the same way.
    pub(crate) fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        struct Texts;
        impl<'de> Visitor<'de> for Texts {
            type Value = Vec<String>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of texts")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
                #[derive(serde::Deserialize)]
                struct One(#[serde(deserialize_with = "deserialize")] String);
                let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(One(text)) = seq.next_element()? {
                    list.push(text);
                }
                Ok(list)
            }
        }
        d.deserialize_seq(Texts)
    }
}

#[cfg(test)]
mod tests {
    use super::{Arc, Packed, Spill, SpillFile};

    #[test]
    fn a_packed_text_unpacks_to_itself() {
        for text in ["", "Đảng bộ", &"Chi bộ thôn Bản Chang. ".repeat(200)] {
            let packed = Packed::new(text);
            assert_eq!(packed.text(), text);
        }
        let long = "Chi bộ thôn Bản Chang. ".repeat(200);
        assert!(Packed::new(&long).len() < long.len() / 4);
    }

    #[test]
    fn a_spilled_text_reads_back_and_is_kept_by_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let spill: Arc<dyn Spill> = super::SpillFile::new_in(dir.path()).unwrap();
        let texts = ["Báo cáo sơ kết.", "", &"Đảng bộ xã Tân Lập. ".repeat(300)];
        let mut packed: Vec<Packed> = texts.iter().map(|t| Packed::new(t)).collect();
        let bytes: Vec<Vec<u8>> = packed
            .iter()
            .map(|p| postcard::to_allocvec(p).unwrap())
            .collect();
        for p in &mut packed {
            p.spill(&spill);
            assert!(matches!(p.0, super::Bytes::Spilled { .. }));
        }
        // Read back in another order than written.
        for (i, p) in packed.iter().enumerate().rev() {
            assert_eq!(p.text(), texts[i]);
            // The cache gets the same bytes as from a text held.
            assert_eq!(postcard::to_allocvec(p).unwrap(), bytes[i]);
            let again: Packed = postcard::from_bytes(&bytes[i]).unwrap();
            assert_eq!(again.text(), texts[i]);
        }
    }

    /// Once the spill is copied into a file (the build cache's), a text is
    /// named by where the copy has it, read from there, and checked: bytes
    /// changed there are told to the file's reader, not unpacked.
    #[test]
    fn a_text_copied_into_the_cache_is_named_there_and_checked() {
        use std::io::{Seek, SeekFrom, Write};
        let dir = tempfile::tempdir().unwrap();
        let spill = SpillFile::new_in(dir.path()).unwrap();
        let dyn_spill: Arc<dyn Spill> = spill.clone();
        let long: String = (0..300)
            .map(|i| format!("Chi bộ thôn số {i} đạt {}%. ", i * 37 % 101))
            .collect();
        let texts = ["Nghị quyết Đại hội.", &long];
        let mut packed: Vec<Packed> = texts.iter().map(|t| Packed::new(t)).collect();
        for p in &mut packed {
            p.spill(&dyn_spill);
        }
        let inline: Vec<Vec<u8>> = packed
            .iter()
            .map(|p| postcard::to_allocvec(p).unwrap())
            .collect();
        // The "cache": a header of 10 bytes, then the copy.
        let mut cache = tempfile::tempfile_in(dir.path()).unwrap();
        cache.write_all(b"0123456789").unwrap();
        let copied = spill.copy_into(&mut cache, 10).unwrap();
        assert_eq!(copied, packed.iter().map(|p| p.in_cache()).sum::<u64>());
        let named: Vec<Vec<u8>> = packed
            .iter()
            .map(|p| postcard::to_allocvec(p).unwrap())
            .collect();
        assert!(
            named[1].len() < 40,
            "named, not held: {} bytes",
            named[1].len()
        );
        assert!(inline[1].len() > 1000, "{} bytes held", inline[1].len());

        #[derive(Debug)]
        struct File(std::fs::File, std::sync::atomic::AtomicBool);
        impl Spill for File {
            fn put(&self, _: &[u8]) -> Option<u64> {
                None
            }
            fn get(&self, at: u64, len: usize) -> Option<Vec<u8>> {
                let mut bytes = vec![0; len];
                std::os::unix::fs::FileExt::read_exact_at(&self.0, &mut bytes, at).ok()?;
                Some(bytes)
            }
            fn lost(&self) {
                self.1.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            fn intact(&self) -> bool {
                !self.1.load(std::sync::atomic::Ordering::Relaxed)
            }
        }
        let end = 10 + copied;
        let file = Arc::new(File(
            cache.try_clone().unwrap(),
            std::sync::atomic::AtomicBool::new(false),
        ));
        let texts_of: Arc<dyn Spill> = file.clone();
        for (bytes, text) in named.iter().zip(texts) {
            let mut again: Packed = postcard::from_bytes(bytes).unwrap();
            assert_eq!(again.attach(&texts_of, end), Ok(true));
            assert_eq!(again.text(), text);
        }
        // A record naming bytes past the end is refused.
        let mut short: Packed = postcard::from_bytes(&named[1]).unwrap();
        assert_eq!(short.attach(&texts_of, end - 1), Err(()));
        assert!(file.intact());
        // A byte of the copy changed: the text is empty and the loss told.
        cache.seek(SeekFrom::Start(end - 5)).unwrap();
        cache.write_all(b"#").unwrap();
        let mut damaged: Packed = postcard::from_bytes(&named[1]).unwrap();
        assert_eq!(damaged.attach(&texts_of, end), Ok(true));
        assert_eq!(damaged.text(), "");
        assert!(!file.intact());
        // A text held in the record reads as before.
        let mut held: Packed = postcard::from_bytes(&inline[0]).unwrap();
        assert_eq!(held.attach(&texts_of, end), Ok(false));
        assert_eq!(held.text(), texts[0]);
    }
}
