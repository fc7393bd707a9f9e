//! The whole job without the lab: schedule units that systemd accepts, Prometheus output that
//! promtool accepts, reports without secrets, notify and the unattended-setup refusals.

mod support;

use std::path::Path;
use std::process::Command;

use support::tools::{promtool_accepts, promtool_check, require_tool};
use support::{Env, chmod};

/// `schedule install --systemd` into a scratch root, with the units' content checked:
/// (env, root, the units' directory, the service text).
fn install_systemd_units() -> (Env, String, std::path::PathBuf, String) {
    let env = Env::new();
    env.write_config("name = \"box.example.org\"\n");
    let root = env.path("root");
    let root_s = root.display().to_string();
    env.run(&["schedule", "install", "--systemd", "--root", &root_s])
        .code(0)
        .stderr_has("direkt-renew.timer");
    let dir = root.join("etc/systemd/system");
    let service = std::fs::read_to_string(dir.join("direkt-renew.service")).unwrap();
    let timer = std::fs::read_to_string(dir.join("direkt-renew.timer")).unwrap();
    assert!(
        service.contains(&format!("--config {}", env.config().display())),
        "{service}"
    );
    assert!(service.contains(&format!("ReadWritePaths=-{}", env.state_dir().display())));
    assert!(timer.contains("RandomizedDelaySec=") && timer.contains("Persistent=true"));
    (env, root_s, dir, service)
}

#[test]
fn schedule_install_systemd_writes_units_once_and_removes_them() {
    let (env, root_s, dir, _) = install_systemd_units();
    // Installing again changes nothing.
    env.run(&["schedule", "install", "--systemd", "--root", &root_s])
        .code(0)
        .stderr_has("already up to date");
    env.run(&["schedule", "remove", "--systemd", "--root", &root_s])
        .code(0)
        .stderr_has("removed");
    assert!(!dir.join("direkt-renew.timer").exists());
}

#[test]
#[cfg_attr(not(has_systemd_analyze), ignore = "needs systemd-analyze (systemd)")]
fn schedule_install_systemd_writes_units_that_systemd_analyze_accepts() {
    require_tool("systemd-analyze", "systemd");
    let (_env, _, dir, service) = install_systemd_units();
    // --man=no: the man page is not installed on the test machine. verify exits 0 even on
    // lines it ignores, so its stderr must be empty too.
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.join("direkt-renew.service"))
        .arg(dir.join("direkt-renew.timer"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify: {stderr}"
    );
    // The check can fail: a broken option is reported.
    std::fs::write(
        dir.join("direkt-renew.service"),
        service.replace("ProtectSystem=strict", "ProtectSystem=bogus"),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.join("direkt-renew.service"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
}

/// The Debian package's example config (/etc/direkt/direkt.toml.example) loads: no unknown
/// key, no bad value (those exit 2).
#[test]
fn the_packaged_example_config_is_valid() {
    let env = Env::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("debian/direkt.toml.example");
    let state = env.path("state");
    env.run(&[
        "--config",
        &example.display().to_string(),
        "--state-dir",
        &state.display().to_string(),
        "status",
    ])
    .code(0)
    .stdout_has("box.example.org");
}

#[test]
fn schedule_cron_line_and_show() {
    let env = Env::new();
    let root = env.path("root");
    let root_s = root.display().to_string();
    let shown = env
        .run(&["schedule", "show", "--cron", "--every", "10m"])
        .code(0)
        .stdout
        .clone();
    assert!(shown.contains("# /etc/cron.d/direkt"), "{shown}");
    assert!(shown.contains("/10 * * * * root "), "{shown}");
    assert!(shown.contains("renew -q"), "{shown}");
    env.run(&["schedule", "install", "--cron", "--root", &root_s])
        .code(0);
    let cron = std::fs::read_to_string(root.join("etc/cron.d/direkt")).unwrap();
    assert!(cron.contains("/5 * * * * root "), "{cron}");
    env.run(&["schedule", "show", "--every", "90s"])
        .code(2)
        .stderr_has("--every");
}

fn write_state(env: &Env, json: &str) {
    std::fs::create_dir_all(env.state_dir()).unwrap();
    std::fs::write(env.state_dir().join("state.json"), json).unwrap();
}

/// `status --prometheus` of a hand-written state, with its parts' metrics checked.
fn status_prometheus() -> String {
    let env = Env::new();
    env.write_config("name = \"box.example.org\"\n");
    write_state(
        &env,
        r#"{"version":1,"runs":3,"last_run":{"command":"renew","at":1700000000,"ok":true,"summary":"nothing due"},
            "renew":{"parts":{"dns":{"last_attempt":1700000000,"last_success":1700000000,"latched":false},
                              "cert":{"last_attempt":1700000000,"latched":true,"error":"CA refused"}}}}"#,
    );
    let out = env.run(&["status", "--prometheus"]).code(0).stdout.clone();
    assert!(
        out.contains("direkt_last_success_timestamp_seconds{part=\"dns\"} 1700000000"),
        "{out}"
    );
    assert!(out.contains("direkt_latched{part=\"cert\"} 1"), "{out}");
    out
}

#[test]
fn status_prometheus_has_each_parts_success_and_latch() {
    status_prometheus();
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "needs promtool (prometheus)")]
fn status_prometheus_is_accepted_by_promtool() {
    require_tool("promtool", "prometheus");
    let out = status_prometheus();
    promtool_accepts(&out);
    // The check can fail.
    let bad = promtool_check(&format!("{out}direkt bad line\n"));
    assert!(!bad.0, "promtool accepted garbage");
}

#[test]
fn report_redacts_every_secret_and_is_private() {
    let env = Env::new();
    let tsig = "c2VjcmV0LXRzaWcta2V5LW5vYm9keS1zaG91bGQtc2Vl";
    let token_in_file = "tok-from-file-9f8e7d6c";
    let url_pass = "urlpass-5a4b3c";
    env.write_config(&format!(
        "name = \"box.example.org\"\n[ip]\necho = [\"https://me:{url_pass}@echo.example.org/ip\"]\n\
         [ddns]\nprovider = \"rfc2136\"\nserver = \"192.0.2.53:53\"\nzone = \"example.org\"\nkey_name = \"ddns-key\"\n\
         tsig_secret_file = \"{}\"\n",
        env.path("token").display()
    ));
    std::fs::write(env.path("token"), format!("{token_in_file}\n")).unwrap();
    chmod(&env.path("token"), 0o600);
    let secrets = env.path("secrets.toml");
    std::fs::write(&secrets, format!("[ddns]\ntsig_secret = \"{tsig}\"\n")).unwrap();
    chmod(&secrets, 0o600);
    write_state(
        &env,
        &format!(
            r#"{{"version":1,"renew":{{"parts":{{"dns":{{"error":"server said {tsig}"}}}}}}}}"#
        ),
    );
    let out = env.path("report.json");
    let r = env
        .cmd()
        .args(["report", "--no-doctor", "--output"])
        .arg(&out)
        .env("DIREKT_CERT_EAB_HMAC_KEY", "env-hmac-123456")
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    for secret in [tsig, token_in_file, url_pass, "env-hmac-123456"] {
        assert!(!text.contains(secret), "report leaks {secret}:\n{text}");
    }
    assert!(
        text.contains("https://me:***@echo.example.org/ip"),
        "{text}"
    );
    assert_eq!(support_mode(&out), 0o600);
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["config"]["name"], "box.example.org");
    assert_eq!(j["secrets_present"]["ddns.tsig_secret"], true);
    assert!(
        j["versions"]["kernel"]
            .as_str()
            .unwrap()
            .starts_with("Linux")
    );
    assert_eq!(j["versions"]["direkt"], env!("CARGO_PKG_VERSION"));
}

/// A provider with two secrets read from a `*_file` and the environment (not the secrets file):
/// the report still finds and scrubs both wherever they appear.
#[test]
fn report_scrubs_every_secret_of_a_provider_with_several() {
    let env = Env::new();
    let key = "pk1_keyfromenv_7d6c5b4a";
    let secret = "sk1_secretfromfile_3e2f1a";
    env.write_config(&format!(
        "name = \"box.example.org\"\n[ddns]\nprovider = \"porkbun\"\nzone = \"example.org\"\n\
         secret_api_key_file = \"{}\"\n",
        env.path("sk").display()
    ));
    std::fs::write(env.path("sk"), format!("{secret}\n")).unwrap();
    chmod(&env.path("sk"), 0o600);
    write_state(
        &env,
        &format!(
            r#"{{"version":1,"renew":{{"parts":{{"dns":{{"error":"server said {key} and {secret}"}}}}}}}}"#
        ),
    );
    let out = env.path("report.json");
    let r = env
        .cmd()
        .args(["report", "--no-doctor", "--output"])
        .arg(&out)
        .env("DIREKT_DDNS_API_KEY", key)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    for s in [key, secret] {
        assert!(!text.contains(s), "report leaks {s}:\n{text}");
    }
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["secrets_present"]["ddns.api_key"], true);
    assert_eq!(j["secrets_present"]["ddns.secret_api_key"], true);
}

fn support_mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn setup_without_a_terminal_and_without_answers_refuses_at_once() {
    let env = Env::new();
    let start = std::time::Instant::now();
    let out = env
        .cmd()
        .arg("setup")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    // Generous bound: the point is "never hangs waiting for input".
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no terminal"), "{stderr}");
    assert!(
        stderr.contains("--yes") && stderr.contains("--answers"),
        "{stderr}"
    );
    assert!(!env.config().exists() && !env.state_dir().exists());
}

#[test]
fn renew_needs_a_config_and_is_silent_when_nothing_is_configured() {
    let env = Env::new();
    env.run(&["renew"]).code(2).stderr_has("no configuration");
    env.write_config("name = \"box.example.org\"\n");
    let r = env.run(&["renew"]);
    r.code(0);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    let j = env.run(&["renew", "--json"]).code(0).json();
    assert_eq!(j["exit_code"], 0);
    assert_eq!(j["parts"][0]["result"], "not-configured");
    let st = env.run(&["status", "--json"]).code(0).json();
    assert_eq!(st["state"]["last_run"]["command"], "renew");
}

/// A config whose DNS part fails fast without leaving the machine: every address source points
/// at a closed port on loopback.
fn failing_dns_config(env: &Env, notify: &str) -> String {
    format!(
        "name = \"box.example.org\"\n\
         [ip]\nstun = [\"127.0.0.1:9\"]\necho = []\nprobe = []\ngateway = false\nquorum = 1\n\
         [ddns]\nprovider = \"rfc2136\"\nserver = \"127.0.0.1:9\"\nzone = \"example.org\"\nkey_name = \"k\"\n\
         tsig_secret_file = \"{}\"\n\
         [notify]\ncommand = {notify:?}\ntimeout = \"5s\"\n",
        env.path("tsig").display()
    )
}

#[test]
fn renew_failure_runs_the_notify_command_once_a_day_and_exits_1() {
    let env = Env::new();
    std::fs::write(env.path("tsig"), "c2VjcmV0c2VjcmV0c2VjcmV0\n").unwrap();
    chmod(&env.path("tsig"), 0o600);
    let log = env.path("notified");
    env.write_config(&failing_dns_config(
        &env,
        &format!(
            "echo \"$DIREKT_NOTIFY_REASON $DIREKT_NOTIFY_PART $DIREKT_NOTIFY_NAME\" >> {}",
            log.display()
        ),
    ));
    let r = env.run(&["renew"]);
    r.code(1).stderr_has("error: dns:");
    assert_eq!(r.stdout, "", "nothing changed, so nothing on stdout");
    let r = env.run(&["renew", "--json"]);
    r.code(1);
    let j = r.json();
    assert_eq!(j["parts"][0]["part"], "dns");
    assert_eq!(j["parts"][0]["result"], "failed");
    assert_eq!(j["notifications"][0]["reason"], "renew-failed");
    assert_eq!(j["notifications"][0]["outcome"], "suppressed");
    let sent = std::fs::read_to_string(&log).unwrap();
    assert_eq!(sent, "renew-failed dns box.example.org\n");
    // The failure shows in status and Prometheus.
    let prom = env.run(&["status", "--prometheus"]).code(0).stdout.clone();
    assert!(prom.contains("direkt_last_run_success 0"), "{prom}");
    assert!(
        !prom.contains("direkt_last_success_timestamp_seconds{part=\"dns\"}"),
        "{prom}"
    );
    // -q silences change lines, never errors.
    env.run(&["renew", "-q"]).code(1).stderr_has("error: dns:");
}

/// `--json` means one JSON document on stdout on every exit, a failure included, with the error
/// and the exit code (scripts parse stdout whatever happened).
#[test]
fn every_json_command_prints_one_document_also_when_it_fails() {
    let env = Env::new();
    let check = |args: &[&str], code: i32, needle: &str| {
        let r = env.run(args);
        r.code(code);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON document ({e}): {}",
                r.stdout
            )
        });
        assert_eq!(j["exit_code"], code, "{args:?}: {j}");
        let msg = j["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "{args:?}: {j}");
    };
    // No config at all.
    for cmd in [
        &["renew", "--json"][..],
        &["ddns", "update", "--json"],
        &["cert", "renew", "--json"],
    ] {
        check(cmd, 2, "no configuration");
    }
    // A config without the part asked for, a bad config, and a flag clap refuses.
    env.write_config("name = \"box.example.org\"\n");
    check(&["ddns", "update", "--json"], 2, "DNS provider");
    env.write_config("name = \"box.example.org\"\n[ip]\nquorom = 2\n");
    check(&["status", "--json"], 2, "ip.quorom");
    check(&["doctor", "--json"], 2, "ip.quorom");
    check(&["renew", "--json", "--bogus"], 2, "--bogus");
    // Without --json a failure prints nothing on stdout.
    let r = env.run(&["renew"]);
    r.code(2);
    assert_eq!(r.stdout, "");
}
