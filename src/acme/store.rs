//! Certificate storage that is replaced as a set: each certificate goes into a new version
//! directory (all four files written and fsynced), then the `live/<name>` symlink is swapped
//! to it with one rename. A reader that opens `live/<name>/...` sees the old set or the new
//! set, never a new certificate with an old key; a crash at any moment leaves the old set live.
//!
//! ```text
//! <state dir>/certs/live/<name>          -> ../versions/<name>/<n>
//! <state dir>/certs/versions/<name>/<n>/ fullchain.pem cert.pem chain.pem privkey.pem (0600)
//! ```

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::acme::certinfo::{self, CertInfo};
use crate::error::{Error, Result};
use crate::fsutil;

/// How many version directories are kept (the live one and its predecessors), so a broken
/// new certificate can be rolled back by hand.
const KEEP_VERSIONS: usize = 2;

#[derive(Debug, Clone)]
pub struct CertStore {
    root: PathBuf,
}

/// Where the files of one certificate are (through the `live` symlink).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertPaths {
    pub dir: PathBuf,
    pub fullchain: PathBuf,
    pub privkey: PathBuf,
    pub cert: PathBuf,
    pub chain: PathBuf,
}

/// The live certificate set as read from disk.
#[derive(Debug, Clone)]
pub struct StoredCert {
    pub info: CertInfo,
    pub fullchain: String,
    pub key_pem: String,
    pub paths: CertPaths,
    /// The version directory the symlink points to.
    pub version: u64,
}

/// The stored certificate's notAfter (Unix time): the truth on disk, for `renew`'s expiry
/// notice and `status`.
pub fn cert_expiry(settings: &crate::config::Settings) -> Option<i64> {
    live_leaf(settings).map(|info| info.not_after)
}

/// The live certificate's leaf as read from disk (names, validity, ARI identifier), without
/// the key: for `renew`'s expiry notice and `status`.
pub fn live_leaf(settings: &crate::config::Settings) -> Option<CertInfo> {
    let name = settings.config.as_ref()?.name.to_string();
    let store = CertStore::new(&settings.paths.state_dir);
    store.live_version(&name)?;
    // The leaf alone: no need to read the key (renew asks this on every run).
    let fullchain = fs::read_to_string(store.paths(&name).fullchain).ok()?;
    certinfo::parse_leaf_pem(&fullchain).ok()
}

impl CertStore {
    pub fn new(state_dir: &Path) -> CertStore {
        CertStore {
            root: state_dir.join("certs"),
        }
    }

    /// The directory all certificate sets are stored under (`<state dir>/certs`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn paths(&self, name: &str) -> CertPaths {
        let dir = self.root.join("live").join(name);
        CertPaths {
            fullchain: dir.join("fullchain.pem"),
            privkey: dir.join("privkey.pem"),
            cert: dir.join("cert.pem"),
            chain: dir.join("chain.pem"),
            dir,
        }
    }

    fn versions_dir(&self, name: &str) -> PathBuf {
        self.root.join("versions").join(name)
    }

    /// The version number the live symlink points to.
    fn live_version(&self, name: &str) -> Option<u64> {
        let target = fs::read_link(self.root.join("live").join(name)).ok()?;
        target.file_name()?.to_str()?.parse().ok()
    }

    /// Read the live set. `None` when there is none yet.
    pub fn read(&self, name: &str) -> Result<Option<StoredCert>> {
        let paths = self.paths(name);
        let Some(version) = self.live_version(name) else {
            return Ok(None);
        };
        let read = |p: &Path| {
            fs::read_to_string(p).map_err(|e| {
                Error::failed(format!("cannot read {}: {e}", p.display()))
                    .hint("check the state directory; `direkt cert issue --force` writes a new set")
            })
        };
        let fullchain = read(&paths.fullchain)?;
        let key_pem = read(&paths.privkey)?;
        let info = certinfo::parse_leaf_pem(&fullchain)?;
        Ok(Some(StoredCert {
            info,
            fullchain,
            key_pem,
            paths,
            version,
        }))
    }

    /// Install a new set and make it live atomically. `fullchain` is the CA's PEM chain, leaf
    /// first.
    pub fn install(&self, name: &str, fullchain: &str, key_pem: &str) -> Result<CertPaths> {
        self.install_inner(name, fullchain, key_pem).map_err(|e| {
            Error::failed(format!(
                "cannot store the certificate for {name} in {}: {e}",
                self.root.display()
            ))
        })
    }

    fn install_inner(
        &self,
        name: &str,
        fullchain: &str,
        key_pem: &str,
    ) -> std::io::Result<CertPaths> {
        let (cert, chain) = split_chain(fullchain);
        let versions = self.versions_dir(name);
        fsutil::create_dir(&self.root, 0o755)?;
        fsutil::create_dir(&versions, 0o755)?;
        let live_dir = self.root.join("live");
        fsutil::create_dir(&live_dir, 0o755)?;
        // Leftovers of a run killed before its swap are not live: remove them.
        let live = self.live_version(name);
        let mut existing = version_numbers(&versions);
        for v in existing.iter().filter(|v| Some(**v) > live) {
            let _ = fs::remove_dir_all(versions.join(v.to_string()));
        }
        existing.retain(|v| Some(*v) <= live);
        let next = existing
            .iter()
            .max()
            .copied()
            .unwrap_or(0)
            .max(live.unwrap_or(0))
            + 1;
        let dir = versions.join(next.to_string());
        // A set that cannot be written whole (a full disk) is removed again: never an empty
        // privkey.pem or half a set left behind, and the live set stays as it was.
        let written = (|| {
            fs::create_dir(&dir)?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
            write_synced(&dir.join("privkey.pem"), key_pem.as_bytes(), 0o600)?;
            write_synced(&dir.join("cert.pem"), cert.as_bytes(), 0o644)?;
            write_synced(&dir.join("chain.pem"), chain.as_bytes(), 0o644)?;
            write_synced(&dir.join("fullchain.pem"), fullchain.as_bytes(), 0o644)?;
            fs::File::open(&dir)?.sync_all()?;
            fs::File::open(&versions)?.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_dir_all(&dir);
            return Err(e);
        }

        // The swap: a temp symlink renamed over the live one.
        let link = live_dir.join(name);
        let tmp = fsutil::temp_path(&link);
        let target = Path::new("..")
            .join("versions")
            .join(name)
            .join(next.to_string());
        let swapped =
            std::os::unix::fs::symlink(&target, &tmp).and_then(|()| fs::rename(&tmp, &link));
        if let Err(e) = swapped {
            let _ = fs::remove_file(&tmp);
            let _ = fs::remove_dir_all(&dir);
            return Err(e);
        }
        fs::File::open(&live_dir)?.sync_all()?;

        // Old versions beyond the ones kept.
        let mut all = version_numbers(&versions);
        all.sort_unstable();
        let drop = all.len().saturating_sub(KEEP_VERSIONS);
        for v in &all[..drop] {
            let _ = fs::remove_dir_all(versions.join(v.to_string()));
        }
        fsutil::remove_stale_temps(&live_dir);
        Ok(self.paths(name))
    }
}

fn version_numbers(dir: &Path) -> Vec<u64> {
    fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn write_synced(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    #[cfg(test)]
    tests::maybe_fail_write()?;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    f.set_permissions(fs::Permissions::from_mode(mode))?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Split a PEM chain into the leaf and the rest.
pub fn split_chain(fullchain: &str) -> (String, String) {
    const END: &str = "-----END CERTIFICATE-----";
    match fullchain.find(END) {
        Some(i) => {
            let cut = i + END.len();
            let leaf = format!("{}\n", &fullchain[..cut].trim_start());
            let rest = fullchain[cut..].trim_start().to_string();
            (leaf, rest)
        }
        None => (fullchain.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::keys::CertKey;
    use crate::config::KeyType;

    /// A leaf signed by a throwaway CA, as "fullchain" (leaf + CA) and its key.
    pub(crate) fn test_chain(names: &[&str]) -> (String, String) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = CertKey::generate(KeyType::EcdsaP256).unwrap();
        let kp = rcgen::KeyPair::from_pem(&key.pem).unwrap();
        let params =
            rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        let leaf = params.signed_by(&kp, &issuer).unwrap();
        (format!("{}{}", leaf.pem(), ca.pem()), key.pem)
    }

    #[test]
    fn install_swaps_the_set_and_keeps_two_versions() {
        let dir = tempfile::tempdir().unwrap();
        let store = CertStore::new(dir.path());
        assert!(store.read("box.example.test").unwrap().is_none());
        let mut serials = vec![];
        for _ in 0..3 {
            let (chain, key) = test_chain(&["box.example.test"]);
            let paths = store.install("box.example.test", &chain, &key).unwrap();
            let got = store.read("box.example.test").unwrap().unwrap();
            assert!(certinfo::key_matches(&got.info, &got.key_pem));
            assert_eq!(got.key_pem, key);
            assert_eq!(fsutil::mode_of(&paths.privkey).unwrap(), 0o600);
            let (leaf, rest) = split_chain(&chain);
            assert_eq!(fs::read_to_string(&paths.cert).unwrap(), leaf);
            assert_eq!(fs::read_to_string(&paths.chain).unwrap(), rest);
            assert!(rest.starts_with("-----BEGIN CERTIFICATE-----"));
            serials.push(got.info.serial.clone());
        }
        assert_eq!(store.read("box.example.test").unwrap().unwrap().version, 3);
        let mut versions = version_numbers(&store.versions_dir("box.example.test"));
        versions.sort();
        assert_eq!(versions, vec![2, 3]);
        assert_ne!(serials[0], serials[2]);
    }

    thread_local! {
        /// Fail the write after this many more (a disk that fills during an install).
        static FAIL_AFTER: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
    }

    pub(super) fn maybe_fail_write() -> std::io::Result<()> {
        FAIL_AFTER.with(|f| match f.get() {
            Some(0) => Err(std::io::Error::from_raw_os_error(libc::ENOSPC)),
            Some(n) => {
                f.set(Some(n - 1));
                Ok(())
            }
            None => Ok(()),
        })
    }

    #[test]
    fn a_set_that_cannot_be_written_whole_leaves_nothing_and_the_old_set_live() {
        let dir = tempfile::tempdir().unwrap();
        let store = CertStore::new(dir.path());
        let (chain, key) = test_chain(&["box.example.test"]);
        store.install("box.example.test", &chain, &key).unwrap();
        for writes_before_full in 0..4 {
            FAIL_AFTER.with(|f| f.set(Some(writes_before_full)));
            let (chain2, key2) = test_chain(&["box.example.test"]);
            let e = store
                .install("box.example.test", &chain2, &key2)
                .unwrap_err();
            FAIL_AFTER.with(|f| f.set(None));
            assert!(e.message().contains("No space left"), "{}", e.message());
            // Only the live version is there; the half set is gone, with its key.
            assert_eq!(
                version_numbers(&store.versions_dir("box.example.test")),
                vec![1]
            );
            let live = store.read("box.example.test").unwrap().unwrap();
            assert_eq!((live.version, live.key_pem.as_str()), (1, key.as_str()));
        }
    }

    #[test]
    fn a_version_left_by_a_killed_run_never_becomes_live() {
        let dir = tempfile::tempdir().unwrap();
        let store = CertStore::new(dir.path());
        let (chain, key) = test_chain(&["box.example.test"]);
        store.install("box.example.test", &chain, &key).unwrap();
        // A run that died after writing version 2 but before the swap.
        let half = store.versions_dir("box.example.test").join("2");
        fs::create_dir(&half).unwrap();
        fs::write(half.join("privkey.pem"), "garbage").unwrap();
        let live = store.read("box.example.test").unwrap().unwrap();
        assert_eq!(live.version, 1);
        assert_eq!(live.key_pem, key);
        // The next install cleans it and goes on.
        let (chain2, key2) = test_chain(&["box.example.test"]);
        store.install("box.example.test", &chain2, &key2).unwrap();
        let live = store.read("box.example.test").unwrap().unwrap();
        assert_eq!(live.key_pem, key2);
        assert!(certinfo::key_matches(&live.info, &live.key_pem));
    }
}
