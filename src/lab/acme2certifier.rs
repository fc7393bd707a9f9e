//! A second, independent ACME server next to Pebble: acme2certifier (PyPI, pinned) with its
//! openssl CA handler, served by Python's wsgiref over TLS from a venv that `tests/run`
//! creates. `direkt lab up --ca acme2certifier` starts it on 198.51.100.15:443 in the inet
//! namespace and points the box config at it; Pebble keeps running beside it.
//!
//! Its own issuing root (generated per lab, `acme2certifier/root.pem`) signs the certificates;
//! its HTTPS uses the lab's TLS certificate, so the box trusts it through the same `ca.pem` it
//! trusts Pebble with. ARI (`renewalInfo`) is on, revocation writes a CRL. The server re-reads
//! its config when the file changes, so a test can open the ARI window
//! ([`RENEWAL_FORCE_OFF`] to [`RENEWAL_FORCE_ON`]) while it runs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;

use super::{RunDir, addr};

/// The release the lab runs (tests/run installs exactly this one).
pub const VERSION: &str = "0.46.3";
/// Where tests/run creates the venv; `DIREKT_LAB_ACME2CERTIFIER_VENV` overrides it.
pub const DEFAULT_VENV: &str = "/opt/direkt-lab/acme2certifier";
pub const VENV_ENV: &str = "DIREKT_LAB_ACME2CERTIFIER_VENV";
/// The line of the config that a test replaces to open the ARI window of every certificate.
pub const RENEWAL_FORCE_OFF: &str = "renewal_force: False";
pub const RENEWAL_FORCE_ON: &str = "renewal_force: True";

/// The venv in use.
pub fn venv() -> PathBuf {
    std::env::var_os(VENV_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_VENV))
}

/// The venv's Python when acme2certifier is installed in it, else the error saying how to
/// create it.
pub fn python() -> Result<PathBuf> {
    let venv = venv();
    let python = venv.join("bin/python");
    if python.exists() && installed_in(&venv) {
        return Ok(python);
    }
    Err(Error::usage(format!(
        "acme2certifier {VERSION} is not installed in {}",
        venv.display()
    ))
    .hint(format!(
        "create the venv: `python3 -m venv {v} && {v}/bin/pip install acme2certifier=={VERSION}` \
         (tests/run does this as root), or set {VENV_ENV} to another venv",
        v = venv.display()
    )))
}

/// Whether `venv` holds the pinned acme2certifier (its dist-info directory).
fn installed_in(venv: &Path) -> bool {
    let Ok(dirs) = std::fs::read_dir(venv.join("lib")) else {
        return false;
    };
    dirs.flatten().any(|d| {
        d.path()
            .join(format!("site-packages/acme2certifier-{VERSION}.dist-info"))
            .is_dir()
    })
}

pub fn directory_url() -> String {
    format!("https://{}/directory", addr::ACME2)
}

/// The launcher: acme2certifier's WSGI application (its `share/acme2certifier_wsgi.py`)
/// under wsgiref with threads and TLS. argv: ADDRESS PORT CERT KEY CONFIG.
const SERVE_PY: &str = r#"# Written by `direkt lab up`: acme2certifier under wsgiref, over TLS.
import os
import ssl
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, make_server

address, port, cert, key, config = sys.argv[1:6]
os.environ["ACME_SRV_CONFIGFILE"] = config

from acme2certifier.acme_srv.helpers.config import (  # noqa: E402
    load_config,
    load_config_cache_clear,
)
from acme2certifier.share import acme2certifier_wsgi as a2c  # noqa: E402

seen = [os.stat(config).st_mtime_ns]


def app(environ, start_response):
    # A changed config file is read again (a test opens the ARI window this way).
    mtime = os.stat(config).st_mtime_ns
    if mtime != seen[0]:
        seen[0] = mtime
        load_config_cache_clear()
        a2c.CONFIG = load_config()
    environ["HTTP_X_FORWARDED_PROTO"] = "https"
    return a2c.application(environ, start_response)


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


srv = make_server(address, int(port), app, server_class=Server,
                  handler_class=a2c.get_handler_cls())
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(f"acme2certifier listening on https://{address}:{port}", flush=True)
srv.serve_forever()
"#;

/// The server's config (acme_srv.cfg): openssl CA handler with the lab's issuing root and a
/// CRL (revocation), ARI on with the default window (from 85 % of the lifetime), challenges
/// validated for real.
pub fn config(run: &RunDir) -> String {
    let p = |f: &str| {
        run.path(&format!("acme2certifier/{f}"))
            .display()
            .to_string()
    };
    format!(
        "[DEFAULT]\n\
         debug: False\n\n\
         [Nonce]\n\
         nonce_check_disable: False\n\n\
         [CAhandler]\n\
         handler_module: acme2certifier.cahandlers.openssl_ca_handler\n\
         issuing_ca_key: {key}\n\
         issuing_ca_cert: {root}\n\
         issuing_ca_crl: {crl}\n\
         cert_save_path: {certs}\n\
         ca_cert_chain_list: []\n\
         cert_validity_days: 90\n\n\
         [DBhandler]\n\
         handler: wsgi\n\
         dbfile: {db}\n\n\
         [Certificate]\n\
         revocation_reason_check_disable: False\n\n\
         [Challenge]\n\
         challenge_validation_disable: False\n\n\
         [Order]\n\
         tnauthlist_support: False\n\n\
         [Renewalinfo]\n\
         {RENEWAL_FORCE_OFF}\n",
        key = p("root.key"),
        root = p("root.pem"),
        crl = p("crl.pem"),
        certs = p("certs"),
        db = p("acme_srv.db"),
    )
}

/// Write the launcher, the config and a new issuing root into `<run>/acme2certifier/`.
pub fn write_files(run: &RunDir) -> Result<()> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose,
    };
    use sha1::Digest;
    let gen_err = |e: rcgen::Error| Error::failed(format!("generating acme2certifier's root: {e}"));
    for d in ["acme2certifier", "acme2certifier/certs"] {
        crate::fsutil::create_dir(&run.path(d), 0o755)?;
    }
    let key = KeyPair::generate().map_err(gen_err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(gen_err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "direkt lab acme2certifier root");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    // The openssl handler writes the authority key identifier as the SHA-1 of the issuer's
    // public key (RFC 5280 4.2.1.2 method 1); the root's own identifier must be the same, or
    // a verifier does not find the issuer.
    ca.key_identifier_method =
        KeyIdMethod::PreSpecified(sha1::Sha1::digest(key.public_key_raw()).to_vec());
    let root = ca.self_signed(&key).map_err(gen_err)?;
    let dir = |f: &str| run.path(&format!("acme2certifier/{f}"));
    write_atomic(&dir("root.pem"), root.pem().as_bytes(), 0o644)?;
    write_atomic(&dir("root.key"), key.serialize_pem().as_bytes(), 0o600)?;
    write_atomic(&dir("serve.py"), SERVE_PY.as_bytes(), 0o644)?;
    write_atomic(&dir("acme_srv.cfg"), config(run).as_bytes(), 0o644)?;
    Ok(())
}

/// The launcher's arguments (Python is [`python`]); its HTTPS uses Pebble's lab certificate,
/// which names 198.51.100.15 too.
pub fn args(run: &RunDir) -> Vec<OsString> {
    vec![
        run.path("acme2certifier/serve.py").into(),
        addr::ACME2.into(),
        "443".into(),
        run.path("pebble/cert.pem").into(),
        run.path("pebble/key.pem").into(),
        run.path("acme2certifier/acme_srv.cfg").into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_the_handler_the_crl_and_a_switchable_ari_window() {
        let run = RunDir::for_name("dk");
        let c = config(&run);
        assert!(c.contains("handler_module: acme2certifier.cahandlers.openssl_ca_handler"));
        assert!(c.contains("issuing_ca_crl: /run/direkt-lab/dk/acme2certifier/crl.pem"));
        assert_eq!(c.matches(RENEWAL_FORCE_OFF).count(), 1);
        assert!(!c.contains(RENEWAL_FORCE_ON));
        assert!(c.contains("challenge_validation_disable: False"));
    }

    #[test]
    fn a_missing_venv_says_how_to_create_it() {
        // SAFETY: tests in this module are the only readers of this variable.
        unsafe { std::env::set_var(VENV_ENV, "/nonexistent/venv") };
        let e = python().unwrap_err();
        unsafe { std::env::remove_var(VENV_ENV) };
        assert_eq!(e.exit_code(), 2);
        let text = format!("{e}");
        assert!(text.contains("/nonexistent/venv"), "{text}");
    }
}
