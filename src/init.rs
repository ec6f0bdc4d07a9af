//! `ketqua init`: writes a small working site (configuration, a catalogue,
//! two units with reports) that builds at once with the built-in theme.

use std::fs;
use std::io;
use std::path::Path;

use include_dir::{Dir, include_dir};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init");

/// Creates the starter site in `dir`, which must not exist or be empty.
/// Returns the number of files written. Every error names its path.
pub(crate) fn init(dir: &Path) -> io::Result<usize> {
    match fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is a file; choose a new folder", dir.display()),
            ));
        }
        Ok(_) => {
            if fs::read_dir(dir).map_err(at(dir))?.next().is_some() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} is not empty; choose a new folder", dir.display()),
                ));
            }
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(at(dir)(err)),
    }
    fs::create_dir_all(dir).map_err(at(dir))?;
    write_dir(&STARTER, dir)
}

/// Adds `path` to an IO error's message.
fn at(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |err| io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

fn write_dir(src: &Dir<'static>, dest: &Path) -> io::Result<usize> {
    let mut count = 0;
    for file in src.files() {
        let path = dest.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(at(parent))?;
        }
        fs::write(&path, file.contents()).map_err(at(&path))?;
        count += 1;
    }
    for sub in src.dirs() {
        count += write_dir(sub, dest)?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_their_path() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("site.toml");
        fs::write(&file, "x").unwrap();
        let err = init(&file).unwrap_err().to_string();
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(err.contains("is a file"), "{err}");
        // Below a file: the OS error, with the path it concerns.
        let below = file.join("sub");
        let err = init(&below).unwrap_err().to_string();
        assert!(err.contains(&below.display().to_string()), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"x");
    }
}
