//! File writes that survive a crash at any moment: temp file in the same directory, fsync,
//! rename over the old file, fsync of the directory. Readers see the old or the new file, never
//! a mix.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Atomically replace `path` with `contents`, created with `mode` (e.g. 0o600 for secrets).
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        // The umask may have narrowed the mode; set it exactly.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A temp file name beside `path`, unique per process and call.
pub fn temp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp.{}.{n}", std::process::id()))
}

/// fsync the directory holding `path`, so a rename in it is durable.
pub fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

/// Create a directory (and parents) with `mode` for the last component if it is new.
pub fn create_dir(path: &Path, mode: u32) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Remove temp files a crashed writer left behind in `dir` (names from `temp_path`).
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".tmp.") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Free room on the file system holding a directory, as `statvfs` reports it to a writer
/// without root's reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub bytes: u64,
    /// `None` when the file system has no inode limit (it reports no inodes at all).
    pub inodes: Option<u64>,
}

impl std::fmt::Display for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.inodes {
            Some(i) => write!(f, "{} and {i} inodes free", human_bytes(self.bytes)),
            None => write!(f, "{} free", human_bytes(self.bytes)),
        }
    }
}

/// `n` bytes for people: `0 bytes`, `812 KiB`, `3.2 MiB`.
pub fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;
    match n {
        n if n < KIB => format!("{n} bytes"),
        n if n < MIB => format!("{} KiB", n / KIB),
        n if n < GIB => format!("{:.1} MiB", n as f64 / MIB as f64),
        n => format!("{:.1} GiB", n as f64 / GIB as f64),
    }
}

/// The free room on the file system holding `dir`.
pub fn room(dir: &Path) -> std::io::Result<Room> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes())?;
    // SAFETY: statvfs writes into the zeroed struct we own; `c` is a valid C string.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let bytes = (s.f_bavail as u64).saturating_mul(s.f_frsize as u64);
    let inodes = (s.f_files > 0).then_some(s.f_favail as u64);
    Ok(Room { bytes, inodes })
}

/// Why a directory cannot take a write of a given size.
#[derive(Debug)]
pub enum NoRoom {
    /// Less free room than asked for.
    Short { room: Room, bytes: u64, inodes: u64 },
    /// The room could not be read, or the probe file could not be written.
    Io(std::io::Error),
}

impl std::fmt::Display for NoRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoRoom::Short {
                room,
                bytes,
                inodes,
            } => write!(
                f,
                "has {room} (at least {} and {inodes} inodes are needed)",
                human_bytes(*bytes)
            ),
            NoRoom::Io(e) => write!(f, "cannot be written ({e})"),
        }
    }
}

/// Whether `dir` can take `bytes` and `inodes` more: the file system's free room (`statvfs`),
/// then a small probe file written, fsynced and removed (a read-only mount, a quota or
/// permissions show there). Cheap: no network, one small write.
pub fn ensure_room(dir: &Path, bytes: u64, inodes: u64) -> Result<Room, NoRoom> {
    let room = room(dir).map_err(NoRoom::Io)?;
    if room.bytes < bytes || room.inodes.is_some_and(|i| i < inodes) {
        return Err(NoRoom::Short {
            room,
            bytes,
            inodes,
        });
    }
    // A name `remove_stale_temps` cleans if this process dies before removing it.
    let probe = temp_path(&dir.join("space-probe"));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&probe)?;
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    })();
    let _ = fs::remove_file(&probe);
    result.map_err(NoRoom::Io)?;
    Ok(room)
}

/// The permission bits of a file, if it exists.
pub fn mode_of(path: &Path) -> std::io::Result<u32> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o7777)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_atomic(&p, b"one", 0o600).unwrap();
        write_atomic(&p, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(mode_of(&p).unwrap(), 0o600);
        // No temp files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn ensure_room_measures_and_probes_without_leaving_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let room = ensure_room(dir.path(), 1, 1).unwrap();
        assert!(room.bytes > 0);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        // More than any disk has: refused, saying what is free and what is needed.
        let e = ensure_room(dir.path(), u64::MAX, 1)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("has ") && e.contains("free"), "{e}");
        assert!(e.contains("are needed"), "{e}");
        let e = ensure_room(&dir.path().join("missing"), 1, 1).unwrap_err();
        assert!(matches!(e, NoRoom::Io(_)), "{e}");
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(1024 * 1024), "1.0 MiB");
        assert_eq!(human_bytes(3 * 1024), "3 KiB");
    }
}
