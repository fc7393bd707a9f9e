//! Challenge responders: HTTP-01 standalone (a short-lived server on port 80, IPv4 and IPv6),
//! HTTP-01 webroot (files in a running web server's document root), TLS-ALPN-01 (a TLS
//! server on port 443 answering `acme-tls/1` with the acmeIdentifier certificate).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";
/// A validation connection that has not finished by then is dropped.
const CONN_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a responder could not listen.
#[derive(Debug)]
pub struct BindError {
    pub port: u16,
    pub in_use: bool,
    pub denied: bool,
    pub detail: String,
}

impl BindError {
    pub fn to_error(&self, what: &str) -> Error {
        let msg = if self.in_use {
            format!(
                "cannot answer {what}: port {} is in use by another program",
                self.port
            )
        } else if self.denied {
            format!(
                "cannot answer {what}: not allowed to listen on port {} ({})",
                self.port, self.detail
            )
        } else {
            format!(
                "cannot answer {what}: cannot listen on port {}: {}",
                self.port, self.detail
            )
        };
        let hint = if self.in_use && self.port == 80 {
            "a web server already runs there: set [cert] webroot = \"/its/document/root\", or \
             use tls-alpn-01 or dns-01 in [cert] challenges"
        } else if self.in_use {
            "stop the program on that port while issuing, or use http-01 or dns-01 in [cert] \
             challenges"
        } else {
            "run as root (or grant CAP_NET_BIND_SERVICE), or use dns-01 in [cert] challenges"
        };
        Error::failed(msg).hint(hint)
    }
}

/// Listen on `[::]:port` (dual-stack where the system allows) and on `0.0.0.0:port` when the
/// IPv6 socket does not take IPv4 too.
async fn bind_dual(port: u16) -> std::result::Result<Vec<TcpListener>, BindError> {
    let err = |e: std::io::Error| BindError {
        port,
        in_use: e.kind() == std::io::ErrorKind::AddrInUse,
        denied: e.kind() == std::io::ErrorKind::PermissionDenied,
        detail: e.to_string(),
    };
    let mut out = vec![];
    match TcpListener::bind(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))).await {
        Ok(l) => out.push(l),
        // No IPv6 on this system: IPv4 only.
        Err(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => {}
        Err(e) => return Err(err(e)),
    }
    match TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))).await {
        Ok(l) => out.push(l),
        // The IPv6 socket is dual-stack and has IPv4 already.
        Err(e) if !out.is_empty() && e.kind() == std::io::ErrorKind::AddrInUse => {}
        Err(e) => return Err(err(e)),
    }
    Ok(out)
}

async fn bind_addrs(addrs: &[SocketAddr]) -> std::result::Result<Vec<TcpListener>, BindError> {
    let mut out = vec![];
    for a in addrs {
        out.push(TcpListener::bind(a).await.map_err(|e| BindError {
            port: a.port(),
            in_use: e.kind() == std::io::ErrorKind::AddrInUse,
            denied: e.kind() == std::io::ErrorKind::PermissionDenied,
            detail: e.to_string(),
        })?);
    }
    Ok(out)
}

/// Aborts its tasks when dropped, so a responder never outlives the issuance.
struct Tasks(Vec<JoinHandle<()>>);

impl Tasks {
    /// Abort the tasks and wait until each is gone, its listener closed: a drop only asks for
    /// that, and the port stays bound until the runtime gets to it, so a second responder on
    /// the same port in the same run would find it "in use".
    async fn stop(mut self) {
        let handles = std::mem::take(&mut self.0);
        for t in &handles {
            t.abort();
        }
        for t in handles {
            let _ = t.await;
        }
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP-01 standalone

/// Serves `/.well-known/acme-challenge/<token>` while it lives.
pub struct HttpResponder {
    tokens: Arc<Mutex<HashMap<String, String>>>,
    pub local: Vec<SocketAddr>,
    _tasks: Tasks,
}

impl HttpResponder {
    /// Listen on port `port` on all addresses, IPv4 and IPv6.
    pub async fn start(port: u16) -> std::result::Result<HttpResponder, BindError> {
        Ok(Self::serve(bind_dual(port).await?))
    }

    /// Listen on the given addresses (tests).
    pub async fn start_on(addrs: &[SocketAddr]) -> std::result::Result<HttpResponder, BindError> {
        Ok(Self::serve(bind_addrs(addrs).await?))
    }

    fn serve(listeners: Vec<TcpListener>) -> HttpResponder {
        let tokens: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let local = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let tasks = listeners
            .into_iter()
            .map(|l| tokio::spawn(http_accept_loop(l, tokens.clone())))
            .collect();
        HttpResponder {
            tokens,
            local,
            _tasks: Tasks(tasks),
        }
    }

    /// Close the listeners; the port is free when this returns.
    pub async fn stop(self) {
        self._tasks.stop().await
    }

    pub fn set(&self, token: &str, key_authorization: &str) {
        self.tokens
            .lock()
            .unwrap()
            .insert(token.to_string(), key_authorization.to_string());
    }
}

async fn http_accept_loop(listener: TcpListener, tokens: Arc<Mutex<HashMap<String, String>>>) {
    loop {
        let (stream, peer) = crate::net::tcp::accept(&listener).await;
        let _ = stream.set_nodelay(true);
        let tokens = tokens.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let answer = req
                    .uri()
                    .path()
                    .strip_prefix("/.well-known/acme-challenge/")
                    .and_then(|t| tokens.lock().unwrap().get(t).cloned());
                tracing::debug!(%peer, path = req.uri().path(), found = answer.is_some(), "HTTP-01 request");
                async move {
                    let rsp = match answer {
                        Some(body) => Response::builder()
                            .header("content-type", "application/octet-stream")
                            .body(Full::new(Bytes::from(body))),
                        None => Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .body(Full::new(Bytes::new())),
                    };
                    Ok::<_, Infallible>(rsp.expect("static response"))
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONN_TIMEOUT, conn).await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP-01 webroot

/// Challenge files in a web server's document root; removed when dropped.
pub struct Webroot {
    dir: PathBuf,
    written: Vec<PathBuf>,
}

impl Webroot {
    pub fn new(root: &Path) -> Result<Webroot> {
        if !root.is_dir() {
            return Err(Error::usage(format!(
                "cert.webroot {} is not a directory",
                root.display()
            ))
            .hint("set webroot to the document root your web server serves on port 80"));
        }
        let dir = root.join(".well-known").join("acme-challenge");
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::failed(format!("cannot create {}: {e}", dir.display()))
                .hint("direkt needs write access to the webroot")
        })?;
        Ok(Webroot {
            dir,
            written: vec![],
        })
    }

    pub fn set(&mut self, token: &str, key_authorization: &str) -> Result<()> {
        if token.is_empty()
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::failed("the CA sent a malformed challenge token"));
        }
        let path = self.dir.join(token);
        // World-readable: the web server, not direkt, serves it.
        crate::fsutil::write_atomic(&path, key_authorization.as_bytes(), 0o644)
            .map_err(|e| Error::failed(format!("cannot write {}: {e}", path.display())))?;
        self.written.push(path);
        Ok(())
    }
}

impl Drop for Webroot {
    fn drop(&mut self) {
        for p in &self.written {
            let _ = std::fs::remove_file(p);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TLS-ALPN-01

#[derive(Debug, Default)]
struct AlpnCerts(Mutex<HashMap<String, Arc<CertifiedKey>>>);

impl ResolvesServerCert for AlpnCerts {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let alpn_ok = hello
            .alpn()
            .is_some_and(|mut protos| protos.any(|p| p == ACME_TLS_ALPN));
        if !alpn_ok {
            return None;
        }
        let name = hello.server_name()?.to_ascii_lowercase();
        self.0.lock().unwrap().get(&name).cloned()
    }
}

/// The self-signed certificate RFC 8737 asks for: the name as its only SAN and the critical
/// acmeIdentifier extension holding SHA-256 of the key authorization.
pub fn alpn_certificate(name: &str, key_auth_digest: &[u8]) -> Result<CertifiedKey> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::failed(format!("cannot build the TLS-ALPN-01 certificate: {e}"))
    };
    let key = rcgen::KeyPair::generate().map_err(|e| fail(&e))?;
    let mut params = rcgen::CertificateParams::new(vec![name.to_string()]).map_err(|e| fail(&e))?;
    params.custom_extensions = vec![rcgen::CustomExtension::new_acme_identifier(key_auth_digest)];
    let cert = params.self_signed(&key).map_err(|e| fail(&e))?;
    let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let signer = rustls::crypto::ring::sign::any_supported_type(&der).map_err(|e| fail(&e))?;
    Ok(CertifiedKey::new(vec![cert.der().clone()], signer))
}

/// Answers TLS-ALPN-01 validations while it lives.
pub struct AlpnResponder {
    certs: Arc<AlpnCerts>,
    pub local: Vec<SocketAddr>,
    _tasks: Tasks,
}

impl AlpnResponder {
    /// Close the listeners; the port is free when this returns.
    pub async fn stop(self) {
        self._tasks.stop().await
    }

    pub async fn start(port: u16) -> std::result::Result<AlpnResponder, BindError> {
        Ok(Self::serve(bind_dual(port).await?))
    }

    pub async fn start_on(addrs: &[SocketAddr]) -> std::result::Result<AlpnResponder, BindError> {
        Ok(Self::serve(bind_addrs(addrs).await?))
    }

    fn serve(listeners: Vec<TcpListener>) -> AlpnResponder {
        super::client::ensure_crypto_provider();
        let certs = Arc::new(AlpnCerts::default());
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_cert_resolver(certs.clone());
        config.alpn_protocols = vec![ACME_TLS_ALPN.to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let local = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let tasks = listeners
            .into_iter()
            .map(|l| {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    loop {
                        let (stream, peer) = crate::net::tcp::accept(&l).await;
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            // The handshake is the whole validation; the CA closes after it.
                            let r = tokio::time::timeout(CONN_TIMEOUT, acceptor.accept(stream)).await;
                            tracing::debug!(%peer, ok = matches!(r, Ok(Ok(_))), "TLS-ALPN-01 handshake");
                            if let Ok(Ok(mut tls)) = r {
                                use tokio::io::AsyncWriteExt;
                                let _ = tls.shutdown().await;
                            }
                        });
                    }
                })
            })
            .collect();
        AlpnResponder {
            certs,
            local,
            _tasks: Tasks(tasks),
        }
    }

    pub fn set(&self, name: &str, key_auth_digest: &[u8]) -> Result<()> {
        let ck = alpn_certificate(name, key_auth_digest)?;
        self.certs
            .0
            .lock()
            .unwrap()
            .insert(name.to_ascii_lowercase(), Arc::new(ck));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn local() -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    async fn http_get(addr: SocketAddr, path: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: box.example.test\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn http_responder_answers_known_tokens_only() {
        let r = HttpResponder::start_on(&[local()]).await.unwrap();
        r.set("tok-1", "tok-1.thumb");
        let addr = r.local[0];
        let ok = http_get(addr, "/.well-known/acme-challenge/tok-1").await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.ends_with("tok-1.thumb"), "{ok}");
        let missing = http_get(addr, "/.well-known/acme-challenge/other").await;
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        let elsewhere = http_get(addr, "/tok-1").await;
        assert!(elsewhere.starts_with("HTTP/1.1 404"), "{elsewhere}");
        drop(r);
        // Gone after drop: nobody listens any more.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    #[tokio::test]
    async fn the_standalone_responder_answers_over_ipv4_and_ipv6() {
        // Port 0 here; port 80 in use. [::] is dual-stack on Linux by default.
        let r = HttpResponder::start(0).await.unwrap();
        r.set("tok", "tok.thumb");
        let v6 = r.local.iter().find(|a| a.is_ipv6()).copied();
        let mut tried = 0;
        for a in &r.local {
            let lo: SocketAddr = if a.is_ipv6() {
                (Ipv6Addr::LOCALHOST, a.port()).into()
            } else {
                (Ipv4Addr::LOCALHOST, a.port()).into()
            };
            let ok = http_get(lo, "/.well-known/acme-challenge/tok").await;
            assert!(ok.ends_with("tok.thumb"), "{lo}: {ok}");
            tried += 1;
        }
        if let Some(v6) = v6
            && r.local.len() == 1
        {
            // One dual-stack socket: IPv4 arrives on it too.
            let ok = http_get(
                (Ipv4Addr::LOCALHOST, v6.port()).into(),
                "/.well-known/acme-challenge/tok",
            )
            .await;
            assert!(ok.ends_with("tok.thumb"), "{ok}");
        }
        assert!(tried >= 1);
    }

    /// A second responder of the same run on the same port (an order placed again without
    /// `replaces`) can bind it as soon as the first one's `stop` returns.
    #[tokio::test]
    async fn a_stopped_responder_frees_its_port_at_once() {
        let r = HttpResponder::start_on(&[local()]).await.unwrap();
        let addr = r.local[0];
        // Let the accept loop start, as it has during a real order.
        tokio::task::yield_now().await;
        r.stop().await;
        let again = HttpResponder::start_on(&[addr]).await;
        assert!(again.is_ok(), "port {} still in use", addr.port());
        let a = AlpnResponder::start_on(&[local()]).await.unwrap();
        let addr = a.local[0];
        tokio::task::yield_now().await;
        a.stop().await;
        assert!(AlpnResponder::start_on(&[addr]).await.is_ok());
    }

    #[tokio::test]
    async fn a_taken_port_is_reported_as_in_use() {
        let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = holder.local_addr().unwrap();
        let e = HttpResponder::start_on(&[addr]).await.err().unwrap();
        assert!(e.in_use);
        let msg = e.to_error("HTTP-01").message().to_string();
        assert!(
            msg.contains(&format!("port {} is in use", addr.port())),
            "{msg}"
        );
    }

    #[test]
    fn webroot_files_are_written_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".well-known/acme-challenge/tok");
        {
            let mut w = Webroot::new(dir.path()).unwrap();
            w.set("tok", "tok.thumb").unwrap();
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "tok.thumb");
            assert_eq!(crate::fsutil::mode_of(&file).unwrap(), 0o644);
            assert!(w.set("../evil", "x").is_err());
        }
        assert!(!file.exists());
        let e = Webroot::new(&dir.path().join("missing")).err().unwrap();
        assert_eq!(e.exit_code(), 2);
    }

    #[derive(Debug)]
    struct AcceptAny;
    impl rustls::client::danger::ServerCertVerifier for AcceptAny {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error>
        {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error>
        {
            Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
        }
        fn verify_tls13_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error>
        {
            Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            rustls::crypto::ring::default_provider()
                .signature_verification_algorithms
                .supported_schemes()
        }
    }

    async fn alpn_handshake(addr: SocketAddr, name: &str, alpn: &[u8]) -> std::io::Result<Vec<u8>> {
        super::super::client::ensure_crypto_provider();
        let mut cfg = rustls::ClientConfig::builder()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny))
            .with_no_client_auth();
        cfg.alpn_protocols = vec![alpn.to_vec()];
        let conn = tokio_rustls::TlsConnector::from(Arc::new(cfg));
        let tcp = tokio::net::TcpStream::connect(addr).await?;
        let sn = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
        let tls = conn.connect(sn, tcp).await?;
        let (_, c) = tls.get_ref();
        Ok(c.peer_certificates().unwrap()[0].to_vec())
    }

    #[tokio::test]
    async fn alpn_responder_serves_the_acme_identifier_certificate() {
        let r = AlpnResponder::start_on(&[local()]).await.unwrap();
        let digest = [7u8; 32];
        r.set("box.example.test", &digest).unwrap();
        let der = alpn_handshake(r.local[0], "box.example.test", ACME_TLS_ALPN)
            .await
            .unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        let ext = cert
            .extensions()
            .iter()
            .find(|e| e.oid.to_id_string() == "1.3.6.1.5.5.7.1.31")
            .expect("acmeIdentifier extension");
        assert!(ext.critical);
        // OCTET STRING (0x04, 32) holding the digest.
        assert_eq!(&ext.value[..2], &[0x04, 32]);
        assert_eq!(&ext.value[2..], &digest);
        let san = cert.subject_alternative_name().unwrap().unwrap();
        assert_eq!(san.value.general_names.len(), 1);
        // Unknown names and plain TLS clients get nothing.
        assert!(
            alpn_handshake(r.local[0], "other.example.test", ACME_TLS_ALPN)
                .await
                .is_err()
        );
        assert!(
            alpn_handshake(r.local[0], "box.example.test", b"http/1.1")
                .await
                .is_err()
        );
    }
}
