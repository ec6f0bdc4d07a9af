//! Serving the in-memory site over HTTP (connections in [`super::conn`]): request paths
//! ([`resolve`], pure, refusing anything that could leave the output),
//! content types, the live-reload script and its event stream, and the
//! overlay that shows problems over the last good pages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::conn::{Request, reason};

use super::preview::{Lookup, Output};
use crate::i18n::Strings;

/// Where the reload script is served.
pub(crate) const LIVE_JS: &str = "/__ketqua/live.js";
/// Where the reload events are served.
pub(crate) const EVENTS: &str = "/__ketqua/events";
/// At most this many pages listen for reloads at once.
const MAX_LISTENERS: usize = 256;
/// A comment line is sent this often (the heartbeat), so dead connections
/// are noticed and the stream outlives the idle timeout of requests.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A file of the site, by its path from the output root.
    File(String),
    LiveScript,
    Events,
}

/// Why a request path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a path (`*`, an absolute URL), or not UTF-8 once decoded.
    BadRequest,
    /// A path that tries to leave the output: `..`, `.`, a backslash, a NUL.
    Forbidden,
}

/// Resolves a request target to a file of the output. `%` escapes are
/// decoded first, so an encoded `..` (`%2e%2e`, `%2f`) is refused like a
/// plain one (a malformed escape stays as written, and names no file). A path ending in `/` names the folder's `index.html`.
pub(crate) fn resolve(url: &str) -> Result<Target, Refusal> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == LIVE_JS {
        return Ok(Target::LiveScript);
    }
    if path == EVENTS {
        return Ok(Target::Events);
    }
    let Some(path) = path.strip_prefix('/') else {
        return Err(Refusal::BadRequest);
    };
    let decoded = percent_decode(path).ok_or(Refusal::BadRequest)?;
    if decoded.contains(['\\', '\0']) {
        return Err(Refusal::Forbidden);
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return Err(Refusal::Forbidden),
            part => parts.push(part),
        }
    }
    let mut file = parts.join("/");
    if decoded.is_empty() || decoded.ends_with('/') {
        if !file.is_empty() {
            file.push('/');
        }
        file.push_str("index.html");
    }
    Ok(Target::File(file))
}

/// Decodes `%XX` escapes; `None` when the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Escapes what is not a plain URL path character.
fn percent_encode(path: &str) -> String {
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(path, PATH).to_string()
}

/// The content type of a file, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The state the server threads share.
pub(crate) struct Shared {
    /// What is served now; replaced after each rebuild.
    pub output: RwLock<Arc<Output>>,
    /// The site folder: static files must be inside it.
    pub root: PathBuf,
    listeners: Mutex<Vec<Listener>>,
    /// Told each time `output` is replaced: a request for a page left to
    /// render waits on it.
    replaced: (Mutex<()>, Condvar),
}

impl Shared {
    pub(crate) fn new(root: &Path, output: Arc<Output>) -> Shared {
        Shared {
            output: RwLock::new(output),
            root: root.to_path_buf(),
            listeners: Mutex::new(Vec::new()),
            replaced: (Mutex::new(()), Condvar::new()),
        }
    }

    fn current(&self) -> Arc<Output> {
        match self.output.read() {
            Ok(output) => Arc::clone(&output),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Serves `output` from now on, without telling the pages: the same
    /// state with more of its pages rendered.
    pub(crate) fn replace(&self, output: Arc<Output>) {
        match self.output.write() {
            Ok(mut current) => *current = output,
            Err(poisoned) => *poisoned.into_inner() = output,
        }
        let _guard = self.replaced.0.lock();
        self.replaced.1.notify_all();
    }

    /// The output served once `seen` is replaced (or after a while).
    fn next_after(&self, seen: &Arc<Output>) -> Arc<Output> {
        if let Ok(guard) = self.replaced.0.lock() {
            let current = self.current();
            if !Arc::ptr_eq(&current, seen) {
                return current;
            }
            let _ = self
                .replaced
                .1
                .wait_timeout(guard, Duration::from_millis(200));
        }
        self.current()
    }

    /// Serves `output` from now on and tells every listening page.
    pub(crate) fn publish(&self, output: Arc<Output>) {
        let generation = output.generation;
        self.replace(output);
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.retain(|l| match l.tx.try_send(generation) {
                // A page that has not read the last event yet will reload
                // on it anyway.
                Ok(()) | Err(TrySendError::Full(_)) => true,
                Err(TrySendError::Disconnected(_)) => false,
            });
        }
    }

    fn listen(&self) -> Option<(Receiver<u64>, Open)> {
        let mut listeners = self.listeners.lock().ok()?;
        // The streams of closed pages go first.
        listeners.retain(|l| l.open.load(Ordering::SeqCst));
        if listeners.len() >= MAX_LISTENERS {
            return None;
        }
        let (tx, rx) = mpsc::sync_channel(4);
        let open = Arc::new(AtomicBool::new(true));
        listeners.push(Listener {
            tx,
            open: Arc::clone(&open),
        });
        Some((rx, Open(open)))
    }
}

/// A page listening for reloads.
struct Listener {
    tx: SyncSender<u64>,
    /// False once its stream has ended.
    open: Arc<AtomicBool>,
}

/// Held by a reload stream's thread: marks its listener closed when the
/// thread ends, so that it no longer counts against [`MAX_LISTENERS`].
struct Open(Arc<AtomicBool>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Answers one request. Reload streams are held on their own thread.
pub(crate) fn handle(shared: &Arc<Shared>, request: Request) {
    if request.method != "GET" && request.method != "HEAD" {
        let headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Allow", "GET, HEAD"),
        ];
        send(request, 405, &headers, b"Method not allowed\n");
        return;
    }
    match resolve(&request.url) {
        Err(Refusal::BadRequest) => send_text(request, 400, "Bad request\n"),
        Err(Refusal::Forbidden) => send_text(request, 403, "Forbidden\n"),
        Ok(Target::LiveScript) => {
            let headers = [("Content-Type", content_type("live.js"))];
            send(request, 200, &headers, LIVE_SCRIPT.as_bytes());
        }
        Ok(Target::Events) => match shared.listen() {
            Some((rx, open)) => {
                let generation = shared.current().generation;
                // When no thread can be made, the page simply gets no reloads.
                let _ = std::thread::Builder::new()
                    .name("ketqua-reload".into())
                    .spawn(move || stream_events(request, generation, &rx, open));
            }
            None => send_text(request, 503, "Too many open pages\n"),
        },
        Ok(Target::File(path)) => serve_file(shared, request, &path),
    }
}

/// How long a request waits for the page it asks for to be rendered
/// after a rebuild (the pages about many units, at 60,000 units).
const PENDING_WAIT: Duration = Duration::from_secs(120);

/// The output to answer a request for `path` from: the one served now,
/// or, while `path` is a page left to render after the last rebuild, the
/// first one that has it rendered (`None` after [`PENDING_WAIT`]).
fn output_for(shared: &Shared, path: &str) -> Option<Arc<Output>> {
    let mut output = shared.current();
    let asked = Instant::now();
    while output.waits_for(path) {
        if asked.elapsed() > PENDING_WAIT {
            return None;
        }
        output = shared.next_after(&output);
    }
    Some(output)
}

fn serve_file(shared: &Shared, request: Request, path: &str) {
    let Some(output) = output_for(shared, path) else {
        return send_text(request, 503, "Still rendering\n");
    };
    let (status, path, bytes) = match output.get(&shared.root, path) {
        Lookup::Found(bytes) => (200, path.to_string(), Some(bytes)),
        Lookup::Outside => return send_text(request, 403, "Forbidden\n"),
        // Not after `waits_for`; told rather than served stale.
        Lookup::Pending => return send_text(request, 503, "Still rendering\n"),
        Lookup::Missing => {
            let folder = format!("{path}/index.html");
            if matches!(output.get(&shared.root, &folder), Lookup::Found(_)) {
                let location = format!("/{}/", percent_encode(path));
                let headers = [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Location", location.as_str()),
                ];
                return send(request, 301, &headers, b"Moved\n");
            }
            match output.get(&shared.root, "404.html") {
                Lookup::Found(bytes) => (404, "404.html".to_string(), Some(bytes)),
                _ => (404, "404.html".to_string(), None),
            }
        }
    };
    let html = content_type(&path).starts_with("text/html");
    let (kind, body): (&str, Vec<u8>) = match bytes {
        Some(bytes) if html => (
            content_type(&path),
            with_live_reload(&String::from_utf8_lossy(&bytes), &output).into_bytes(),
        ),
        Some(bytes) => (content_type(&path), bytes.to_vec()),
        // No page at all yet (the first build failed): the problems alone.
        None => (
            content_type("404.html"),
            with_live_reload(EMPTY_PAGE, &output).into_bytes(),
        ),
    };
    let headers = [
        ("Content-Type", kind),
        ("X-Content-Type-Options", "nosniff"),
    ];
    send(request, status, &headers, &body);
}

/// What is shown when there is no page to show the problems over.
const EMPTY_PAGE: &str = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
<title>ketqua</title></head><body></body></html>";

/// Holds a reload stream open: the current generation first, then each
/// new one, with a comment line (the heartbeat) now and then; a page that
/// closed its end is noticed within a second, and its thread ends.
fn stream_events(request: Request, generation: u64, rx: &Receiver<u64>, open: Open) {
    let _open = open;
    let mut out = request.into_stream();
    // A page that stops reading is let go of after a while.
    let _ = out.set_write_timeout(Some(2 * KEEP_ALIVE));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let send = |out: &mut std::net::TcpStream, text: String| -> bool {
        out.write_all(text.as_bytes()).is_ok() && out.flush().is_ok()
    };
    if !send(
        &mut out,
        format!("{head}retry: 500\nevent: reload\ndata: {generation}\n\n"),
    ) {
        return;
    }
    let mut quiet = Duration::ZERO;
    loop {
        let text = match rx.recv_timeout(CLOSED_CHECK) {
            Ok(generation) => format!("event: reload\ndata: {generation}\n\n"),
            Err(RecvTimeoutError::Timeout) => {
                quiet += CLOSED_CHECK;
                if closed(&out) {
                    return;
                }
                if quiet < KEEP_ALIVE {
                    continue;
                }
                ": still here\n\n".to_string()
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        quiet = Duration::ZERO;
        if !send(&mut out, text) {
            return;
        }
    }
}

/// How often a reload stream looks whether its page closed it.
const CLOSED_CHECK: Duration = Duration::from_secs(1);

/// Whether the client closed its end: a page sends nothing on its reload
/// stream, so a read that ends (or fails) means it is gone.
fn closed(stream: &std::net::TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let gone = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => err.kind() != std::io::ErrorKind::WouldBlock,
    };
    gone || stream.set_nonblocking(false).is_err()
}

/// The page with the reload script, and the overlay when the last rebuild
/// failed.
pub(crate) fn with_live_reload(html: &str, output: &Output) -> String {
    let script = format!(
        "<script src=\"{LIVE_JS}\" data-generation=\"{}\" defer></script>",
        output.generation
    );
    let mut page = insert_before(html, "</head>", &script);
    if let Some(problems) = &output.problems {
        let strings = Strings::new(output.language);
        page = insert_before(&page, "</body>", &overlay(problems, &strings));
    }
    page
}

fn insert_before(html: &str, tag: &str, text: &str) -> String {
    match html.rfind(tag) {
        Some(at) => format!("{}{text}{}", &html[..at], &html[at..]),
        None => format!("{html}{text}"),
    }
}

/// The problems over the page: where they are and the source lines, as
/// `ketqua check` prints them.
fn overlay(problems: &str, strings: &Strings) -> String {
    let word = |key: &str| crate::escape::html(strings.get(key));
    format!(
        "<div id=\"ketqua-problems\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"ketqua-problems-title\" \
         style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;\
         font:15px/1.5 system-ui,sans-serif;padding:2rem\">\
         <h2 id=\"ketqua-problems-title\" style=\"margin:0 0 .5rem;font-size:1.3rem;color:#ffb4a9\">\
         {title}</h2>\
         <p style=\"margin:0 0 1rem\">{hint}</p>\
         <pre style=\"white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;background:#000;color:#eee;padding:1rem;\
         border-radius:4px\">{problems}</pre>\
         <button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"font:inherit;padding:.3rem .8rem\">\
         {hide}</button></div>",
        title = word("preview_problems_title"),
        hint = word("preview_problems_hint"),
        hide = word("preview_problems_hide"),
        problems = crate::escape::Html(problems),
    )
}

/// Writes a whole response and closes the connection: a kept-alive
/// connection would hold one of the few workers while idle, and a
/// browser's burst of new connections could wait behind it. Closing after
/// each response frees the worker at once (on loopback a new connection
/// costs next to nothing).
fn send(request: Request, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let head_only = request.is_head();
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = request.into_stream();
    // A page closed before its answer came: nothing to do.
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| {
            if head_only {
                Ok(())
            } else {
                out.write_all(body)
            }
        })
        .and_then(|()| out.flush());
}

fn send_text(request: Request, status: u16, text: &str) {
    send(
        request,
        status,
        &[("Content-Type", "text/plain; charset=utf-8")],
        text.as_bytes(),
    );
}

/// Reloads the page when the site was rebuilt since it was served (its
/// generation differs), also after the server restarted.
const LIVE_SCRIPT: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  var served = me ? me.getAttribute("data-generation") : null;
  if (!window.EventSource) return;
  var events = new EventSource("/__ketqua/events");
  events.addEventListener("reload", function (e) {
    if (e.data !== served) {
      events.close();
      location.reload();
    }
  });
})();
"#;

#[cfg(test)]
mod tests;
