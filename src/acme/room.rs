//! Room for a certificate before it is ordered, and a second chance to store one the CA
//! already issued. An order on a state directory that cannot take the result wastes a
//! certificate of the CA's weekly limit per name (Let's Encrypt: 5 duplicates a week), and a
//! cron job would repeat it every run; so no order is placed unless the directory can take a
//! new set and the state, checked anew by every run (the check needs no room of its own).

use std::time::Duration;

use crate::acme::certinfo::{self, CertInfo};
use crate::acme::store::{CertPaths, CertStore};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::state::{State, StateLock};

/// What a new certificate set and the state need, with a wide margin: the four PEM files, a
/// version directory, the symlink swap, state.json and the ACME account are a few dozen KiB
/// and about a dozen inodes.
pub const NEED_BYTES: u64 = 1024 * 1024;
pub const NEED_INODES: u64 = 32;

/// How long to wait before the one retry of storing an issued certificate in the same run.
const STORE_RETRY_WAIT: Duration = Duration::from_secs(3);

/// Refuse to order when the state directory cannot take the result (free space and inodes by
/// `statvfs`, then a probe write). The refusal is noted in the state when that can still be
/// written; no back-off, so the first run after space is freed orders.
pub fn check_before_order(lock: &StateLock, state: &mut State) -> Result<()> {
    let Some(why) = shortage(lock) else {
        return Ok(());
    };
    let msg = format!("no certificate ordered: {why}");
    state.cert.last_result = Some(msg.clone());
    // Best effort: on a full disk this fails too, and the next run checks again.
    let _ = lock.save(state);
    Err(Error::failed(msg).hint(
        "free space on that file system (or point --state-dir elsewhere); nothing was asked of \
         the CA, and the next run orders once the directory has room",
    ))
}

/// For a dry run: that the order it reports would not be placed, and why.
pub fn dry_run_note(lock: &StateLock) -> Option<String> {
    shortage(lock).map(|why| format!("an order would not be placed: {why}"))
}

/// Why the state directory cannot take a new certificate set now, if it cannot.
fn shortage(lock: &StateLock) -> Option<String> {
    let dir = lock.dir().path();
    fsutil::ensure_room(dir, NEED_BYTES, NEED_INODES)
        .err()
        .map(|why| format!("the state directory {} {why}", dir.display()))
}

/// Store a certificate the CA issued; when that fails (the disk filled while the CA worked),
/// keep it in memory, wait a moment and try once more. A second failure says plainly that a
/// certificate was issued but not stored, and where; nothing half-written is left (see
/// [`CertStore::install`]), and the next run's [`check_before_order`] keeps it from ordering
/// again until the directory has room.
pub async fn install_issued(
    store: &CertStore,
    name: &str,
    chain: &str,
    key_pem: &str,
    info: &CertInfo,
) -> Result<CertPaths> {
    let first = match store.install(name, chain, key_pem) {
        Ok(paths) => return Ok(paths),
        Err(e) => e,
    };
    tracing::warn!(
        "{}; trying again in {} s",
        first.message(),
        STORE_RETRY_WAIT.as_secs()
    );
    tokio::time::sleep(STORE_RETRY_WAIT).await;
    store.install(name, chain, key_pem).map_err(|e| {
        Error::failed(format!(
            "the CA issued a certificate for {name} (serial {}, valid until {}), but it could \
             not be stored in {} (tried twice): {}; nothing of it was kept, and the certificate \
             that was live (if any) still is",
            info.serial,
            certinfo::rfc3339(info.not_after),
            store.root().display(),
            e.message()
        ))
        .hint(
            "free space in the state directory (or fix its permissions); direkt checks the \
             room before every order, so it does not order again until the directory can take \
             the certificate",
        )
    })
}
