//! A tiny HTTP/1.1 server on 127.0.0.1 for fakes of closed provider APIs (dyndns2, Cloudflare,
//! deSEC, DuckDNS) and address echoes. Every request is recorded; a handler decides the answer.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// A query parameter, percent-decoded.
    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k) == key).then(|| decode(v))
        })
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(h, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn text(status: u16, body: &str) -> Resp {
        Resp {
            status,
            body: body.into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
        }
    }
    pub fn json(status: u16, body: serde_json::Value) -> Resp {
        Resp {
            status,
            body: body.to_string(),
            headers: vec![("Content-Type".into(), "application/json".into())],
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Req) -> Resp + Send + Sync;

pub struct FakeHttp {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeHttp {
    pub fn start(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> FakeHttp {
        FakeHttp::start_at("127.0.0.1:0", handler)
    }

    /// Listening on `bind` (e.g. a lab service address, from inside its namespace).
    pub fn start_at(
        bind: &str,
        handler: impl Fn(&Req) -> Resp + Send + Sync + 'static,
    ) -> FakeHttp {
        let listener = TcpListener::bind(bind).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(vec![]));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (r, s) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let _ = serve(conn, &*handler, &r);
            }
        });
        FakeHttp {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
    pub fn all(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
    pub fn last(&self) -> Req {
        self.all().pop().expect("the fake got no request")
    }
}

impl Drop for FakeHttp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop; a fake in another network namespace cannot be reached from
        // here, so its thread is left to end with the process.
        let woke = self.addr.ip().is_loopback()
            && TcpStream::connect_timeout(&self.addr, Duration::from_millis(500)).is_ok();
        if let Some(t) = self.thread.take()
            && woke
        {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, handler: &Handler, log: &Mutex<Vec<Req>>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(());
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = vec![];
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let req = Req {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let resp = handler(&req);
    log.lock().unwrap().push(req);
    let mut out = conn;
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(resp.body.as_bytes())?;
    out.flush()
}

/// A probe server (`GET /v1/ip`) and an echo that both claim the caller is `address`.
pub struct FakeSources {
    pub probe: FakeHttp,
    pub echo: FakeHttp,
}

impl FakeSources {
    pub fn saying(probe_says: &str, echo_says: &str) -> FakeSources {
        let p = probe_says.to_string();
        let e = echo_says.to_string();
        FakeSources {
            probe: FakeHttp::start(move |r| {
                if r.path() == "/v1/ip" {
                    Resp::json(200, serde_json::json!({"address": p, "port": 40000}))
                } else {
                    Resp::text(404, "not found")
                }
            }),
            echo: FakeHttp::start(move |_| Resp::text(200, &format!("{e}\n"))),
        }
    }

    /// The `[ip]` section pointing at these fakes (IPv4 only, quorum 2, lab ranges public).
    pub fn ip_section(&self) -> String {
        format!(
            "[ip]\nipv4 = true\nipv6 = false\nquorum = 2\ngateway = false\nstun = []\n\
             probe = [\"{}\"]\necho = [\"{}/ip\"]\n\
             public_prefixes = [\"203.0.113.0/24\", \"198.51.100.0/24\"]\n",
            self.probe.url(),
            self.echo.url()
        )
    }
}
