//! `ketqua-bench serve --units N`: the time from saving a unit's report to
//! the reload event reaching an open page, with `ketqua serve` on a
//! generated site of N units. The edit is timed from just before the file
//! is written to the moment the event is read from the page's stream:
//! watcher debounce, rebuild and the event itself included.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `ketqua serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The server's progress lines ("rebuilt: 4 files in 9 ms", in the
    /// site's language).
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let _ = self.child.wait();
    }
}

fn start(ketqua: &Path, site: &Path) -> Result<Server, String> {
    let mut child = Command::new(ketqua)
        .arg("-C")
        .arg(site)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start ketqua serve: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(600))
            .map_err(|_| "ketqua serve printed no address".to_string())?;
        if let Some(at) = line.find("http://127.0.0.1:") {
            let rest = &line[at + "http://127.0.0.1:".len()..];
            let port = rest[..rest.find('/').unwrap_or(rest.len())]
                .parse()
                .map_err(|_| format!("no port in {line:?}"))?;
            eprintln!(
                "ketqua serve ready in {:.1} s (first build in memory)",
                started.elapsed().as_secs_f64()
            );
            return Ok(Server { child, port, lines });
        }
    }
}

/// A page's reload stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Result<Events, String> {
        let mut stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot connect: {e}"))?;
        stream
            .write_all(b"GET /__ketqua/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(600)))
            .map_err(|e| e.to_string())?;
        let mut events = Events(BufReader::new(stream));
        events.next()?;
        Ok(events)
    }

    /// Waits for the next reload event; returns its generation.
    fn next(&mut self) -> Result<u64, String> {
        loop {
            let mut line = String::new();
            let n = self.0.read_line(&mut line).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the reload stream closed".into());
            }
            if let Some(data) = line.strip_prefix("data: ") {
                return data
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad event {line:?}"));
            }
        }
    }
}

/// Every unit's file `name` (report.md or unit.toml), sorted.
fn unit_files(site: &Path, name: &str) -> Result<Vec<PathBuf>, String> {
    let units = site.join("content/units");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&units)
        .map_err(|e| format!("{}: {e}", units.display()))?
        .filter_map(|e| e.ok().map(|e| e.path().join(name)))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The rebuild times the server printed since the last call, in ms.
fn server_times(server: &Server) -> Vec<f64> {
    server
        .lines
        .try_iter()
        .filter_map(|l| {
            // "rebuilt: 4 files in 9 ms", or in Vietnamese "… trong 9 ms".
            let after = l
                .split(" in ")
                .nth(1)
                .or_else(|| l.split(" trong ").nth(1))?;
            let ms = after.split(" ms").next()?;
            ms.trim().parse().ok()
        })
        .collect()
}

/// `text` of a report with a paragraph added, or of a unit.toml with its
/// first number figure (`actual = 12.5`, not `true` or `"7/10"`, which a
/// number would make an error) changed; `None` when a unit.toml has none.
fn edited(text: &str, k: usize, unit_toml: bool) -> Option<String> {
    if !unit_toml {
        return Some(format!(
            "{text}\nĐoạn bổ sung số {k}: công tác kiểm tra, giám sát được tăng cường.\n"
        ));
    }
    let mut from = 0;
    loop {
        let at = from + text[from..].find("\nactual = ")? + "\nactual = ".len();
        let end = at + text[at..].find('\n').unwrap_or(text.len() - at);
        if text[at..end].trim().parse::<f64>().is_ok() {
            return Some(format!("{}{}{}", &text[..at], 40 + k % 50, &text[end..]));
        }
        from = end;
    }
}

/// Edits `edits` reports (or unit.toml files) one after another and prints
/// the figures. Every file is put back as it was at the end.
pub fn run(
    ketqua: &Path,
    site: &Path,
    units: usize,
    edits: usize,
    unit_toml: bool,
    think: u64,
) -> Result<(), String> {
    let server = start(ketqua, site)?;
    let mut events = Events::open(server.port)?;
    let name = if unit_toml { "unit.toml" } else { "report.md" };
    let reports: Vec<PathBuf> = unit_files(site, name)?
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| edited(&t, 0, unit_toml).is_some()))
        .collect();
    if reports.is_empty() {
        return Err(format!("the site has no {name} to edit"));
    }
    let mut originals = Vec::new();
    let mut times = Vec::new();
    let _ = server_times(&server);
    let mut rebuilds = Vec::new();
    // Each save's time less its rebuild's, when the server printed one.
    let mut rest = Vec::new();
    for k in 0..edits {
        let path = &reports[(k * 7919) % reports.len()];
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        if !originals.iter().any(|(p, _): &(PathBuf, String)| p == path) {
            originals.push((path.clone(), text.clone()));
        }
        let edited = edited(&text, k, unit_toml).ok_or("nothing to edit")?;
        let started = Instant::now();
        std::fs::write(path, edited).map_err(|e| e.to_string())?;
        events.next()?;
        let time = started.elapsed().as_secs_f64() * 1000.0;
        times.push(time);
        // Let the server print its line, and the editor "think".
        std::thread::sleep(Duration::from_millis(think));
        let printed = server_times(&server);
        if let [rebuild] = printed.as_slice() {
            rest.push(time - rebuild);
        }
        rebuilds.extend(printed);
    }
    for (path, text) in &originals {
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    times.sort_by(f64::total_cmp);
    rebuilds.sort_by(f64::total_cmp);
    println!();
    println!("ketqua serve, {units} units: save a {name} → reload event at the page");
    println!("| | median | p90 | min | max | n |");
    println!("|---|--:|--:|--:|--:|--:|");
    println!(
        "| edit → reload event (ms) | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        times[0],
        times[times.len() - 1],
        times.len()
    );
    if !rebuilds.is_empty() {
        println!(
            "| of which the rebuild (ms) | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            percentile(&rebuilds, 0.5),
            percentile(&rebuilds, 0.9),
            rebuilds[0],
            rebuilds[rebuilds.len() - 1],
            rebuilds.len()
        );
    }
    rest.sort_by(f64::total_cmp);
    if !rest.is_empty() {
        println!(
            "| the rest: settling, the event (ms) | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            percentile(&rest, 0.5),
            percentile(&rest, 0.9),
            rest[0],
            rest[rest.len() - 1],
            rest.len()
        );
    }
    println!(
        "(the rest: the watcher takes a save 2 ms after its file is closed after writing or \
         renamed onto, after 30 ms of quiet when it cannot tell; the rebuild is printed in whole ms)"
    );
    Ok(())
}
