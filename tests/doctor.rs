//! `direkt doctor` without a network: rendering a saved diagnosis (`--from-report`, from a bare
//! `doctor --json` document or a `direkt report` bundle), exit codes and bad input.

mod support;

use support::Env;

const SAVED: &str = r#"{
  "version": 1,
  "name": "box.example.test",
  "started_at": "2026-11-22T12:00:00Z",
  "elapsed_ms": 812,
  "deadline_ms": 5000,
  "verdict": {
    "status": "fail",
    "summary": "Behind CGNAT: router WAN 100.64.0.2 is not the address the internet sees, 203.0.113.100",
    "cause": "nat.cgnat",
    "fix": "ask the provider for a public IPv4 address"
  },
  "checks": [
    {"id": "local.route", "status": "pass", "summary": "default route via 192.168.77.1 on eth0", "details": {}, "fix": null},
    {"id": "nat.cgnat", "status": "fail", "summary": "behind CGNAT: router WAN 100.64.0.2 is not the address the internet sees, 203.0.113.100",
     "details": {"wan": "100.64.0.2", "public": "203.0.113.100"}, "why": "the provider forwards nothing inbound", "fix": "ask the provider for a public IPv4 address"},
    {"id": "reach.hairpin", "status": "skip", "summary": "not checked", "details": {}, "fix": null}
  ]
}"#;

#[test]
fn from_report_renders_a_saved_diagnosis_with_its_exit_code() {
    let env = Env::new();
    let file = env.path("doctor.json");
    std::fs::write(&file, SAVED).unwrap();
    let r = env.run(&[
        "doctor",
        "--from-report",
        file.to_str().unwrap(),
        "--color",
        "never",
    ]);
    r.code(3);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.contains("direkt doctor: box.example.test"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("✗ Behind CGNAT: router WAN 100.64.0.2 is not the address the internet sees, 203.0.113.100"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("why it matters: the provider forwards nothing inbound")
    );
    assert!(r.stdout.contains("how to fix: ask the provider"));
    assert!(r.stdout.contains("- reach.hairpin"));
    assert!(
        r.stdout
            .contains("1 passed, 0 warnings, 1 failed, 1 skipped")
    );

    // --json gives the same document back.
    let j = env
        .run(&["doctor", "--from-report", file.to_str().unwrap(), "--json"])
        .json();
    assert_eq!(j["verdict"]["cause"], "nat.cgnat");
    assert_eq!(j["checks"].as_array().unwrap().len(), 3);
    for c in j["checks"].as_array().unwrap() {
        for k in ["id", "status", "summary", "details", "fix"] {
            assert!(c.get(k).is_some(), "{k} missing in {c}");
        }
    }
}

#[test]
fn from_report_reads_a_report_bundle_and_all_pass_exits_0() {
    let env = Env::new();
    let file = env.path("report.json");
    let bundle = serde_json::json!({
        "direkt": "0.1.0",
        "config": {"name": "box.example.test"},
        "doctor": {
            "verdict": {"status": "pass", "summary": "Everything checked works", "cause": null, "fix": null},
            "checks": [{"id": "reach.tcp.443", "status": "pass", "summary": "open", "details": {}, "fix": null},
                       {"id": "reach.hairpin", "status": "warn", "summary": "no hairpin", "details": {}, "fix": "x"}]
        }
    });
    std::fs::write(&file, bundle.to_string()).unwrap();
    let r = env.run(&[
        "doctor",
        "--from-report",
        file.to_str().unwrap(),
        "--color",
        "never",
    ]);
    // Warnings do not fail the exit code.
    r.code(0)
        .stdout_has("Everything checked works")
        .stdout_has("! reach.hairpin");
}

#[test]
fn a_saved_report_without_a_verdict_gets_one_from_the_checks() {
    let env = Env::new();
    let file = env.path("old.json");
    let doc = serde_json::json!({
        "verdict": {"status": "skip", "summary": ""},
        "checks": [
            {"id": "reach.tcp.443", "status": "fail", "summary": "port 443/tcp gets no answer", "details": {}},
            {"id": "dns.resolver", "status": "fail", "summary": "DNS is broken: the resolver 192.0.2.53 does not answer", "details": {}, "fix": "check /etc/resolv.conf"}
        ]
    });
    std::fs::write(&file, doc.to_string()).unwrap();
    let j = env
        .run(&["doctor", "--from-report", file.to_str().unwrap(), "--json"])
        .code(3)
        .json();
    assert_eq!(j["verdict"]["cause"], "dns.resolver", "{j:#}");
}

#[test]
fn bad_input_is_a_usage_error() {
    let env = Env::new();
    env.run(&[
        "doctor",
        "--from-report",
        env.path("missing.json").to_str().unwrap(),
    ])
    .code(2)
    .stderr_has("cannot read");
    let file = env.path("x.json");
    std::fs::write(&file, "{\"direkt\": 1}").unwrap();
    env.run(&["doctor", "--from-report", file.to_str().unwrap()])
        .code(2)
        .stderr_has("holds no doctor results");
    std::fs::write(&file, "not json").unwrap();
    env.run(&["doctor", "--from-report", file.to_str().unwrap()])
        .code(2)
        .stderr_has("is not JSON");
    env.run(&["doctor", "--deadline", "0s"])
        .code(2)
        .stderr_has("--deadline");
    env.run(&["doctor", "--deadline", "5 parsecs"]).code(2);
}
