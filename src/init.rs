//! `ketqua init`: writes a small working site (configuration, a catalogue,
//! two units with reports) that builds at once with the built-in theme.

use std::fs;
use std::io;
use std::path::Path;

use include_dir::{Dir, include_dir};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init");

/// Creates the starter site in `dir`, which must not exist or be empty.
/// Returns the number of files written.
pub fn init(dir: &Path) -> io::Result<usize> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not empty; choose a new folder", dir.display()),
        ));
    }
    write_dir(&STARTER, dir)
}

fn write_dir(src: &Dir<'static>, dest: &Path) -> io::Result<usize> {
    let mut count = 0;
    for file in src.files() {
        let path = dest.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, file.contents())?;
        count += 1;
    }
    for sub in src.dirs() {
        count += write_dir(sub, dest)?;
    }
    Ok(count)
}
