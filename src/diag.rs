//! Diagnostics: every problem found in a site's content, located at a file,
//! line and column, and printed rustc-style with the source line, a caret and
//! a hint.
//!
//! Loading and checking never stop at the first problem: they push into a
//! [`Diagnostics`] list and go on, so `ketqua check` reports everything at
//! once. Source texts are kept in [`Sources`] so the report can quote them.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::Buffer;
use std::collections::HashMap;

use crate::i18n::Language;
use crate::packed::Packed;

/// Index of a file in [`Sources`].
pub(crate) type FileId = usize;

/// The texts of every file read, so diagnostics can quote them.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(String, Text)>,
    /// Each file's [`text_hash`] as it was read, in step with `files`.
    hashes: Vec<u128>,
    /// What each file was on disk when it was read, in step with `files`,
    /// when the build cache keeps it (see [`Stamp`]).
    stamps: Vec<Option<Stamp>>,
    /// How many files were registered unread.
    unread: usize,
}

/// What a file was on disk (size, times, inode) when it was read: a build
/// that finds a file of the same stamp in the build cache takes its hash
/// from there and does not read it ([`Sources::add_unread`]). Like git's
/// index, only a stamp older than the read by a margin is kept (see
/// `load`), so a file written again within its clock tick is never taken
/// for unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stamp {
    pub len: u64,
    pub modified: (i64, i64),
    pub changed: (i64, i64),
    pub inode: u64,
}

/// Reads again a file not read when its unit was loaded: its text as the
/// load would have kept it, `None` when it cannot be read as text.
pub(crate) type Reread = fn(&Path) -> Option<String>;

/// A hash of a text (SipHash-1-3, 128 bits, the same in every process),
/// made when it is read: the model's caches key a unit by its files'
/// hashes without expanding their texts again.
pub(crate) fn text_hash(text: &str) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new();
    h.write_u64(text.len() as u64);
    h.write(text.as_bytes());
    h.finish128().as_u128()
}

/// A file's text as [`Sources`] holds it.
#[derive(Debug, Clone)]
enum Text {
    Plain(String),
    /// The units' files, compressed as they are read (see [`Sources::pack`]).
    Packed(Packed),
    /// A file the build cache knows unchanged, read only when asked for.
    Unread(Box<Unread>),
}

/// A file not read by the load ([`Sources::add_unread`]).
#[derive(Debug, Clone)]
struct Unread {
    path: PathBuf,
    reread: Reread,
    hash: u128,
    /// The text once asked for: `None` when it is no longer the text of
    /// `hash` (the file changed during the build).
    text: std::sync::OnceLock<Option<String>>,
}

impl Unread {
    fn text(&self) -> Option<&str> {
        self.text
            .get_or_init(|| (self.reread)(&self.path).filter(|t| text_hash(t) == self.hash))
            .as_deref()
    }
}

/// A file's text taken out of [`Sources`], as it was held there.
#[derive(Debug)]
pub struct Held(Text);

impl Held {
    pub fn text(&self) -> Cow<'_, str> {
        self.0.text()
    }
}

impl Text {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Text::Plain(text) => Cow::Borrowed(text),
            Text::Packed(packed) => Cow::Owned(packed.text()),
            Text::Unread(unread) => Cow::Borrowed(unread.text().unwrap_or_default()),
        }
    }
}

impl Sources {
    /// Registers a file; `name` is the path shown to people (relative to the site).
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.hashes.push(text_hash(&text));
        self.stamps.push(None);
        self.files.push((name, Text::Plain(text)));
        self.files.len() - 1
    }

    /// Registers a file as not read: the build cache knows its `stamp`
    /// and its text's `hash`. Its text is read by `reread` from `path` when
    /// asked for, and checked against `hash` ([`Sources::changed`]).
    pub(crate) fn add_unread(
        &mut self,
        name: String,
        path: PathBuf,
        reread: Reread,
        (stamp, hash): (Stamp, u128),
    ) -> FileId {
        self.hashes.push(hash);
        self.stamps.push(Some(stamp));
        self.unread += 1;
        let unread = Unread {
            path,
            reread,
            hash,
            text: std::sync::OnceLock::new(),
        };
        self.files.push((name, Text::Unread(Box::new(unread))));
        self.files.len() - 1
    }

    /// Keeps what file `id` was on disk when it was read.
    pub(crate) fn set_stamp(&mut self, id: FileId, stamp: Stamp) {
        self.stamps[id] = Some(stamp);
    }

    /// Each file with a stamp: its name, stamp and hash.
    pub(crate) fn stamps(&self) -> impl Iterator<Item = (&str, Stamp, u128)> {
        self.files
            .iter()
            .zip(&self.stamps)
            .zip(&self.hashes)
            .filter_map(|(((name, _), stamp), hash)| Some((name.as_str(), (*stamp)?, *hash)))
    }

    /// How many files the load did not read ([`Sources::add_unread`]).
    pub(crate) fn unread(&self) -> usize {
        self.unread
    }

    /// The files not read by the load whose text, once asked for, was no
    /// longer the one the build cache knew: they changed during the build.
    pub(crate) fn changed(&self) -> Vec<FileId> {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, (_, text))| {
                matches!(text, Text::Unread(u) if matches!(u.text.get(), Some(None)))
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Moves every file of `other` to the end of this store; returns the
    /// offset to add to `other`'s file ids.
    pub fn append(&mut self, other: Sources) -> usize {
        let offset = self.files.len();
        self.files.extend(other.files);
        self.hashes.extend(other.hashes);
        self.stamps.extend(other.stamps);
        self.unread += other.unread;
        offset
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The bytes of the texts held as they are (not packed, not unread).
    pub fn plain_bytes(&self) -> usize {
        self.files
            .iter()
            .map(|(_, text)| match text {
                Text::Plain(plain) => plain.len(),
                _ => 0,
            })
            .sum()
    }

    /// Compresses every text held (see [`crate::packed`]): a unit's files
    /// are read whole but, until the build lets them go, only ever read
    /// again one unit at a time, and they are the size of the content.
    pub fn pack(&mut self) {
        for (_, text) in &mut self.files {
            if let Text::Plain(plain) = text {
                *text = Text::Packed(Packed::new(plain));
            }
        }
    }

    /// Lets go of the texts of `files` that no diagnostic in `quoted`
    /// points into (their names stay): once a build's checks are done, the
    /// content is only ever quoted by the problems already found, and the
    /// texts are the size of the content.
    pub fn release(&mut self, files: impl IntoIterator<Item = FileId>, quoted: &Diagnostics) {
        let kept = quoted.quoted_files();
        for id in files {
            if !kept.contains(&id) {
                self.files[id].1 = Text::Plain(String::new());
            }
        }
    }

    /// Replaces the text of a file (an edited file, re-read by `serve`).
    pub fn replace(&mut self, id: FileId, text: String) {
        self.hashes[id] = text_hash(&text);
        self.stamps[id] = None;
        self.files[id].1 = Text::Plain(text);
    }

    /// The [`text_hash`] of a file as it was read (or last replaced).
    pub(crate) fn hash(&self, id: FileId) -> u128 {
        self.hashes[id]
    }

    /// Takes the text of a file out of the store, leaving it empty.
    pub fn take_text(&mut self, id: FileId) -> String {
        self.take(id).text().into_owned()
    }

    /// Takes the text of a file out of the store as it is held (packed or
    /// not), leaving it empty; [`Sources::put`] puts it back.
    pub fn take(&mut self, id: FileId) -> Held {
        Held(std::mem::replace(
            &mut self.files[id].1,
            Text::Plain(String::new()),
        ))
    }

    pub fn put(&mut self, id: FileId, text: Held) {
        self.files[id].1 = text.0;
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.files[id].0
    }

    /// The text of a file; one that is packed is expanded, so a caller that
    /// reads it more than once keeps what it is given.
    pub fn text(&self, id: FileId) -> Cow<'_, str> {
        self.files[id].1.text()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let text = text.as_ref();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

/// The file a diagnostic points into, if any.
fn quoted_file(d: &Diagnostic) -> Option<FileId> {
    match d.location {
        Location::Span { file, .. } => Some(file),
        _ => None,
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is: a file registered in [`Sources`] with a byte span, or
/// only a path (for files that could not be read as text at all).
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Span {
        file: FileId,
        span: Range<usize>,
    },
    /// Line and column as `u32`, so that a `Diagnostic` stays small.
    Path {
        path: PathBuf,
        line: u32,
        column: u32,
    },
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The message in English (what tests and logs read); printed in the
    /// site's language from `texts`. Private, as the label and the hint: a
    /// diagnostic is only made from messages of the catalogue.
    message: String,
    pub location: Location,
    /// Text beside the caret.
    label: String,
    hint: Option<String>,
    /// The catalogue's messages this diagnostic was made from, when it was
    /// (boxed: most diagnostics are made by the hundred thousand, and a
    /// `Result` carrying one stays small).
    texts: Option<Box<Texts>>,
}

/// The catalogue messages of a diagnostic (see [`Msg`]).
#[derive(Debug, Clone, Default, PartialEq)]
struct Texts {
    message: Option<Msg>,
    label: Option<Msg>,
    hint: Option<Msg>,
}

/// A message of the catalogue (`src/i18n/messages.toml`): its key and the
/// values of its `{placeholders}`, worded in the site's language when it is
/// printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// The value of a placeholder: a text as it is (a name, a figure), or
/// another message of the catalogue, worded in the same language.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    /// Fills the placeholder `{name}`.
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Msg {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Fills the placeholder `{name}` with another message.
    pub fn arg_msg(mut self, name: &'static str, value: Msg) -> Msg {
        self.args.push((name, Arg::Msg(value)));
        self
    }

    /// The message in English (what tests and logs read).
    pub fn en(&self) -> String {
        self.text(Language::En)
    }

    /// The message in `language`.
    pub fn text(&self, language: Language) -> String {
        let mut text = crate::i18n::message(language, self.key).to_string();
        for (name, value) in &self.args {
            let value = match value {
                Arg::Text(text) => Cow::Borrowed(text.as_str()),
                Arg::Msg(msg) => Cow::Owned(msg.text(language)),
            };
            text = text.replace(&format!("{{{name}}}"), &value);
        }
        text
    }
}

impl Diagnostic {
    /// An error: its message and the hint that says what to do, both from
    /// the catalogue (an error without a hint does not compile).
    pub fn error(message: Msg, hint: Msg) -> Diagnostic {
        Diagnostic::made(Severity::Error, message).hint(hint)
    }

    /// A warning worded by the catalogue.
    pub fn warning(message: Msg) -> Diagnostic {
        Diagnostic::made(Severity::Warning, message)
    }

    /// The text beside the caret.
    pub fn label(mut self, label: Msg) -> Diagnostic {
        self.label = label.text(Language::En);
        self.texts_mut().label = Some(label);
        self
    }

    /// What to do about it (replacing the hint given so far).
    pub fn hint(mut self, hint: Msg) -> Diagnostic {
        self.hint = Some(hint.text(Language::En));
        self.texts_mut().hint = Some(hint);
        self
    }

    /// A hint when there is one; `None` keeps the hint given so far.
    pub fn maybe_hint(self, hint: Option<Msg>) -> Diagnostic {
        match hint {
            Some(hint) => self.hint(hint),
            None => self,
        }
    }

    /// The one place a diagnostic is made: from a message of the catalogue.
    fn made(severity: Severity, message: Msg) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.text(Language::En),
            location: Location::None,
            label: String::new(),
            hint: None,
            texts: Some(Box::new(Texts {
                message: Some(message),
                label: None,
                hint: None,
            })),
        }
    }

    /// The message in English (for tests and logs).
    pub fn message_en(&self) -> &str {
        &self.message
    }

    /// The label in English.
    pub fn label_en(&self) -> &str {
        &self.label
    }

    /// The hint in English.
    pub fn hint_en(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The message, label and hint in `language`.
    pub fn texts_in(&self, language: Language) -> (String, String, Option<String>) {
        self.worded(language)
    }

    fn texts_mut(&mut self) -> &mut Texts {
        self.texts.get_or_insert_with(Box::default)
    }

    /// The message, label and hint in `language`: the catalogue's words,
    /// or the English written in the code for a message not in it yet.
    fn worded(&self, language: Language) -> (String, String, Option<String>) {
        let none = Texts::default();
        let texts = self.texts.as_deref().unwrap_or(&none);
        let word = |msg: &Option<Msg>, english: &str| match msg {
            Some(msg) if language != Language::En => msg.text(language),
            _ => english.to_string(),
        };
        (
            word(&texts.message, &self.message),
            word(&texts.label, &self.label),
            self.hint.as_ref().map(|hint| word(&texts.hint, hint)),
        )
    }

    pub fn at(mut self, file: FileId, span: Range<usize>) -> Diagnostic {
        self.location = Location::Span { file, span };
        self
    }

    pub fn at_path(mut self, path: &Path, line: usize, column: usize) -> Diagnostic {
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.location = Location::Path {
            path: path.to_path_buf(),
            line: small(line),
            column: small(column),
        };
        self
    }

    /// "site.toml:3:9" style location, for one-line summaries and tests.
    pub fn position(&self, sources: &Sources) -> String {
        match &self.location {
            Location::Span { file, span } => {
                let (line, col) = sources.line_col(*file, span.start);
                format!("{}:{line}:{col}", sources.name(*file))
            }
            Location::Path { path, line, column } => {
                format!("{}:{line}:{column}", path.display())
            }
            Location::None => String::new(),
        }
    }
}

/// The problems found so far.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    /// Problems not shown because they follow from another.
    suppressed: usize,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
        self.suppressed += other.suppressed;
    }

    /// The same diagnostics with file ids shifted by `offset` (see [`Sources::append`]).
    pub fn offset_files(mut self, offset: usize) -> Diagnostics {
        for d in &mut self.list {
            if let Location::Span { file, .. } = &mut d.location {
                *file += offset;
            }
        }
        self
    }

    /// Keeps only the diagnostics for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.list.retain(keep);
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.list.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Whether a diagnostic points into `file` (and so quotes its text).
    pub fn quotes(&self, file: FileId) -> bool {
        self.list.iter().any(|d| quoted_file(d) == Some(file))
    }

    /// The files the diagnostics point into.
    fn quoted_files(&self) -> std::collections::HashSet<FileId> {
        self.list.iter().filter_map(quoted_file).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sorts by file order, then position, so output is stable whatever the
    /// order the checks ran in (they run in parallel).
    pub fn sort(&mut self, sources: &Sources) {
        self.list.sort_by_cached_key(|d| {
            let (name, start) = match &d.location {
                Location::Span { file, span } => (sources.name(*file).to_string(), span.start),
                Location::Path { path, line, .. } => (path.display().to_string(), *line as usize),
                Location::None => (String::new(), 0),
            };
            (name, start, d.severity, d.message.clone())
        });
    }

    /// Renders every diagnostic rustc-style, without colour, at most
    /// [`DEFAULT_MAX_PER_KIND`] of one kind.
    pub fn render(&self, sources: &Sources) -> String {
        self.render_with(sources, Style::default())
    }

    /// Renders the diagnostics as `style` says: rustc-style with the
    /// source line cut to a window around the caret, or one line each; at
    /// most `style.max_per_kind` of one kind (see [`kind`]), the last one
    /// shown followed by how many more there are. A packed text is
    /// expanded for each diagnostic shown, and only for those: the output
    /// and the time stay bounded whatever the number of problems.
    pub fn render_with(&self, sources: &Sources, style: Style) -> String {
        let limited = style.max_per_kind > 0;
        let mut totals: HashMap<String, usize> = HashMap::new();
        if limited {
            for d in &self.list {
                *totals.entry(kind(d)).or_default() += 1;
            }
        }
        let mut shown: HashMap<String, usize> = HashMap::new();
        let mut out = String::new();
        for d in &self.list {
            let mut more = 0;
            if limited {
                let key = kind(d);
                let total = totals.get(&key).copied().unwrap_or(0);
                let n = shown.entry(key).or_default();
                *n += 1;
                if *n > style.max_per_kind {
                    continue;
                }
                if *n == style.max_per_kind {
                    more = total - *n;
                }
            }
            if style.one_line {
                out.push_str(&one_line(d, sources, style.language));
            } else {
                out.push_str(&render_one(d, sources, style));
            }
            if more > 0 {
                let text = Msg::new("more_like_this")
                    .arg("n", more)
                    .text(style.language);
                out.push_str(&format!("… {text}\n"));
                if !style.one_line {
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Counts a diagnostic that is not shown because it only follows from
    /// another (a reference to a unit whose unit.toml could not be read).
    pub fn suppress(&mut self) {
        self.suppressed += 1;
    }

    /// How many diagnostics were suppressed (see [`Diagnostics::suppress`]).
    pub fn suppressed(&self) -> usize {
        self.suppressed
    }

    /// "2 errors, 1 warning" in English (see [`Diagnostics::summary_in`]).
    pub fn summary(&self) -> String {
        self.summary_in(Language::En)
    }

    /// "2 errors, 1 warning", and how many problems were left out because
    /// they follow from those, in `language`.
    pub fn summary_in(&self, language: Language) -> String {
        let counted = |n: usize, one: &'static str, many: &'static str| {
            Msg::new(if n == 1 { one } else { many })
                .arg("n", n)
                .text(language)
        };
        let mut summary = format!(
            "{}, {}",
            counted(self.errors(), "count_error", "count_errors"),
            counted(self.warnings(), "count_warning", "count_warnings")
        );
        if self.suppressed > 0 {
            summary.push_str(&format!(
                " ({})",
                counted(self.suppressed, "count_suppressed", "count_suppressed_many")
            ));
        }
        summary
    }
}

/// At most this many diagnostics of one kind are printed, unless told
/// otherwise (`--max-diagnostics`).
pub(crate) const DEFAULT_MAX_PER_KIND: usize = 50;

/// How [`Diagnostics::render_with`] prints.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// The language of the words (the site's).
    pub language: Language,
    /// ANSI colours.
    pub color: bool,
    /// At most this many diagnostics of one kind; 0: all.
    pub max_per_kind: usize,
    /// One line each (`build -q`) instead of the source excerpt.
    pub one_line: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            language: Language::En,
            color: false,
            max_per_kind: DEFAULT_MAX_PER_KIND,
            one_line: false,
        }
    }
}

/// What makes diagnostics "of one kind": their severity and message with
/// what is quoted in it (names, figures) left out, so that "no unit `a`"
/// and "no unit `b`" are one kind.
fn kind(d: &Diagnostic) -> String {
    let mut key = String::with_capacity(d.message.len() + 2);
    key.push(match d.severity {
        Severity::Error => 'E',
        Severity::Warning => 'W',
    });
    let mut quoted: Option<char> = None;
    for c in d.message.chars() {
        match (quoted, c) {
            (None, '`') => quoted = Some('`'),
            (None, '“') => quoted = Some('”'),
            (Some(end), c) if c == end => quoted = None,
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {}
            (None, c) => key.push(c),
        }
    }
    key
}

/// "content/units/a/unit.toml:3:1: error: unknown key `memebrs`".
fn one_line(d: &Diagnostic, sources: &Sources, language: Language) -> String {
    let position = d.position(sources);
    let word = severity_word(d.severity, language);
    let (message, _, _) = d.worded(language);
    if position.is_empty() {
        format!("{word}: {message}\n")
    } else {
        format!("{position}: {word}: {message}\n")
    }
}

fn render_one(d: &Diagnostic, sources: &Sources, style: Style) -> String {
    let Style {
        language, color, ..
    } = style;
    let base = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    };
    let mut notes = Vec::new();
    let (mut message, label, hint) = d.worded(language);
    if let Location::Path { path, line, column } = &d.location {
        message = format!("{message}\n  --> {}:{line}:{column}", path.display());
    }
    if let Some(hint) = &hint {
        notes.push(format!("{}: {hint}", Msg::new("help").text(language)));
    }
    let mut cs = base.with_message(message.clone()).with_notes(notes);
    let window = match &d.location {
        Location::Span { file, span } => {
            let window = Window::new(sources.name(*file), &sources.text(*file), span.clone());
            cs = cs.with_labels(vec![
                Label::primary((), window.span.clone()).with_message(label),
            ]);
            window
        }
        _ => Window::default(),
    };
    let config = term::Config::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    match term::emit_to_write_style(&mut buffer, &config, &window, &cs) {
        Ok(()) => {
            let text = String::from_utf8_lossy(buffer.as_slice()).into_owned();
            // codespan-reporting names the severity in English: the first
            // word of the first line, which is the severity's alone.
            let english = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let word = severity_word(d.severity, language);
            if word == english {
                text
            } else {
                text.replacen(english, word, 1)
            }
        }
        // A span past the end of its file: fall back to the plain message.
        Err(_) => format!("{}: {}\n", severity_word(d.severity, language), message),
    }
}

/// Characters shown on either side of the caret when a source line is cut.
const CONTEXT: usize = 40;
/// A source line longer than this (in characters) is cut around the caret.
const WIDE: usize = 120;

/// The one source line a diagnostic quotes, cut to a window around its
/// caret when it is long (a Markdown paragraph is one line): what
/// codespan-reporting is given as the file, with the line and column
/// numbers of the whole file.
#[derive(Debug, Default)]
struct Window {
    name: String,
    /// The shown part of the line, "…" where it was cut, and a line end.
    source: String,
    /// The 1-based number of the line in its file.
    line: usize,
    /// Characters of the line before the shown part.
    before: usize,
    /// Bytes of the leading "…" in `source`.
    prefix: usize,
    /// The diagnostic's span in `source`.
    span: Range<usize>,
}

impl Window {
    fn new(name: &str, text: &str, span: Range<usize>) -> Window {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..line_start].bytes().filter(|&b| b == b'\n').count() + 1;
        // A span over several lines is shown on its first.
        let caret = (start - line_start).min(line_text.len());
        let caret_end = floor_char_boundary(
            line_text,
            span.end
                .saturating_sub(line_start)
                .clamp(caret, line_text.len()),
        );
        let (from, to) = if line_text.chars().count() <= WIDE {
            (0, line_text.len())
        } else {
            let from = back(line_text, caret, CONTEXT);
            let to = forward(line_text, caret_end, CONTEXT).min(forward(line_text, from, WIDE));
            (from, to.max(caret))
        };
        let prefix = if from > 0 { "…" } else { "" };
        let suffix = if to < line_text.len() { "…" } else { "" };
        let source = format!("{prefix}{}{suffix}\n", &line_text[from..to]);
        let shown_end = caret_end.min(to);
        Window {
            name: name.to_string(),
            line,
            before: line_text[..from].chars().count(),
            prefix: prefix.len(),
            span: prefix.len() + caret - from..prefix.len() + shown_end.max(caret) - from,
            source,
        }
    }
}

/// The byte index `n` characters before `i` in `text` (or 0).
fn back(text: &str, i: usize, n: usize) -> usize {
    text[..i]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(at, _)| at)
}

/// The byte index `n` characters after `i` in `text` (or its end).
fn forward(text: &str, i: usize, n: usize) -> usize {
    text[i..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(at, _)| i + at)
}

impl<'a> Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.source)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line + line_index)
    }

    fn column_number(&'a self, (): (), _: usize, byte_index: usize) -> Result<usize, FilesError> {
        let end = floor_char_boundary(&self.source, byte_index.min(self.source.len()));
        let start = self.prefix.min(end);
        Ok(self.before + self.source[start..end].chars().count() + 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        if line_index == 0 {
            Ok(0..self.source.len())
        } else {
            Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            })
        }
    }
}

fn severity_word(severity: Severity, language: Language) -> &'static str {
    let key = match severity {
        Severity::Error => "severity_error",
        Severity::Warning => "severity_warning",
    };
    crate::i18n::message(language, key)
}

/// "did you mean `members`?" for a misspelt name, when one candidate is
/// close: a catalogue message, worded in the site's language.
pub(crate) fn did_you_mean_msg<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<Msg> {
    closest(word, candidates).map(|name| Msg::new("did_you_mean").arg("name", name))
}

/// The candidate closest to `word`, when one is close.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let best = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        // On a tie, the first name in byte order: the hint must not depend
        // on the order candidates come in.
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))?;
    Some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_keeps_the_texts_diagnostics_quote() {
        let mut sources = Sources::default();
        let quoted = sources.add("a/unit.toml".into(), "name = 1\n".into());
        let unquoted = sources.add("b/unit.toml".into(), "name = 2\n".into());
        let other = sources.add("c/report.md".into(), "# Báo cáo\n".into());
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::warning(Msg::new("footnote_unused").arg("label", "a")).at(quoted, 7..8),
        );
        sources.release([quoted, unquoted], &diags);
        assert_eq!(sources.text(quoted), "name = 1\n");
        assert_eq!(sources.text(unquoted), "");
        assert_eq!(sources.name(unquoted), "b/unit.toml");
        // Only the files it is given are released.
        assert_eq!(sources.text(other), "# Báo cáo\n");
        assert!(diags.render(&sources).contains("a/unit.toml:1:8"));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut sources = Sources::default();
        let id = sources.add("a.toml".into(), "tên = \"Đảng\"\nsố = 1\n".into());
        let offset = sources.text(id).find("1").unwrap();
        assert_eq!(sources.line_col(id, offset), (2, 6));
    }

    #[test]
    fn did_you_mean_finds_close_key() {
        let keys = ["members", "name", "organisations"];
        let did_you_mean = |word, keys| did_you_mean_msg(word, keys).map(|m| m.en());
        assert_eq!(
            did_you_mean("memebrs", keys).as_deref(),
            Some("did you mean `members`?")
        );
        assert_eq!(did_you_mean("xyz", keys), None);
    }

    #[test]
    fn did_you_mean_is_the_same_whatever_the_order() {
        let forward = ["huyen-a", "huyen-b", "huyen-c"];
        let backward = ["huyen-c", "huyen-b", "huyen-a"];
        let did_you_mean =
            |word, keys: [&'static str; 3]| did_you_mean_msg(word, keys).map(|m| m.en());
        assert_eq!(
            did_you_mean("huyen-", forward),
            did_you_mean("huyen-", backward)
        );
        assert_eq!(
            did_you_mean("huyen-", forward).as_deref(),
            Some("did you mean `huyen-a`?")
        );
    }

    #[test]
    fn render_quotes_source_line_with_caret_and_hint() {
        let mut sources = Sources::default();
        let id = sources.add(
            "units/a/unit.toml".into(),
            "name = \"A\"\nmemebrs = 3\n".into(),
        );
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error(
                Msg::new("unknown_key").arg("key", "memebrs"),
                Msg::new("did_you_mean").arg("name", "members"),
            )
            .at(id, 11..18),
        );
        let text = diags.render(&sources);
        assert!(text.contains("units/a/unit.toml:2:1"), "{text}");
        assert!(text.contains("memebrs = 3"), "{text}");
        assert!(text.contains("^^^^^^^"), "{text}");
        assert!(text.contains("did you mean `members`?"), "{text}");
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret_with_the_column_of_the_whole_line() {
        let mut sources = Sources::default();
        let before = "Đoạn văn dài. ".repeat(50);
        let text = format!("# Tiêu đề\n\n{before}SAI tiếp {}\n", "x".repeat(500));
        let id = sources.add("a/report.md".into(), text.clone());
        let at = text.find("SAI").unwrap();
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::warning(Msg::new("footnote_undefined").arg("label", "x"))
                .at(id, at..at + 3)
                .label(Msg::new("referenced_here")),
        );
        let out = diags.render(&sources);
        let column = before.chars().count() + 1;
        assert!(out.contains(&format!("a/report.md:3:{column}")), "{out}");
        let quoted = out.lines().find(|l| l.contains("SAI")).unwrap();
        assert!(quoted.starts_with("3 │ …"), "{quoted}");
        assert!(quoted.ends_with('…'), "{quoted}");
        assert!(quoted.chars().count() < 2 * CONTEXT + 20, "{quoted}");
        // The caret is under the span.
        let caret = out.lines().find(|l| l.contains("^^^")).unwrap();
        let offset = |line: &str, needle: &str| line[..line.find(needle).unwrap()].chars().count();
        assert_eq!(offset(caret, "^^^"), offset(quoted, "SAI"));
    }

    #[test]
    fn at_most_max_per_kind_of_one_kind_then_how_many_more() {
        let mut sources = Sources::default();
        let id = sources.add("u.toml".into(), "a = 1\n".into());
        let mut diags = Diagnostics::default();
        for n in 0..7 {
            diags.push(
                Diagnostic::error(
                    Msg::new("no_unit").arg("unit", format!("u{n}")),
                    Msg::new("parent_hint"),
                )
                .at(id, 0..1),
            );
        }
        diags.push(
            Diagnostic::error(
                Msg::new("own_parent").arg("unit", "x"),
                Msg::new("own_parent_hint"),
            )
            .at(id, 0..1),
        );
        let style = Style {
            max_per_kind: 3,
            ..Style::default()
        };
        let out = diags.render_with(&sources, style);
        assert_eq!(out.matches("error: no unit").count(), 3, "{out}");
        assert!(out.contains("… and 4 more like this"), "{out}");
        assert!(out.contains("is its own parent"), "{out}");
        let all = diags.render_with(
            &sources,
            Style {
                max_per_kind: 0,
                ..style
            },
        );
        assert_eq!(all.matches("error: no unit").count(), 7);
    }

    #[test]
    fn packed_texts_read_and_quote_as_they_were_written() {
        let mut sources = Sources::default();
        let toml = "name = \"Chi bộ Bản Chang\"\nmemebrs = 3\n";
        let report = "# Báo cáo\n\nĐạt 99,2%.\n";
        let a = sources.add("units/a/unit.toml".into(), toml.into());
        let b = sources.add("units/a/report.md".into(), report.into());
        sources.pack();
        assert!(matches!(sources.files[a].1, Text::Packed(_)));
        assert_eq!(sources.text(a), toml);
        let offset = toml.find("memebrs").unwrap();
        assert_eq!(sources.line_col(a, offset), (2, 1));
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error(
                Msg::new("unknown_key").arg("key", "memebrs"),
                Msg::new("unknown_key_hint").arg("keys", "name, members"),
            )
            .at(a, offset..offset + 7),
        );
        let text = diags.render(&sources);
        assert!(text.contains("units/a/unit.toml:2:1"), "{text}");
        assert!(text.contains("memebrs = 3"), "{text}");
        // Taken out and put back as it was held.
        let held = sources.take(b);
        assert_eq!(sources.text(b), "");
        assert_eq!(held.text(), report);
        sources.put(b, held);
        assert!(matches!(sources.files[b].1, Text::Packed(_)));
        assert_eq!(sources.take_text(b), report);
    }
}
