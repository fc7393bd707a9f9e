//! The probe server's fairness in the lab (#20): the lab's probe server (198.51.100.80 in the
//! inet namespace) while one source, the box behind the router's NAT (seen as 203.0.113.2),
//! holds 300 slow connections and floods it with requests; another source, 203.0.113.1 (the
//! ISP's address, a client in the inet namespace), is answered within 500 ms every time.
//! Needs root (ignored without it, failing under CI). Traffic stays inside the lab.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use support::lab::Lab;

const PROBE: &str = "198.51.100.80:80";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One `GET /v1/ip` on a new connection (from `bind`, when given); the status and the time
/// the whole answer took.
async fn get_ip(bind: Option<&str>) -> std::io::Result<(u16, String, Duration)> {
    let probe: SocketAddr = PROBE.parse().unwrap();
    let t = Instant::now();
    let sock = TcpSocket::new_v4()?;
    if let Some(b) = bind {
        sock.bind(format!("{b}:0").parse().unwrap())?;
    }
    let mut s = sock.connect(probe).await?;
    s.write_all(b"GET /v1/ip HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
        .await?;
    let mut out = vec![];
    s.read_to_end(&mut out).await?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((status, text, t.elapsed()))
}

/// In the box: 300 connections that never finish their headers, then a request flood of 8
/// parallel loops (each bounded in count) until `stop`; the slow connections are held until
/// then too. Returns (slow connections opened, flood requests answered 429).
fn flood_from_box(
    lab: &Lab,
    ready: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(usize, u32)> {
    let ns = lab.ns("box");
    std::thread::spawn(move || {
        direkt::lab::netns::run_in(&ns, move || {
            Ok(rt().block_on(async move {
                let probe: SocketAddr = PROBE.parse().unwrap();
                let opens = (0..300u32).map(|_| async move {
                    let s = tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(probe))
                        .await;
                    match s {
                        Ok(Ok(mut s)) => {
                            let _ = s.write_all(b"GET /v1/ip HTTP/1.1\r\nHost: x\r\n").await;
                            Some(s)
                        }
                        _ => None,
                    }
                });
                let slow: Vec<_> = futures_util::future::join_all(opens).await;
                let opened = slow.iter().filter(|s| s.is_some()).count();
                let limited = Arc::new(AtomicU32::new(0));
                let loops = (0..8).map(|_| {
                    let stop = stop.clone();
                    let limited = limited.clone();
                    async move {
                        for _ in 0..500 {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            if let Ok(Ok((429, _, _))) =
                                tokio::time::timeout(Duration::from_secs(2), get_ip(None)).await
                            {
                                limited.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                });
                ready.store(true, Ordering::Relaxed);
                futures_util::future::join_all(loops).await;
                while !stop.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                drop(slow);
                (opened, limited.load(Ordering::Relaxed))
            }))
        })
        .expect("flood in the box")
    })
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn one_source_holding_300_slow_connections_and_flooding_cannot_delay_another() {
    let lab = Lab::up("direct");
    let ready = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let flood = flood_from_box(&lab, ready.clone(), stop.clone());
    let t0 = Instant::now();
    while !ready.load(Ordering::Relaxed) {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the flood did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    // Another source: 203.0.113.1, while the flood goes on.
    let times = lab.in_ns("inet", move || {
        rt().block_on(async {
            let mut out = vec![];
            for _ in 0..20 {
                let r = tokio::time::timeout(Duration::from_secs(3), get_ip(Some("203.0.113.1")))
                    .await
                    .expect("the other source was not answered within 3 s")
                    .expect("the other source's request failed");
                out.push(r);
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            out
        })
    });
    stop.store(true, Ordering::Relaxed);
    let (opened, limited) = flood.join().expect("the flood thread");

    assert!(
        opened >= 250,
        "the slow flood did not happen: {opened} connections"
    );
    assert!(limited > 0, "the request flood was never rate-limited");
    let worst = times.iter().map(|(_, _, d)| *d).max().unwrap();
    eprintln!(
        "slow connections held: {opened}; flood answers 429: {limited}; the other source's \
         slowest answer: {worst:?}"
    );
    for (status, text, _) in &times {
        assert_eq!(*status, 200, "{text}");
        assert!(text.contains("203.0.113.1"), "{text}");
    }
    assert!(
        worst < Duration::from_millis(500),
        "the other source waited {worst:?} (target: every answer within 500 ms)"
    );
}
