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
