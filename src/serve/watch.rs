//! Which file events matter, and what they change ([`classify`], pure), and
//! the watcher that reports them (notify with notify-debouncer-full).
//!
//! Only what a site is made from counts: `site.toml`, `indicators.toml`,
//! and what is under `content/`, `templates/`, `static/` and `themes/`.
//! Reading a file (inotify's open and close-without-writing events, which
//! a build itself causes), a change of metadata alone, the output folder,
//! and editors' scratch files (swap files, backups, safe-write temporaries)
//! never cause a rebuild.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

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

/// How long a file must be quiet before its events are reported: editors'
/// save sequences (write a temporary, rename, delete the backup) take a few
/// milliseconds.
pub(crate) const QUIET: Duration = Duration::from_millis(20);

/// Watches the site folder, sending each batch of events to `events`.
pub(crate) struct SiteWatcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
    /// Set each time a batch is sent (see [`SiteWatcher::saved`]).
    saved: Arc<AtomicBool>,
}

impl SiteWatcher {
    /// Starts watching `root` (absolute). Errors name what could not be watched.
    pub(crate) fn new(root: &Path, events: Sender<Vec<FileEvent>>) -> Result<SiteWatcher, Msg> {
        let saved = Arc::new(AtomicBool::new(false));
        let told = Arc::clone(&saved);
        let handler = move |result: DebounceEventResult| {
            // Watch errors (a folder gone, too many watches) are not fatal:
            // the next event still comes, and a full rebuild reads the disk.
            if let Ok(batch) = result {
                let batch: Vec<FileEvent> = batch
                    .into_iter()
                    .map(|e| FileEvent {
                        kind: e.event.kind,
                        paths: e.event.paths,
                    })
                    .collect();
                told.store(true, Ordering::Relaxed);
                let _ = events.send(batch);
            }
        };
        let debouncer = new_debouncer(QUIET, Some(QUIET / 4), handler)
            .map_err(|err| Msg::new("watch_site_failed").arg("err", err))?;
        let mut watcher = SiteWatcher {
            debouncer,
            root: root.to_path_buf(),
            watched: Vec::new(),
            saved,
        };
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|err| watch_error(root, &err))?;
        watcher.watch_folders()?;
        Ok(watcher)
    }

    /// A flag set each time the watcher sends a batch of events: whoever
    /// clears it learns, without waiting on the channel, that a file was
    /// saved since (the pages rendered after a reload stop for it).
    pub(crate) fn saved(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.saved)
    }

    /// Watches the site's folders that exist and are not watched yet (a
    /// `templates/` made while serving).
    pub(crate) fn watch_folders(&mut self) -> Result<(), Msg> {
        for folder in FOLDERS {
            let path = self.root.join(folder);
            if path.is_dir() && !self.watched.contains(&path) {
                self.debouncer
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

/// Waits for the next batch of events, then takes the batches that follow
/// within `settle` too, so that one save is one rebuild even when the
/// watcher reports its files in two batches. `None` when the watcher is gone.
pub(crate) fn next_batch(
    events: &Receiver<Vec<FileEvent>>,
    settle: Duration,
) -> Option<Vec<FileEvent>> {
    let batch = events.recv().ok()?;
    Some(settled(events, batch, settle))
}

/// `batch` with the batches that follow it within `settle`.
pub(crate) fn settled(
    events: &Receiver<Vec<FileEvent>>,
    mut batch: Vec<FileEvent>,
    settle: Duration,
) -> Vec<FileEvent> {
    loop {
        match events.recv_timeout(settle) {
            Ok(more) => batch.extend(more),
            Err(RecvTimeoutError::Timeout) => return batch,
            Err(RecvTimeoutError::Disconnected) => return batch,
        }
    }
}

#[cfg(test)]
mod tests;
