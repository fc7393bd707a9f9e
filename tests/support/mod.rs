//! Shared helpers for the integration tests: run the built binary with a clean environment.
#![allow(dead_code)]

pub mod fake;
pub mod lab;
pub mod providers;
pub mod tmux;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `CI` is set to a non-empty value: nothing may be skipped (build.rs then sets every
/// `has_*` cfg, so no test is ignored either).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// The direkt binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_direkt"))
}

/// A scratch home for one test: config and state paths inside a temp dir, and an environment
/// free of the developer's DIREKT_* variables.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn config(&self) -> PathBuf {
        self.path("direkt.toml")
    }
    pub fn state_dir(&self) -> PathBuf {
        self.path("state")
    }
    pub fn write_config(&self, text: &str) -> PathBuf {
        std::fs::write(self.config(), text).unwrap();
        self.config()
    }
    /// A command with `--config`/`--state-dir` pointing into this env (via the environment).
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        for (k, _) in std::env::vars() {
            if k.starts_with("DIREKT_") || k == "NO_COLOR" {
                c.env_remove(k);
            }
        }
        c.env("DIREKT_CONFIG", self.config())
            .env("DIREKT_STATE_DIR", self.state_dir())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_STATE_HOME", self.path("xdg-state"));
        c
    }
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().expect("run direkt"))
    }
}

/// The result of one run, with readable assertions.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn code(&self, want: i32) -> &Run {
        assert_eq!(
            self.code, want,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
    /// Neither stream contains `secret`.
    #[track_caller]
    pub fn lacks(&self, secret: &str) -> &Run {
        assert!(
            !self.stdout.contains(secret),
            "stdout leaks a secret:\n{}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(secret),
            "stderr leaks a secret:\n{}",
            self.stderr
        );
        self
    }
}

/// Set a file's mode.
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
