//! `ketqua serve`: builds the site into memory, serves it over HTTP,
//! watches the files it is made from, rebuilds what changed and tells open
//! pages to reload.
//!
//! Threads, each kind bounded ([`conn::Limits`]): the one accepting
//! connections, a fixed pool of workers answering requests
//! ([`http::handle`]), one per open page holding its reload stream (at
//! most 256), the watcher's, and the rebuild loop, the only one that
//! changes the site. The workers read the last published
//! [`preview::Output`]: a rebuild never blocks a request, and a failed one
//! leaves the last good pages served.

pub(crate) mod conn;
pub(crate) mod http;
pub(crate) mod preview;
pub(crate) mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use preview::{Outcome, Preview};

use crate::diag::Msg;
use crate::i18n::Language;

/// Ports tried after the default one when it is taken.
const PORT_TRIES: u16 = 10;

#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// `None`: the default port, or the next free one.
    pub port: Option<u16>,
    pub today: jiff::civil::Date,
    /// Preview the press site, as `build --public` makes it.
    pub public: bool,
}

pub(crate) const DEFAULT_PORT: u16 = 8080;
/// The output folder, inside the site folder: its files never rebuild.
const OUTPUT: &str = "public";

/// What the server tells the person running it (printed by `cli`).
pub(crate) trait Log: Send + Sync {
    /// A line of progress.
    fn info(&self, text: &str);
    /// A warning about how the server runs, with its severity word, in the
    /// site's language.
    fn warn(&self, text: &str);
    /// The problems of a rebuild that failed, as `ketqua check` prints them.
    fn problems(&self, text: &str);
}

/// The running server's address, once it listens.
pub(crate) struct Serving {
    pub url: String,
}

/// Serves the site until `stop` receives (or its sender is dropped). Calls
/// `listening` once the server accepts connections. Errors are for people:
/// a folder that is not a site, a port that cannot be used.
pub(crate) fn run(
    options: &ServeOptions,
    log: Arc<dyn Log>,
    listening: impl FnOnce(&Serving),
    stop: &Receiver<()>,
) -> Result<(), Msg> {
    let root = options.root.canonicalize().map_err(|err| {
        Msg::new("serve_open_failed")
            .arg("dir", options.root.display())
            .arg("err", err)
    })?;
    if !root.join("site.toml").is_file() {
        return Err(Msg::new("serve_no_site_toml").arg("dir", options.root.display()));
    }
    // Watch before the first build, so that no edit made during it is lost.
    let (events_tx, events) = mpsc::channel();
    let watcher = watch::SiteWatcher::new(&root, &root.join(OUTPUT), events_tx)?;
    let (preview, first) = Preview::new(&root, options.today, options.public);
    report(&*log, &first, &preview);
    let listener = listen(options)?;
    let addr = listener
        .local_addr()
        .map_err(|err| Msg::new("serve_no_address").arg("err", err))?;
    if !addr.ip().is_loopback() {
        let language = preview.output().language;
        log.warn(&warning(
            &Msg::new("serve_listening_open")
                .arg("ip", addr.ip())
                .text(language),
            language,
        ));
    }
    let shared = Arc::new(http::Shared::new(&root, preview.output()));
    let handler_shared = Arc::clone(&shared);
    conn::serve(
        listener,
        conn::Limits::default(),
        Arc::new(move |request| http::handle(&handler_shared, request)),
    )
    .map_err(|err| Msg::new("serve_start_failed").arg("err", err))?;
    let rebuild_shared = Arc::clone(&shared);
    let rebuild_log = Arc::clone(&log);
    std::thread::Builder::new()
        .name("ketqua-rebuild".into())
        .spawn(move || rebuild_loop(preview, watcher, &events, &rebuild_shared, &*rebuild_log))
        .map_err(|err| Msg::new("watch_start_failed").arg("err", err))?;
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    listening(&Serving {
        url: format!("http://{host}:{}/", addr.port()),
    });
    // Ctrl-C, or the caller gone: the threads end with the process.
    let _ = stop.recv();
    Ok(())
}

/// Binds the address asked for; without `--port`, the default port or the
/// next free one.
fn listen(options: &ServeOptions) -> Result<std::net::TcpListener, Msg> {
    let ports: Vec<u16> = match options.port {
        Some(port) => vec![port],
        None => (DEFAULT_PORT..DEFAULT_PORT + PORT_TRIES).collect(),
    };
    let mut last = Msg::new("serve_cannot_listen");
    for port in ports {
        let addr = SocketAddr::new(options.bind, port);
        match bind(addr) {
            Ok(listener) => return Ok(listener),
            Err(err) => {
                last = Msg::new("serve_cannot_listen")
                    .arg("addr", addr)
                    .arg("err", err)
            }
        }
    }
    Err(last)
}

/// A listening socket with Nagle's algorithm off (the sockets it accepts
/// inherit it): a response is written in two pieces (head, body), and
/// with Nagle the second response on a kept-alive connection waits for the
/// browser's delayed acknowledgement, 40 ms a file.
fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

fn rebuild_loop(
    mut preview: Preview,
    mut watcher: watch::SiteWatcher,
    events: &Receiver<watch::FileEvent>,
    shared: &http::Shared,
    log: &dyn Log,
) {
    let root = shared.root.clone();
    let output = root.join(OUTPUT);
    let saved = watcher.saved();
    loop {
        // Pages left to render after the last rebuild are rendered a few at
        // a time while no file changes: a save is never kept waiting for
        // more than a few pages.
        // Set by the watcher when it sends an event; cleared before looking,
        // so that a save made after stops the pages being rendered.
        saved.store(false, Ordering::Relaxed);
        let batch = if preview.has_pending() {
            match events.try_recv() {
                Ok(first) => watch::settled(events, first, &root, &output),
                Err(TryRecvError::Empty) => {
                    preview.settle_some(rayon::current_num_threads(), &saved);
                    shared.replace(preview.output());
                    continue;
                }
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match watch::next_batch(events, &root, &output) {
                Some(batch) => batch,
                None => return,
            }
        };
        let change = watch::classify(&root, &output, &batch);
        if change.is_empty() {
            continue;
        }
        let outcome = preview.rebuild(&change);
        shared.publish(preview.output());
        report(log, &outcome, &preview);
        if outcome.full
            && let Err(err) = watcher.watch_folders()
        {
            let language = preview.output().language;
            log.warn(&warning(&err.text(language), language));
        }
    }
}

/// A warning line: the severity word and `text`.
fn warning(text: &str, language: Language) -> String {
    format!("{}: {text}", Msg::new("severity_warning").text(language))
}

fn report(log: &dyn Log, outcome: &Outcome, preview: &Preview) {
    let ms = outcome.elapsed.as_millis();
    let language = preview.output().language;
    if !outcome.ok {
        if let Some(problems) = &preview.output().problems {
            log.problems(problems);
        }
        log.info(&Msg::new("serve_not_rebuilt").text(language));
        return;
    }
    let warnings = match outcome.warnings {
        0 => String::new(),
        1 => Msg::new("serve_warning").text(language),
        n => Msg::new("serve_warnings").arg("n", n).text(language),
    };
    let what = if outcome.full {
        "serve_built"
    } else {
        "serve_rebuilt"
    };
    log.info(
        &Msg::new(what)
            .arg("files", outcome.files)
            .arg("ms", ms)
            .arg("warnings", warnings)
            .text(language),
    );
}
