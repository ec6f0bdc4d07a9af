//! Texts held compressed (LZ4) while a build holds every one of them: the
//! units' files from the moment they are read, and the reports' HTML from
//! the model until their pages are rendered. At 60,000 units these are
//! 740 MB of unit files and 740 MB of HTML; both compress about twice, for
//! some 30 µs a unit one way and a few the other.
//!
//! A build sets the reports' compressed bytes aside in a [`Spill`] as each
//! unit is resolved or taken from the build cache, and reads them back
//! when the unit's page and search entry are made: at 60,000 units they are
//! 475 MB, a third of what the build would otherwise hold
//! (docs/performance.md, "Reports set aside").

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A text, compressed.
#[derive(Debug, Clone)]
pub(crate) struct Packed(Bytes);

/// Where a [`Packed`] text's bytes are.
#[derive(Debug, Clone)]
enum Bytes {
    Held(Box<[u8]>),
    /// In a spill, at `at`, `len` bytes long.
    Spilled {
        spill: Arc<dyn Spill>,
        at: u64,
        len: usize,
    },
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
            };
        }
    }

    /// The compressed bytes, read back from the spill when set aside.
    fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Bytes::Held(bytes) => Cow::Borrowed(bytes),
            // Bytes this process wrote to a file it holds open: reading
            // them back fails only with the disk, and no page could then be
            // made right.
            Bytes::Spilled { spill, at, len } => {
                Cow::Owned(spill.get(*at, *len).expect("a spilled text reads back"))
            }
        }
    }

    /// The text again.
    pub(crate) fn text(&self) -> String {
        // The bytes are only ever those `new` made from a string. Checked
        // with SIMD (the standard check took four fifths of the time here).
        let bytes =
            lz4_flex::decompress_size_prepended(&self.bytes()).expect("compressed by Packed::new");
        simdutf8::basic::from_utf8(&bytes)
            .expect("compressed from a string")
            .to_owned()
    }

    /// The compressed size, in bytes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.bytes().len()
    }
}

/// The build cache keeps a text's compressed bytes, wherever they are.
impl serde::Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        bytes::serialize(&self.bytes(), s)
    }
}

impl<'de> serde::Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Packed, D::Error> {
        bytes::deserialize(d).map(|bytes: Box<[u8]>| Packed(Bytes::Held(bytes)))
    }
}

/// Where compressed texts are set aside while a build does not need them.
pub(crate) trait Spill: Send + Sync + std::fmt::Debug {
    /// Keeps `bytes` and tells where they are (`None` when it could not).
    fn put(&self, bytes: &[u8]) -> Option<u64>;
    /// The `len` bytes kept at `at`.
    fn get(&self, at: u64, len: usize) -> Option<Vec<u8>>;
}

/// A [`Spill`] in a file without a name (removed when the build lets it
/// go), in the folder the build cache is written in.
#[derive(Debug)]
pub(crate) struct SpillFile {
    /// The file, and where its bytes end. Reads and writes move the one
    /// file offset, so both go under the lock.
    file: Mutex<(std::fs::File, u64)>,
}

impl SpillFile {
    /// A spill in `dir`; `None` when no file can be made there (the
    /// build then holds its reports).
    pub(crate) fn new_in(dir: &Path) -> Option<Arc<dyn Spill>> {
        let file = tempfile::tempfile_in(dir).ok()?;
        Some(Arc::new(SpillFile {
            file: Mutex::new((file, 0)),
        }))
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
    use super::Packed;

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
        let spill = super::SpillFile::new_in(dir.path()).unwrap();
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
}
