//! A TLS handshake that accepts any certificate and records the chain the server sent: how
//! the probe and doctor see which certificate is actually served. Nothing is sent after the
//! handshake, so trusting nothing here is safe.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<Vec<u8>>>,
    schemes: Vec<rustls::SignatureScheme>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut c = self.chain.lock().expect("chain lock");
        c.clear();
        // At most a few certificates of bounded size: a hostile server cannot make us hold more.
        for der in std::iter::once(end_entity)
            .chain(intermediates.iter())
            .take(5)
        {
            if der.len() <= 16 * 1024 {
                c.push(der.to_vec());
            }
        }
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.schemes.clone()
    }
}

/// What a handshake showed.
#[derive(Debug, Clone)]
pub struct Grabbed {
    pub chain: Vec<Vec<u8>>,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrabError {
    Refused,
    Timeout,
    Unreachable(String),
    /// Connected, but the TLS handshake failed.
    Tls(String),
}

impl std::fmt::Display for GrabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrabError::Refused => f.write_str("connection refused"),
            GrabError::Timeout => f.write_str("timed out"),
            GrabError::Unreachable(e) => write!(f, "unreachable: {e}"),
            GrabError::Tls(e) => write!(f, "TLS handshake failed: {e}"),
        }
    }
}

/// Connect to `addr`, shake hands with `sni`, return the chain sent. One timeout covers
/// connect and handshake.
pub async fn grab_chain(
    addr: SocketAddr,
    sni: Option<&str>,
    timeout: Duration,
) -> Result<Grabbed, GrabError> {
    crate::net::http::install_crypto();
    let deadline = tokio::time::Instant::now() + timeout;
    let tcp = match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(addr)).await {
        Err(_) => return Err(GrabError::Timeout),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(GrabError::Refused);
        }
        Ok(Err(e)) => return Err(GrabError::Unreachable(e.to_string())),
        Ok(Ok(s)) => s,
    };
    let provider = rustls::crypto::ring::default_provider();
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(vec![]),
        schemes: provider
            .signature_verification_algorithms
            .supported_schemes(),
    });
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| GrabError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let name = sni
        .and_then(|s| ServerName::try_from(s.to_string()).ok())
        .unwrap_or_else(|| ServerName::IpAddress(addr.ip().into()));
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let stream = match tokio::time::timeout_at(deadline, connector.connect(name, tcp)).await {
        Err(_) => return Err(GrabError::Timeout),
        Ok(Err(e)) => return Err(GrabError::Tls(e.to_string())),
        Ok(Ok(s)) => s,
    };
    let version = stream
        .get_ref()
        .1
        .protocol_version()
        .map(|v| format!("{v:?}"))
        .unwrap_or_default();
    let chain = recorder.chain.lock().expect("chain lock").clone();
    Ok(Grabbed { chain, version })
}
