//! Crash safety: `ketqua build` killed with SIGKILL at random moments never
//! leaves a mix in the output folder. After each kill the output is exactly
//! the previous complete build or exactly the new one, byte for byte; what a
//! killed build leaves behind (its staging folder) lies beside the output,
//! never inside it, and does not stop the next build.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_example, example_site, ketqua};

type Tree = Vec<(String, Vec<u8>)>;

/// Every file of an output but its marker, which holds the manifest of the
/// incremental build with the pages' modification times.
fn snapshot(out: &Path) -> Tree {
    let mut files = crate::support::snapshot(out);
    files.retain(|(path, _)| path != ketqua::MARKER);
    files
}

/// splitmix64: a small deterministic generator, so that a failing run can be
/// repeated with the same delays (given the same build times).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Builds `site` into `out` and returns the tree and how long the build took.
fn build(site: &Path, out: &Path) -> (Tree, Duration) {
    let started = Instant::now();
    let run = ketqua(site, &["build", "-o", out.to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    (snapshot(out), took)
}

/// Starts a build of `site` into `out`, kills it after `delay`; whether the
/// build had finished on its own first.
fn build_and_kill(site: &Path, out: &Path, delay: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketqua"))
        .arg("-C")
        .arg(site)
        .args(["build", "-o"])
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    // SIGKILL on Unix: no destructor, no cleanup runs in the build.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    status.success()
}

fn describe(tree: &Tree, a: &Tree, b: &Tree) -> String {
    let names = |t: &Tree| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    let differing: Vec<String> = tree
        .iter()
        .filter(|entry| !a.contains(entry) && !b.contains(entry))
        .map(|(p, _)| p.clone())
        .collect();
    format!(
        "the output is a mix: {} files ({} in build A, {} in build B); in neither: {differing:?}",
        names(tree).len(),
        names(a).len(),
        names(b).len()
    )
}

/// The entries beside the output that killed builds left, by name.
fn leftovers(parent: &Path, out_name: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != out_name && n != "a" && n != "b")
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_build_leaves_the_previous_build_or_the_new_one_never_a_mix() {
    // Two versions of the example site: B has one more unit and an edited
    // report, so most pages differ between the builds.
    let tmp = tempfile::tempdir().unwrap();
    let (site_a, site_b) = (tmp.path().join("a"), tmp.path().join("b"));
    copy_example(&site_a);
    copy_example(&site_b);
    let units = site_b.join("content/units");
    let first_unit = fs::read_dir(&units)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("report.md").is_file())
        .min()
        .expect("a unit with a report");
    let report = first_unit.join("report.md");
    let text = fs::read_to_string(&report).unwrap() + "\nĐoạn bổ sung của bản B.\n";
    fs::write(&report, text).unwrap();
    let extra = units.join("chi-bo-thu-nghiem-b");
    fs::create_dir(&extra).unwrap();
    // A copy of that unit under a new name.
    let unit: String = fs::read_to_string(first_unit.join("unit.toml"))
        .unwrap()
        .lines()
        .map(|line| match line.split_once('=') {
            Some((key, _)) if key.trim() == "name" => "name = \"Chi bộ Thử nghiệm B\"\n".into(),
            Some((key, _)) if key.trim() == "short_name" => String::new(),
            _ => format!("{line}\n"),
        })
        .collect();
    fs::write(extra.join("unit.toml"), unit).unwrap();

    let out = tmp.path().join("public");
    let (tree_b, took_b) = build(&site_b, &out);
    let (tree_a, took_a) = build(&site_a, &out);
    assert_ne!(tree_a, tree_b, "the two versions must build differently");
    let pages_differing = tree_b.iter().filter(|e| !tree_a.contains(e)).count();
    assert!(pages_differing >= 5, "only {pages_differing} files differ");

    // Kill moments spread over a whole build, from before it reads the site
    // to after it swaps the output.
    let span = took_a.max(took_b).as_micros() as u64 * 12 / 10;
    let mut state = 0x0123_4567_89ab_cdef_u64;
    let rounds = 40;
    let (mut interrupted, mut finished, mut now_a, mut now_b) = (0, 0, 0, 0);
    for round in 0..rounds {
        let (site, goal) = if round % 2 == 0 {
            (&site_b, "B")
        } else {
            (&site_a, "A")
        };
        let delay = Duration::from_micros(splitmix64(&mut state) % span.max(1));
        if build_and_kill(site, &out, delay) {
            finished += 1;
        } else {
            interrupted += 1;
        }
        let tree = snapshot(&out);
        if tree == tree_a {
            now_a += 1;
        } else if tree == tree_b {
            now_b += 1;
        } else {
            panic!(
                "round {round} (building {goal}, killed after {delay:?}): {}",
                describe(&tree, &tree_a, &tree_b)
            );
        }
    }

    // What the killed builds left beside the output: their staging folders,
    // hidden and named after it. Nothing else.
    let left = leftovers(tmp.path(), "public");
    for name in &left {
        assert!(
            name.starts_with(".public."),
            "a killed build left {name} beside the output"
        );
    }
    eprintln!(
        "crash safety: {rounds} builds killed at random moments (0 to {span} µs): \
         {interrupted} interrupted, {finished} had finished; the output was build A {now_a} times \
         and build B {now_b} times, never a mix; {} staging folders left beside the output",
        left.len()
    );
    assert!(
        interrupted > 0,
        "no build was interrupted: the kills came too late to test anything"
    );

    // Leftovers do not stop the next build, which gives exactly its own output.
    let (again, _) = build(&site_b, &out);
    assert_eq!(again, tree_b);
}

#[test]
fn a_first_build_killed_at_random_leaves_no_output_or_a_complete_one() {
    let site = example_site();
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    let (tree, took) = build(site.path(), &reference);
    let span = took.as_micros() as u64 * 12 / 10;
    let mut state = 0xfedc_ba98_7654_3210_u64;
    for round in 0..10 {
        let out = tmp.path().join(format!("new-{round}/public"));
        let delay = Duration::from_micros(splitmix64(&mut state) % span.max(1));
        build_and_kill(site.path(), &out, delay);
        if out.exists() {
            assert_eq!(
                snapshot(&out),
                tree,
                "round {round}: an incomplete first build"
            );
        }
    }
}
