//! A small HTTP/1 server answering the caller's address: `GET /v1/ip` as JSON
//! `{"address": "...", "port": N}`, `GET /` as plain text. Bounded: a cap on concurrent
//! connections, a header-read timeout and a whole-connection timeout.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::{Context, Result};

/// Limits that keep one probe server small whatever clients do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub connection_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            header_timeout: Duration::from_secs(5),
            connection_timeout: Duration::from_secs(30),
        }
    }
}

/// The answer to one request from `peer`.
pub fn respond(method: &Method, path: &str, peer: SocketAddr) -> Response<Full<Bytes>> {
    let (status, ctype, body) = match (method, path) {
        (&Method::GET, "/v1/ip") => (
            StatusCode::OK,
            "application/json",
            serde_json::json!({ "address": peer.ip().to_canonical().to_string(), "port": peer.port() })
                .to_string(),
        ),
        (&Method::GET, "/") => (
            StatusCode::OK,
            "text/plain; charset=utf-8",
            format!("{}\n", peer.ip().to_canonical()),
        ),
        (&Method::GET, _) => (
            StatusCode::NOT_FOUND,
            "application/json",
            r#"{"error":"not found"}"#.to_string(),
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            "application/json",
            r#"{"error":"method not allowed"}"#.to_string(),
        ),
    };
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(ctype));
    resp
}

/// Bind every address, then serve until the process ends.
pub async fn serve(listen: &[SocketAddr], limits: Limits) -> Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut tasks = tokio::task::JoinSet::new();
    for addr in listen {
        let listener = TcpListener::bind(addr)
            .await
            .failed(|| format!("binding {addr}"))?;
        tracing::info!(%addr, "probe server listening");
        tasks.spawn(accept_loop(listener, permits.clone(), limits));
    }
    while let Some(r) = tasks.join_next().await {
        r.failed(|| "probe server task".into())?;
    }
    Ok(())
}

async fn accept_loop(listener: TcpListener, permits: Arc<Semaphore>, limits: Limits) {
    loop {
        // Wait for a free slot before accepting: excess clients queue in the kernel backlog.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::debug!(%e, "accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req: Request<Incoming>| async move {
                Ok::<_, Infallible>(respond(req.method(), req.uri().path(), peer))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(16 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(limits.connection_timeout, conn).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_the_peer_address() {
        let peer: SocketAddr = "203.0.113.2:40000".parse().unwrap();
        let r = respond(&Method::GET, "/v1/ip", peer);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        let r = respond(&Method::POST, "/v1/ip", peer);
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            respond(&Method::GET, "/x", peer).status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn serves_json_and_text_over_loopback() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let permits = Arc::new(Semaphore::new(4));
            tokio::spawn(accept_loop(listener, permits, Limits::default()));
            for (path, want) in [
                ("/v1/ip", "\"address\":\"127.0.0.1\""),
                ("/", "127.0.0.1\n"),
            ] {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
                let local = s.local_addr().unwrap();
                s.write_all(
                    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .await
                .unwrap();
                let mut out = String::new();
                s.read_to_string(&mut out).await.unwrap();
                assert!(out.starts_with("HTTP/1.1 200"), "{out}");
                assert!(out.contains(want), "{out}");
                if path == "/v1/ip" {
                    assert!(out.contains(&format!("\"port\":{}", local.port())), "{out}");
                }
            }
        });
    }
}
