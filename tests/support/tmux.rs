//! A real terminal for interactive tests: a private tmux server (its own socket), keys sent with
//! `send-keys`, the screen read with `capture-pane`. Dropping it ends that server.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

const MISSING: &str = "tmux is missing: install the Debian package `tmux` (tests/run does as root)";

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Whether tmux is installed (skip locally with the reason, fail under CI). Prefer
    /// [`Tmux::require`] in a test ignored without `cfg(has_tmux)`.
    pub fn available() -> bool {
        let ok = Self::installed();
        if !ok {
            if super::in_ci() {
                panic!("{MISSING}");
            }
            eprintln!("skipped: {MISSING}");
        }
        ok
    }

    /// Fail when tmux is missing: the second line of defence in a test that build.rs did not
    /// mark ignored (or under `CI`, which never ignores).
    #[track_caller]
    pub fn require() {
        assert!(Self::installed(), "{MISSING}");
    }

    fn installed() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Start `shell_command` in a fresh 120x40 terminal. When it ends, `[exit N]` is printed
    /// and the pane stays, so the screen and exit code can be read.
    pub fn start(shell_command: &str) -> Tmux {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let socket = format!(
            "direkt-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let t = Tmux { socket };
        let wrapped = format!("{shell_command}; echo \"[exit $?]\"; sleep 600");
        let mut c = t.cmd();
        c.args([
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "120",
            "-y",
            "40",
            &wrapped,
        ]);
        for (k, _) in std::env::vars() {
            if k.starts_with("DIREKT_") || k == "NO_COLOR" {
                c.env_remove(k);
            }
        }
        let out = c.output().expect("run tmux");
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// The screen and its scrollback, without colours.
    pub fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-J", "-S", "-500", "-t", "t"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until the screen shows `needle` (after `after` occurrences of it were already
    /// there), or fail with the screen.
    #[track_caller]
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("the terminal never showed {needle:?} within {timeout:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for a prompt line that is still open (`? prompt`), i.e. waiting for input.
    #[track_caller]
    pub fn wait_prompt(&self, prompt: &str) {
        self.wait_for(&format!("? {prompt}"), Duration::from_secs(20));
    }

    /// Send keys by tmux name (`Enter`, `Down`, `C-c`).
    pub fn keys(&self, keys: &[&str]) {
        let mut c = self.cmd();
        c.args(["send-keys", "-t", "t"]).args(keys);
        assert!(c.status().unwrap().success());
    }

    /// Type text literally, then Enter.
    pub fn line(&self, text: &str) {
        let mut c = self.cmd();
        c.args(["send-keys", "-t", "t", "-l", text]);
        assert!(c.status().unwrap().success());
        self.keys(&["Enter"]);
    }

    /// The exit code printed when the command ended.
    #[track_caller]
    pub fn exit_code(&self, timeout: Duration) -> i32 {
        let s = self.wait_for("[exit ", timeout);
        let tail = s.rsplit("[exit ").next().unwrap();
        tail.split(']').next().unwrap().trim().parse().unwrap()
    }

    /// Whether the terminal's cursor is visible.
    pub fn cursor_visible(&self) -> bool {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "t", "#{cursor_flag}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Ends this test's own tmux server (and the command in it), nothing else.
        let _ = self.cmd().arg("kill-server").output();
    }
}
