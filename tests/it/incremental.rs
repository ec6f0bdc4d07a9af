//! The incremental build: after any sequence of edits, a build over the
//! previous output writes, byte for byte, what a cold build of the same
//! content writes (every file, and no other); it carries unchanged pages
//! over (the same file, not a copy); a failed build leaves the output as it
//! was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ketqua::{BuildOptions, MARKER, Silent};

use crate::support::{copy_tree, example_site, snapshot};

fn options(root: &Path, output: PathBuf, fresh: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output,
        deny_warnings: false,
        today: jiff::civil::date(2023, 9, 1),
        public: false,
        reuse_output: false,
        fresh,
    }
}

/// Builds `root` into `output`: the number of pages carried over, or `None`
/// when the build failed.
fn build(root: &Path, output: &Path, fresh: bool) -> Option<usize> {
    build_reusing(root, output, fresh, false)
}

/// [`build`], staging into the spare with `reuse` (the default of
/// `ketqua build` for `public/`; `--no-spare` turns it off).
fn build_reusing(root: &Path, output: &Path, fresh: bool, reuse: bool) -> Option<usize> {
    let options = BuildOptions {
        reuse_output: reuse,
        ..options(root, output.to_path_buf(), fresh)
    };
    ketqua::build(&options, &Silent)
        .ok()
        .map(|summary| summary.carried)
}

/// Every file of an output but its marker (which holds the manifest).
fn files(output: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(output)
        .into_iter()
        .filter(|(path, _)| path != MARKER)
        .collect()
}

/// What a cold build of `root` writes, or `None` when it fails.
fn cold(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    build(root, &output, true)?;
    Some(files(&output))
}

/// The paths whose bytes differ between two outputs, or that one lacks.
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect()
}

/// SplitMix64: a small, stable stream of random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

fn units(root: &Path) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(root.join("content/units"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

fn unit_file(root: &Path, id: &str, name: &str) -> PathBuf {
    root.join("content/units").join(id).join(name)
}

/// Replaces the first line of `path` starting with `start` by `line`.
fn set_line(path: &Path, start: &str, line: &str) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    let mut done = false;
    let new: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with(start) {
                done = true;
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(path, new.join("\n") + "\n").unwrap();
    done
}

/// The kinds of edit [`edit`] makes.
const KINDS: usize = 14;

/// Applies an edit of `kind` (random in what it changes) to the site at
/// `root`; says what it did.
fn edit(root: &Path, rng: &mut Rng, step: usize, kind: usize) -> String {
    let ids = units(root);
    let id = rng.pick(&ids);
    match kind {
        0 | 1 => {
            let path = unit_file(root, &id, "report.md");
            let mut text = fs::read_to_string(&path).unwrap_or_default();
            text.push_str(&format!(
                "\n\nĐoạn bổ sung {step}: kết nạp {} đảng viên mới.\n",
                rng.below(90) + 10
            ));
            fs::write(&path, text).unwrap();
            format!("report of {id} edited")
        }
        2 => {
            let value = rng.below(100);
            set_line(
                &unit_file(root, &id, "unit.toml"),
                "actual = ",
                &format!("actual = {value}"),
            );
            format!("a figure of {id} set to {value}")
        }
        3 => {
            let new = format!("chi-bo-moi-{step}");
            let dir = root.join("content/units").join(&new);
            fs::create_dir_all(&dir).unwrap();
            fs::write(
                dir.join("unit.toml"),
                format!(
                    "name = \"Chi bộ mới số {step}\"\nlevel = \"branch\"\nparent = \"dang-bo-khoi\"\nmembers = {}\n",
                    rng.below(30) + 3
                ),
            )
            .unwrap();
            fs::write(
                dir.join("report.md"),
                "# Báo cáo\n\nChi bộ mới thành lập.\n",
            )
            .unwrap();
            format!("unit {new} added")
        }
        4 => {
            fs::remove_dir_all(root.join("content/units").join(&id)).unwrap();
            format!("unit {id} removed")
        }
        5 => {
            let parent = rng.pick(&ids);
            set_line(
                &unit_file(root, &id, "unit.toml"),
                "parent = ",
                &format!("parent = \"{parent}\""),
            );
            format!("unit {id} moved under {parent}")
        }
        6 => {
            let base =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html");
            let dir = root.join("templates");
            fs::create_dir_all(&dir).unwrap();
            let text = fs::read_to_string(dir.join("base.html"))
                .or_else(|_| fs::read_to_string(base))
                .unwrap();
            let text = text.replacen("</body>", &format!("<!-- {step} --></body>"), 1);
            fs::write(dir.join("base.html"), text).unwrap();
            "a template edited".to_string()
        }
        7 => {
            set_line(
                &root.join("site.toml"),
                "title = ",
                &format!("title = \"Kết quả sơ kết, lần {step}\""),
            );
            "site.toml edited".to_string()
        }
        8 => {
            let dir = root.join("static");
            fs::create_dir_all(&dir).unwrap();
            fs::write(
                dir.join(format!("ghi-chu-{}.txt", rng.below(2))),
                format!("{step}\n"),
            )
            .unwrap();
            "a static file written".to_string()
        }
        9 => {
            let value = rng.below(400) + 1;
            set_line(
                &unit_file(root, &id, "unit.toml"),
                "members = ",
                &format!("members = {value}"),
            );
            format!("members of {id} set to {value}")
        }
        11 => {
            // A unit on the catalogue's pages, its name lengthened: its
            // place in the order of names stays.
            let on_catalogue: Vec<String> = ids
                .into_iter()
                .filter(|id| {
                    fs::read_to_string(unit_file(root, id, "unit.toml"))
                        .is_ok_and(|t| t.contains("\nref = "))
                })
                .collect();
            let id = rng.pick(&on_catalogue);
            let path = unit_file(root, &id, "unit.toml");
            let text = fs::read_to_string(&path).unwrap();
            let text = text.replacen("\"\nlevel = ", &format!(" (tên mới {step})\"\nlevel = "), 1);
            fs::write(&path, text).unwrap();
            format!("{id} renamed")
        }
        12 => {
            set_line(
                &unit_file(root, &id, "unit.toml"),
                "description = ",
                &format!("description = \"Chỉ tiêu ghi lại lần {step}\""),
            );
            format!("an indicator of {id} described anew")
        }
        10 => {
            // The id is the folder's name, in none of the unit's files.
            let new = format!("{id}-{step}");
            let units = root.join("content/units");
            fs::rename(units.join(&id), units.join(&new)).unwrap();
            format!("unit folder {id} renamed {new}")
        }
        _ => {
            let path = root.join("content/highlights/sinh-hoat-chi-bo-mau.md");
            let mut text = fs::read_to_string(&path).unwrap();
            text.push_str(&format!("\nThêm một đoạn, lần {step}.\n"));
            fs::write(&path, text).unwrap();
            "a highlight edited".to_string()
        }
    }
}

/// The example site without its second round: a site of one round, as
/// most are, whose unit pages take their keys from the model alone
/// (`render/keyed.rs`), with nothing of other rounds in the globals.
pub(crate) fn single_round(root: &Path) {
    let path = root.join("site.toml");
    let text = fs::read_to_string(&path).unwrap();
    let cut = text.find("\n[[rounds]]").unwrap();
    let kept: Vec<&str> = text[..cut]
        .lines()
        .filter(|l| !l.starts_with("current_round"))
        .collect();
    fs::write(&path, kept.join("\n") + "\n").unwrap();
    for id in units(root) {
        let rounds = root.join("content/units").join(id).join("rounds");
        if rounds.is_dir() {
            fs::remove_dir_all(rounds).unwrap();
        }
    }
}

/// Random sequences of edits of the example site (with its two rounds for
/// the first seed, with one for the second, whose builds stage into the
/// spare, as `ketqua build` does for `public/`), each kind of edit once in
/// each sequence, in a random order; after each, the build over the
/// previous output equals a cold build. An edit that breaks the site must
/// fail the build and leave the output as it was; it is then undone, so
/// that the sequence goes on.
#[test]
fn every_incremental_build_equals_a_cold_build() {
    for seed in 1..=2u64 {
        let site = example_site();
        let root = site.path();
        if seed == 2 {
            single_round(root);
        }
        // The second staging into the spare, inside the site folder.
        let reuse = seed == 2;
        let out = tempfile::tempdir().unwrap();
        let output = match reuse {
            true => root.join("public"),
            false => out.path().join("public"),
        };
        let build = |root: &Path, output: &Path, fresh| build_reusing(root, output, fresh, reuse);
        assert!(
            build(root, &output, false).is_some(),
            "the first build failed"
        );
        let mut rng = Rng(seed);
        let mut kinds: Vec<usize> = (0..KINDS).collect();
        for i in (1..kinds.len()).rev() {
            kinds.swap(i, rng.below(i + 1));
        }
        let mut log = Vec::new();
        for (step, kind) in kinds.into_iter().enumerate() {
            let backup = tempfile::tempdir().unwrap();
            copy_tree(root, backup.path());
            log.push(edit(root, &mut rng, step, kind));
            let before = files(&output);
            let expected = cold(root);
            let built = build(root, &output, false);
            match expected {
                Some(expected) => {
                    assert!(
                        built.is_some(),
                        "seed {seed}: the build failed after {log:?}"
                    );
                    let now = files(&output);
                    let differ = differing(&expected, &now);
                    assert!(
                        differ.is_empty(),
                        "seed {seed}: after {log:?} these files differ from a cold build: {differ:?}"
                    );
                }
                None => {
                    assert!(
                        built.is_none(),
                        "seed {seed}: a broken site built after {log:?}"
                    );
                    assert!(
                        differing(&before, &files(&output)).is_empty(),
                        "seed {seed}: a failed build changed the output after {log:?}"
                    );
                    fs::remove_dir_all(root).unwrap();
                    fs::create_dir_all(root).unwrap();
                    copy_tree(backup.path(), root);
                    log.push("undone".to_string());
                }
            }
        }
    }
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).unwrap().ino()
}

/// A report edit makes its unit's page again and carries the others over:
/// the same file (inode) as before, not a copy. `--fresh` carries nothing.
#[cfg(unix)]
#[test]
fn unchanged_pages_are_carried_over() {
    let site = example_site();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    assert_eq!(build(root, &output, false), Some(0));
    let untouched = output.join("units/dang-bo-xa-ma-quai.html");
    let edited = output.join("units/dang-bo-khoi.html");
    let (untouched_before, edited_before) = (inode(&untouched), inode(&edited));
    let report = unit_file(root, "dang-bo-khoi", "report.md");
    let mut text = fs::read_to_string(&report).unwrap();
    text.push_str("\n\nMột đoạn mới của báo cáo.\n");
    fs::write(&report, text).unwrap();
    let carried = build(root, &output, false).unwrap();
    assert!(carried > 10, "only {carried} pages carried over");
    assert_eq!(inode(&untouched), untouched_before);
    assert_ne!(inode(&edited), edited_before);
    assert!(
        fs::read_to_string(&edited)
            .unwrap()
            .contains("Một đoạn mới của báo cáo.")
    );
    // Nothing changed: every page is carried over.
    let pages = build(root, &output, false).unwrap();
    assert!(pages > carried);
    // A page edited by hand in the output is made again.
    fs::write(&untouched, "edited by hand").unwrap();
    build(root, &output, false).unwrap();
    assert_ne!(fs::read_to_string(&untouched).unwrap(), "edited by hand");
    // `--fresh` makes every page again.
    let before = inode(&output.join("units/dang-bo-xa-ma-quai.html"));
    assert_eq!(build(root, &output, true), Some(0));
    assert_ne!(inode(&output.join("units/dang-bo-xa-ma-quai.html")), before);
}

/// Every unit resolved without a problem, and its search entry, is taken
/// from the build cache by the next build; a damaged cache is read around,
/// and the output is still what a cold build writes.
#[test]
fn units_come_from_the_build_cache_and_a_damaged_cache_is_read_around() {
    let site = example_site();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let run = |fresh: bool| {
        ketqua::build(&options(root, output.clone(), fresh), &Silent)
            .ok()
            .unwrap()
            .from_cache
    };
    let warnings = || {
        let summary = ketqua::build(&options(root, output.clone(), false), &Silent)
            .ok()
            .unwrap();
        assert!(summary.from_cache.0 > 0);
        summary.diagnostics.render(&summary.sources)
    };
    assert_eq!(run(false), (0, 0), "no cache yet");
    let cache = root.join(".ketqua-cache");
    assert!(cache.is_file());
    let (units, entries) = run(false);
    assert!(units >= 10, "{units} units from the cache");
    assert_eq!(units, entries);
    // The units taken from the cache are checked as before (those whose
    // own checks found nothing are not checked again): the same warnings.
    let cold_warnings = {
        let summary = ketqua::build(&options(root, output.clone(), true), &Silent)
            .ok()
            .unwrap();
        summary.diagnostics.render(&summary.sources)
    };
    assert!(cold_warnings.contains("warning"), "{cold_warnings}");
    assert_eq!(warnings(), cold_warnings);
    assert_eq!(run(true), (0, 0), "--fresh reads no cache");

    // One unit's report edited: every other unit still comes from it.
    let report = unit_file(root, "xa-ma-quai", "report.md");
    let mut text = fs::read_to_string(&report).unwrap();
    text.push_str("\n\nMột đoạn mới của báo cáo, mã QZX-4471.\n");
    fs::write(&report, text).unwrap();
    let (after_edit, _) = run(false);
    assert_eq!(after_edit, units - 1, "{after_edit} of {units}");
    assert_eq!(files(&output), cold(root).unwrap());

    // A byte of a unit's record changed (the last place its name is
    // written: the record after the edit's): the record fails its checksum
    // and its unit is resolved anew.
    let last = |bytes: &[u8], what: &str| {
        bytes
            .windows(what.len())
            .rposition(|w| w == what.as_bytes())
            .unwrap_or_else(|| panic!("{what} is in the cache"))
    };
    let mut bytes = fs::read(&cache).unwrap();
    let at = last(&bytes, "Đảng bộ xã Ma Quai");
    bytes[at + 3] ^= 0x5a;
    fs::write(&cache, &bytes).unwrap();
    let (damaged, _) = run(false);
    assert_eq!(
        damaged,
        units - 1,
        "{damaged} units read from a damaged cache"
    );
    assert_eq!(files(&output), cold(root).unwrap());
    // The record that failed was written again.
    assert_eq!(run(false).0, units);

    // A byte of the edited report's texts changed (the last place the new
    // words are written: the texts, which the unit's record names). Its
    // page, carried over, reads nothing; a build into another folder, which
    // makes every page, finds the damage and builds again without the cache.
    // (A cold build writes the cache anew: made before the damage.)
    let expected = cold(root).unwrap();
    let mut bytes = fs::read(&cache).unwrap();
    let at = last(&bytes, "QZX-4471");
    bytes[at + 1] ^= 0x5a;
    fs::write(&cache, &bytes).unwrap();
    assert_eq!(run(false).0, units, "a text is read only for its page");
    assert_eq!(files(&output), expected);
    let elsewhere = out.path().join("elsewhere");
    let summary = ketqua::build(&options(root, elsewhere.clone(), false), &Silent)
        .ok()
        .unwrap();
    assert_eq!(summary.from_cache, (0, 0), "built again without the cache");
    let notes: Vec<String> = summary
        .notes
        .iter()
        .map(|n| n.text(summary.language))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains(".ketqua-cache")),
        "{notes:?}"
    );
    assert_eq!(files(&elsewhere), expected);
    assert_eq!(run(false).0, units, "the cache written anew");

    // A cache cut short has no index: nothing is read from it.
    let bytes = fs::read(&cache).unwrap();
    let middle = bytes.len() / 2;
    // A cache cut short has no index: nothing is read from it.
    fs::write(&cache, &bytes[..middle]).unwrap();
    assert_eq!(run(false), (0, 0));
    assert_eq!(files(&output), cold(root).unwrap());
}

/// A unit's file that the build cache knows unchanged (of the same size,
/// times and inode as when a build read it, long enough before) is not
/// read again; one edited is, and so is one rewritten with its old time of
/// modification put back (its inode's time of change still tells).
#[test]
fn unchanged_files_are_not_read_again() {
    let site = example_site();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let run = || {
        ketqua::build(&options(root, output.clone(), false), &Silent)
            .ok()
            .unwrap()
            .not_read
    };
    // Every unit.toml and report.md, also those of the units' later rounds.
    let total = snapshot(&root.join("content/units"))
        .iter()
        .filter(|(path, _)| path.ends_with("/unit.toml") || path.ends_with("/report.md"))
        .count();
    assert!(total > 40, "{total} files");
    // Older than the margin: a file written again within the clock's tick
    // would keep its times.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(run(), 0, "no cache yet");
    assert_eq!(run(), total);
    // Each cold build of a copy: a build here would keep stamps of its own.
    let cold = || {
        let copy = tempfile::tempdir().unwrap();
        copy_tree(root, copy.path());
        cold(copy.path()).unwrap()
    };
    assert_eq!(files(&output), cold());

    // One report edited: only it is read.
    let report = unit_file(root, "xa-ma-quai", "report.md");
    let mut text = fs::read_to_string(&report).unwrap();
    text.push_str("\n\nMột đoạn mới của báo cáo, mã QZX-4471.\n");
    fs::write(&report, text).unwrap();
    assert_eq!(run(), total - 1);
    assert_eq!(files(&output), cold());

    // A unit.toml written again, of the same size, its time of
    // modification put back.
    let toml = unit_file(root, "xa-ma-quai", "unit.toml");
    let modified = fs::metadata(&toml).unwrap().modified().unwrap();
    let before = fs::read_to_string(&toml).unwrap();
    let after = before.replacen("members = 121", "members = 212", 1);
    assert_ne!(before, after);
    assert_eq!(before.len(), after.len());
    fs::write(&toml, after).unwrap();
    fs::File::options()
        .write(true)
        .open(&toml)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(fs::metadata(&toml).unwrap().modified().unwrap(), modified);
    // Read: the page shows its figure. (The report edited before is read
    // too, unless that build began more than the margin after the edit.)
    let not_read = run();
    assert!((total - 2..total).contains(&not_read), "{not_read}");
    let built = files(&output);
    assert_eq!(built, cold());
    let page = String::from_utf8_lossy(&built["units/dang-bo-xa-ma-quai.html"]).into_owned();
    assert!(page.contains("212"), "the page shows the new figure");
}
