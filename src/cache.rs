//! The build cache: what a build resolved and indexed of each unit, kept
//! for the next build in the site folder (`.ketqua-cache`; not beside the
//! output, where it could be published), so that a unit whose files did not
//! change is neither parsed, nor its report rendered and scanned, nor its
//! text folded into search words again; and the stamps of the units' files
//! (size, times, inode: `load::Known`), so that a file unchanged since is not
//! even read.
//!
//! Each record is kept by a key that hashes all it is made from (the
//! unit's files, the configuration and catalogue: `model::UnitCache`; its
//! slug besides for its search entry: `search::entry_key`), so a record is
//! never wrong for the build that finds it, only unused: builds into other
//! output folders share the one file. Only units resolved
//! without a problem are kept: a problem points into its file. The file is
//! made by the binary whose identity it carries, like the manifest: another
//! binary reads none of it. It is written after the output is in place: the
//! new records after the last build's, then the index (see [`Writer`]); a
//! build that cannot read or write it goes on without it. `build --fresh`
//! reads none; `--public` neither reads nor writes one.
//!
//! Layout: the header (`MAGIC`, the binary's identity), the records (each
//! a unit, an entry or the files' stamps, in postcard) and the reports'
//! texts, then the index of the records (kind, key, offset, length,
//! checksum, bytes of texts named) in postcard, its length, and `MAGIC`
//! again. A record is read when its unit asks for it, by its offset, and
//! its checksum checked before it is decoded.
//!
//! A unit's record names where its report's texts are in the file (and
//! their checksum) rather than holding them: the build's spill (see
//! `packed`) is copied into the file whole, so a unit taken from the cache
//! reads its report from the cache itself, and only if its page is made
//! again. At 60,000 units this spares an incremental build reading back,
//! and setting aside again, 475 MB (docs/performance.md). A text found
//! damaged then is found late, when a page is being made of it: the build
//! stops before its output is put in place and starts again without the
//! cache (`build::build`).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::diag::{Sources, Stamp};
use crate::load::Known;
use crate::model::{Site, Unit, UnitStore};
use crate::packed::{Spill, SpillFile, checksum};
use crate::search::{Entry, EntryStore};
use crate::write::{Key, locked};

/// Begins and ends the file; the last byte is the format's version.
const MAGIC: &[u8; 8] = b"KQCACHE\x02";

/// What a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Kind {
    Unit,
    Entry,
    /// The stamps of the units' files (one record, keyed by its bytes).
    Files,
}

/// Where a record is, and its checksum; and how many bytes of texts it
/// names elsewhere in the file (which stay there while it is listed).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Place {
    offset: u64,
    len: u32,
    sum: u64,
    texts: u64,
}

/// The cache of the last build, as found beside the output: its index, and
/// the file its records are read from. Empty when there is none (or it
/// cannot be read, or another binary made it).
#[derive(Default)]
pub(crate) struct Reader {
    file: Option<File>,
    units: HashMap<u128, Place>,
    entries: HashMap<u128, Place>,
    /// The record of the units' files' stamps, and what it holds.
    files: Option<(u128, Place)>,
    known: Known,
    /// Units and entries read back.
    hits: (AtomicUsize, AtomicUsize),
    /// Where its records end (its index begins).
    end: u64,
    /// Records not listed again by the next cache, but written anew: those
    /// that did not read back, and those holding texts the cache now keeps
    /// apart.
    bad: Mutex<HashSet<(Kind, u128)>>,
    /// The reports' texts its records name (see [`Texts`]).
    texts: Option<Arc<Texts>>,
}

/// The reports' texts in the cache's file, read when a page is made of
/// them: a [`Spill`] that takes no more bytes.
#[derive(Debug)]
struct Texts {
    file: File,
    /// The next cache is written after the records of this one, in the
    /// same file: its records name the texts where they are.
    stays: AtomicBool,
    lost: AtomicBool,
}

impl Spill for Texts {
    fn put(&self, _: &[u8]) -> Option<u64> {
        None
    }

    fn get(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        let mut bytes = vec![0; len];
        read_at(&self.file, &mut bytes, at).ok()?;
        Some(bytes)
    }

    fn in_cache(&self, at: u64) -> Option<u64> {
        self.stays.load(Ordering::Relaxed).then_some(at)
    }

    fn lost(&self) {
        self.lost.store(true, Ordering::Relaxed);
    }

    fn intact(&self) -> bool {
        !self.lost.load(Ordering::Relaxed)
    }
}

/// The cache of the site folder `root`. A hidden name: `serve` does not
/// watch it, and the load does not read it.
fn path_of(root: &Path) -> PathBuf {
    root.join(".ketqua-cache")
}

/// Removes the cache of the site folder `root` (found damaged).
pub(crate) fn remove(root: &Path) {
    let _ = std::fs::remove_file(path_of(root));
}

impl Reader {
    /// The cache of the site folder `root`, when the binary `identity` made
    /// it.
    pub(crate) fn open(root: &Path, identity: Key) -> Reader {
        Reader::read(&path_of(root), identity).unwrap_or_default()
    }

    fn read(path: &Path, identity: Key) -> Option<Reader> {
        let mut file = File::open(path).ok()?;
        let mut header = [0u8; 24];
        file.read_exact(&mut header).ok()?;
        if &header[..8] != MAGIC || header[8..] != identity.0.to_le_bytes() {
            return None;
        }
        let end = file.seek(SeekFrom::End(-16)).ok()?;
        let mut trailer = [0u8; 16];
        file.read_exact(&mut trailer).ok()?;
        if &trailer[8..] != MAGIC {
            return None;
        }
        let len = u64::from_le_bytes(trailer[..8].try_into().ok()?);
        let start = end.checked_sub(len)?;
        file.seek(SeekFrom::Start(start)).ok()?;
        let mut index = vec![0u8; usize::try_from(len).ok()?];
        file.read_exact(&mut index).ok()?;
        let index: Vec<(Kind, u128, Place)> = postcard::from_bytes(&index).ok()?;
        let mut reader = Reader::default();
        for (kind, key, place) in index {
            if place.offset.checked_add(u64::from(place.len))? > start {
                return None;
            }
            match kind {
                Kind::Unit => {
                    reader.units.insert(key, place);
                }
                Kind::Entry => {
                    reader.entries.insert(key, place);
                }
                Kind::Files => reader.files = Some((key, place)),
            }
        }
        if let Some((_, place)) = reader.files {
            let mut bytes = vec![0u8; place.len as usize];
            file.seek(SeekFrom::Start(place.offset)).ok()?;
            file.read_exact(&mut bytes).ok()?;
            let files: Vec<(String, Stamp, u128)> = Some(bytes)
                .filter(|bytes| checksum(bytes) == place.sum)
                .and_then(|bytes| postcard::from_bytes(&bytes).ok())
                .unwrap_or_default();
            reader.known = files
                .into_iter()
                .map(|(name, stamp, hash)| (name, (stamp, hash)))
                .collect();
        }
        reader.texts = file.try_clone().ok().map(|file| {
            Arc::new(Texts {
                file,
                stays: AtomicBool::new(false),
                lost: AtomicBool::new(false),
            })
        });
        reader.file = Some(file);
        reader.end = start;
        Some(reader)
    }

    /// The units' files as the last build read them (see `load::Known`).
    pub(crate) fn known(&self) -> &Known {
        &self.known
    }

    /// Whether most of its file is records still listed: else the next
    /// cache is written anew rather than after them.
    fn mostly_live(&self) -> bool {
        let live: u64 = self
            .units
            .values()
            .chain(self.entries.values())
            .chain(self.files.iter().map(|(_, p)| p))
            .map(|p| u64::from(p.len) + p.texts)
            .sum();
        live * 2 >= self.end.saturating_sub(HEADER)
    }

    /// Whether every text read from it read back whole.
    pub(crate) fn intact(&self) -> bool {
        self.texts.as_ref().is_none_or(|texts| texts.intact())
    }

    /// How many units and entries were read back.
    pub(crate) fn hits(&self) -> (usize, usize) {
        (
            self.hits.0.load(Ordering::Relaxed),
            self.hits.1.load(Ordering::Relaxed),
        )
    }

    /// The record of `key`, when it reads back whole.
    fn record<T: serde::de::DeserializeOwned>(&self, kind: Kind, key: u128) -> Option<T> {
        let map = match kind {
            Kind::Unit => &self.units,
            Kind::Entry => &self.entries,
            Kind::Files => return None,
        };
        let (file, place) = (self.file.as_ref()?, map.get(&key)?);
        let mut bytes = vec![0u8; place.len as usize];
        let read = read_at(file, &mut bytes, place.offset)
            .ok()
            .filter(|()| checksum(&bytes) == place.sum)
            .and_then(|()| postcard::from_bytes(&bytes).ok());
        if read.is_none() {
            locked(&self.bad).insert((kind, key));
        }
        read
    }

    fn is_bad(&self, kind: Kind, key: u128) -> bool {
        locked(&self.bad).contains(&(kind, key))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Elsewhere the cache is not read (a record is read from several threads
/// at once, by its offset).
#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

impl UnitStore for Reader {
    fn unit(&self, key: u128) -> Option<Unit> {
        let mut unit: Unit = self.record(Kind::Unit, key)?;
        if let Some(report) = &mut unit.report {
            let texts: Arc<dyn Spill> = Arc::clone(self.texts.as_ref()?) as _;
            match report.attach(&texts, self.end) {
                Ok(true) => {}
                // Its texts in the record (a cache written anew): the
                // next cache keeps them apart.
                Ok(false) => {
                    locked(&self.bad).insert((Kind::Unit, key));
                }
                Err(()) => {
                    locked(&self.bad).insert((Kind::Unit, key));
                    return None;
                }
            }
        }
        // As it was before the hierarchy was linked.
        unit.slug.clear();
        unit.parent = None;
        self.hits.0.fetch_add(1, Ordering::Relaxed);
        Some(unit)
    }
}

impl EntryStore for Reader {
    fn entry(&self, key: u128) -> Option<Entry> {
        let entry = self.record(Kind::Entry, key)?;
        self.hits.1.fetch_add(1, Ordering::Relaxed);
        Some(entry)
    }
}

/// The next cache, written as the build goes: the units' search entries as
/// the index takes them, then the units once the output is in place. A
/// record the last cache holds is listed where it is, not written again: the
/// new records go after the last cache's, in its file, in place of its
/// index (a crash before the new index is written leaves a file without
/// one, which the next build does not read); when most of that file is
/// records no longer listed, the cache is written anew into a temporary file
/// renamed over it.
pub(crate) struct Writer<'a> {
    /// The cache this build found.
    last: &'a Reader,
    /// The temporary file, when the cache is written anew.
    temp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
    state: Mutex<State>,
}

struct State {
    out: BufWriter<File>,
    offset: u64,
    index: Vec<(Kind, u128, Place)>,
    /// The new records go after the last cache's, which are listed where
    /// they are.
    after: bool,
    /// A write failed: the cache is not kept.
    failed: bool,
}

impl State {
    /// Where the last cache has the record of `key`, when this one lists
    /// it there.
    fn kept(&self, last: &Reader, kind: Kind, key: u128) -> Option<Place> {
        if !self.after || last.is_bad(kind, key) {
            return None;
        }
        match kind {
            Kind::Unit => last.units.get(&key).copied(),
            Kind::Entry => last.entries.get(&key).copied(),
            Kind::Files => last.files.filter(|(k, _)| *k == key).map(|(_, p)| p),
        }
    }

    /// Lists the record of `key`: where the last cache has it, or else
    /// written, from `bytes` (which name `texts` bytes of texts apart).
    fn push(
        &mut self,
        last: &Reader,
        kind: Kind,
        key: u128,
        bytes: impl FnOnce() -> Option<Encoded>,
    ) {
        if self.failed {
            return;
        }
        if let Some(place) = self.kept(last, kind, key) {
            self.index.push((kind, key, place));
            return;
        }
        let Some((bytes, texts)) = bytes() else {
            return;
        };
        let Ok(len) = u32::try_from(bytes.len()) else {
            return;
        };
        if self.out.write_all(&bytes).is_err() {
            self.failed = true;
            return;
        }
        let place = Place {
            offset: self.offset,
            len,
            sum: checksum(&bytes),
            texts,
        };
        self.index.push((kind, key, place));
        self.offset += u64::from(len);
    }
}

/// A record's bytes, and how many bytes of texts it names apart.
type Encoded = (Vec<u8>, u64);

/// The header: `MAGIC` and the binary's identity.
const HEADER: u64 = 24;

impl<'a> Writer<'a> {
    /// The next cache of the site folder `root`, made by the binary
    /// `identity`, after the records of `last` (what this build found);
    /// `None` when it cannot be written.
    pub(crate) fn create(root: &Path, identity: Key, last: &'a Reader) -> Option<Writer<'a>> {
        let path = path_of(root);
        if let Some(read) = last.file.as_ref().filter(|_| last.mostly_live()) {
            let mut file = std::fs::OpenOptions::new().write(true).open(&path).ok()?;
            // Still the file `last` read (no other build replaced it).
            if !same_file(&file, read) {
                return None;
            }
            file.set_len(last.end).ok()?;
            file.seek(SeekFrom::Start(last.end)).ok()?;
            // The units kept name their texts where they are.
            if let Some(texts) = &last.texts {
                texts.stays.store(true, Ordering::Relaxed);
            }
            return Some(Writer {
                last,
                temp: None,
                target: path,
                state: Mutex::new(State {
                    out: BufWriter::with_capacity(1 << 20, file),
                    offset: last.end,
                    index: Vec::new(),
                    after: true,
                    failed: false,
                }),
            });
        }
        let dir = path.parent()?;
        let temp = tempfile::Builder::new()
            .prefix(".ketqua-cache")
            .tempfile_in(dir)
            .ok()?;
        let mut out = BufWriter::with_capacity(1 << 20, temp.as_file().try_clone().ok()?);
        out.write_all(MAGIC).ok()?;
        out.write_all(&identity.0.to_le_bytes()).ok()?;
        Some(Writer {
            last,
            temp: Some(temp),
            target: path,
            state: Mutex::new(State {
                out,
                offset: HEADER,
                index: Vec::new(),
                after: false,
                failed: false,
            }),
        })
    }

    /// Keeps a unit's search entry.
    pub(crate) fn entry(&self, key: u128, entry: &Entry) {
        locked(&self.state).push(self.last, Kind::Entry, key, || {
            postcard::to_stdvec(entry).ok().map(|bytes| (bytes, 0))
        });
    }

    /// Keeps the texts `spill` holds (the reports of the units this build
    /// resolved), copied whole: the units' records then name them.
    pub(crate) fn texts(&self, spill: &SpillFile) {
        let state = &mut *locked(&self.state);
        if state.failed {
            return;
        }
        let copied = state.out.flush().and_then(|()| {
            let offset = state.offset;
            spill.copy_into(state.out.get_mut(), offset)
        });
        match copied {
            Ok(len) => state.offset += len,
            Err(_) => state.failed = true,
        }
    }

    /// Keeps each unit of `site` resolved without a problem, encoded in
    /// parallel a chunk at a time (those the last cache holds are not).
    pub(crate) fn units(&self, site: &Site) {
        for chunk in site.units.chunks(256) {
            let encoded: Vec<(u128, Option<Encoded>)> = {
                let state = locked(&self.state);
                chunk
                    .par_iter()
                    .filter_map(|unit| {
                        let key = unit.cache_key?;
                        let listed = state.kept(self.last, Kind::Unit, key).is_some();
                        let bytes = (!listed)
                            .then(|| {
                                let texts = unit.report.as_ref().map_or(0, |r| r.in_cache());
                                postcard::to_stdvec(unit).ok().map(|b| (b, texts))
                            })
                            .flatten();
                        Some((key, bytes))
                    })
                    .collect()
            };
            let mut state = locked(&self.state);
            for (key, bytes) in encoded {
                state.push(self.last, Kind::Unit, key, || bytes);
            }
        }
    }

    /// Keeps the stamps of the units' files in `sources` (see `load::Known`).
    pub(crate) fn files(&self, sources: &Sources) {
        let files: Vec<(&str, Stamp, u128)> = sources.stamps().collect();
        let Ok(bytes) = postcard::to_stdvec(&files) else {
            return;
        };
        let key = u128::from(checksum(&bytes)) << 64 | bytes.len() as u128;
        locked(&self.state).push(self.last, Kind::Files, key, || Some((bytes, 0)));
    }

    /// Writes the index, and puts a new file in place of the last cache.
    pub(crate) fn finish(self) -> io::Result<()> {
        let State {
            mut out,
            index,
            failed,
            ..
        } = self
            .state
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failed {
            return Err(io::ErrorKind::Other.into());
        }
        let index = postcard::to_stdvec(&index).map_err(io::Error::other)?;
        out.write_all(&index)?;
        out.write_all(&(index.len() as u64).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.flush()?;
        drop(out);
        if let Some(temp) = self.temp {
            temp.persist(&self.target).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

/// Whether two open files are the same file.
#[cfg(unix)]
fn same_file(a: &File, b: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.metadata(), b.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &File) -> bool {
    false
}
