//! The only HTTP client that talks to the router: one plain HTTP/1.1 exchange per call to a
//! socket address (never a host name), no proxy (proxy variables are ignored), no redirects (a
//! 3xx is an error), a deadline on the whole exchange and a cap on the response size. igd-next's
//! SOAP calls run through it as its [`igd_next::aio::Provider`].
//!
//! Deliberately not the shared reqwest policy of [`crate::net::http`] (it only takes the
//! User-Agent from there): reqwest resolves names, follows redirects and pools connections, and
//! each of those would let a device on the LAN steer direkt away from the pinned gateway.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use igd_next::RequestError;

/// A whole request (connect, send, read) must finish within this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Device descriptions and SOAP answers are a few KiB; anything larger is not a router.
pub const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("timed out after {:.1} s", REQUEST_TIMEOUT.as_secs_f64())]
    Timeout,
    #[error("HTTP error: {0}")]
    Http(String),
    #[error("answer larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("bad URL `{0}`")]
    BadUrl(String),
}

/// Split `http://ip:port/path` into the socket address and the path. Host names are refused:
/// the router is always addressed by IP.
pub fn split_url(url: &str) -> Result<(SocketAddr, String), HttpError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| HttpError::BadUrl(url.into()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr: SocketAddr = match authority.parse() {
        Ok(a) => a,
        // `http://192.168.1.1/` has no port: 80.
        Err(_) => match authority
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
        {
            Ok(ip) => SocketAddr::new(ip, 80),
            Err(_) => return Err(HttpError::BadUrl(url.into())),
        },
    };
    if addr.port() == 0 {
        return Err(HttpError::BadUrl(url.into()));
    }
    Ok((addr, path.to_string()))
}

/// One exchange. Returns the status and the body (bounded by [`MAX_BODY`]).
pub async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<(StatusCode, Bytes), HttpError> {
    exchange_from(None, addr, method, path, headers, body).await
}

/// [`exchange`] from the local address `from` (IGDv2 pinholes: the router checks that the
/// request comes from the address the pinhole is for).
pub async fn exchange_from(
    from: Option<IpAddr>,
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<(StatusCode, Bytes), HttpError> {
    tokio::time::timeout(
        REQUEST_TIMEOUT,
        exchange_inner(from, addr, method, path, headers, body),
    )
    .await
    .map_err(|_| HttpError::Timeout)?
}

async fn exchange_inner(
    from: Option<IpAddr>,
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<(StatusCode, Bytes), HttpError> {
    let stream = match from {
        None => tokio::net::TcpStream::connect(addr).await?,
        Some(local) => {
            let socket = match local {
                IpAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
                IpAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
            };
            socket.bind(SocketAddr::new(local, 0))?;
            socket.connect(addr).await?
        }
    };
    // Small requests: without this, a request split over two segments waits for the delayed ACK.
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| HttpError::Http(e.to_string()))?;
    let conn = tokio::spawn(async move {
        let _ = conn.await;
    });
    let host = match addr {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    };
    let body = body.unwrap_or_default();
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("Host", host)
        .header("Connection", "close")
        .header("User-Agent", crate::net::http::USER_AGENT)
        .header("Content-Length", body.len());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| HttpError::Http(e.to_string()))?;
    let result = async {
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| HttpError::Http(e.to_string()))?;
        let status = resp.status();
        if let Some(len) = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            && len > MAX_BODY
        {
            return Err(HttpError::TooLarge);
        }
        let bytes = Limited::new(resp.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    HttpError::TooLarge
                } else {
                    HttpError::Http(e.to_string())
                }
            })?
            .to_bytes();
        Ok((status, bytes))
    }
    .await;
    conn.abort();
    result
}

/// GET a document; anything but 200 (redirects included) is an error.
pub async fn get(addr: SocketAddr, path: &str) -> Result<Bytes, HttpError> {
    let (status, body) = exchange(addr, "GET", path, &[], None).await?;
    if status != StatusCode::OK {
        return Err(HttpError::Http(format!(
            "GET {path} answered {status}{}",
            if status.is_redirection() {
                " (redirects are not followed)"
            } else {
                ""
            }
        )));
    }
    Ok(body)
}

/// POST a SOAP action; returns the body of a 200 or a 500 (UPnP faults come as 500).
pub async fn soap(url: &str, action_header: &str, body: &str) -> Result<String, HttpError> {
    soap_from(None, url, action_header, body).await
}

/// [`soap`] from the local address `from`.
pub async fn soap_from(
    from: Option<IpAddr>,
    url: &str,
    action_header: &str,
    body: &str,
) -> Result<String, HttpError> {
    let (addr, path) = split_url(url)?;
    let headers = [
        ("SOAPAction", action_header),
        ("Content-Type", "text/xml; charset=\"utf-8\""),
    ];
    let (status, bytes) =
        exchange_from(from, addr, "POST", &path, &headers, Some(body.to_string())).await?;
    if status != StatusCode::OK && status != StatusCode::INTERNAL_SERVER_ERROR {
        return Err(HttpError::Http(format!("SOAP call answered {status}")));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| HttpError::Http("answer is not UTF-8".into()))
}

/// igd-next's transport: its SOAP calls go through [`soap`].
#[derive(Debug, Clone, Copy)]
pub struct RouterHttp;

impl igd_next::aio::Provider for RouterHttp {
    fn send_async(
        url: &str,
        action: &str,
        body: &str,
    ) -> impl Future<Output = Result<String, RequestError>> + Send {
        let (url, action, body) = (url.to_string(), action.to_string(), body.to_string());
        async move {
            soap(&url, &action, &body).await.map_err(|e| match e {
                HttpError::Io(io) => RequestError::IoError(io),
                HttpError::Timeout => RequestError::IoError(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the router did not answer in time",
                )),
                other => RequestError::InvalidResponse(other.to_string()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_an_ip_address() {
        let (a, p) = split_url("http://192.168.77.1:5000/rootDesc.xml").unwrap();
        assert_eq!(
            (a.to_string().as_str(), p.as_str()),
            ("192.168.77.1:5000", "/rootDesc.xml")
        );
        let (a, p) = split_url("http://192.168.77.1").unwrap();
        assert_eq!((a.port(), p.as_str()), (80, "/"));
        let (a, _) = split_url("http://[2001:db8::1]:5000/x").unwrap();
        assert_eq!(a.port(), 5000);
        assert!(split_url("http://router.lan:5000/x").is_err());
        assert!(split_url("https://192.168.77.1/x").is_err());
        assert!(split_url("http://192.168.77.1:0/x").is_err());
    }

    /// A local server that sends a redirect and one that sends too much: both refused.
    #[tokio::test]
    async fn redirects_and_oversized_answers_are_refused() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            for answer in [
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n"
                    .to_string(),
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
                    MAX_BODY + 1,
                    "x".repeat(MAX_BODY + 1)
                ),
                "HTTP/1.1 200 OK\r\n\r\n".to_string() + &"y".repeat(MAX_BODY + 10),
            ] {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.shutdown().await;
            }
        });
        let e = get(addr, "/").await.unwrap_err();
        assert!(e.to_string().contains("redirects are not followed"), "{e}");
        assert!(matches!(get(addr, "/").await, Err(HttpError::TooLarge)));
        assert!(matches!(get(addr, "/").await, Err(HttpError::TooLarge)));
        server.await.unwrap();
    }
}
