//! What a stored certificate says: names, issuer, validity, key type, its ARI identifier, and
//! whether a private key belongs to it. Parsed with x509-parser; nothing here talks to the CA.

use rustls::pki_types::Der;
use serde::Serialize;
use x509_parser::extensions::ParsedExtension;
use x509_parser::pem::Pem;
use x509_parser::public_key::PublicKey;

use crate::config::KeyType;
use crate::error::{Error, Result};

/// The facts direkt needs about one certificate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertInfo {
    /// DNS names of the subject alternative name extension, in certificate order.
    pub names: Vec<String>,
    pub issuer: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Hex serial, colon-free.
    pub serial: String,
    /// `ecdsa-p256`, `ecdsa-p384`, `rsa2048`, ... (what the config calls it), or what it is.
    pub key_type: String,
    /// The ARI certificate identifier (base64url AKI "." base64url serial), when the
    /// certificate has an authority key identifier.
    pub ari_id: Option<String>,
    /// DER of the certificate's SubjectPublicKeyInfo, to match against a private key.
    #[serde(skip)]
    pub spki: Vec<u8>,
    #[serde(skip)]
    pub der: Vec<u8>,
}

impl CertInfo {
    /// Seconds of validity in total.
    pub fn lifetime(&self) -> i64 {
        self.not_after - self.not_before
    }

    pub fn days_left(&self, now: i64) -> f64 {
        (self.not_after - now) as f64 / 86400.0
    }
}

/// The PEM blocks of a bundle, in order, as (label, DER).
pub fn pem_blocks(pem: &str) -> Result<Vec<Pem>> {
    let mut out = vec![];
    for p in Pem::iter_from_buffer(pem.as_bytes()) {
        out.push(p.map_err(|e| Error::failed(format!("bad PEM data: {e}")))?);
    }
    Ok(out)
}

/// Parse the first certificate of a PEM bundle (the leaf of a fullchain).
pub fn parse_leaf_pem(pem: &str) -> Result<CertInfo> {
    let blocks = pem_blocks(pem)?;
    let first = blocks
        .iter()
        .find(|b| b.label == "CERTIFICATE")
        .ok_or_else(|| Error::failed("no certificate in the PEM data"))?;
    parse_der(&first.contents)
}

pub fn parse_der(der: &[u8]) -> Result<CertInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| Error::failed(format!("cannot parse certificate: {e}")))?;
    let mut names = vec![];
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                names.push(d.to_ascii_lowercase());
            }
        }
    }
    let spki = cert.public_key();
    let key_type = match spki.parsed() {
        Ok(PublicKey::EC(point)) => match point.data().len() {
            65 => "ecdsa-p256".to_string(),
            97 => "ecdsa-p384".to_string(),
            n => format!("ecdsa ({n}-byte point)"),
        },
        Ok(PublicKey::RSA(rsa)) => {
            let bits = rsa.modulus.iter().skip_while(|b| **b == 0).count() * 8;
            format!("rsa{bits}")
        }
        _ => "other".to_string(),
    };
    let aki = cert
        .iter_extensions()
        .find_map(|ext| match ext.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        });
    let serial_raw = cert.tbs_certificate.raw_serial();
    let ari_id = aki.map(|aki| {
        instant_acme::CertificateIdentifier::new(Der::from_slice(aki), Der::from_slice(serial_raw))
            .to_string()
    });
    Ok(CertInfo {
        names,
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        serial: cert.raw_serial_as_string().replace(':', ""),
        key_type,
        ari_id,
        spki: spki.raw.to_vec(),
        der: der.to_vec(),
    })
}

/// The SubjectPublicKeyInfo DER of a PKCS#8 private key in PEM.
pub fn key_spki(key_pem: &str) -> Result<Vec<u8>> {
    use rcgen::PublicKeyData;
    let kp = rcgen::KeyPair::from_pem(key_pem)
        .map_err(|e| Error::failed(format!("cannot read the private key: {e}")))?;
    Ok(kp.subject_public_key_info())
}

/// Does this private key belong to this certificate?
pub fn key_matches(info: &CertInfo, key_pem: &str) -> bool {
    key_spki(key_pem).is_ok_and(|spki| spki == info.spki)
}

/// The config's name for a key type, to compare with [`CertInfo::key_type`].
pub fn key_type_name(k: KeyType) -> &'static str {
    match k {
        KeyType::EcdsaP256 => "ecdsa-p256",
        KeyType::EcdsaP384 => "ecdsa-p384",
        KeyType::Rsa2048 => "rsa2048",
        KeyType::Rsa3072 => "rsa3072",
    }
}

/// Unix seconds as RFC 3339 (UTC), for humans and JSON.
pub fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| t.to_string())
}
