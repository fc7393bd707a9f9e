//! Certificate keys and the CSR. ECDSA keys come from ring (through rcgen); ring cannot
//! generate RSA keys, so RSA keys come from the `rsa` crate and are then signed with by ring.

use rcgen::{CertificateParams, DistinguishedName, KeyPair, SignatureAlgorithm};

use crate::config::KeyType;
use crate::error::{Error, Result};

/// A private key in PKCS#8 PEM with its type.
pub struct CertKey {
    pub kind: KeyType,
    pub pem: String,
}

impl std::fmt::Debug for CertKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertKey({:?}, <private>)", self.kind)
    }
}

fn algorithm(kind: KeyType) -> &'static SignatureAlgorithm {
    match kind {
        KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyType::Rsa2048 | KeyType::Rsa3072 => &rcgen::PKCS_RSA_SHA256,
    }
}

impl CertKey {
    pub fn generate(kind: KeyType) -> Result<CertKey> {
        let pem = match kind {
            KeyType::EcdsaP256 | KeyType::EcdsaP384 => KeyPair::generate_for(algorithm(kind))
                .map_err(|e| Error::failed(format!("cannot generate a key: {e}")))?
                .serialize_pem(),
            KeyType::Rsa2048 | KeyType::Rsa3072 => {
                use rsa::pkcs8::EncodePrivateKey;
                let bits = if kind == KeyType::Rsa2048 { 2048 } else { 3072 };
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
                    .map_err(|e| Error::failed(format!("cannot generate an RSA key: {e}")))?;
                let der = key
                    .to_pkcs8_der()
                    .map_err(|e| Error::failed(format!("cannot encode the RSA key: {e}")))?;
                let pkcs8 = rustls::pki_types::PrivatePkcs8KeyDer::from(der.as_bytes());
                KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, algorithm(kind))
                    .map_err(|e| Error::failed(format!("ring refused the RSA key: {e}")))?
                    .serialize_pem()
            }
        };
        Ok(CertKey { kind, pem })
    }

    /// Load a stored key, checking it is of the wanted type.
    pub fn from_pem(kind: KeyType, pem: &str) -> Result<CertKey> {
        let key = CertKey {
            kind,
            pem: pem.to_string(),
        };
        key.key_pair()?;
        Ok(key)
    }

    fn key_pair(&self) -> Result<KeyPair> {
        KeyPair::from_pkcs8_pem_and_sign_algo(&self.pem, algorithm(self.kind)).map_err(|e| {
            Error::failed(format!(
                "the private key is not an {} key: {e}",
                super::certinfo::key_type_name(self.kind)
            ))
        })
    }

    /// A DER CSR for `names` (the first is also the subject's CN-free identity; ACME CAs take
    /// the names from the SAN extension only).
    pub fn csr_der(&self, names: &[String]) -> Result<Vec<u8>> {
        let mut params = CertificateParams::new(names.to_vec())
            .map_err(|e| Error::failed(format!("cannot build the CSR: {e}")))?;
        params.distinguished_name = DistinguishedName::new();
        let csr = params
            .serialize_request(&self.key_pair()?)
            .map_err(|e| Error::failed(format!("cannot sign the CSR: {e}")))?;
        Ok(csr.der().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::certinfo;

    fn self_signed(key: &CertKey, names: &[&str]) -> String {
        let params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.self_signed(&key.key_pair().unwrap()).unwrap().pem()
    }

    #[test]
    fn every_key_type_generates_signs_a_csr_and_matches_its_certificate() {
        for kind in [
            KeyType::EcdsaP256,
            KeyType::EcdsaP384,
            KeyType::Rsa2048,
            KeyType::Rsa3072,
        ] {
            let key = CertKey::generate(kind).unwrap();
            assert!(
                key.pem.starts_with("-----BEGIN PRIVATE KEY-----"),
                "{kind:?}"
            );
            let csr = key.csr_der(&["box.example.test".into()]).unwrap();
            assert!(csr.len() > 100);
            let cert = certinfo::parse_leaf_pem(&self_signed(&key, &["box.example.test"])).unwrap();
            assert_eq!(cert.key_type, certinfo::key_type_name(kind), "{kind:?}");
            assert!(certinfo::key_matches(&cert, &key.pem), "{kind:?}");
            let other = CertKey::generate(KeyType::EcdsaP256).unwrap();
            assert!(!certinfo::key_matches(&cert, &other.pem), "{kind:?}");
        }
    }

    #[test]
    fn a_stored_key_of_another_type_is_refused() {
        let key = CertKey::generate(KeyType::EcdsaP256).unwrap();
        assert!(CertKey::from_pem(KeyType::EcdsaP256, &key.pem).is_ok());
        assert!(CertKey::from_pem(KeyType::EcdsaP384, &key.pem).is_err());
    }

    #[test]
    fn debug_never_prints_the_key() {
        let key = CertKey::generate(KeyType::EcdsaP256).unwrap();
        assert!(!format!("{key:?}").contains("PRIVATE"));
    }
}
