//! The command line: parses arguments, runs a command, prints diagnostics
//! once, and turns the outcome into an exit code. The only place that
//! prints or exits.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::build::{self, BuildOptions, Progress, Silent};
use crate::diag::{Diagnostics, Msg, Sources, Style};
use crate::i18n::Language;

/// ketqua publishes the results of mid-term reviews (sơ kết giữa nhiệm kỳ):
/// a page per unit with its indicators and report, index tables and a
/// dashboard, as a static site that works offline.
///
/// Run it in a site folder (one holding site.toml), or point at one with -C.
/// See docs/content-format.md for the content, docs/themes.md for themes.
#[derive(Debug, Parser)]
#[command(name = "ketqua", version, about)]
pub(crate) struct Cli {
    /// Run as if started in DIR, the site folder (holding site.toml):
    /// relative paths given to -o, to init and to import are taken from it.
    #[arg(
        short = 'C',
        long,
        global = true,
        default_value = ".",
        value_name = "DIR"
    )]
    pub root: PathBuf,

    /// Judge deadlines as if today were DATE (YYYY-MM-DD), when site.toml
    /// gives no `as_of` [default: today in Vietnam, UTC+7].
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<jiff::civil::Date>,

    /// Print at most N problems of one kind (the same message about
    /// different names or figures), then how many more there are; 0 prints
    /// them all.
    #[arg(long, global = true, value_name = "N", default_value_t = crate::diag::DEFAULT_MAX_PER_KIND)]
    pub max_diagnostics: usize,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check the content, then build the site into the output folder.
    ///
    /// The site is written to a staging folder and swapped in at the end: a
    /// failed build leaves the previous output untouched.
    Build {
        /// Where to write the site, relative to -C [default: public].
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Print only the problems, warnings included, one line each, and
        /// their count: a clean build prints nothing.
        #[arg(short, long)]
        quiet: bool,
        /// Build the press site: highlights, public units and public
        /// indicator results only, nothing marked internal
        /// [default output: press].
        #[arg(long)]
        public: bool,
        /// Remove the output this build replaces. By default, on Linux, an
        /// output inside the site folder is kept hidden beside the new one
        /// (.public.spare), and the next build stages into it: the pages it
        /// would make the same are left there, not linked or written again,
        /// and nothing is removed (at 60,000 units on an ext4 disk, a report
        /// edited rebuilds in 2.7 s instead of 7.4 s: docs/performance.md).
        /// The spare may be deleted at any time; this option removes it.
        #[arg(long)]
        no_spare: bool,
        /// Make every page again. Without it, a build carries the pages
        /// whose inputs did not change over from the previous output (hard
        /// links, never written in place); the result is the same, byte for
        /// byte.
        #[arg(long)]
        fresh: bool,
        /// Print where the time went, stage by stage (for the benchmark).
        #[arg(long, hide = true)]
        timings: bool,
    },
    /// Check every file of the site and report every problem, writing nothing.
    ///
    /// Exits with status 1 when there are errors (or warnings, with
    /// --deny-warnings).
    Check {
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Serve the site for preview, rebuilding and reloading open pages on every save.
    ///
    /// The site is built into memory (the output folder is not touched) and
    /// served on this machine only, unless --bind says otherwise. Problems
    /// are shown in the browser over the last good pages. Ctrl-C stops it.
    Serve {
        /// The port [default: 8080, or the next free one].
        #[arg(short, long, value_name = "PORT")]
        port: Option<u16>,
        /// The address to listen on; another than 127.0.0.1 lets other
        /// machines read the site.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Preview the press site: exactly what `build --public` publishes.
        #[arg(long)]
        public: bool,
    },
    /// Create a new, small, working site in DIR.
    ///
    /// A relative DIR is taken from the -C folder: `ketqua -C sites init tinh`
    /// creates sites/tinh.
    Init {
        /// The folder to create, relative to -C (it must not exist or be empty).
        dir: PathBuf,
    },
    /// Import the offices' files: a Word report into a unit, figures from a
    /// spreadsheet into many (see docs/import.md).
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Read a Word report (.docx) into content/units/ID/: the header block
    /// and the signer into unit.toml, the body and its footnotes into
    /// report.md, the appendix of indicators into [[indicators]].
    ///
    /// Without --force it never overwrites: it says what exists and what it
    /// would change, and exits with status 1.
    Report {
        /// The Word document (.docx), relative to -C.
        file: PathBuf,
        /// The unit's id (its folder's name), e.g. dang-bo-khoi.
        #[arg(long, value_name = "ID")]
        unit: String,
        /// The id of the unit above it.
        #[arg(long, value_name = "ID")]
        parent: Option<String>,
        /// province, district, grassroots or branch (needed for a new unit).
        #[arg(long, value_name = "LEVEL")]
        level: Option<String>,
        /// Replace the unit's report.md and update its unit.toml (keys the
        /// document does not give are kept).
        #[arg(long)]
        force: bool,
    },
    /// Read figures of many units from a spreadsheet (.xlsx, .ods or .csv).
    ///
    /// Without --write it prints what it would change (unit, indicator,
    /// old → new) and exits with status 1 on any problem.
    Figures {
        /// The spreadsheet, relative to -C.
        file: PathBuf,
        /// The sheet to read [default: the first].
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Write the changes into the units' unit.toml files (comments and
        /// order kept).
        #[arg(long)]
        write: bool,
    },
}

/// A path given on the command line, taken from the -C folder when relative.
fn within(root: &Path, path: PathBuf) -> PathBuf {
    if root == Path::new(".") {
        path
    } else {
        root.join(path)
    }
}

/// Today's date in Vietnam (UTC+7 all year, no daylight saving time).
fn today_in_vietnam() -> jiff::civil::Date {
    jiff::tz::offset(7)
        .to_datetime(jiff::Timestamp::now())
        .date()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = cli.today.unwrap_or_else(today_in_vietnam);
    match cli.command {
        Command::Build {
            output,
            deny_warnings,
            quiet,
            public,
            no_spare,
            fresh,
            timings,
        } => {
            let default_output = if public { "press" } else { "public" };
            let options = BuildOptions {
                output: within(&cli.root, output.unwrap_or_else(|| default_output.into())),
                root: cli.root,
                deny_warnings,
                today,
                public,
                // The press build, made seldom and published whole, keeps
                // no manifest: a spare would only be written over.
                reuse_output: !no_spare && !public,
                fresh,
            };
            let printing = Printing {
                quiet,
                max_per_kind: cli.max_diagnostics,
            };
            run_build(&options, printing, timings)
        }
        Command::Check { deny_warnings } => {
            let printing = Printing {
                quiet: false,
                max_per_kind: cli.max_diagnostics,
            };
            run_check(&cli.root, today, deny_warnings, printing)
        }
        Command::Serve {
            port,
            bind,
            open,
            public,
        } => {
            let options = crate::serve::ServeOptions {
                root: cli.root,
                bind,
                port,
                today,
                public,
            };
            run_serve(&options, open)
        }
        Command::Import(ImportCommand::Report {
            file,
            unit,
            parent,
            level,
            force,
        }) => {
            let options = crate::import::ReportOptions {
                file: within(&cli.root, file),
                root: cli.root,
                unit,
                parent,
                level,
                force,
            };
            run_import_report(&options)
        }
        Command::Import(ImportCommand::Figures { file, sheet, write }) => {
            let options = crate::import::FiguresOptions {
                file: within(&cli.root, file),
                root: cli.root,
                sheet,
                write,
            };
            run_import_figures(&options)
        }
        Command::Init { dir } => {
            let dir = within(&cli.root, dir);
            // The new site's language: the default, Vietnamese.
            let language = Language::default();
            match crate::init::init(&dir) {
                Ok(files) => {
                    let line = Msg::new("init_created")
                        .arg("dir", dir.display())
                        .arg("n", files);
                    println!("{}", line.text(language));
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    let line = Msg::new("init_failed").arg("err", err);
                    eprintln!("{}", error_line(&line, language));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn run_import_report(options: &crate::import::ReportOptions) -> ExitCode {
    let language = Language::of_site(&options.root);
    let warning = Msg::new("severity_warning").text(language);
    match crate::import::import_report(options) {
        Ok(outcome) => {
            for line in &outcome.warnings {
                let file = options.file.display();
                eprintln!("{warning}: {file}: {}", line.text(language));
            }
            if outcome.written {
                for file in &outcome.files {
                    let line = Msg::new("import_wrote").arg("file", file.display());
                    println!("{}", line.text(language));
                }
                let line = Msg::new("import_imported")
                    .arg("file", options.file.display())
                    .arg_msg("summary", outcome.summary);
                println!("{}", line.text(language));
                ExitCode::SUCCESS
            } else {
                let line = Msg::new("import_unit_exists").arg("unit", &options.unit);
                eprintln!("{}", error_line(&line, language));
                for change in &outcome.changes {
                    eprintln!("  {}", change.text(language));
                }
                eprintln!(
                    "  = {}: {}",
                    Msg::new("help").text(language),
                    Msg::new("import_force_hint").text(language)
                );
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("{}", err.text(language));
            ExitCode::FAILURE
        }
    }
}

fn run_import_figures(options: &crate::import::FiguresOptions) -> ExitCode {
    let language = Language::of_site(&options.root);
    match crate::import::figures::import_figures(options) {
        Ok(outcome) => {
            for change in &outcome.changes {
                println!("{}", change.text(language));
            }
            for err in &outcome.errors {
                eprintln!("{}", err.text(language));
            }
            for file in &outcome.written {
                let line = Msg::new("import_wrote").arg("file", file.display());
                println!("{}", line.text(language));
            }
            if !outcome.errors.is_empty() {
                let line = Msg::new("figures_failed").arg("n", outcome.errors.len());
                eprintln!("{}", line.text(language));
                return ExitCode::FAILURE;
            }
            if !options.write && !outcome.changes.is_empty() {
                let line = Msg::new("figures_dry_run").arg("n", outcome.changes.len());
                eprintln!("{}", line.text(language));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}", err.text(language));
            ExitCode::FAILURE
        }
    }
}

/// How problems are printed: `build -q` and `--max-diagnostics`.
#[derive(Debug, Clone, Copy)]
struct Printing {
    quiet: bool,
    max_per_kind: usize,
}

/// Prints the problems found, as `printing` says, in `language`.
fn report(diagnostics: &Diagnostics, sources: &Sources, printing: Printing, language: Language) {
    let style = Style {
        language,
        color: !printing.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none(),
        max_per_kind: printing.max_per_kind,
        one_line: printing.quiet,
    };
    eprint!("{}", diagnostics.render_with(sources, style));
}

fn run_check(
    root: &Path,
    today: jiff::civil::Date,
    deny_warnings: bool,
    printing: Printing,
) -> ExitCode {
    let checked = build::check(root, today, false);
    let language = checked.language();
    report(&checked.diagnostics, &checked.sources, printing, language);
    let units = checked.site.as_ref().map_or(0, |s| s.units.len());
    let summary = checked.diagnostics.summary_in(language);
    if checked.ok(deny_warnings) {
        let line = Msg::new("checked_units")
            .arg("n", units)
            .arg("summary", summary);
        eprintln!("{}", line.text(language));
        ExitCode::SUCCESS
    } else {
        let line = Msg::new("check_failed").arg("summary", summary);
        eprintln!("{}", line.text(language));
        ExitCode::FAILURE
    }
}

fn run_build(options: &BuildOptions, printing: Printing, timings: bool) -> ExitCode {
    let quiet = printing.quiet;
    let bar = Bar::new(!quiet && std::io::stderr().is_terminal());
    let progress: &dyn Progress = if bar.0.is_some() { &bar } else { &Silent };
    match build::build(options, progress) {
        Ok(summary) => {
            for note in &summary.notes {
                eprintln!(
                    "{}: {}",
                    Msg::new("severity_warning").text(summary.language),
                    note.text(summary.language)
                );
            }
            if timings {
                eprint!("{}", summary.timings.report());
                eprintln!("pages carried over: {}", summary.carried);
                let (units, entries) = summary.from_cache;
                eprintln!("from the build cache: {units} units, {entries} search entries");
                eprintln!("units' files not read again: {}", summary.not_read);
            }
            if quiet {
                // Only a clean build prints nothing.
                if !summary.diagnostics.is_empty() {
                    let language = summary.language;
                    report(&summary.diagnostics, &summary.sources, printing, language);
                    let line = Msg::new("built_with")
                        .arg("summary", summary.diagnostics.summary_in(language));
                    eprintln!("{}", line.text(language));
                }
            } else {
                let language = summary.language;
                let warnings = match summary.warnings {
                    0 => String::new(),
                    1 => Msg::new("serve_warning").text(language),
                    n => Msg::new("serve_warnings").arg("n", n).text(language),
                };
                let line = Msg::new("built_site")
                    .arg("pages", summary.pages)
                    .arg("units", summary.units)
                    .arg("files", summary.files)
                    .arg("output", options.output.display())
                    .arg("ms", summary.elapsed.as_millis())
                    .arg("warnings", warnings);
                println!("{}", line.text(language));
            }
            ExitCode::SUCCESS
        }
        Err(checked) => {
            let language = checked.language();
            report(&checked.diagnostics, &checked.sources, printing, language);
            let line = Msg::new("build_failed")
                .arg("summary", checked.diagnostics.summary_in(language))
                .arg("output", options.output.display());
            eprintln!("{}", line.text(language));
            ExitCode::FAILURE
        }
    }
}

/// Prints what the server says: progress on stdout, problems on stderr.
struct Console;

impl crate::serve::Log for Console {
    fn info(&self, text: &str) {
        println!("{} {text}", clock());
    }
    fn warn(&self, text: &str) {
        eprintln!("{text}");
    }
    fn problems(&self, text: &str) {
        eprint!("{text}");
    }
}

/// The time of day in Vietnam, for the server's log lines.
fn clock() -> String {
    jiff::tz::offset(7)
        .to_datetime(jiff::Timestamp::now())
        .strftime("%H:%M:%S")
        .to_string()
}

/// An error line: the severity word and `message`, in `language`.
fn error_line(message: &Msg, language: Language) -> String {
    format!(
        "{}: {}",
        Msg::new("severity_error").text(language),
        message.text(language)
    )
}

fn run_serve(options: &crate::serve::ServeOptions, open: bool) -> ExitCode {
    let language = Language::of_site(&options.root);
    let (stop_tx, stop) = std::sync::mpsc::channel();
    if let Err(err) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        let line = Msg::new("serve_no_ctrl_c").arg("err", err);
        eprintln!("{}", error_line(&line, language));
        return ExitCode::FAILURE;
    }
    let listening = |serving: &crate::serve::Serving| {
        let line = Msg::new("serve_serving")
            .arg("dir", options.root.display())
            .arg("url", &serving.url);
        println!("{}", line.text(language));
        if open && let Err(err) = opener::open_browser(&serving.url) {
            let line = Msg::new("serve_no_browser").arg("err", err);
            eprintln!(
                "{}: {}",
                Msg::new("severity_warning").text(language),
                line.text(language)
            );
        }
    };
    match crate::serve::run(options, std::sync::Arc::new(Console), listening, &stop) {
        Ok(()) => {
            println!("{}", Msg::new("serve_stopped").text(language));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}", error_line(&err, language));
            ExitCode::FAILURE
        }
    }
}

/// A progress bar on stderr, shown only for builds long enough to need one.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Bar {
        Bar(enabled.then(ProgressBar::hidden))
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(bar) = &self.0 {
            if total >= 2000 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}") {
                bar.set_style(style);
            }
        }
    }
    fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
