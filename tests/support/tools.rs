//! Host tools some tests need (promtool, systemd-analyze, tmux). A test that needs one carries
//! `#[cfg_attr(not(has_promtool), ignore = "...")]` (build.rs probes PATH) and calls
//! [`require_tool`]; [`need_tool`] is for an extra check inside a test that runs without it.
#![allow(dead_code)]

use std::process::Command;

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn missing(tool: &str, package: &str) -> String {
    format!("{tool} is missing: install the Debian package `{package}` (tests/run does as root)")
}

/// Fail when `tool` is missing: the second line of defence in a test that build.rs did not
/// mark ignored (or under `CI`, which never ignores).
#[track_caller]
pub fn require_tool(tool: &str, package: &str) {
    assert!(installed(tool), "{}", missing(tool, package));
}

/// Whether `tool` is installed. Missing: skip locally (printing why), panic when `CI` is set.
pub fn need_tool(tool: &str, package: &str) -> bool {
    let found = installed(tool);
    if !found {
        let why = missing(tool, package);
        if super::in_ci() {
            panic!("{why}");
        }
        eprintln!("skipped: {why}");
    }
    found
}

/// Run `promtool check metrics` on a text: (passed without any complaint, its output).
pub fn promtool_check(text: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success() && msg.trim().is_empty(), msg)
}

#[track_caller]
pub fn promtool_accepts(text: &str) {
    let (ok, msg) = promtool_check(text);
    assert!(ok, "promtool check metrics: {msg}\n{text}");
}
