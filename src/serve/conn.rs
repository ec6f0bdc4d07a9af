//! Connections with limits: the listening loop, a fixed pool of workers, a
//! cap on open connections, request heads read with a size cap and an idle
//! timeout. What a request asks for is [`super::http`]'s business.
//!
//! Every connection answers one request and is closed (`Connection:
//! close`), but for the reload streams, which `http` hands to threads of
//! their own, capped apart. So the threads are bounded (workers + reload
//! streams + the accepting one), and so is memory (each connection waiting
//! holds a socket; a head is at most [`Limits::head`] bytes).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The limits of the preview server (documented in README, "Previewing").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Threads answering requests.
    pub workers: usize,
    /// Connections open at once, waiting or being answered (reload streams
    /// apart): beyond, a new one is answered 503 and closed.
    pub connections: usize,
    /// Bytes of a request line and its headers: beyond, 414 (a request line
    /// this long) or 431 (headers).
    pub head: usize,
    /// A connection that sends no complete request head in this time is
    /// closed (408); so is one that takes longer to read an answer.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            workers: 32,
            connections: 256,
            head: 16 * 1024,
            idle: Duration::from_secs(5),
        }
    }
}

/// A request whose head was read: its method, its target, and the
/// connection to answer on.
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) url: String,
    stream: TcpStream,
    /// Held while the connection counts as open (see [`Limits::connections`]).
    slot: Slot,
}

impl Request {
    /// The connection, for the answer; it no longer counts against the
    /// open connections (a reload stream is capped apart).
    pub(crate) fn into_stream(self) -> TcpStream {
        drop(self.slot);
        self.stream
    }

    pub(crate) fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// One open connection, counted until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections on `listener` for good, handing each request to
/// `handle` on one of `limits.workers` threads. Returns only when a thread
/// cannot be started.
pub(crate) fn serve(
    listener: TcpListener,
    limits: Limits,
    handle: Arc<dyn Fn(Request) + Send + Sync>,
) -> std::io::Result<()> {
    let open = Arc::new(AtomicUsize::new(0));
    let (tx, rx): (SyncSender<(TcpStream, Slot)>, Receiver<_>) =
        mpsc::sync_channel(limits.connections);
    let rx = Arc::new(Mutex::new(rx));
    for n in 0..limits.workers {
        let rx = Arc::clone(&rx);
        let handle = Arc::clone(&handle);
        std::thread::Builder::new()
            .name(format!("ketqua-http-{n}"))
            .spawn(move || work(&rx, limits, &*handle))?;
    }
    std::thread::Builder::new()
        .name("ketqua-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if open.fetch_add(1, Ordering::SeqCst) >= limits.connections {
                    open.fetch_sub(1, Ordering::SeqCst);
                    busy(stream);
                    continue;
                }
                let slot = Slot(Arc::clone(&open));
                match tx.try_send((stream, slot)) {
                    Ok(()) => {}
                    Err(TrySendError::Full((stream, slot))) => {
                        drop(slot);
                        busy(stream);
                    }
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
        })?;
    Ok(())
}

/// A worker: reads each waiting connection's request head and hands the
/// request on.
fn work(rx: &Mutex<Receiver<(TcpStream, Slot)>>, limits: Limits, handle: &dyn Fn(Request)) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((stream, slot)) = next else { return };
        // A socket that cannot take a timeout is not served: it could hold
        // this worker for good.
        let timed = stream
            .set_read_timeout(Some(limits.idle))
            .and_then(|()| stream.set_write_timeout(Some(limits.idle)));
        if timed.is_err() {
            continue;
        }
        match read_head(&stream, limits.head) {
            Ok((method, url)) => handle(Request {
                method,
                url,
                stream,
                slot,
            }),
            Err(Refused::Closed) => {}
            Err(Refused::Status(status, text)) => refuse(stream, status, text),
        }
    }
}

/// Why a request head is not served.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    /// The client closed the connection, or sent nothing in time: nothing
    /// to answer, or no one listening.
    Closed,
    /// Answered with this status and text.
    Status(u16, &'static str),
}

/// Reads a request head (request line and headers) of at most `cap` bytes;
/// returns the method and the target.
fn read_head(mut stream: &TcpStream, cap: usize) -> Result<(String, String), Refused> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Err(Refused::Closed),
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(if head.is_empty() {
                    Refused::Closed
                } else {
                    Refused::Status(408, "Request timeout\n")
                });
            }
            Err(_) => return Err(Refused::Closed),
        };
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find(&head[from..], b"\r\n\r\n").map(|at| from + at) {
            if end + 4 > cap {
                return Err(too_large(&head, cap));
            }
            return parse_line(&head[..end]);
        }
        if head.len() > cap {
            return Err(too_large(&head, cap));
        }
    }
}

/// 414 when the request line alone passes the cap, else 431.
fn too_large(head: &[u8], cap: usize) -> Refused {
    let line = find(head, b"\r\n").unwrap_or(head.len());
    if line > cap {
        Refused::Status(414, "Request line too long\n")
    } else {
        Refused::Status(431, "Request headers too large\n")
    }
}

/// The method and target of a request line ("GET /x.html HTTP/1.1").
fn parse_line(head: &[u8]) -> Result<(String, String), Refused> {
    let line = &head[..find(head, b"\r\n").unwrap_or(head.len())];
    let line = std::str::from_utf8(line).map_err(|_| Refused::Status(400, "Bad request\n"))?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(url), Some(version), None)
            if !method.is_empty() && !url.is_empty() && version.starts_with("HTTP/1.") =>
        {
            Ok((method.to_string(), url.to_string()))
        }
        _ => Err(Refused::Status(400, "Bad request\n")),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Answers 503 to a connection beyond the cap, at once: the accepting
/// thread does not wait for it.
fn busy(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write_all(&response_head(503, TOO_MANY.len()));
    let _ = (&stream).write_all(TOO_MANY.as_bytes());
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

const TOO_MANY: &str = "Too many connections\n";

fn response_head(status: u16, len: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        reason(status)
    )
    .into_bytes()
}

/// Answers `status` with `text` and closes the connection (a worker's
/// refusal of a request head).
fn refuse(mut stream: TcpStream, status: u16, text: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let _ = stream
        .write_all(&response_head(status, text.len()))
        .and_then(|()| stream.write_all(text.as_bytes()))
        .and_then(|()| stream.flush());
    // Closed with unread bytes, a socket is reset, and the client may lose
    // the answer: what it still sends is read first, a bounded amount.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 4096];
    for _ in 0..64 {
        if !matches!(stream.read(&mut buf), Ok(n) if n > 0) {
            break;
        }
    }
}

/// The reason phrase of the statuses the server sends.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_line_is_parsed() {
        assert_eq!(
            parse_line(b"GET /a%20b.html HTTP/1.1\r\nHost: x"),
            Ok(("GET".into(), "/a%20b.html".into()))
        );
        assert_eq!(
            parse_line(b"GET /a b HTTP/1.1"),
            Err(Refused::Status(400, "Bad request\n"))
        );
        assert_eq!(
            parse_line(b"GET"),
            Err(Refused::Status(400, "Bad request\n"))
        );
    }

    #[test]
    fn a_long_request_line_is_414_and_long_headers_431() {
        let long_line = format!("GET /{} HTTP/1.1\r\n", "a".repeat(100));
        assert_eq!(
            too_large(long_line.as_bytes(), 50),
            Refused::Status(414, "Request line too long\n")
        );
        let long_headers = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(100));
        assert_eq!(
            too_large(long_headers.as_bytes(), 50),
            Refused::Status(431, "Request headers too large\n")
        );
        // A request line that passes the cap before its end is in.
        assert_eq!(
            too_large(
                "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".as_bytes(),
                10
            ),
            Refused::Status(414, "Request line too long\n")
        );
    }
}
