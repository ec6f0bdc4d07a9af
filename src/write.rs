//! Writing: the only code that touches the output folder.
//!
//! A build writes into a staging folder beside the output and, once every
//! file is there, swaps it into place in one step (an atomic exchange of the
//! two folders on Linux). A failed or interrupted build leaves the previous
//! output untouched; the staging folder, and any folder made to hold the
//! output, is removed on failure. An output folder where a build would
//! destroy or re-read the site (the site folder itself, or its inputs) is
//! refused before anything is written.
//!
//! By default (`build` without `--no-spare`), on Linux, when the output is
//! inside the site folder (the default `public/`), the output a build
//! replaces is not removed: it is kept beside the new one as the spare
//! (`.public.spare`), and the next build stages into it. A page the spare's
//! build made from the same inputs is left where it is; one the replaced
//! output has is linked from it; any other file is written over the one of
//! the same name (never through a link). Files the build does not write are
//! removed before the swap, so the result is the same as a fresh folder's.
//! At 60,000 units this spares the 180,000 links and removals of an
//! incremental build without it (docs/performance.md, "The spare output
//! folder").

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashSet;

use crate::diag::{Diagnostic, Msg};

mod manifest;

use manifest::{Entry, Manifest};
pub(crate) use manifest::{Key, KeyHasher};

/// Where the build (`build::generate`) hands each file (path from the output
/// root). Any `Fn(&str, &[u8])` is one, given each file whole.
pub(crate) trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// A file made by `fill` as it writes it (a page as it is rendered).
    /// By default it is gathered and given to [`Sink::write`]; the build's
    /// staging folder writes it as it comes, so that a page listing every
    /// unit is never held whole.
    fn write_with(&self, path: &str, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.write(path, &bytes)
    }

    /// A file made by `fill`, whose `key` is a hash of everything it is made
    /// from: a sink that holds the file made from the same key before may
    /// keep it instead of calling `fill` (an incremental build). By default
    /// `fill` is always called.
    fn write_keyed(&self, path: &str, key: Key, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        let _ = key;
        self.write_with(path, fill)
    }

    /// Whether [`Sink::write_keyed`] uses keys: when not, none is made
    /// (hashing every page's context is a tenth of a cold build's CPU).
    fn keyed(&self) -> bool {
        false
    }
}

/// What makes a file for [`Sink::write_with`].
pub(crate) type Fill<'a> = dyn FnMut(&mut dyn std::io::Write) -> Result<(), Diagnostic> + 'a;

impl<F: Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync> Sink for F {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self(path, bytes)
    }
}

/// The file that marks a folder as ketqua's output, so a build never replaces
/// a folder it did not make.
pub const MARKER: &str = ".ketqua-build";

/// The previous output is kept as `.<name>.spare` beside the output.
const SPARE: &str = "spare";

/// What becomes of the output a build replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Previous {
    /// Kept beside the output as the spare, for the next build to write over.
    Keep,
    Removed,
}

impl Previous {
    /// Keeps the previous output only on Linux, when the output is inside
    /// the site folder `root`. A folder elsewhere may be published with what
    /// lies beside it, say in a web server's folder: an old copy of the site
    /// must not linger there. (Elsewhere than on Linux, a file to write over
    /// cannot be told from one with other hard links.)
    pub(crate) fn for_output(root: &Path, output: &Path) -> Previous {
        let inside = fs::canonicalize(root)
            .ok()
            .zip(resolve(output))
            .is_some_and(|(root, out)| out.parent().is_some_and(|p| p.starts_with(&root)));
        if cfg!(target_os = "linux") && inside {
            Previous::Keep
        } else {
            Previous::Removed
        }
    }
}

#[derive(Debug)]
pub(crate) struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Missing parents of the target made by `create`, outermost first:
    /// removed again when the build is not committed.
    created: Vec<PathBuf>,
    /// Folders inside the staging folder already made, so that writing
    /// thousands of files into one folder asks the file system once.
    folders: Mutex<HashSet<PathBuf>>,
    /// Where the output this build replaces is kept for the next build, when
    /// it is kept.
    spare: Option<PathBuf>,
    /// When the staging folder is the previous build's spare: every file
    /// written, so that the others are removed before the swap.
    reused: Option<Mutex<FxHashSet<PathBuf>>>,
    /// The manifest this build keeps, when it keeps one (see
    /// [`Staging::keep_manifest`]).
    manifest: Option<Kept>,
    /// Folders pages are carried over between (see [`Staging::link_old`]).
    #[cfg(target_os = "linux")]
    opened: Mutex<std::collections::HashMap<String, Option<std::sync::Arc<Folders>>>>,
    /// The manifest of the spare this build stages into, as it found it.
    spare_marker: Option<String>,
    committed: bool,
}

/// A folder of the previous output and the same folder of the staging one,
/// opened.
#[cfg(target_os = "linux")]
#[derive(Debug)]
struct Folders {
    old: rustix::fd::OwnedFd,
    new: rustix::fd::OwnedFd,
}

/// What an incremental build knows: the previous output's manifest, and the
/// pages of this one.
#[derive(Debug)]
struct Kept {
    /// The binary making this build: a manifest made by another is not used.
    identity: Key,
    previous: Option<Manifest>,
    /// The manifest of the spare this build stages into: the pages it
    /// holds that this build would make the same are left where they are.
    spare: Option<Manifest>,
    made: Mutex<Vec<(String, Entry)>>,
    carried: AtomicUsize,
}

/// An IO failure with the path it concerns.
#[derive(Debug)]
pub(crate) struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

/// Why [`Staging::write_with`] failed: writing, or what made the bytes.
#[derive(Debug)]
pub(crate) enum Streamed<E> {
    Write(WriteError),
    Fill(E),
}

/// A writer that keeps its first error, which a caller of `fill` may turn
/// into one of its own.
struct Recording<W> {
    inner: W,
    error: Option<io::Error>,
}

impl<W> Recording<W> {
    /// `result`, its error kept when it is the first (an `io::Error` is not
    /// `Clone`: the copy keeps its kind and message).
    fn keep<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result
            && self.error.is_none()
        {
            self.error = Some(io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

impl<W: io::Write> io::Write for Recording<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.keep(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.keep(result)
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError {
        path: path.to_path_buf(),
        error,
    }
}

/// Creates `<parent>/.<name>.<kind>-<random>`, a new empty folder no other
/// build uses (tempfile picks the name and retries on collisions).
fn sibling(parent: &Path, name: &str, kind: &str) -> io::Result<PathBuf> {
    tempfile::Builder::new()
        .prefix(&format!(".{name}.{kind}-"))
        .tempdir_in(parent)
        .map(tempfile::TempDir::keep)
}

impl Staging {
    /// Prepares a staging folder for `target`. Refuses a target that is a
    /// file, or a folder that is not empty and was not made by ketqua.
    /// Creates the target's missing parents (removed again if the build is
    /// not committed).
    pub(crate) fn create(target: &Path, previous: Previous) -> Result<Staging, WriteError> {
        if fs::symlink_metadata(target).is_ok() {
            if !target.is_dir() {
                return Err(WriteError {
                    path: target.to_path_buf(),
                    error: io::Error::other(
                        "this is a file, not a folder: refusing to replace it (choose another --output)",
                    ),
                });
            }
            if !is_replaceable(target).map_err(at(target))? {
                return Err(WriteError {
                    path: target.to_path_buf(),
                    error: io::Error::other(
                        "refusing to replace this folder: it is not empty and was not made by `ketqua build` \
                         (choose another --output, or empty it)",
                    ),
                });
            }
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let created = create_parents(&parent)?;
        let name = target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let dir = match sibling(&parent, &name, "staging") {
            Ok(dir) => dir,
            Err(error) => {
                remove_created(&created);
                return Err(WriteError {
                    path: parent,
                    error,
                });
            }
        };
        let spare = (previous == Previous::Keep).then(|| spare_of(target));
        let reused = spare
            .as_deref()
            .is_some_and(|spare| claim(spare, &dir))
            .then(Mutex::default);
        // From here on, dropping the staging cleans up.
        let mut staging = Staging {
            dir,
            target: target.to_path_buf(),
            created,
            folders: Mutex::default(),
            spare,
            reused,
            manifest: None,
            #[cfg(target_os = "linux")]
            opened: Mutex::default(),
            spare_marker: None,
            committed: false,
        };
        // The spare's manifest, before its marker is made this build's.
        if staging.reused.is_some() {
            staging.spare_marker = fs::read_to_string(staging.dir.join(MARKER)).ok();
        }
        staging.write(MARKER, b"")?;
        Ok(staging)
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output.
    /// Safe to call from several threads.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        let mut file = self.open(&path).map_err(at(&path))?;
        io::Write::write_all(&mut file, bytes)
            .and_then(|()| self.cut(&file, bytes.len() as u64))
            .map_err(at(&path))
    }

    /// Writes one file as `fill` makes it, through a buffer: a large page is
    /// written as it is rendered, never held whole. When `fill` fails on a
    /// write, the error is the write's; otherwise `fill`'s own.
    pub(crate) fn write_with<E>(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> Result<(), E>,
    ) -> Result<(), Streamed<E>> {
        self.write_with_meta(rel, fill).map(|_| ())
    }

    /// [`Staging::write_with`], returning the written file's metadata.
    fn write_with_meta<E>(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> Result<(), E>,
    ) -> Result<fs::Metadata, Streamed<E>> {
        let path = self.path_of(rel);
        self.make_parent(&path).map_err(Streamed::Write)?;
        let file = self
            .open(&path)
            .map_err(|e| Streamed::Write(at(&path)(e)))?;
        let mut out = Recording {
            inner: io::BufWriter::with_capacity(1 << 16, file),
            error: None,
        };
        let filled = fill(&mut out);
        if let Some(error) = out.error.take() {
            return Err(Streamed::Write(WriteError { path, error }));
        }
        filled.map_err(Streamed::Fill)?;
        let mut file = out
            .inner
            .into_inner()
            .map_err(|e| Streamed::Write(at(&path)(e.into_error())))?;
        io::Seek::stream_position(&mut file)
            .and_then(|len| self.cut(&file, len))
            .and_then(|()| file.metadata())
            .map_err(|e| Streamed::Write(at(&path)(e)))
    }

    /// Copies a file into the output.
    pub(crate) fn copy(&self, rel: &str, from: &Path) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        let mut source = fs::File::open(from).map_err(at(from))?;
        let mut file = self.open(&path).map_err(at(&path))?;
        io::copy(&mut source, &mut file)
            .and_then(|len| self.cut(&file, len))
            .map_err(at(&path))
    }

    /// Makes this build keep a manifest of its pages in its marker file, for
    /// the next build to carry unchanged pages over; `identity` is the binary
    /// making it. With `carry`, pages of the previous output made by the same
    /// binary from the same key are carried over into this one (see
    /// [`Staging::write_keyed`]); a build staging into the spare leaves
    /// there the pages it holds that it would make the same.
    pub(crate) fn keep_manifest(&mut self, identity: Key, carry: bool) {
        let read = |text: Option<String>| {
            text.and_then(|text| Manifest::parse(&text))
                .filter(|m| m.identity == identity)
        };
        let previous = read(
            carry
                .then(|| fs::read_to_string(self.target.join(MARKER)).ok())
                .flatten(),
        );
        let spare = read(self.spare_marker.take().filter(|_| carry));
        self.manifest = Some(Kept {
            identity,
            previous,
            spare,
            made: Mutex::default(),
            carried: AtomicUsize::new(0),
        });
    }

    /// Whether this build keeps a manifest (and so wants the pages' keys).
    pub(crate) fn keeps_manifest(&self) -> bool {
        self.manifest.is_some()
    }

    /// How many pages were carried over from the previous output.
    pub(crate) fn carried(&self) -> usize {
        self.manifest
            .as_ref()
            .map_or(0, |kept| kept.carried.load(Ordering::Relaxed))
    }

    /// Writes a page whose inputs hash to `key`: the previous output's page
    /// when it was made from the same key and is as it was written (same
    /// size and modification time), linked into the staging folder; else
    /// the page `fill` makes. Returns whether the page was carried over.
    pub(crate) fn write_keyed<E>(
        &self,
        rel: &str,
        key: Key,
        fill: impl FnOnce(&mut dyn io::Write) -> Result<(), E>,
    ) -> Result<bool, Streamed<E>> {
        let Some(kept) = &self.manifest else {
            self.write_with(rel, fill)?;
            return Ok(false);
        };
        let carried = match self
            .left_in_spare(kept, rel, key)
            .map_err(Streamed::Write)?
        {
            Some(entry) => Some(entry),
            None => self.carry(kept, rel, key).map_err(Streamed::Write)?,
        };
        if let Some(entry) = carried {
            locked(&kept.made).push((rel.to_string(), entry));
            kept.carried.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        let meta = self.write_with_meta(rel, fill)?;
        let entry = Entry {
            key,
            len: meta.len(),
            modified: manifest::modified(&meta),
        };
        locked(&kept.made).push((rel.to_string(), entry));
        Ok(false)
    }

    /// Links the previous output's page `rel` into the staging folder when
    /// it was made from `key` and is unchanged since; its manifest entry.
    fn carry(&self, kept: &Kept, rel: &str, key: Key) -> Result<Option<Entry>, WriteError> {
        let Some(entry) = kept
            .previous
            .as_ref()
            .and_then(|m| m.entries.get(rel))
            .filter(|e| e.key == key)
        else {
            return Ok(None);
        };
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        // A file system that cannot link (or a page gone meanwhile): the
        // page is made again.
        if !self.link_old(rel, entry, &path) {
            return Ok(None);
        }
        if let Some(written) = &self.reused {
            locked(written).insert(path);
        }
        Ok(Some(entry.clone()))
    }

    /// The spare's page `rel`, left where it is when the spare's build made
    /// it from `key` and it is unchanged since; its manifest entry.
    fn left_in_spare(&self, kept: &Kept, rel: &str, key: Key) -> Result<Option<Entry>, WriteError> {
        let (Some(written), Some(spare)) = (&self.reused, &kept.spare) else {
            return Ok(None);
        };
        let Some(entry) = spare.entries.get(rel).filter(|e| e.key == key) else {
            return Ok(None);
        };
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        if !self.as_written(rel, entry, &path) {
            return Ok(None);
        }
        locked(written).insert(path);
        Ok(Some(entry.clone()))
    }

    /// Whether the staging folder's file `rel`, at `path`, is as `entry`
    /// says it was written.
    #[cfg(not(target_os = "linux"))]
    fn as_written(&self, _: &str, entry: &Entry, path: &Path) -> bool {
        as_written_at(path, entry)
    }

    #[cfg(target_os = "linux")]
    fn as_written(&self, rel: &str, entry: &Entry, path: &Path) -> bool {
        match self.folders_of(rel) {
            Some((folders, name)) => unchanged_at(&folders.new, name, entry),
            None => as_written_at(path, entry),
        }
    }

    /// Links the previous output's file `rel` to `path` when it is as
    /// `entry` says it was written (same size and modification time).
    fn link_old_by_path(&self, rel: &str, entry: &Entry, path: &Path) -> bool {
        let old = path_in(&self.target, rel);
        let unchanged = as_written_at(&old, entry);
        if unchanged && self.reused.is_some() {
            let _ = fs::remove_file(path);
        }
        unchanged && fs::hard_link(&old, path).is_ok()
    }

    #[cfg(not(target_os = "linux"))]
    fn link_old(&self, rel: &str, entry: &Entry, path: &Path) -> bool {
        self.link_old_by_path(rel, entry, path)
    }

    /// [`Staging::link_old_by_path`], naming the file inside its folder of
    /// each output, opened once: each page's check and link then resolve
    /// one name, not a whole path (at 60,000 units, the paths of the 180,000
    /// pages carried over took a tenth of an incremental build's time:
    /// docs/performance.md).
    #[cfg(target_os = "linux")]
    fn link_old(&self, rel: &str, entry: &Entry, path: &Path) -> bool {
        use rustix::fs::{AtFlags, linkat, unlinkat};
        let Some((folders, name)) = self.folders_of(rel) else {
            return self.link_old_by_path(rel, entry, path);
        };
        if !unchanged_at(&folders.old, name, entry) {
            return false;
        }
        // The spare's older page of that name goes first (a folder there
        // stays, and the link fails: the page is then made).
        if self.reused.is_some() {
            let _ = unlinkat(&folders.new, name, AtFlags::empty());
        }
        linkat(&folders.old, name, &folders.new, name, AtFlags::empty()).is_ok()
    }

    /// The folders of each output holding the file `rel`, opened, and its
    /// name in them; `None` for a name that is not plain.
    #[cfg(target_os = "linux")]
    fn folders_of<'r>(&self, rel: &'r str) -> Option<(std::sync::Arc<Folders>, &'r str)> {
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let plain = |part: &str| !part.is_empty() && part != "." && part != "..";
        let plain = plain(name) && (folder.is_empty() || folder.split('/').all(plain));
        plain
            .then(|| self.opened(folder))
            .flatten()
            .map(|f| (f, name))
    }

    /// The folder `folder` (a `/`-separated path inside the output) of the
    /// previous output and of the staging one, opened; `None` when either
    /// cannot be.
    #[cfg(target_os = "linux")]
    fn opened(&self, folder: &str) -> Option<std::sync::Arc<Folders>> {
        use rustix::fs::{Mode, OFlags, open};
        let mut opened = locked(&self.opened);
        if let Some(found) = opened.get(folder) {
            return found.clone();
        }
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let open = |dir: &Path| open(dir, flags, Mode::empty()).ok();
        let folders = open(&path_in(&self.target, folder))
            .zip(open(&path_in(&self.dir, folder)))
            .map(|(old, new)| std::sync::Arc::new(Folders { old, new }));
        opened.insert(folder.to_string(), folders.clone());
        folders
    }

    /// Opens `path` for writing from its start: a new file in a fresh
    /// staging folder; in the spare, the file already there, if it is one
    /// this build may write over.
    fn open(&self, path: &Path) -> io::Result<fs::File> {
        let Some(written) = &self.reused else {
            return fs::File::create(path);
        };
        locked(written).insert(path.to_path_buf());
        reopen(path)
    }

    /// Ends a file written over an older one at `len`, the length written.
    fn cut(&self, file: &fs::File, len: u64) -> io::Result<()> {
        match self.reused {
            Some(_) => file.set_len(len),
            None => Ok(()),
        }
    }

    /// Makes the folder of `path`, unless this staging made it already.
    fn make_parent(&self, path: &Path) -> Result<(), WriteError> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if locked(&self.folders).contains(parent) {
            return Ok(());
        }
        if self.reused.is_some() {
            clear_way(&self.dir, parent).map_err(at(parent))?;
        }
        fs::create_dir_all(parent).map_err(at(parent))?;
        locked(&self.folders).insert(parent.to_path_buf());
        Ok(())
    }

    /// Removes what this build did not write from the spare it reuses: the
    /// files, and the folders holding none of its files.
    fn prune(&self) -> io::Result<()> {
        let Some(written) = &self.reused else {
            return Ok(());
        };
        let written = locked(written);
        let mut folders = HashSet::new();
        for folder in locked(&self.folders).iter() {
            for f in folder.ancestors() {
                if !folders.insert(f.to_path_buf()) || f == self.dir {
                    break;
                }
            }
        }
        prune(&self.dir, &written, &folders)
    }

    fn path_of(&self, rel: &str) -> PathBuf {
        path_in(&self.dir, rel)
    }

    /// Puts the staged build in place of the target.
    ///
    /// `Ok(Some(problem))` means the new build is in place but the previous
    /// one, set aside at `problem.path`, could not be removed: not a failed
    /// build, but something to tell the user.
    #[cfg(test)]
    pub(crate) fn commit(self) -> Result<Option<WriteError>, WriteError> {
        self.commit_leaving().map(Removal::wait)
    }

    /// Puts the staged build in place of the target, as [`Staging::commit`]
    /// does, but removes the previous output on a thread of its own: the
    /// caller finishes its work meanwhile (at 60,000 units, 180,000 files
    /// take 0.6 s to remove), then waits for it ([`Removal::wait`]).
    pub(crate) fn commit_leaving(self) -> Result<Removal, WriteError> {
        let spare = self.spare.clone();
        // A spare an earlier build left, when this build keeps none (made
        // with `--no-spare`): left alone, it would hold a whole old site
        // for good.
        let stale = match &spare {
            None => Some(spare_of(&self.target)).filter(|p| {
                fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) && p.join(MARKER).is_file()
            }),
            Some(_) => None,
        };
        // Renaming fails when a spare is already there (only an empty
        // folder is replaced): then the previous output is removed.
        let mut thread = None;
        let note = self.commit_with(|old| match spare {
            Some(spare) if old.join(MARKER).is_file() && fs::rename(old, &spare).is_ok() => Ok(()),
            _ => {
                let path = old.to_path_buf();
                let remove = move || {
                    remove_tree(&path)
                        .err()
                        .map(|error| WriteError { path, error })
                };
                // Without a thread, removed before going on.
                match std::thread::Builder::new().spawn(remove) {
                    Ok(handle) => {
                        thread = Some(handle);
                        Ok(())
                    }
                    Err(_) => fs::remove_dir_all(old),
                }
            }
        })?;
        let stale = stale.and_then(|path| {
            fs::remove_dir_all(&path)
                .err()
                .map(|error| WriteError { path, error })
        });
        Ok(Removal {
            thread,
            note: note.or(stale),
        })
    }

    /// Puts the staged build in place, then hands the previous output to
    /// `remove`, which keeps it as the spare or removes it.
    fn commit_with(
        mut self,
        remove: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<Option<WriteError>, WriteError> {
        self.prune().map_err(at(&self.dir))?;
        if let Some(kept) = &self.manifest {
            let mut made = std::mem::take(&mut *locked(&kept.made));
            let text = Manifest::text(kept.identity, &mut made);
            let marker = self.dir.join(MARKER);
            fs::write(&marker, text).map_err(at(&marker))?;
        }
        if !self.target.exists() {
            fs::rename(&self.dir, &self.target).map_err(at(&self.target))?;
            self.committed = true;
            return Ok(None);
        }
        let old = swap(&self.dir, &self.target).map_err(at(&self.target))?;
        // The new build is in place: whatever happens next, it stays.
        self.committed = true;
        Ok(remove(&old)
            .err()
            .map(|error| WriteError { path: old, error }))
    }
}

/// Whether the file at `path` is as `entry` says it was written (a file of
/// the same size and modification time).
fn as_written_at(path: &Path, entry: &Entry) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| {
        meta.is_file() && meta.len() == entry.len && manifest::modified(&meta) == entry.modified
    })
}

/// [`as_written_at`] for the file `name` of the folder `dir`.
#[cfg(target_os = "linux")]
fn unchanged_at(dir: &rustix::fd::OwnedFd, name: &str, entry: &Entry) -> bool {
    use rustix::fs::{AtFlags, FileType, StatxFlags, statx};
    let Ok(meta) = statx(
        dir,
        name,
        AtFlags::SYMLINK_NOFOLLOW,
        StatxFlags::TYPE | StatxFlags::SIZE | StatxFlags::MTIME,
    ) else {
        return false;
    };
    // As `manifest::modified` counts it (0 before the epoch).
    let modified = match meta.stx_mtime.tv_sec {
        secs if secs >= 0 => i128::from(secs) * 1_000_000_000 + i128::from(meta.stx_mtime.tv_nsec),
        _ => 0,
    };
    FileType::from_raw_mode(u32::from(meta.stx_mode)) == FileType::RegularFile
        && meta.stx_size == entry.len
        && modified == entry.modified
}

/// Removes the folder `root` and all it holds. On Linux its files are
/// removed on every core, each by its name in its folder, opened once (on
/// tmpfs, 120,000 files of 10 KB in one folder went in 0.50 s on two cores
/// against 0.86 s on one; 180,000 that another folder still links, as an
/// incremental build leaves them, in 0.38–0.43 s against 0.46 s).
#[cfg(target_os = "linux")]
fn remove_tree(root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, Mode, OFlags, open, unlinkat};
    let unlink_files = || -> io::Result<Vec<PathBuf>> {
        let mut folders = vec![root.to_path_buf()];
        let mut files = Vec::new();
        let mut i = 0;
        while let Some(folder) = folders.get(i) {
            let mut names = Vec::new();
            for entry in fs::read_dir(folder)? {
                let entry = entry?;
                // A link is removed, not followed.
                if entry.file_type()?.is_dir() {
                    folders.push(entry.path());
                } else {
                    names.push(entry.file_name());
                }
            }
            files.push((i, names));
            i += 1;
        }
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        for (i, names) in files {
            let folder = open(&folders[i], flags, Mode::empty())?;
            names
                .par_iter()
                .try_for_each(|name| unlinkat(&folder, name.as_os_str(), AtFlags::empty()))?;
        }
        Ok(folders)
    };
    // Anything else (a file added meanwhile, say): removed the usual way.
    match unlink_files() {
        Ok(folders) if folders.iter().rev().all(|f| fs::remove_dir(f).is_ok()) => Ok(()),
        _ => fs::remove_dir_all(root),
    }
}

#[cfg(not(target_os = "linux"))]
fn remove_tree(root: &Path) -> io::Result<()> {
    fs::remove_dir_all(root)
}

/// The previous output being removed, once a new one is in place (see
/// [`Staging::commit_leaving`]).
#[derive(Debug)]
pub(crate) struct Removal {
    thread: Option<std::thread::JoinHandle<Option<WriteError>>>,
    /// A previous output that could not be removed already.
    note: Option<WriteError>,
}

impl Removal {
    /// Waits until the previous output is removed: `Some(problem)` when it
    /// could not be (the new build stays in place).
    pub(crate) fn wait(self) -> Option<WriteError> {
        let left = self.thread.and_then(|thread| thread.join().ok().flatten());
        left.or(self.note)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            remove_created(&self.created);
        }
    }
}

/// The file `rel` (a `/`-separated path inside the output) of the folder
/// `dir`: never outside it.
fn path_in(dir: &Path, rel: &str) -> PathBuf {
    let mut path = dir.to_path_buf();
    for part in rel
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
    {
        path.push(part);
    }
    path
}

/// Where the output `target` keeps its spare: `.<name>.spare` beside it.
fn spare_of(target: &Path) -> PathBuf {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    parent.join(format!(".{name}.{SPARE}"))
}

/// A lock on `m`. A poisoned lock only means another writer panicked; the
/// sets behind these locks stay correct (at worst, a folder is made twice;
/// the build cache's records stay whole, each written under the lock).
pub(crate) fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes the spare, if there is one that a build left, the staging folder
/// `dir` (a new empty folder, which the rename replaces). A folder without
/// the marker is not ketqua's: it stays where it is.
fn claim(spare: &Path, dir: &Path) -> bool {
    spare.join(MARKER).is_file() && fs::rename(spare, dir).is_ok()
}

/// Opens a file of the spare for writing over it. What is not a file of its
/// own (a folder, a link, a file with other names elsewhere, say a backup
/// made with hard links) is removed and made anew: the build never writes
/// through it.
#[cfg(target_os = "linux")]
fn reopen(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let opened = fs::OpenOptions::new()
        .write(true)
        .create(true)
        // A link is not followed; a pipe does not block the build.
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path);
    if let Ok(file) = opened {
        let meta = file.metadata()?;
        if meta.is_file() && meta.nlink() == 1 {
            return Ok(file);
        }
    }
    remove_any(path)?;
    fs::File::create_new(path)
}

#[cfg(not(target_os = "linux"))]
fn reopen(path: &Path) -> io::Result<fs::File> {
    remove_any(path)?;
    fs::File::create_new(path)
}

/// Removes whatever is at `path`, if anything, without following a link.
fn remove_any(path: &Path) -> io::Result<()> {
    let result = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes from the spare `root` what stands where the folder `dir` is to be:
/// a file, or a link the build must not write through.
fn clear_way(root: &Path, dir: &Path) -> io::Result<()> {
    let Ok(inside) = dir.strip_prefix(root) else {
        return Ok(());
    };
    let mut path = root.to_path_buf();
    for part in inside.components() {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => fs::remove_file(&path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Removes from `dir` the files not `written` and the folders not among
/// `folders` (the folders of the files written and their parents).
fn prune(dir: &Path, written: &FxHashSet<PathBuf>, folders: &HashSet<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if folders.contains(&path) {
                prune(&path, written, folders)?;
            } else {
                fs::remove_dir_all(&path)?;
            }
        } else if !written.contains(&path) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Creates the missing folders of `dir`, returning them outermost first. On
/// failure, removes those it made.
fn create_parents(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut missing = Vec::new();
    let mut next = Some(dir);
    while let Some(p) = next.filter(|p| !p.as_os_str().is_empty()) {
        if fs::symlink_metadata(p).is_ok() {
            break;
        }
        missing.push(p.to_path_buf());
        next = p.parent();
    }
    missing.reverse();
    let mut created = Vec::new();
    for p in missing {
        match fs::create_dir(&p) {
            Ok(()) => created.push(p),
            // Made meanwhile by someone else: not ours to remove.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && p.is_dir() => {}
            Err(error) => {
                remove_created(&created);
                return Err(WriteError { path: p, error });
            }
        }
    }
    Ok(created)
}

/// Removes folders made by `create_parents`, innermost first, leaving any
/// that are no longer empty.
fn remove_created(created: &[PathBuf]) {
    for p in created.iter().rev() {
        let _ = fs::remove_dir(p);
    }
}

fn is_replaceable(target: &Path) -> io::Result<bool> {
    if !target.is_dir() {
        return Ok(false);
    }
    if target.join(MARKER).is_file() {
        return Ok(true);
    }
    Ok(fs::read_dir(target)?.next().is_none())
}

/// Exchanges two folders in one step. Returns where the previous `b` now is
/// (`a`, or a fresh name beside it when the filesystem cannot exchange).
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<PathBuf> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(a.to_path_buf()),
        // Filesystems without RENAME_EXCHANGE: fall back to two renames.
        Err(Errno::INVAL | Errno::NOSYS) => swap_by_renames(a, b),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<PathBuf> {
    swap_by_renames(a, b)
}

/// Moves `b` aside to a fresh name beside `a`, then `a` into `b`'s place.
/// Returns where the previous `b` now is.
fn swap_by_renames(a: &Path, b: &Path) -> io::Result<PathBuf> {
    let parent = a.parent().unwrap_or(Path::new("."));
    let name = b
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    // A new empty folder: renaming a folder onto an empty one replaces it.
    let aside = sibling(parent, &name, "old")?;
    fs::rename(b, &aside)?;
    if let Err(err) = fs::rename(a, b) {
        if fs::rename(&aside, b).is_err() {
            return Err(io::Error::new(
                err.kind(),
                format!("{err}; the previous build is at {}", aside.display()),
            ));
        }
        return Err(err);
    }
    Ok(aside)
}

/// The site's folders that a build reads: an output inside one of them
/// would be read back as input by the next check or build.
const INPUT_FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// Refuses an output folder that is the site folder, holds it, or lies inside
/// one of its input folders.
pub(crate) fn output_problem(root: &Path, output: &Path) -> Option<Diagnostic> {
    // A site folder that cannot be resolved has already failed the check.
    let root = fs::canonicalize(root).ok()?;
    let out = resolve(output)?;
    let shown = output.display();
    if root.starts_with(&out) {
        return Some(Diagnostic::error(
            Msg::new("output_holds_site").arg("output", shown),
            Msg::new("output_holds_site_hint"),
        ));
    }
    let input = INPUT_FOLDERS
        .into_iter()
        .find(|folder| out.starts_with(root.join(folder)))?;
    Some(Diagnostic::error(
        Msg::new("output_in_input")
            .arg("output", shown)
            .arg("input", input),
        Msg::new("output_in_input_hint"),
    ))
}

/// The absolute path `path` names, with symbolic links resolved, whether it
/// exists or not: its nearest existing ancestor made canonical, then the rest.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let parts: Vec<Component<'_>> = absolute.components().collect();
    for existing in (1..=parts.len()).rev() {
        let Ok(mut resolved) = fs::canonicalize(parts[..existing].iter().collect::<PathBuf>())
        else {
            continue;
        };
        for part in &parts[existing..] {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(name) => resolved.push(name),
                _ => {}
            }
        }
        return Some(resolved);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_file_is_written_whole_and_its_failures_are_told_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out, Previous::Keep).unwrap();
        let page = "<p>Đạt 99,2%</p>\n".repeat(10_000);
        s.write_with("units/a.html", |w| {
            for line in page.split_inclusive('\n') {
                w.write_all(line.as_bytes()).map_err(|_| "write")?;
            }
            Ok::<(), &str>(())
        })
        .unwrap();
        // What made the bytes failed: its own error.
        let failed = s.write_with("units/b.html", |w| {
            w.write_all(b"<p>").map_err(|_| "write")?;
            Err("template")
        });
        assert!(matches!(failed, Err(Streamed::Fill("template"))));
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("units/a.html")).unwrap(), page);
    }

    #[test]
    fn a_failed_write_is_kept_for_the_caller() {
        struct Full;
        impl io::Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Recording {
            inner: Full,
            error: None,
        };
        assert!(io::Write::write_all(&mut out, b"x").is_err());
        assert!(io::Write::write_all(&mut out, b"y").is_err());
        let error = out.error.expect("the first error is kept");
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert_eq!(error.to_string(), "no space left");
    }

    #[test]
    fn commit_replaces_previous_build_and_drop_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out, Previous::Removed).unwrap();
        s.write("a/b.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"one");

        let s = Staging::create(&out, Previous::Removed).unwrap();
        s.write("c.html", b"two").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a/b.html").exists(), "stale file left behind");
        assert_eq!(fs::read(out.join("c.html")).unwrap(), b"two");

        let s = Staging::create(&out, Previous::Removed).unwrap();
        s.write("d.html", b"three").unwrap();
        drop(s);
        assert!(
            out.join("c.html").exists(),
            "an abandoned build touched the output"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder or spare left behind");
    }

    /// Every file below `dir`, relative, with its bytes.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for entry in fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into();
                    out.push((rel, fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_next_build_writes_over_the_previous_output_and_ends_as_a_fresh_one() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let spare = tmp.path().join(".public.spare");
        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("units/a.html", "<p>Kết quả đạt 99,2%</p>".as_bytes())
            .unwrap();
        s.write("units/gone.html", b"removed unit").unwrap();
        s.write("levels/old/index.html", b"a level no longer there")
            .unwrap();
        s.write("same.css", b"body{}").unwrap();
        s.commit().unwrap();
        assert!(!spare.exists(), "a first build has nothing to keep");

        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("index.html", b"second").unwrap();
        s.commit().unwrap();
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let kept = inode(&spare.join("units/a.html"));

        let s = Staging::create(&out, Previous::Keep).unwrap();
        assert!(!spare.exists(), "the spare was not taken up");
        s.write("units/a.html", b"<p>short</p>").unwrap();
        s.write_with("same.css", |w| w.write_all(b"body{}"))
            .map_err(|_| "write")
            .unwrap();
        s.write("new/b.html", b"new").unwrap();
        s.commit().unwrap();

        let fresh = tmp.path().join("fresh");
        let s = Staging::create(&fresh, Previous::Removed).unwrap();
        s.write("units/a.html", b"<p>short</p>").unwrap();
        s.write("same.css", b"body{}").unwrap();
        s.write("new/b.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(files(&out), files(&fresh));
        assert!(!out.join("levels").exists(), "an emptied folder was left");
        assert_eq!(inode(&out.join("units/a.html")), kept, "not written over");
        assert_eq!(
            files(&spare)[1].1,
            b"second",
            "the second build is the spare"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_build_never_writes_through_what_the_spare_holds() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for _ in 0..2 {
            let s = Staging::create(&out, Previous::Keep).unwrap();
            s.write("index.html", b"old").unwrap();
            s.commit().unwrap();
        }
        let spare = tmp.path().join(".public.spare");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("backup.html"), "backup").unwrap();
        fs::write(elsewhere.join("target.html"), "target").unwrap();
        // A backup made with hard links, a linked file, a linked folder.
        fs::remove_file(spare.join("index.html")).unwrap();
        fs::hard_link(elsewhere.join("backup.html"), spare.join("index.html")).unwrap();
        symlink(elsewhere.join("target.html"), spare.join("page.html")).unwrap();
        symlink(&elsewhere, spare.join("units")).unwrap();
        fs::create_dir(spare.join("folder.html")).unwrap();

        let s = Staging::create(&out, Previous::Keep).unwrap();
        for rel in ["index.html", "page.html", "units/a.html", "folder.html"] {
            s.write(rel, b"new").unwrap();
        }
        s.commit().unwrap();
        assert_eq!(fs::read(elsewhere.join("backup.html")).unwrap(), b"backup");
        assert_eq!(fs::read(elsewhere.join("target.html")).unwrap(), b"target");
        assert!(
            !elsewhere.join("a.html").exists(),
            "wrote through a linked folder"
        );
        assert!(fs::symlink_metadata(out.join("units")).unwrap().is_dir());
        for rel in ["index.html", "page.html", "units/a.html", "folder.html"] {
            assert_eq!(fs::read(out.join(rel)).unwrap(), b"new", "{rel}");
        }
    }

    /// A build staging into the spare leaves there each page the spare's
    /// build made from the same key and that is unchanged since; else it
    /// links the page of the output it replaces, as a build without a spare
    /// does; else it makes the page.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_build_into_the_spare_leaves_there_the_pages_it_would_make_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Builds the pages `(path, key, text)`: the paths of those made.
        let build = |pages: &[(&str, u128, &str)]| {
            let mut s = Staging::create(&out, Previous::Keep).unwrap();
            s.keep_manifest(Key(7), true);
            let mut made = Vec::new();
            for (rel, key, text) in pages {
                let carried = s
                    .write_keyed(rel, Key(*key), |w| w.write_all(text.as_bytes()))
                    .map_err(|_| "write")
                    .unwrap();
                if !carried {
                    made.push(rel.to_string());
                }
            }
            s.commit().unwrap();
            made
        };
        let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
        assert_eq!(
            build(&[("a.html", 1, "A1"), ("u/b.html", 2, "B1")]).len(),
            2
        );
        // No spare yet: `a` linked from the output, `b` made.
        assert_eq!(
            build(&[("a.html", 1, "A1"), ("u/b.html", 3, "B2")]),
            ["u/b.html"]
        );
        // The output's `a` replaced by hand (a new file): the spare's, made
        // from key 1 by the first build, is left; `b` is linked.
        fs::remove_file(out.join("a.html")).unwrap();
        fs::write(out.join("a.html"), "by hand").unwrap();
        let none: [&str; 0] = [];
        assert_eq!(build(&[("a.html", 1, "A1"), ("u/b.html", 3, "B2")]), none);
        assert_eq!(
            (read("a.html").as_str(), read("u/b.html").as_str()),
            ("A1", "B2")
        );
        // The spare's `a` is now the one changed by hand: the output's is
        // linked.
        assert_eq!(build(&[("a.html", 1, "A1"), ("u/b.html", 3, "B2")]), none);
        assert_eq!(read("a.html"), "A1");
        // Changed in place, the one file both hold: `a` is made again.
        fs::write(out.join("a.html"), "in place").unwrap();
        assert_eq!(
            build(&[("a.html", 1, "A1"), ("u/b.html", 3, "B2")]),
            ["a.html"]
        );
        assert_eq!(read("a.html"), "A1");
        // A page the build does not make is not left behind.
        assert_eq!(build(&[("a.html", 1, "A1")]), none);
        assert!(!out.join("u/b.html").exists());
        assert!(!out.join("u").exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_an_output_inside_the_site_keeps_the_previous_one() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir(&site).unwrap();
        let keeps = |out: &Path| Previous::for_output(&site, out);
        assert_eq!(keeps(&site.join("public")), Previous::Keep);
        assert_eq!(keeps(&site.join("build/press")), Previous::Keep);
        assert_eq!(keeps(&tmp.path().join("www/press")), Previous::Removed);
        assert_eq!(keeps(&site.join("../public")), Previous::Removed);
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = Staging::create(tmp.path(), Previous::Keep).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"));
    }

    #[test]
    fn paths_cannot_escape_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::create(&tmp.path().join("out"), Previous::Keep).unwrap();
        s.write("../../escape.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(tmp.path().join("out/escape.html").exists());
    }

    #[test]
    fn a_previous_build_that_cannot_be_removed_does_not_fail_the_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("old.html", b"old").unwrap();
        assert!(s.commit().unwrap().is_none());

        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("new.html", b"new").unwrap();
        let leftover = s
            .commit_with(|_| Err(io::Error::other("busy")))
            .expect("the new build is in place: not an error")
            .expect("the leftover is reported");
        assert_eq!(fs::read(out.join("new.html")).unwrap(), b"new");
        assert!(!out.join("old.html").exists());
        // The previous build is where the note says, and was not removed by Drop.
        assert_eq!(fs::read(leftover.path.join("old.html")).unwrap(), b"old");
        assert!(leftover.to_string().contains("busy"));
    }

    #[test]
    fn two_builds_in_one_process_keep_their_own_staging_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::create(&out, Previous::Keep).unwrap();
        first.write("a.html", b"first").unwrap();
        let second = Staging::create(&out, Previous::Keep).unwrap();
        second.write("b.html", b"second").unwrap();
        assert_ne!(first.dir, second.dir);
        assert!(
            first.dir.join("a.html").exists(),
            "second build deleted the first's staging"
        );
        drop(first);
        assert!(
            second.dir.join("b.html").exists(),
            "first build deleted the second's staging"
        );
        second.commit().unwrap();
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"second");
    }

    #[test]
    fn swap_by_renames_is_not_blocked_by_a_leftover() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join(".public.staging");
        let b = tmp.path().join("public");
        fs::create_dir(&a).unwrap();
        fs::write(a.join("new.html"), "new").unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(b.join("old.html"), "old").unwrap();
        // What an interrupted swap under the old fixed name left behind.
        let stale = a.with_extension("old");
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join("crash.html"), "crash").unwrap();

        let aside = swap_by_renames(&a, &b).unwrap();
        assert_eq!(fs::read(b.join("new.html")).unwrap(), b"new");
        assert_eq!(fs::read(aside.join("old.html")).unwrap(), b"old");
        assert_ne!(aside, stale);
        assert!(stale.join("crash.html").exists(), "a leftover was replaced");

        // Twice in a row: the set-aside name is fresh each time.
        fs::create_dir(&a).unwrap();
        let again = swap_by_renames(&a, &b).unwrap();
        assert_ne!(again, aside);
        assert!(aside.join("old.html").exists());
    }

    #[test]
    fn an_abandoned_build_removes_the_parents_it_made() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("new/deep/out");
        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("index.html", b"x").unwrap();
        drop(s);
        assert!(!tmp.path().join("new").exists(), "new/deep left behind");

        let s = Staging::create(&out, Previous::Keep).unwrap();
        s.write("index.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(out.join("index.html").exists());
    }

    #[test]
    fn an_abandoned_build_keeps_parents_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("there")).unwrap();
        let s = Staging::create(&tmp.path().join("there/new/out"), Previous::Keep).unwrap();
        drop(s);
        assert!(tmp.path().join("there").is_dir());
        assert!(!tmp.path().join("there/new").exists());
    }

    #[test]
    fn refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("site.toml");
        fs::write(&file, "title = \"x\"\n").unwrap();
        let err = Staging::create(&file, Previous::Keep)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a file"), "{err}");
        assert!(!err.contains("folder: it is not empty"), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"title = \"x\"\n");
    }
}
