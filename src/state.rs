//! The state directory: what the last runs did, written atomically, guarded by a lock so two
//! runs never write at once, and versioned so a newer direkt reads an older state.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil;

/// The state format this build writes. Older versions are read and upgraded; newer ones are
/// refused rather than misread.
pub const STATE_VERSION: u32 = 1;
const STATE_FILE: &str = "state.json";
const LOCK_FILE: &str = "lock";
/// How long a second run waits for the lock before giving up.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5);

/// Everything direkt remembers between runs. Sections default when absent, so a state written
/// by an older direkt (or none at all) loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub version: u32,
    /// How many runs have recorded themselves here.
    pub runs: u64,
    pub last_run: Option<RunRecord>,
    /// Port mappings direkt created on the router.
    pub ports: crate::portmap::PortsState,
    /// Dynamic DNS: what was published, latch and backoff.
    pub ddns: crate::ddns::DdnsState,
    /// Certificates: what was issued, ARI window, back-off and latch.
    pub cert: crate::acme::CertState,
    /// How each part fared in `renew`, and the notifications sent.
    pub renew: crate::renew::RenewState,
    /// The relay through a VPS (`direkt relay setup`), when one is set up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<crate::relay::RelayState>,
}

impl State {
    /// Clamp every stored "not before" time (the DNS and certificate back-offs, the CA's ARI
    /// Retry-After) to [`MAX_STORED_WAIT`] from `now`; true when one was cut.
    pub fn clamp_waits(&mut self, now: i64) -> bool {
        let mut waits: Vec<&mut i64> = [&mut self.ddns.backoff, &mut self.cert.backoff]
            .into_iter()
            .flatten()
            .map(|b| &mut b.until)
            .collect();
        waits.extend(self.cert.ari.as_mut().map(|a| &mut a.retry_after));
        let mut cut = false;
        for t in waits {
            let clamped = clamp_wait(*t, now);
            cut |= clamped != *t;
            *t = clamped;
        }
        cut
    }
}

/// The stamp a `renew` that found nothing due leaves instead of rewriting `state.json`.
pub const NOTHING_DUE_STAMP: &str = "renew-nothing-due";

impl State {
    /// Fold in a `renew` at `at` that found nothing due for `parts`: the last run, and those
    /// parts' last attempt and success (parts with an error or latch keep theirs).
    pub fn fold_nothing_due(&mut self, at: i64, parts: &[String]) {
        if self.last_run.as_ref().is_some_and(|r| r.at >= at) {
            return;
        }
        self.last_run = Some(RunRecord {
            command: "renew".into(),
            at,
            ok: true,
            summary: "nothing was due".into(),
        });
        for part in parts {
            if let Some(rec) = self.renew.parts.get_mut(part)
                && rec.error.is_none()
                && !rec.latched
            {
                rec.last_attempt = rec.last_attempt.max(Some(at));
                rec.last_success = rec.last_success.max(Some(at));
            }
        }
    }

    /// Whether `self` differs from `before` only in what a run that found nothing due moves:
    /// the run count, the last run and the parts' last attempt and success.
    pub fn only_run_times_differ(&self, before: &State) -> bool {
        fn without_times(s: &State) -> State {
            let mut s = s.clone();
            s.runs = 0;
            s.last_run = None;
            for rec in s.renew.parts.values_mut() {
                rec.last_attempt = None;
                rec.last_success = None;
            }
            s
        }
        without_times(self) == without_times(before)
    }
}

/// What the last state-changing run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub command: String,
    /// Unix seconds.
    pub at: i64,
    pub ok: bool,
    pub summary: String,
}

/// A provider or CA answer that retrying cannot fix; no requests until the config changes or
/// `--force`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Latch {
    pub reason: String,
    pub since: i64,
    /// Hash of the config section it was latched under; a changed config clears it.
    pub config_hash: String,
}

/// A transient failure: wait until `until` before trying again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Backoff {
    pub failures: u32,
    pub until: i64,
    pub reason: String,
}

/// The longest any stored wait (a back-off, a CA's ARI Retry-After) may reach from now. Stored
/// times are clamped to it when read, so a clock that was ahead when the time was written (and
/// has since been set back) cannot stretch a wait past it.
pub const MAX_STORED_WAIT: i64 = 86_400;

/// `until`, clamped to [`MAX_STORED_WAIT`] from `now`.
pub fn clamp_wait(until: i64, now: i64) -> i64 {
    until.min(now.saturating_add(MAX_STORED_WAIT))
}

impl Backoff {
    /// The back-off as it counts now (its end clamped), or None when it is over.
    pub fn active(&self, now: i64) -> Option<Backoff> {
        let until = clamp_wait(self.until, now);
        (until > now).then(|| Backoff {
            until,
            ..self.clone()
        })
    }
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Now as Unix seconds with the fraction (to time a request).
pub fn now_unix_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The state directory.
#[derive(Debug, Clone)]
pub struct StateDir {
    path: PathBuf,
}

impl StateDir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateDir { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn state_file(&self) -> PathBuf {
        self.path.join(STATE_FILE)
    }

    /// Read the state without the lock (writes are atomic, so a reader never sees half a
    /// file). `None` when nothing was written yet.
    pub fn read(&self) -> Result<Option<State>> {
        let file = self.state_file();
        match std::fs::read(&file) {
            Ok(bytes) => {
                let mut state = parse_state(&bytes, &file)?;
                if let Some((at, parts)) = self.nothing_due_stamp() {
                    state.fold_nothing_due(at, &parts);
                }
                Ok(Some(state))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(
                Error::failed(format!("cannot read state {}: {e}", file.display()))
                    .hint("check the state directory's permissions (--state-dir)"),
            ),
        }
    }

    /// The last `renew` that found nothing due and so wrote no state (see
    /// [`StateLock::stamp_nothing_due`]): its time (the stamp's mtime) and the parts it looked
    /// at (the stamp's text; none when a crash left it empty).
    fn nothing_due_stamp(&self) -> Option<(i64, Vec<String>)> {
        let path = self.path.join(NOTHING_DUE_STAMP);
        let at = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs() as i64;
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Some((at, text.split_whitespace().map(String::from).collect()))
    }

    /// Take the lock, waiting up to `wait` for another run to finish.
    pub fn lock(&self, wait: Duration) -> Result<StateLock> {
        fsutil::create_dir(&self.path, 0o700).map_err(|e| {
            Error::failed(format!(
                "cannot create state directory {}: {e}",
                self.path.display()
            ))
            .hint("create it, or choose another with --state-dir / DIREKT_STATE_DIR")
        })?;
        let lock_path = self.path.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|e| {
                Error::failed(format!(
                    "cannot open lock file {}: {e}",
                    lock_path.display()
                ))
            })?;
        let start = Instant::now();
        loop {
            // SAFETY: flock on a descriptor we own; no memory is involved.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc == 0 {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(Error::failed(format!(
                    "cannot lock {}: {err}",
                    lock_path.display()
                )));
            }
            if start.elapsed() >= wait {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {holder})")
                };
                return Err(Error::failed(format!(
                    "another direkt run{who} holds the lock on {}; waited {:.1} s",
                    self.path.display(),
                    wait.as_secs_f64()
                ))
                .hint(
                    "let it finish; runs from cron never overlap harmfully, the next one \
                       will do the work",
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        // Record who holds the lock, for the message a waiting run prints.
        // The holder's pid, padded to a fixed width and written in place: truncating the file
        // on every run costs an ext4 journal commit (milliseconds on a busy disk).
        let pid = format!("{:<10}\n", std::process::id());
        if file.metadata().is_ok_and(|m| m.len() > pid.len() as u64) {
            let _ = file.set_len(0);
        }
        let _ = std::os::unix::fs::FileExt::write_all_at(&file, pid.as_bytes(), 0);
        fsutil::remove_stale_temps(&self.path);
        Ok(StateLock {
            _file: file,
            dir: self.clone(),
            merge: None,
        })
    }
}

/// Proof that this process holds the state lock; only it can write the state.
pub struct StateLock {
    _file: File,
    dir: StateDir,
    /// Set for one of several jobs that run at once (see [`StateLock::merging`]).
    merge: Option<Merge>,
}

/// How a job's `save` folds its copy into the state all jobs share.
struct Merge {
    shared: Arc<Mutex<State>>,
    section: fn(&mut State, &State),
}

/// The shared state, also when a job panicked while holding it (the state is plain data).
pub fn lock_shared(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

impl StateLock {
    pub fn dir(&self) -> &StateDir {
        &self.dir
    }

    /// The current state, or a fresh one when none was written yet.
    /// Stored waits are clamped to [`MAX_STORED_WAIT`] from now here, under the lock, so the
    /// next write anchors them: a back-off written while the clock was days ahead ends at most a
    /// day after the clock was put right.
    pub fn load(&self) -> Result<State> {
        let mut state = self.dir.read()?.unwrap_or_else(|| State {
            version: STATE_VERSION,
            ..State::default()
        });
        if state.clamp_waits(now_unix()) {
            // Rare (the clock was set back): anchor the clamp now, whatever the run writes.
            self.write_state(&state)?;
        }
        Ok(state)
    }

    /// The lock for one of several jobs that run at once, each on its own copy of the state
    /// (renew's parts). Its `save` copies only the job's own sections (`section(shared, copy)`)
    /// into `shared` and writes that, so no job's write loses what another saved.
    pub fn merging(
        &self,
        shared: Arc<Mutex<State>>,
        section: fn(&mut State, &State),
    ) -> Result<StateLock> {
        // The same open file description: the flock stays held until the last copy closes.
        let file = self
            ._file
            .try_clone()
            .map_err(|e| Error::failed(format!("cannot share the state lock: {e}")))?;
        Ok(StateLock {
            _file: file,
            dir: self.dir.clone(),
            merge: Some(Merge { shared, section }),
        })
    }

    /// Atomically replace the state file.
    pub fn save(&self, state: &State) -> Result<()> {
        if let Some(m) = &self.merge {
            let mut shared = lock_shared(&m.shared);
            (m.section)(&mut shared, state);
            return self.write_state(&shared);
        }
        self.write_state(state)
    }

    fn write_state(&self, state: &State) -> Result<()> {
        let mut state = state.clone();
        state.version = STATE_VERSION;
        let bytes = serde_json::to_vec_pretty(&state)
            .map_err(|e| Error::failed(format!("cannot encode state: {e}")))?;
        let file = self.dir.state_file();
        fsutil::write_atomic(&file, &bytes, 0o600).map_err(|e| {
            Error::failed(format!("cannot write state {}: {e}", file.display()))
                .hint("check free disk space and the state directory's permissions")
        })
    }

    /// Record a `renew` that found nothing due for `parts` without rewriting `state.json`:
    /// the stamp's mtime is set to now (its text names the parts, rewritten only when they
    /// change, atomically). The mtime is not fsynced: a crash loses at most this "last looked
    /// at" time, never the state.
    pub fn stamp_nothing_due(&self, parts: &[&str]) -> Result<()> {
        let path = self.dir.path.join(NOTHING_DUE_STAMP);
        let text = parts.join(" ");
        let io = |e: std::io::Error| Error::failed(format!("cannot write {}: {e}", path.display()));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            // Rare (the configured parts changed): the one atomic write.
            fsutil::write_atomic(&path, text.as_bytes(), 0o600).map_err(io)?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(io)?;
        file.set_modified(std::time::SystemTime::now()).map_err(io)
    }

    /// Write any file in the state directory atomically (0600), under this lock.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.dir.path.join(name);
        if let Some(parent) = path.parent() {
            fsutil::create_dir(parent, 0o700)?;
        }
        fsutil::write_atomic(&path, bytes, 0o600)
            .map_err(|e| Error::failed(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }
}

fn parse_state(bytes: &[u8], file: &Path) -> Result<State> {
    #[derive(Deserialize)]
    struct VersionOnly {
        #[serde(default)]
        version: u32,
    }
    let v: VersionOnly = serde_json::from_slice(bytes).map_err(|e| {
        Error::failed(format!("state file {} is unreadable: {e}", file.display())).hint(format!(
            "it was changed outside direkt; move it away (mv {0} {0}.bad) and run again: \
             direkt rebuilds what it needs",
            file.display()
        ))
    })?;
    if v.version > STATE_VERSION {
        return Err(Error::usage(format!(
            "state file {} was written by a newer direkt (format {}, this one reads up to {})",
            file.display(),
            v.version,
            STATE_VERSION
        ))
        .hint("upgrade direkt, or use another --state-dir"));
    }
    let mut state: State = serde_json::from_slice(bytes)
        .map_err(|e| Error::failed(format!("state file {} is unreadable: {e}", file.display())))?;
    // Version 0 is a state without a version field (pre-release); the sections default.
    state.version = STATE_VERSION;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_written_under_a_clock_ahead_is_clamped_to_a_day() {
        let b = Backoff {
            failures: 3,
            until: 1_000 + 2 * 86_400 + 600,
            reason: "x".into(),
        };
        // The clock is back to the truth (2 days earlier than when it was written).
        assert_eq!(b.active(1_000).unwrap().until, 1_000 + MAX_STORED_WAIT);
        // A normal back-off is untouched, and an ended one is over.
        let short = Backoff {
            until: 1_600,
            ..b.clone()
        };
        assert_eq!(short.active(1_000).unwrap().until, 1_600);
        assert!(short.active(1_600).is_none());
        // Loading anchors the clamp, so the wait ends a day after the first run, not never.
        let mut st = State::default();
        st.ddns.backoff = Some(b.clone());
        st.cert.backoff = Some(b);
        st.clamp_waits(1_000);
        st.clamp_waits(1_000 + 3600);
        assert_eq!(st.ddns.backoff.unwrap().until, 1_000 + MAX_STORED_WAIT);
        assert_eq!(st.cert.backoff.unwrap().until, 1_000 + MAX_STORED_WAIT);
    }

    #[test]
    fn missing_state_reads_as_none_then_saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let sd = StateDir::new(dir.path().join("s"));
        assert!(sd.read().unwrap().is_none());
        let lock = sd.lock(DEFAULT_LOCK_WAIT).unwrap();
        let mut st = lock.load().unwrap();
        st.runs = 7;
        lock.save(&st).unwrap();
        assert_eq!(sd.read().unwrap().unwrap().runs, 7);
        assert_eq!(fsutil::mode_of(&sd.state_file()).unwrap(), 0o600);
    }

    #[test]
    fn older_state_without_sections_loads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), br#"{"runs": 3}"#).unwrap();
        let st = StateDir::new(dir.path()).read().unwrap().unwrap();
        assert_eq!((st.runs, st.version), (3, STATE_VERSION));
    }

    #[test]
    fn newer_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), br#"{"version": 999}"#).unwrap();
        let e = StateDir::new(dir.path()).read().unwrap_err();
        assert!(e.message().contains("newer direkt"), "{}", e.message());
    }

    #[test]
    fn second_lock_waits_then_fails_with_holder() {
        let dir = tempfile::tempdir().unwrap();
        let sd = StateDir::new(dir.path());
        let _held = sd.lock(DEFAULT_LOCK_WAIT).unwrap();
        let t = Instant::now();
        let e = sd.lock(Duration::from_millis(200)).err().unwrap();
        assert!(t.elapsed() >= Duration::from_millis(200));
        assert!(e.message().contains("holds the lock"), "{}", e.message());
        assert!(
            e.message().contains(&std::process::id().to_string()),
            "{}",
            e.message()
        );
    }

    #[test]
    fn merging_saves_keep_what_the_other_job_saved() {
        let dir = tempfile::tempdir().unwrap();
        let sd = StateDir::new(dir.path());
        let lock = sd.lock(DEFAULT_LOCK_WAIT).unwrap();
        let shared = Arc::new(Mutex::new(lock.load().unwrap()));
        let a = lock
            .merging(shared.clone(), |into, from| into.runs = from.runs)
            .unwrap();
        let b = lock
            .merging(shared.clone(), |into, from| {
                into.last_run = from.last_run.clone()
            })
            .unwrap();
        // Each job works on its own copy, taken before the other saved.
        let mut mine_a = lock_shared(&shared).clone();
        let mut mine_b = lock_shared(&shared).clone();
        mine_a.runs = 5;
        a.save(&mine_a).unwrap();
        mine_b.last_run = Some(RunRecord {
            command: "b".into(),
            at: 1,
            ok: true,
            summary: String::new(),
        });
        b.save(&mine_b).unwrap();
        let on_disk = sd.read().unwrap().unwrap();
        assert_eq!(on_disk.runs, 5, "b's save kept a's section");
        assert_eq!(on_disk.last_run.unwrap().command, "b");
        // The copies share the one flock: it is held until the last is dropped.
        drop(lock);
        drop(a);
        assert!(sd.lock(Duration::from_millis(50)).is_err());
        drop(b);
        sd.lock(Duration::from_secs(2)).unwrap();
    }

    #[test]
    fn lock_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let sd = StateDir::new(dir.path());
        drop(sd.lock(DEFAULT_LOCK_WAIT).unwrap());
        // A child forked by another test may hold the inherited descriptor until its exec.
        sd.lock(Duration::from_secs(2)).unwrap();
    }
}
