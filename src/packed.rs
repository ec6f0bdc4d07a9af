//! Texts held compressed (LZ4) while a build holds every one of them: the
//! units' files from the moment they are read, and the reports' HTML from
//! the model until their pages are rendered. At 60,000 units these are
//! 740 MB of unit files and 740 MB of HTML; both compress about twice, for
//! some 30 µs a unit one way and a few the other.

/// A text, compressed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Packed(#[serde(with = "bytes")] Box<[u8]>);

impl Packed {
    pub(crate) fn new(text: &str) -> Packed {
        // Copied out of the buffer it was compressed in, which is as large
        // as the text (an allocator may shrink a block in place).
        Packed(Box::from(
            lz4_flex::compress_prepend_size(text.as_bytes()).as_slice(),
        ))
    }

    /// The text again.
    pub(crate) fn text(&self) -> String {
        // The bytes are only ever those `new` made from a string. Checked
        // with SIMD (the standard check took four fifths of the time here).
        let bytes =
            lz4_flex::decompress_size_prepended(&self.0).expect("compressed by Packed::new");
        simdutf8::basic::from_utf8(&bytes)
            .expect("compressed from a string")
            .to_owned()
    }

    /// The compressed size, in bytes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
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
}
