//! Helpers shared by the integration tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// Copies `from` into `to` (merging into what is there: later copies overlay).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            // Fixtures may hold links (a broken one, on purpose): copy the link.
            let _ = fs::remove_file(&dest);
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &dest).unwrap();
        } else if kind.is_dir() {
            if dest.is_file() {
                fs::remove_file(&dest).unwrap();
            }
            fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Makes the site at `root` English (`language = "en"`), so its messages
/// are the English ones.
pub fn english(root: &Path) {
    let config = root.join("site.toml");
    let text = fs::read_to_string(&config).unwrap();
    if text.contains("language = \"vi\"") {
        fs::write(
            &config,
            text.replace("language = \"vi\"", "language = \"en\""),
        )
        .unwrap();
    } else if !text.contains("language = \"en\"") {
        fs::write(&config, format!("language = \"en\"\n{text}")).unwrap();
    }
}

/// A temporary copy of the fixture `minimal`, with `overlays` copied over it.
pub fn site(overlays: &[&Path]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("minimal"), dir.path());
    for overlay in overlays {
        copy_tree(overlay, dir.path());
    }
    dir
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn ketqua(root: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_ketqua"))
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "ketqua panicked:\n{}",
        run.stderr
    );
    run
}

/// A temporary copy of the repository's example site (its `site.toml`,
/// `indicators.toml` and `content/`), not yet built.
pub fn example_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    tmp
}

/// Copies the repository's example site into `to` (made if missing).
pub fn copy_example(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(to.join("content")).unwrap();
    for part in ["site.toml", "indicators.toml"] {
        fs::copy(repo.join(part), to.join(part)).unwrap();
    }
    copy_tree(&repo.join("content"), &to.join("content"));
}

/// Builds `root` into `root/public`, asserting success; returns the output folder.
pub fn build_ok(root: &Path) -> PathBuf {
    let run = ketqua(root, &["build"]);
    assert_eq!(run.code, 0, "build failed:\n{}{}", run.stdout, run.stderr);
    root.join("public")
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir`, relative, sorted, with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Asserts that `text` contains `needle`, printing `text` when it does not.
#[track_caller]
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected `{needle}` in:\n{text}");
}

/// The lines of `expected` that `output` does not meet: each line must be
/// contained in it, and a line starting with `!` must not be.
pub fn unmet(case: &str, output: &str, expected: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        match line.strip_prefix('!') {
            Some(absent) if output.contains(absent) => {
                failures.push(format!("{case}: did not expect `{absent}` in:\n{output}"));
            }
            Some(_) => {}
            None if !output.contains(line) => {
                failures.push(format!("{case}: expected `{line}` in:\n{output}"));
            }
            None => {}
        }
    }
    failures
}
