//! Writing: the only code that touches the output folder.
//!
//! A build writes into a fresh staging folder beside the output and, once
//! every file is there, swaps it into place in one step (an atomic exchange
//! of the two folders on Linux). A failed or interrupted build leaves the
//! previous output untouched; the staging folder is removed on failure.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file that marks a folder as ketqua's output, so a build never replaces
/// a folder it did not make.
pub const MARKER: &str = ".ketqua-build";

#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
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

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError {
        path: path.to_path_buf(),
        error,
    }
}

impl Staging {
    /// Prepares a staging folder for `target`. Refuses a target that exists,
    /// is not empty and was not made by ketqua.
    pub fn create(target: &Path) -> Result<Staging, WriteError> {
        if target.exists() && !is_replaceable(target).map_err(at(target))? {
            return Err(WriteError {
                path: target.to_path_buf(),
                error: io::Error::other(
                    "refusing to replace this folder: it is not empty and was not made by `ketqua build` \
                     (choose another --output, or empty it)",
                ),
            });
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(at(&parent))?;
        let name = target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(at(&dir))?;
        }
        fs::create_dir(&dir).map_err(at(&dir))?;
        fs::write(dir.join(MARKER), b"").map_err(at(&dir))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output.
    /// Safe to call from several threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(at(parent))?;
        }
        fs::write(&path, bytes).map_err(at(&path))
    }

    /// Copies a file into the output.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), WriteError> {
        let path = self.path_of(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(at(parent))?;
        }
        fs::copy(from, &path).map(|_| ()).map_err(at(from))
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
    pub fn commit(mut self) -> Result<(), WriteError> {
        if self.target.exists() {
            swap(&self.dir, &self.target).map_err(at(&self.target))?;
            // The staging path now holds the previous build.
            fs::remove_dir_all(&self.dir).map_err(at(&self.dir))?;
        } else {
            fs::rename(&self.dir, &self.target).map_err(at(&self.target))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
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

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
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
        return Ok(());
    }
    let err = io::Error::last_os_error();
    // Filesystems without RENAME_EXCHANGE: fall back to two renames.
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => swap_by_renames(a, b),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    swap_by_renames(a, b)
}

/// Moves `b` aside, `a` into `b`'s place, and the old `b` to `a`'s path.
fn swap_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    if let Err(err) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(err);
    }
    fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
