//! The ACME side: a tuned HTTP client for instant-acme (TCP_NODELAY, extra roots, timeouts, a
//! request counter), the CA's directory URL, and the account, created once and reused.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, USER_AGENT};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use instant_acme::{
    Account, AccountCredentials, BodyWrapper, BytesResponse, ExternalAccountKey, HttpClient,
    LetsEncrypt, NewAccount, ZeroSsl,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::acme::witness::Tap;
use crate::config::{CertConfig, Settings};
use crate::error::{Error, Result};
use crate::state::StateLock;

/// No single ACME request may take longer than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Install ring as the process's rustls provider (idempotent).
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The directory URL for the configured CA.
pub fn directory_url(ca: &crate::config::Ca) -> String {
    use crate::config::Ca;
    match ca {
        Ca::LetsEncrypt => LetsEncrypt::Production.url().to_string(),
        Ca::LetsEncryptStaging => LetsEncrypt::Staging.url().to_string(),
        Ca::ZeroSsl => ZeroSsl::Production.url().to_string(),
        Ca::Directory(url) => url.to_string(),
    }
}

/// Counts requests sent to the CA (for reports and benchmarks).
#[derive(Debug, Default, Clone)]
pub struct RequestCounter(Arc<AtomicU32>);

impl RequestCounter {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// hyper client with TCP_NODELAY (without it every small POST waits ~40 ms for the delayed
/// ACK), the system's webpki roots plus the configured CA bundle, and per-request timeouts.
struct TunedClient {
    inner: HyperClient<hyper_rustls::HttpsConnector<HttpConnector>, BodyWrapper<Bytes>>,
    counter: RequestCounter,
    user_agent: HeaderValue,
    /// Keeps the authorizations with a valid challenge (the CA as a witness).
    tap: Tap,
}

impl HttpClient for TunedClient {
    fn request(
        &self,
        mut req: http::Request<BodyWrapper<Bytes>>,
    ) -> Pin<Box<dyn Future<Output = Result<BytesResponse, instant_acme::Error>> + Send>> {
        req.headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        self.counter.0.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(method = %req.method(), uri = %req.uri(), "ACME request");
        let fut = self.inner.request(req);
        let tap = self.tap.clone();
        Box::pin(async move {
            // The whole answer within the timeout; its body read here so the tap sees it.
            let whole = async move {
                let other =
                    |e: Box<dyn std::error::Error + Send + Sync>| instant_acme::Error::Other(e);
                let rsp = fut.await.map_err(|e| other(Box::new(e)))?;
                let (parts, body) = rsp.into_parts();
                let bytes = http_body_util::BodyExt::collect(body)
                    .await
                    .map_err(|e| other(Box::new(e)))?
                    .to_bytes();
                Ok::<_, instant_acme::Error>((parts, bytes))
            };
            match tokio::time::timeout(REQUEST_TIMEOUT, whole).await {
                Ok(Ok((parts, bytes))) => {
                    tap.observe(&bytes);
                    Ok(BytesResponse {
                        parts,
                        body: Box::new(bytes),
                    })
                }
                Ok(Err(e)) => Err(e),
                Err(_) => Err(instant_acme::Error::Other(
                    format!(
                        "no answer from the CA within {} s",
                        REQUEST_TIMEOUT.as_secs()
                    )
                    .into(),
                )),
            }
        })
    }
}

fn tls_config(ca_bundle: Option<&Path>) -> Result<rustls::ClientConfig> {
    ensure_crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(bundle) = ca_bundle {
        let pem = std::fs::read(bundle).map_err(|e| {
            Error::usage(format!(
                "cannot read cert.ca_bundle {}: {e}",
                bundle.display()
            ))
            .hint("point ca_bundle at a PEM file with the CA's root certificate")
        })?;
        let mut n = 0;
        for c in rustls_pemfile::certs(&mut pem.as_slice()) {
            let c = c.map_err(|e| {
                Error::usage(format!(
                    "cert.ca_bundle {} is not PEM: {e}",
                    bundle.display()
                ))
            })?;
            roots.add(c).map_err(|e| {
                Error::usage(format!(
                    "cert.ca_bundle {}: unusable certificate: {e}",
                    bundle.display()
                ))
            })?;
            n += 1;
        }
        if n == 0 {
            return Err(Error::usage(format!(
                "cert.ca_bundle {} holds no certificate",
                bundle.display()
            ))
            .hint("it must contain PEM blocks -----BEGIN CERTIFICATE-----"));
        }
    }
    Ok(rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn http_client(
    ca_bundle: Option<&Path>,
    counter: RequestCounter,
    tap: Tap,
) -> Result<Box<dyn HttpClient>> {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.enforce_http(false);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls_config(ca_bundle)?)
        .https_only()
        .enable_http1()
        .wrap_connector(http);
    let inner = HyperClient::builder(TokioExecutor::new()).build(https);
    Ok(Box::new(TunedClient {
        inner,
        counter,
        user_agent: HeaderValue::from_static(crate::net::http::ACME_USER_AGENT),
        tap,
    }))
}

/// What is stored in the state dir for an account (0600: it holds the account key).
#[derive(Serialize, Deserialize)]
struct StoredAccount {
    directory: String,
    created: i64,
    email: Option<String>,
    credentials: AccountCredentials,
}

pub(crate) fn account_file(directory: &str) -> String {
    let h = Sha256::digest(directory.as_bytes());
    let hex: String = h.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("acme/account-{hex}.json")
}

/// The account for the configured CA, and how it was obtained.
pub struct AcmeSession {
    pub account: Account,
    pub directory: String,
    pub counter: RequestCounter,
    pub created_account: bool,
    /// The CA's answers that hold a valid challenge ([`super::witness`]).
    pub tap: Tap,
}

/// Inputs for getting an account.
pub struct AccountOptions {
    /// `--accept-tos` given on the command line.
    pub accept_tos: bool,
    /// Ignore a stored account (it was refused by the CA) and create a new one.
    pub fresh: bool,
}

/// Load the stored account for the CA (one GET of the directory), or create one.
pub async fn session(
    settings: &Settings,
    cert: &CertConfig,
    lock: &StateLock,
    opts: &AccountOptions,
) -> Result<AcmeSession> {
    let directory = directory_url(&cert.ca);
    let counter = RequestCounter::default();
    let tap = Tap::default();
    let file = account_file(&directory);
    let path = lock.dir().path().join(&file);
    if !opts.fresh
        && let Ok(bytes) = std::fs::read(&path)
    {
        match serde_json::from_slice::<StoredAccount>(&bytes) {
            Ok(stored) if stored.directory == directory => {
                let account = Account::builder_with_http(http_client(
                    cert.ca_bundle.as_deref(),
                    counter.clone(),
                    tap.clone(),
                )?)
                .from_credentials(stored.credentials)
                .await
                .map_err(|e| ca_unreachable(&directory, e))?;
                return Ok(AcmeSession {
                    account,
                    directory,
                    counter,
                    created_account: false,
                    tap,
                });
            }
            _ => tracing::warn!("ignoring unreadable account file {}", path.display()),
        }
    }
    let eab = new_account_prerequisites(settings, cert, &directory, opts)?;
    let contact = cert.email.as_ref().map(|e| format!("mailto:{e}"));
    let contacts: Vec<&str> = contact.iter().map(String::as_str).collect();
    let new = NewAccount {
        contact: &contacts,
        terms_of_service_agreed: true,
        only_return_existing: false,
    };
    let mut tries = 0;
    let (account, credentials) = loop {
        let r = Account::builder_with_http(http_client(
            cert.ca_bundle.as_deref(),
            counter.clone(),
            tap.clone(),
        )?)
        .create(&new, directory.clone(), eab.as_ref())
        .await;
        match r {
            Err(e) if super::flow::is_bad_nonce(&e) && tries < 4 => tries += 1,
            Err(e) => return Err(super::flow::account_error(&directory, e)),
            Ok(v) => break v,
        }
    };
    let stored = StoredAccount {
        directory: directory.clone(),
        created: crate::state::now_unix(),
        email: cert.email.clone(),
        credentials,
    };
    let bytes = serde_json::to_vec_pretty(&stored)
        .map_err(|e| Error::failed(format!("cannot encode the account: {e}")))?;
    lock.write_file(&file, &bytes)?;
    Ok(AcmeSession {
        account,
        directory,
        counter,
        created_account: true,
        tap,
    })
}

/// What creating an account needs, checked without the network: accepted terms and, for EAB,
/// a usable key.
fn new_account_prerequisites(
    settings: &Settings,
    cert: &CertConfig,
    directory: &str,
    opts: &AccountOptions,
) -> Result<Option<ExternalAccountKey>> {
    if !(cert.accept_tos || opts.accept_tos) {
        return Err(Error::needs_user(format!(
            "an account with the CA ({directory}) must be created, and that needs its terms \
             of service accepted"
        ))
        .hint(
            "read the CA's terms, then set accept_tos = true in [cert] or pass --accept-tos \
             (`direkt setup` asks)",
        ));
    }
    Ok(match &cert.eab_kid {
        Some(kid) => {
            let secret = settings.secrets.require(
                "cert",
                "eab_hmac_key",
                cert.eab_hmac_key_file.as_deref(),
            )?;
            let key = decode_eab_key(secret.expose()).ok_or_else(|| {
                Error::usage("the secret cert.eab_hmac_key is not base64url")
                    .hint("copy the EAB HMAC key exactly as the CA shows it")
            })?;
            Some(ExternalAccountKey::new(kid.clone(), &key))
        }
        None if cert.ca == crate::config::Ca::ZeroSsl => {
            return Err(
                Error::usage("ZeroSSL needs external account binding (EAB)").hint(
                    "create EAB credentials in the ZeroSSL dashboard, set eab_kid in [cert] and \
                 the secret cert.eab_hmac_key",
                ),
            );
        }
        None => None,
    })
}

/// Everything about the CA that can be checked before any request: the CA bundle, and for a
/// first run the terms and the EAB key. Runs before the name checks and the order.
pub fn precheck(
    settings: &Settings,
    cert: &CertConfig,
    lock: &StateLock,
    opts: &AccountOptions,
) -> Result<()> {
    tls_config(cert.ca_bundle.as_deref())?;
    let directory = directory_url(&cert.ca);
    let stored = lock.dir().path().join(account_file(&directory));
    if opts.fresh || !stored.exists() {
        new_account_prerequisites(settings, cert, &directory, opts)?;
    }
    Ok(())
}

fn decode_eab_key(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    let s = s.trim();
    URL_SAFE_NO_PAD
        .decode(s)
        .or_else(|_| URL_SAFE.decode(s))
        .ok()
        .filter(|k| !k.is_empty())
}

pub fn ca_unreachable(directory: &str, e: instant_acme::Error) -> Error {
    let text = super::flow::error_text(&e);
    Error::failed(format!("cannot reach the CA at {directory}: {text}")).hint(
        "check the network and cert.ca / cert.ca_bundle; `direkt doctor` tests the connection",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_cas_map_to_their_directories() {
        let url = |s: &str| directory_url(&s.parse().unwrap());
        assert!(url("letsencrypt").contains("acme-v02.api.letsencrypt.org"));
        // The staging proof's default (config::LETSENCRYPT_STAGING) is instant-acme's.
        assert_eq!(
            crate::config::LETSENCRYPT_STAGING,
            LetsEncrypt::Staging.url()
        );
        assert!(url("letsencrypt-staging").contains("staging"));
        assert!(url("zerossl").contains("zerossl.com"));
        assert_eq!(
            url("https://198.51.100.14:14000/dir"),
            "https://198.51.100.14:14000/dir"
        );
    }

    #[test]
    fn account_files_differ_per_directory() {
        assert_ne!(account_file("https://a/dir"), account_file("https://b/dir"));
        assert!(account_file("https://a/dir").starts_with("acme/account-"));
    }

    #[test]
    fn eab_keys_decode_with_or_without_padding() {
        assert_eq!(decode_eab_key("AQID").unwrap(), vec![1, 2, 3]);
        assert_eq!(decode_eab_key("AQI=").unwrap(), vec![1, 2]);
        assert_eq!(decode_eab_key("AQI").unwrap(), vec![1, 2]);
        assert!(decode_eab_key("!!").is_none());
    }

    #[test]
    fn a_ca_bundle_without_certificates_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.pem");
        std::fs::write(&p, "nothing").unwrap();
        let e = tls_config(Some(&p)).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("no certificate"), "{}", e.message());
    }
}
