//! Which file events matter, and what they change ([`classify`], pure);
//! when a save is complete ([`Saves`], pure); and the watcher that reports
//! them (notify).
//!
//! Only what a site is made from counts: `site.toml`, `indicators.toml`,
//! and what is under `content/`, `templates/`, `static/` and `themes/`.
//! Reading a file (inotify's open and close-without-writing events, which
//! a build itself causes), a change of metadata alone, the output folder,
//! and editors' scratch files (swap files, backups, safe-write temporaries)
//! never cause a rebuild.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::preview::Change;
use crate::diag::Msg;

/// One file event, as the watcher reports it.
#[derive(Debug, Clone)]
pub(crate) struct FileEvent {
    pub kind: EventKind,
    pub paths: Vec<PathBuf>,
}

/// The folders watched recursively, below the site folder.
pub(crate) const FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];

/// What `events` change in the site at `root` (both absolute). Paths inside
/// `output` are ignored.
pub(crate) fn classify(root: &Path, output: &Path, events: &[FileEvent]) -> Change {
    let mut change = Change::default();
    for event in events {
        if !matters(&event.kind) {
            continue;
        }
        for path in &event.paths {
            match touched(root, output, path) {
                Some(Touched::Report(id)) => {
                    change.reports.insert(id);
                }
                Some(Touched::UnitToml(id)) => {
                    change.unit_tomls.insert(id);
                }
                Some(Touched::Other) => change.other = true,
                None => {}
            }
        }
    }
    change
}

/// Reading a file or changing its metadata (permissions, times) alone
/// changes no content.
fn matters(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

#[derive(Debug, PartialEq, Eq)]
enum Touched {
    /// The report of the unit with this id.
    Report(String),
    /// The unit.toml of the unit with this id.
    UnitToml(String),
    Other,
}

fn touched(root: &Path, output: &Path, path: &Path) -> Option<Touched> {
    if path.starts_with(output) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => {
                let name = name.to_str()?;
                if is_scratch(name) {
                    return None;
                }
                parts.push(name);
            }
            _ => return None,
        }
    }
    match parts.as_slice() {
        ["site.toml"] | ["indicators.toml"] => Some(Touched::Other),
        ["content", "units", id, "report.md"] => Some(Touched::Report(id.to_string())),
        ["content", "units", id, "unit.toml"] => Some(Touched::UnitToml(id.to_string())),
        [first, ..] if FOLDERS.contains(first) => Some(Touched::Other),
        _ => None,
    }
}

/// Files that editors and tools write beside the real ones, and that are
/// never content: hidden files (vim's `.report.md.swp`, emacs's
/// `.#report.md`, Kate's and gedit's temporaries, and ketqua's own staging
/// and spare folders), backups (`report.md~`), emacs's `#report.md#`, vim's `4913`
/// probe, JetBrains' `___jb_tmp___`/`___jb_old___` safe-write files, and
/// other `.swp`, `.tmp`, `.bak` files.
pub(crate) fn is_scratch(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = [
        "~",
        ".swp",
        ".swx",
        ".swo",
        ".tmp",
        ".bak",
        ".orig",
        ".part",
        ".crdownload",
    ];
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// How long the events must be quiet before they are taken while a save
/// may still be going on (see [`Saves`]): what notify-debouncer-full's
/// 20 ms of quiet and the 10 ms serve waited after it gave together.
pub(crate) const QUIET: Duration = Duration::from_millis(30);

/// How long the events must be quiet once every file saved is complete:
/// the rest of the same save (a second file, a second close) comes within
/// a millisecond of the first close (vim, emacs, measured).
pub(crate) const GRACE: Duration = Duration::from_millis(2);

/// How long the events must be quiet after a file was moved aside to a
/// backup's name, before its new text is written: emacs's first save of a
/// Vietnamese report leaves it missing for 44–76 ms (measured, load 6),
/// more than [`QUIET`].
pub(crate) const ASIDE: Duration = Duration::from_millis(500);

/// Where a file's save stands after its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Created, written, deleted, renamed away, or told without a close.
    Under,
    /// Renamed to a scratch name (`report.md~`, `___jb_old___`): the save
    /// of an editor that keeps a backup, its new file still to come.
    Aside,
    /// Closed after writing, or a file renamed onto it.
    Done,
}

/// The files that matter touched by the events taken so far, and where
/// each one's save stands. A save is complete once its file was closed
/// after writing (inotify's `IN_CLOSE_WRITE`) or a file renamed onto it
/// (a safe write). A file created, written, deleted or renamed away is
/// not (a save under way, or vim's backup renamed away before the new
/// file is written), nor is anything told without a close (other
/// platforms, a folder): those wait for [`QUIET`], as every save did
/// before, and a file moved aside to a backup's name for [`ASIDE`].
#[derive(Debug)]
pub(crate) struct Saves<'a> {
    root: &'a Path,
    output: &'a Path,
    steps: HashMap<PathBuf, Step>,
}

impl<'a> Saves<'a> {
    /// None yet, for the site at `root` with its output at `output`.
    pub(crate) fn new(root: &'a Path, output: &'a Path) -> Saves<'a> {
        Saves {
            root,
            output,
            steps: HashMap::new(),
        }
    }

    /// Takes one more event into account.
    pub(crate) fn add(&mut self, event: &FileEvent) {
        let mut mark = |path: &PathBuf, step: Step| {
            if touched(self.root, self.output, path).is_some() {
                self.steps.insert(path.clone(), step);
            }
        };
        match (&event.kind, event.paths.as_slice()) {
            (EventKind::Access(AccessKind::Close(AccessMode::Write)), paths)
            | (EventKind::Modify(ModifyKind::Name(RenameMode::To)), paths) => {
                paths.iter().for_each(|p| mark(p, Step::Done));
            }
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), [from, to]) => {
                let backup = to
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(is_scratch);
                mark(from, if backup { Step::Aside } else { Step::Under });
                mark(to, Step::Done);
            }
            // Reading, and metadata alone (vim and emacs change the mode
            // of the file they have just written), change no content.
            (EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)), _) => {}
            (_, paths) => paths.iter().for_each(|p| mark(p, Step::Under)),
        }
    }

    /// Every file that matters touched so far is complete.
    pub(crate) fn complete(&self) -> bool {
        self.steps.values().all(|&step| step == Step::Done)
    }

    /// How long to wait for more events before taking these.
    pub(crate) fn wait(&self) -> Duration {
        if self.steps.values().any(|&step| step == Step::Aside) {
            ASIDE
        } else if self.complete() {
            GRACE
        } else {
            QUIET
        }
    }
}

/// Whether the watcher passes `event` on: it may change a file that matters
/// or complete its save.
fn wanted(root: &Path, output: &Path, event: &FileEvent) -> bool {
    let closed = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    (closed || matters(&event.kind))
        && event
            .paths
            .iter()
            .any(|path| touched(root, output, path).is_some())
}

/// Watches the site folder, sending each event that may change it to
/// `events`.
pub(crate) struct SiteWatcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    watched: Vec<PathBuf>,
    /// Set each time an event is sent (see [`SiteWatcher::saved`]).
    saved: Arc<AtomicBool>,
}

impl SiteWatcher {
    /// Starts watching `root` (absolute), whose output folder is `output`.
    /// Errors name what could not be watched.
    pub(crate) fn new(
        root: &Path,
        output: &Path,
        events: Sender<FileEvent>,
    ) -> Result<SiteWatcher, Msg> {
        let saved = Arc::new(AtomicBool::new(false));
        let told = Arc::clone(&saved);
        let (site, public) = (root.to_path_buf(), output.to_path_buf());
        let handler = move |result: notify::Result<notify::Event>| {
            // Watch errors (a folder gone, too many watches) are not fatal:
            // the next event still comes, and a full rebuild reads the disk.
            if let Ok(event) = result {
                let event = FileEvent {
                    kind: event.kind,
                    paths: event.paths,
                };
                if wanted(&site, &public, &event) {
                    told.store(true, Ordering::Relaxed);
                    let _ = events.send(event);
                }
            }
        };
        let watcher = notify::recommended_watcher(handler)
            .map_err(|err| Msg::new("watch_site_failed").arg("err", err))?;
        let mut watcher = SiteWatcher {
            watcher,
            root: root.to_path_buf(),
            watched: Vec::new(),
            saved,
        };
        watcher
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|err| watch_error(root, &err))?;
        watcher.watch_folders()?;
        Ok(watcher)
    }

    /// A flag set each time the watcher sends an event: whoever clears it
    /// learns, without waiting on the channel, that a file was saved since
    /// (the pages rendered after a reload stop for it).
    pub(crate) fn saved(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.saved)
    }

    /// Watches the site's folders that exist and are not watched yet (a
    /// `templates/` made while serving).
    pub(crate) fn watch_folders(&mut self) -> Result<(), Msg> {
        for folder in FOLDERS {
            let path = self.root.join(folder);
            if path.is_dir() && !self.watched.contains(&path) {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|err| watch_error(&path, &err))?;
                self.watched.push(path);
            }
        }
        Ok(())
    }
}

fn watch_error(path: &Path, err: &notify::Error) -> Msg {
    let key = if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) {
        "watch_limit"
    } else {
        "watch_failed"
    };
    Msg::new(key).arg("path", path.display()).arg("err", err)
}

/// Waits for the next event, then takes those that follow until the saves
/// they belong to are complete ([`settled`]), so that one save is one
/// rebuild. `None` when the watcher is gone.
pub(crate) fn next_batch(
    events: &Receiver<FileEvent>,
    root: &Path,
    output: &Path,
) -> Option<Vec<FileEvent>> {
    let first = events.recv().ok()?;
    Some(settled(events, first, root, output))
}

/// `first` with the events that follow it until none comes within
/// [`Saves::wait`]: 2 ms once every file saved is complete, 30 ms while
/// one may not be, 500 ms while one is moved aside to a backup.
pub(crate) fn settled(
    events: &Receiver<FileEvent>,
    first: FileEvent,
    root: &Path,
    output: &Path,
) -> Vec<FileEvent> {
    let mut saves = Saves::new(root, output);
    saves.add(&first);
    let mut batch = vec![first];
    // A timeout, or the watcher gone: what came is the batch.
    while let Ok(event) = events.recv_timeout(saves.wait()) {
        saves.add(&event);
        batch.push(event);
    }
    batch
}

#[cfg(test)]
mod tests;
