//! Shared strings. The texts of indicators repeat from unit to unit: the
//! same description, group, unit of measure and stated result, written in
//! thousands of `unit.toml` files from one resolution. An [`Interner`]
//! gives each distinct text one reference-counted copy, so that a site of
//! 60,000 units holds each of them once rather than once per indicator.

use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};

use arcstr::ArcStr;
use rustc_hash::{FxBuildHasher, FxHashSet};

/// Locks are taken per shard, so that the threads resolving units in
/// parallel seldom wait for each other.
const SHARDS: usize = 16;

/// The distinct texts seen so far. It lives as long as the model is being
/// made; the texts it handed out live on in the model.
#[derive(Default)]
pub(crate) struct Interner {
    shards: [Mutex<FxHashSet<ArcStr>>; SHARDS],
}

impl Interner {
    /// The shared copy of `text`, made on its first sight.
    pub(crate) fn get(&self, text: &str) -> ArcStr {
        if text.is_empty() {
            return ArcStr::new();
        }
        let shard = FxBuildHasher.hash_one(text) as usize % SHARDS;
        // A panic on another thread cannot leave the set half-changed: an
        // insert either happened or did not.
        let mut set = self.shards[shard]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = set.get(text) {
            return shared.clone();
        }
        let shared = ArcStr::from(text);
        set.insert(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy() {
        let interner = Interner::default();
        let a = interner.get("Tỷ lệ hộ nghèo");
        let b = interner.get(&String::from("Tỷ lệ hộ nghèo"));
        let c = interner.get("Tỷ lệ hộ nghèo giảm");
        assert_eq!(a, b);
        assert!(ArcStr::ptr_eq(&a, &b));
        assert!(!ArcStr::ptr_eq(&a, &c));
        assert_eq!(&*c, "Tỷ lệ hộ nghèo giảm");
        assert_eq!(ArcStr::strong_count(&a), Some(3));
    }

    #[test]
    fn the_empty_text_is_not_held() {
        let interner = Interner::default();
        assert!(interner.get("").is_empty());
        assert!(interner.shards.iter().all(|s| s.lock().unwrap().is_empty()));
    }
}
