//! The foundation's contract, driven through the built binary: status without config, config
//! errors (exit 2, file:line:col and key, nothing written), secrets permissions, the state lock
//! and crash safety.

mod support;

use std::time::{Duration, Instant};

use support::{Env, chmod};

#[test]
fn status_without_config_explains_how_to_start() {
    let env = Env::new();
    env.run(&["status"])
        .code(0)
        .stdout_has("No configuration yet")
        .stdout_has("To start");
    let j = env.run(&["status", "--json"]).code(0).json();
    assert_eq!(j["configured"], false);
    assert_eq!(j["config_file"], env.config().display().to_string());
    assert!(j["state"].is_null());
    assert!(
        !env.state_dir().exists(),
        "status must not create the state dir"
    );
}

#[test]
fn help_and_version_work() {
    let env = Env::new();
    env.run(&["--help"]).code(0).stdout_has("Exit codes");
    env.run(&["--version"])
        .code(0)
        .stdout_has(env!("CARGO_PKG_VERSION"));
    env.run(&["no-such-command"]).code(2);
}

#[test]
fn status_shows_a_valid_config() {
    let env = Env::new();
    env.write_config(
        "name = \"box.example.org\"\n[ports]\nforward = [443, \"80/tcp\"]\nlease = \"2h\"\n",
    );
    env.run(&["status"])
        .code(0)
        .stdout_has("box.example.org")
        .stdout_has("443/tcp, 80/tcp");
    let j = env.run(&["status", "--json"]).code(0).json();
    assert_eq!(j["configured"], true);
    assert_eq!(j["name"], "box.example.org");
    assert_eq!(j["config"]["ports"]["lease"], "2h");
}

#[test]
fn malformed_configs_exit_2_naming_file_line_and_key_and_write_nothing() {
    let cases: &[(&str, &str, &str)] = &[
        ("name = \"box.example.org\"\n[ip\n", ":2:", "invalid config"),
        (
            "name = \"box.example.org\"\ncolour = \"red\"\n",
            ":2:1",
            "colour",
        ),
        (
            "name = \"box.example.org\"\n[ip]\nquorum = \"two\"\n",
            ":3:10",
            "ip.quorum",
        ),
        ("name = \"-bad-.example.org\"\n", ":1:8", "name"),
        (
            "name = \"box.example.org\"\n[ports]\nforward = [0]\n",
            ":3:",
            "ports.forward",
        ),
        (
            "name = \"box.example.org\"\n[ports]\nforward = [70000]\n",
            ":3:",
            "port 70000 is out of range",
        ),
    ];
    for (text, at, key) in cases {
        let env = Env::new();
        let file = env.write_config(text);
        let r = env.run(&["status"]);
        r.code(2)
            .stderr_has(&format!("{}{at}", file.display()))
            .stderr_has(key)
            .stderr_has("hint:");
        assert!(
            !env.state_dir().exists(),
            "a bad config must write nothing: {text}"
        );
    }
}

#[test]
fn a_secrets_file_readable_by_others_is_refused_with_the_fix() {
    let env = Env::new();
    env.write_config("name = \"box.example.org\"\n");
    let secrets = env.path("secrets.toml");
    std::fs::write(&secrets, "[ddns]\ntoken = \"s3cr3t-token-value\"\n").unwrap();
    chmod(&secrets, 0o644);
    env.run(&["status"])
        .code(2)
        .stderr_has("readable by others")
        .stderr_has(&format!("chmod 600 {}", secrets.display()))
        .lacks("s3cr3t-token-value");
    chmod(&secrets, 0o600);
    env.run(&["status", "-vv"])
        .code(0)
        .lacks("s3cr3t-token-value");
}

fn runs_in_state(env: &Env) -> u64 {
    let j = env.run(&["status", "--json"]).code(0).json();
    j["state"]["runs"].as_u64().unwrap_or(0)
}

#[test]
fn two_writers_never_interleave() {
    let env = Env::new();
    let spawn = || {
        env.cmd()
            .args([
                "debug",
                "state-writer",
                "--runs",
                "150",
                "--wait-ms",
                "20000",
            ])
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    // Every read-modify-write happened under the lock: no update was lost.
    assert_eq!(runs_in_state(&env), 300);
}

#[test]
fn a_second_run_waits_briefly_then_fails_cleanly() {
    let env = Env::new();
    let mut holder = env
        .cmd()
        .args(["debug", "state-writer", "--runs", "1", "--pause-ms", "3000"])
        .spawn()
        .unwrap();
    // Wait until the holder has written once (it holds the lock while it pauses).
    let t = Instant::now();
    while runs_in_state(&env) == 0 {
        assert!(t.elapsed() < Duration::from_secs(10), "holder never wrote");
        std::thread::sleep(Duration::from_millis(20));
    }
    let t = Instant::now();
    let r = env.run(&["debug", "state-writer", "--runs", "1", "--wait-ms", "300"]);
    r.code(1).stderr_has("holds the lock").stderr_has("hint:");
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert!(holder.wait().unwrap().success());
    assert_eq!(runs_in_state(&env), 1);
}

#[test]
fn sigkill_mid_write_leaves_a_readable_state() {
    let env = Env::new();
    let mut last = 0;
    for i in 0..20u64 {
        let mut child = env
            .cmd()
            .args([
                "debug",
                "state-writer",
                "--runs",
                "100000",
                "--pad",
                "200000",
            ])
            .spawn()
            .unwrap();
        // Kill at varied moments, including before the first write.
        std::thread::sleep(Duration::from_millis(5 + (i * 37) % 120));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let runs = runs_in_state(&env);
        assert!(runs >= last, "state went backwards: {runs} < {last}");
        last = runs;
    }
    assert!(last > 0, "the writer never completed a write in 20 tries");
    // And the next run completes normally.
    env.run(&["debug", "state-writer", "--runs", "1"]).code(0);
    assert_eq!(runs_in_state(&env), last + 1);
}
