//! The probe server on loopback: address echo, every connect-back kind, connecting back only to
//! the requester, allowed ports, and a bounded flood. All traffic stays on 127.0.0.0/8.

mod support;

use std::net::{IpAddr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, UdpSocket};

/// A probe server process, killed by PID when dropped.
struct Probe {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port(ip: &str) -> u16 {
    std::net::TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_probe(extra: &[&str]) -> Probe {
    let port = free_port("127.0.0.1");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(support::bin())
        .args(["probe-server", "--listen", &addr.to_string()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let p = Probe { child, addr };
    let t0 = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "probe server did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    p
}

/// One HTTP/1.1 request from a chosen loopback source address; returns (status, headers, body).
async fn http(
    probe: SocketAddr,
    from: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String, String) {
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut s = sock.connect(probe).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = vec![];
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("probe answered in time")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head[9..12].parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn answers_the_address_and_connects_back_for_every_kind() {
    let probe = start_probe(&[]);
    rt().block_on(async {
        let (st, _, body) = http(probe.addr, "127.0.0.1", "GET", "/v1/ip", "").await;
        assert_eq!(st, 200);
        assert_eq!(json(&body)["address"], "127.0.0.1");

        // tcp: open, then refused.
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let accept = tokio::spawn(async move { l.accept().await.map(|(_, a)| a) });
        let (st, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "POST",
            "/v1/check",
            &format!(r#"{{"kind":"tcp","port":{port}}}"#),
        )
        .await;
        assert_eq!(st, 200, "{body}");
        let v = json(&body);
        assert_eq!(v["outcome"], "open", "{v}");
        assert_eq!(v["address"], "127.0.0.1");
        accept.await.unwrap().unwrap();
        let closed = free_port("127.0.0.1");
        let (_, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "POST",
            "/v1/check",
            &format!(r#"{{"kind":"tcp","port":{closed}}}"#),
        )
        .await;
        assert_eq!(json(&body)["outcome"], "refused", "{body}");

        // http with a nonce: the right answer is open, another program's answer is other-host.
        for (served, want) in [("NONCE123", "open"), ("something else", "other-host")] {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port();
            let served = served.to_string();
            tokio::spawn(async move {
                let (mut s, _) = l.accept().await.unwrap();
                let mut buf = [0u8; 1024];
                let n = s.read(&mut buf).await.unwrap();
                let req = String::from_utf8_lossy(&buf[..n]).into_owned();
                assert!(
                    req.starts_with("GET /.well-known/direkt-probe/NONCE123 "),
                    "{req}"
                );
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{served}",
                    served.len()
                );
                s.write_all(resp.as_bytes()).await.unwrap();
            });
            let (_, _, body) = http(
                probe.addr,
                "127.0.0.1",
                "POST",
                "/v1/check",
                &format!(r#"{{"kind":"http","port":{port},"nonce":"NONCE123"}}"#),
            )
            .await;
            let v = json(&body);
            assert_eq!(v["outcome"], want, "{v}");
            assert_eq!(v["http_status"], 200, "{v}");
        }

        // udp echo.
        let u = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = u.local_addr().unwrap().port();
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let (n, from) = u.recv_from(&mut buf).await.unwrap();
            u.send_to(&buf[..n], from).await.unwrap();
        });
        let (_, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "POST",
            "/v1/check",
            &format!(r#"{{"kind":"udp","port":{port},"nonce":"u1"}}"#),
        )
        .await;
        assert_eq!(json(&body)["outcome"], "open", "{body}");

        // tls: a non-TLS listener is an error, not open.
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let _ = s.write_all(b"SSH-2.0-not-tls\r\n").await;
        });
        let (_, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "POST",
            "/v1/check",
            &format!(r#"{{"kind":"tls","port":{port},"sni":"box.example.test"}}"#),
        )
        .await;
        assert_eq!(json(&body)["outcome"], "error", "{body}");
    });
}

#[test]
fn connects_only_to_the_requester() {
    let probe = start_probe(&[]);
    rt().block_on(async {
        // A request naming another target is refused by the API itself.
        for extra in ["target", "address", "host", "ip"] {
            let (st, _, body) = http(
                probe.addr,
                "127.0.0.1",
                "POST",
                "/v1/check",
                &format!(r#"{{"kind":"tcp","port":443,"{extra}":"127.0.0.2"}}"#),
            )
            .await;
            assert_eq!(st, 400, "{body}");
            assert!(body.contains("unknown field"), "{body}");
        }
        // A listener on 127.0.0.2 must never see a connection caused by a request from
        // 127.0.0.3: the probe connects back to 127.0.0.3, and only there.
        let other = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let port = other.local_addr().unwrap().port();
        let (_, _, body) = http(
            probe.addr,
            "127.0.0.3",
            "POST",
            "/v1/check",
            &format!(r#"{{"kind":"tcp","port":{port}}}"#),
        )
        .await;
        let v = json(&body);
        assert_eq!(v["address"], "127.0.0.3", "{v}");
        assert_eq!(v["outcome"], "refused", "{v}");
        let got = tokio::time::timeout(Duration::from_millis(300), other.accept()).await;
        assert!(got.is_err(), "the probe connected to another address");

        // Ports outside the allowed list are refused before any connection.
        let (st, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "POST",
            "/v1/check",
            r#"{"kind":"tcp","port":22}"#,
        )
        .await;
        assert_eq!(st, 400);
        assert!(body.contains("not allowed"), "{body}");
    });
}

fn rss_kb(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn survives_a_flood_with_bounded_memory_and_answers_the_rate_limit() {
    let probe = start_probe(&["--rate", "60", "--burst", "20", "--max-connections", "64"]);
    let pid = probe.child.id();
    rt().block_on(async {
        // 1. A bounded burst of requests from one source: the first 20 pass, then 429 with
        //    Retry-After, as JSON.
        let mut limited = 0;
        let mut ok = 0;
        for _ in 0..60 {
            let (st, head, body) = http(probe.addr, "127.0.0.5", "GET", "/v1/ip", "").await;
            match st {
                200 => ok += 1,
                429 => {
                    limited += 1;
                    assert!(head.to_ascii_lowercase().contains("retry-after:"), "{head}");
                    assert!(json(&body)["error"].as_str().unwrap().contains("rate limited"));
                }
                other => panic!("unexpected status {other}: {body}"),
            }
        }
        assert!((20..=22).contains(&ok), "ok={ok}");
        assert_eq!(ok + limited, 60);

        // 2. Many idle connections at once (more than --max-connections) and many sources:
        //    the server keeps its memory and still answers afterwards.
        let opens = (0..300u32).map(|i| async move {
            let src = format!("127.1.{}.{}", i / 250, 1 + i % 250);
            let sock = TcpSocket::new_v4().unwrap();
            sock.bind(format!("{src}:0").parse().unwrap()).unwrap();
            match tokio::time::timeout(Duration::from_millis(500), sock.connect(probe.addr)).await {
                Ok(Ok(mut s)) => {
                    let _ = s.write_all(b"GET /v1/ip HTTP/1.1\r\nHost: x\r\n").await;
                    Some(s)
                }
                _ => None,
            }
        });
        let idle: Vec<_> = futures_util::future::join_all(opens).await;
        assert!(idle.iter().filter(|s| s.is_some()).count() > 64, "the flood did not happen");
        let checks: Vec<_> = (0..200u32)
            .map(|i| {
                let from = format!("127.2.{}.{}", i / 250, 1 + i % 250);
                let addr = probe.addr;
                tokio::spawn(async move {
                    let sock = TcpSocket::new_v4().unwrap();
                    sock.bind(format!("{from}:0").parse().unwrap()).unwrap();
                    if let Ok(Ok(mut s)) =
                        tokio::time::timeout(Duration::from_millis(500), sock.connect(addr)).await
                    {
                        let body = r#"{"kind":"tcp","port":9}"#;
                        let _ = s
                            .write_all(
                                format!("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}", body.len())
                                    .as_bytes(),
                            )
                            .await;
                    }
                })
            })
            .collect();
        for c in checks {
            let _ = c.await;
        }
        let rss = rss_kb(pid);
        assert!(rss < 64 * 1024, "probe server RSS {rss} kB under the flood");
        drop(idle);
        // Still serving: a fresh source gets its address.
        let t0 = Instant::now();
        loop {
            let from: IpAddr = "127.0.0.9".parse().unwrap();
            let r = tokio::time::timeout(
                Duration::from_secs(2),
                http(probe.addr, &from.to_string(), "GET", "/v1/ip", ""),
            )
            .await;
            if let Ok((200, _, body)) = r {
                assert_eq!(json(&body)["address"], "127.0.0.9");
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(10), "probe server stopped answering");
        }
    });
    assert!(
        std::fs::metadata(format!("/proc/{pid}")).is_ok(),
        "probe server died"
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let env = support::Env::new();
    env.run(&[
        "probe-server",
        "--listen",
        "127.0.0.1:1",
        "--allow-ports",
        "0",
    ])
    .code(2);
    env.run(&[
        "probe-server",
        "--listen",
        "127.0.0.1:1",
        "--check-timeout",
        "0s",
    ])
    .code(2)
    .stderr_has("--check-timeout");
}

/// One source holding 300 slow connections (headers never finished) cannot make another source
/// wait: it gets its share (16), the rest are answered 429 and closed at once; a second source's
/// requests are all answered within 500 ms meanwhile. Error answers say `Connection: close`.
#[test]
fn one_slow_source_cannot_delay_another() {
    let probe = start_probe(&[]);
    rt().block_on(async {
        let opens = (0..300u32).map(|_| async move {
            let sock = TcpSocket::new_v4().unwrap();
            sock.bind("127.0.0.7:0".parse().unwrap()).unwrap();
            match tokio::time::timeout(Duration::from_secs(2), sock.connect(probe.addr)).await {
                Ok(Ok(mut s)) => {
                    let _ = s.write_all(b"GET /v1/ip HTTP/1.1\r\nHost: x\r\n").await;
                    Some(s)
                }
                _ => None,
            }
        });
        let mut slow: Vec<_> = futures_util::future::join_all(opens).await;
        assert!(
            slow.iter().filter(|s| s.is_some()).count() >= 250,
            "the flood did not happen"
        );
        // Those over the share were answered 429 with Connection: close and closed.
        let mut refused = 0;
        for s in slow.iter_mut().flatten() {
            let mut buf = vec![0u8; 512];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(20), s.read(&mut buf)).await
                && n > 0
            {
                let head = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
                assert!(head.starts_with("http/1.1 429"), "{head}");
                assert!(head.contains("connection: close"), "{head}");
                refused += 1;
            }
        }
        assert!(refused >= 250, "only {refused} of the flood were refused");
        let mut worst = Duration::ZERO;
        for _ in 0..20 {
            let t = Instant::now();
            let (st, _, body) = tokio::time::timeout(
                Duration::from_secs(2),
                http(probe.addr, "127.0.0.8", "GET", "/v1/ip", ""),
            )
            .await
            .expect("the other source was not answered within 2 s");
            assert_eq!(st, 200, "{body}");
            worst = worst.max(t.elapsed());
        }
        assert!(
            worst < Duration::from_millis(500),
            "slowest answer {worst:?}"
        );
        // A rate-limited answer ends the connection and says so.
        let mut head429 = String::new();
        for _ in 0..40 {
            let (st, head, _) = http(probe.addr, "127.0.0.8", "GET", "/v1/ip", "").await;
            if st == 429 {
                head429 = head.to_ascii_lowercase();
                break;
            }
        }
        assert!(head429.contains("connection: close"), "{head429}");
        drop(slow);
    });
}

/// echoip's port check (`GET /port/N`, as ifconfig.co answers it): the requester's own address
/// on TCP port N, `reachable` true or false, echoip's error shape for a bad port, and only ever
/// the requester.
#[test]
fn answers_echoips_port_check_for_the_requester_only() {
    let probe = start_probe(&[]);
    rt().block_on(async {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let accept = tokio::spawn(async move { l.accept().await.map(|(_, a)| a) });
        let (st, head, body) =
            http(probe.addr, "127.0.0.1", "GET", &format!("/port/{port}"), "").await;
        assert_eq!(st, 200, "{body}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{head}"
        );
        assert_eq!(
            json(&body),
            serde_json::json!({"ip": "127.0.0.1", "port": port, "reachable": true})
        );
        accept.await.unwrap().unwrap();
        let closed = free_port("127.0.0.1");
        let (_, _, body) = http(
            probe.addr,
            "127.0.0.1",
            "GET",
            &format!("/port/{closed}"),
            "",
        )
        .await;
        assert_eq!(json(&body)["reachable"], false, "{body}");
        // Not a port: echoip's 400 with its words.
        for bad in ["foo", "0", "65536"] {
            let (st, _, body) =
                http(probe.addr, "127.0.0.1", "GET", &format!("/port/{bad}"), "").await;
            assert_eq!(st, 400, "{body}");
            assert_eq!(
                json(&body),
                serde_json::json!({"status": 400, "error": format!("invalid port: {bad}")})
            );
        }
        // A port outside the allowed list is refused before any connection.
        let (st, _, body) = http(probe.addr, "127.0.0.1", "GET", "/port/22", "").await;
        assert_eq!(st, 400, "{body}");
        assert!(
            json(&body)["error"]
                .as_str()
                .unwrap()
                .contains("not allowed"),
            "{body}"
        );
        // A request from 127.0.0.3 is answered for 127.0.0.3; the listener on 127.0.0.2 never
        // sees a connection.
        let other = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let port = other.local_addr().unwrap().port();
        let (_, _, body) = http(probe.addr, "127.0.0.3", "GET", &format!("/port/{port}"), "").await;
        let v = json(&body);
        assert_eq!(
            (v["ip"].as_str(), v["reachable"].as_bool()),
            (Some("127.0.0.3"), Some(false)),
            "{v}"
        );
        let got = tokio::time::timeout(Duration::from_millis(300), other.accept()).await;
        assert!(got.is_err(), "the port check connected to another address");
    });
}
