//! The CA's own terms of service: the `meta.termsOfService` URL of its ACME directory
//! (RFC 8555 §7.1.1), fetched once with one GET, for the wizard to show before it asks the
//! owner to accept them. Every CA names its own (Let's Encrypt, ZeroSSL, a private CA, Pebble);
//! one that has none says nothing, and the wizard says so.

use std::time::Duration;

use crate::config::CertConfig;
use crate::error::{Error, Result};

/// How long the wizard waits for the directory.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The `meta.termsOfService` in a directory document; `None` when it has none.
pub fn parse(directory: &str) -> Result<Option<String>> {
    let doc: serde_json::Value = serde_json::from_str(directory)
        .map_err(|e| Error::failed(format!("the ACME directory is not JSON: {e}")))?;
    if !doc.is_object() {
        return Err(Error::failed("the ACME directory is not a JSON object"));
    }
    Ok(doc
        .pointer("/meta/termsOfService")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string))
}

/// Fetch the configured CA's directory and return its terms of service URL.
pub async fn fetch(cert: &CertConfig) -> Result<Option<String>> {
    let url = crate::acme::client::directory_url(&cert.ca);
    let mut b = crate::net::http::builder(TIMEOUT);
    if let Some(path) = &cert.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| {
            Error::usage(format!(
                "cannot read cert.ca_bundle {}: {e}",
                path.display()
            ))
        })?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Error::usage(format!("cert.ca_bundle {} is not PEM: {e}", path.display()))
        })?;
        for c in roots {
            b = b.add_root_certificate(c);
        }
    }
    let client = b
        .build()
        .map_err(|e| Error::failed(format!("cannot set up the HTTP client: {e}")))?;
    let resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| Error::failed(format!("the CA's directory {url} did not answer: {e}")))?;
    if !resp.status().is_success() {
        return Err(Error::failed(format!(
            "the CA's directory {url} answered {}",
            resp.status()
        )));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| Error::failed(format!("reading the CA's directory {url}: {e}")))?;
    parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directorys_own_terms() {
        // Pebble's directory (as served by the lab).
        let pebble = r#"{"keyChange":"https://198.51.100.14:14000/rollover-account-key",
            "meta":{"externalAccountRequired":false,"termsOfService":"data:text/plain,Do%20what%20thou%20wilt"},
            "newAccount":"https://198.51.100.14:14000/sign-me-up"}"#;
        assert_eq!(
            parse(pebble).unwrap().as_deref(),
            Some("data:text/plain,Do%20what%20thou%20wilt")
        );
        let le = r#"{"meta":{"caaIdentities":["letsencrypt.org"],
            "termsOfService":"https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf"}}"#;
        assert!(
            parse(le)
                .unwrap()
                .unwrap()
                .starts_with("https://letsencrypt.org/")
        );
        // No terms: none, not an error.
        assert_eq!(parse(r#"{"newNonce":"x"}"#).unwrap(), None);
        assert_eq!(parse(r#"{"meta":{"termsOfService":""}}"#).unwrap(), None);
        assert!(parse("<html>").is_err());
        assert!(parse("[1]").is_err());
    }
}
