//! Writing: the only code that touches the output folder.
//!
//! A build writes into a fresh staging folder beside the output and, once
//! every file is there, swaps it into place in one step (an atomic exchange
//! of the two folders on Linux). A failed or interrupted build leaves the
//! previous output untouched; the staging folder, and any folder made to hold
//! the output, is removed on failure. An output folder where a build would
//! destroy or re-read the site (the site folder itself, or its inputs) is
//! refused before anything is written.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::diag::Diagnostic;

/// The file that marks a folder as ketqua's output, so a build never replaces
/// a folder it did not make.
pub const MARKER: &str = ".ketqua-build";

#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Missing parents of the target made by `create`, outermost first:
    /// removed again when the build is not committed.
    created: Vec<PathBuf>,
    /// Folders inside the staging folder already made, so that writing
    /// thousands of files into one folder asks the file system once.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

/// An IO failure with the path it concerns.
#[derive(Debug)]
pub struct WriteError {
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
pub enum Streamed<E> {
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
    pub fn create(target: &Path) -> Result<Staging, WriteError> {
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
        // From here on, dropping the staging cleans up.
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            created,
            folders: Mutex::default(),
            committed: false,
        };
        fs::write(staging.dir.join(MARKER), b"").map_err(at(&staging.dir))?;
        Ok(staging)
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output.
    /// Safe to call from several threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        fs::write(&path, bytes).map_err(at(&path))
    }

    /// Writes one file as `fill` makes it, through a buffer: a large page is
    /// written as it is rendered, never held whole. When `fill` fails on a
    /// write, the error is the write's; otherwise `fill`'s own.
    pub fn write_with<E>(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> Result<(), E>,
    ) -> Result<(), Streamed<E>> {
        let path = self.path_of(rel);
        self.make_parent(&path).map_err(Streamed::Write)?;
        let file = fs::File::create(&path).map_err(|e| Streamed::Write(at(&path)(e)))?;
        let mut out = Recording {
            inner: io::BufWriter::with_capacity(1 << 16, file),
            error: None,
        };
        let filled = fill(&mut out);
        if let Some(error) = out.error.take() {
            return Err(Streamed::Write(WriteError { path, error }));
        }
        filled.map_err(Streamed::Fill)?;
        out.inner
            .into_inner()
            .map_err(|e| Streamed::Write(at(&path)(e.into_error())))?;
        Ok(())
    }

    /// Copies a file into the output.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        self.make_parent(&path)?;
        fs::copy(from, &path).map(|_| ()).map_err(at(from))
    }

    /// Makes the folder of `path`, unless this staging made it already.
    fn make_parent(&self, path: &Path) -> Result<(), WriteError> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        // A poisoned lock only means another writer panicked; the set is
        // still a correct cache (at worst, a folder is made twice).
        let folders = || {
            self.folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if folders().contains(parent) {
            return Ok(());
        }
        fs::create_dir_all(parent).map_err(at(parent))?;
        folders().insert(parent.to_path_buf());
        Ok(())
    }

    fn path_of(&self, rel: &str) -> PathBuf {
        let mut path = self.dir.clone();
        for part in rel
            .split('/')
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        {
            path.push(part);
        }
        path
    }

    /// Puts the staged build in place of the target.
    ///
    /// `Ok(Some(problem))` means the new build is in place but the previous
    /// one, set aside at `problem.path`, could not be removed: not a failed
    /// build, but something to tell the user.
    pub fn commit(self) -> Result<Option<WriteError>, WriteError> {
        self.commit_with(|old| fs::remove_dir_all(old))
    }

    fn commit_with(
        mut self,
        remove: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<Option<WriteError>, WriteError> {
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

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            remove_created(&self.created);
        }
    }
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
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated C strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(a.to_path_buf());
    }
    let err = io::Error::last_os_error();
    // Filesystems without RENAME_EXCHANGE: fall back to two renames.
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => swap_by_renames(a, b),
        _ => Err(err),
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
pub fn output_problem(root: &Path, output: &Path) -> Option<Diagnostic> {
    // A site folder that cannot be resolved has already failed the check.
    let root = fs::canonicalize(root).ok()?;
    let out = resolve(output)?;
    let shown = output.display();
    if root.starts_with(&out) {
        return Some(
            Diagnostic::error(format!(
                "the output folder {shown} is the site folder or holds it: a build would replace the site"
            ))
            .hint("choose an output folder inside the site (the default is public/) or outside it"),
        );
    }
    let input = INPUT_FOLDERS
        .into_iter()
        .find(|folder| out.starts_with(root.join(folder)))?;
    Some(
        Diagnostic::error(format!(
            "the output folder {shown} is inside the site's {input}/ folder: \
             the next check or build would read the output as input"
        ))
        .hint("choose an output folder outside content/, static/, templates/ and themes/ (the default is public/)"),
    )
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
        let s = Staging::create(&out).unwrap();
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
        let s = Staging::create(&out).unwrap();
        s.write("a/b.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"one");

        let s = Staging::create(&out).unwrap();
        s.write("c.html", b"two").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a/b.html").exists(), "stale file left behind");
        assert_eq!(fs::read(out.join("c.html")).unwrap(), b"two");

        let s = Staging::create(&out).unwrap();
        s.write("d.html", b"three").unwrap();
        drop(s);
        assert!(
            out.join("c.html").exists(),
            "an abandoned build touched the output"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder left behind");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = Staging::create(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"));
    }

    #[test]
    fn paths_cannot_escape_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::create(&tmp.path().join("out")).unwrap();
        s.write("../../escape.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(tmp.path().join("out/escape.html").exists());
    }

    #[test]
    fn a_previous_build_that_cannot_be_removed_does_not_fail_the_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out).unwrap();
        s.write("old.html", b"old").unwrap();
        assert!(s.commit().unwrap().is_none());

        let s = Staging::create(&out).unwrap();
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
        let first = Staging::create(&out).unwrap();
        first.write("a.html", b"first").unwrap();
        let second = Staging::create(&out).unwrap();
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
        let s = Staging::create(&out).unwrap();
        s.write("index.html", b"x").unwrap();
        drop(s);
        assert!(!tmp.path().join("new").exists(), "new/deep left behind");

        let s = Staging::create(&out).unwrap();
        s.write("index.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(out.join("index.html").exists());
    }

    #[test]
    fn an_abandoned_build_keeps_parents_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("there")).unwrap();
        let s = Staging::create(&tmp.path().join("there/new/out")).unwrap();
        drop(s);
        assert!(tmp.path().join("there").is_dir());
        assert!(!tmp.path().join("there/new").exists());
    }

    #[test]
    fn refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("site.toml");
        fs::write(&file, "title = \"x\"\n").unwrap();
        let err = Staging::create(&file).unwrap_err().to_string();
        assert!(err.contains("is a file"), "{err}");
        assert!(!err.contains("folder: it is not empty"), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"title = \"x\"\n");
    }
}
