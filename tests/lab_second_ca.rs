//! Certificates against a second, independent ACME server: acme2certifier (PyPI, openssl CA
//! handler) in the lab next to Pebble (`direkt lab up --ca acme2certifier`). Issue, a renewal
//! the CA's ARI window asks for, `cert issue --force`, and a revoked certificate replaced by
//! the next `renew` (#20: "CAs as they are"). Needs root, the lab's packages and the venv
//! tests/run creates (ignored without them, failing under CI).

mod support;

use std::path::Path;

use support::Run;
use support::lab::Lab;

const NAME: &str = "box.example.test";

fn cert(lab: &Lab, args: &[&str]) -> Run {
    let mut argv = vec!["cert"];
    argv.extend_from_slice(args);
    lab.box_direkt(&argv)
}

fn live(lab: &Lab) -> std::path::PathBuf {
    lab.state_dir().join("certs/live").join(NAME)
}

/// `openssl verify` of the live certificate against acme2certifier's own root.
fn verify_chain(lab: &Lab) {
    let dir = live(lab);
    let out = std::process::Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(lab.second_ca_root())
        .arg("-untrusted")
        .arg(dir.join("chain.pem"))
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    Run::from(out).code(0).stdout_has(": OK");
}

fn state(lab: &Lab) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(lab.state_dir().join("state.json")).unwrap())
        .unwrap()
}

fn write_state(lab: &Lab, st: &serde_json::Value) {
    std::fs::write(lab.state_dir().join("state.json"), st.to_string()).unwrap();
}

/// Switch acme2certifier's `renewal_force` (every certificate's ARI window open now) on or
/// off; the server re-reads its config when the file changes.
fn ari_window_open(lab: &Lab, open: bool) {
    let (from, to) = if open {
        ("renewal_force: False", "renewal_force: True")
    } else {
        ("renewal_force: True", "renewal_force: False")
    };
    let path = lab.second_ca_config();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{text}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// The serials (upper-case hex) on acme2certifier's CRL.
fn crl_serials(lab: &Lab) -> String {
    let crl = Path::new(&lab.second_ca_root()).with_file_name("crl.pem");
    let out = std::process::Command::new("openssl")
        .args(["crl", "-noout", "-text", "-in"])
        .arg(crl)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_uppercase()
}

#[test]
#[cfg_attr(
    not(has_acme2certifier),
    ignore = "needs root, the lab's packages and acme2certifier's venv (tests/run creates it)"
)]
fn acme2certifier_issues_renews_by_ari_forces_and_replaces_a_revoked_certificate() {
    let lab = Lab::builder("direct").ca("acme2certifier").up();
    assert!(
        std::fs::read_to_string(lab.config())
            .unwrap()
            .contains("ca = \"https://198.51.100.15/directory\""),
        "the box config names acme2certifier"
    );
    lab.box_direkt(&["ddns", "update"]).code(0);
    lab.box_direkt(&["ports", "add", "80"]).code(0);

    // Issue over HTTP-01 through the router.
    let first = cert(&lab, &["issue", "--json"]).code(0).json();
    assert_eq!(first["action"], "issued", "{first}");
    assert_eq!(first["challenge"], "http-01");
    verify_chain(&lab);
    let st = state(&lab);
    assert_eq!(st["cert"]["ari_supported"], true, "{st}");

    // Not due: acme2certifier's ARI window starts at 85 % of the lifetime.
    let r = cert(&lab, &["renew", "--json"]).code(0).json();
    assert_eq!(r["action"], "not-due", "{r}");
    let st = state(&lab);
    assert!(st["cert"]["ari"]["start"].as_i64().is_some(), "{st}");

    // The CA opens the window; once its Retry-After has passed, renew asks and renews now.
    // acme2certifier does not echo `replaces`: the order is placed again without it.
    ari_window_open(&lab, true);
    let mut st = state(&lab);
    st["cert"]["ari"]["retry_after"] = serde_json::json!(0);
    write_state(&lab, &st);
    let r = cert(&lab, &["renew", "--json"]).code(0).json();
    assert_eq!(r["action"], "renewed", "{r}");
    assert!(r["why"].as_str().unwrap().contains("ARI"), "{r}");
    assert!(
        r["notes"].to_string().contains("does not take `replaces`"),
        "{r}"
    );
    assert_eq!(state(&lab)["cert"]["replaces_ignored"], true);
    assert_ne!(r["certificate"]["serial"], first["certificate"]["serial"]);
    verify_chain(&lab);
    ari_window_open(&lab, false);

    // --force orders at once without `replaces` (remembered): one order, no note.
    let forced = cert(&lab, &["issue", "--force", "--json"]).code(0).json();
    assert_eq!(forced["action"], "renewed", "{forced}");
    assert_eq!(forced["notes"], serde_json::json!([]), "{forced}");
    assert_ne!(forced["certificate"]["serial"], r["certificate"]["serial"]);
    verify_chain(&lab);

    // Revoke: on the CA's CRL; the next renew replaces the revoked certificate.
    let rv = cert(&lab, &["revoke", "--json"]).code(0).json();
    assert_eq!(rv["serial"], forced["certificate"]["serial"]);
    let serial = rv["serial"]
        .as_str()
        .unwrap()
        .replace(':', "")
        .to_uppercase();
    let crl = crl_serials(&lab);
    assert!(
        crl.contains(serial.trim_start_matches('0')),
        "serial {serial} not on the CRL:\n{crl}"
    );
    let r = cert(&lab, &["renew", "--json"]).code(0).json();
    assert_eq!(r["action"], "renewed", "{r}");
    assert!(r["why"].as_str().unwrap().contains("revoked"), "{r}");
    assert_ne!(r["certificate"]["serial"], forced["certificate"]["serial"]);
    verify_chain(&lab);
}

/// How many orders Pebble received (`POST /order-plz` in its log).
fn pebble_orders(lab: &Lab) -> usize {
    std::fs::read_to_string(lab.run_dir().join("logs/pebble.log"))
        .unwrap()
        .matches("POST /order-plz")
        .count()
}

/// How many orders acme2certifier received (wsgiref's request lines in its log).
fn second_ca_orders(lab: &Lab) -> usize {
    std::fs::read_to_string(lab.run_dir().join("logs/acme2certifier.log"))
        .unwrap()
        .matches("\"POST /acme/neworders ")
        .count()
}

/// `direkt --config <config> cert <args>` inside the box.
fn cert_with(lab: &Lab, config: &Path, args: &[&str]) -> Run {
    let bin = support::bin();
    let mut argv = vec![
        bin.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "cert",
    ];
    argv.extend_from_slice(args);
    lab.exec("box", &argv)
}

#[test]
#[cfg_attr(
    not(has_acme2certifier),
    ignore = "needs root, the lab's packages and acme2certifier's venv (tests/run creates it)"
)]
fn after_a_failed_validation_the_challenge_is_proven_at_staging_before_production() {
    // Production is Pebble; its "staging" is acme2certifier, named in the config.
    let lab = Lab::builder("direct").ca("acme2certifier").up();
    let base = std::fs::read_to_string(lab.config()).unwrap();
    let config = lab.config().with_file_name("staging.toml");
    let text = base.replace(
        "ca = \"https://198.51.100.15/directory\"",
        "ca = \"https://198.51.100.14:14000/dir\"\n\
         staging_directory = \"https://198.51.100.15/directory\"",
    );
    assert_ne!(text, base);
    std::fs::write(&config, text).unwrap();
    lab.box_direkt(&["ddns", "update"]).code(0);

    // Port 80 is not forwarded: HTTP-01 fails at production, and that is remembered.
    let first = cert_with(&lab, &config, &["issue", "--json"]);
    first.code(1).stderr_has("port 80");
    assert_eq!(pebble_orders(&lab), 1);
    assert_eq!(second_ca_orders(&lab), 0);
    let st = state(&lab);
    assert!(st["cert"]["failed_validation"].as_i64().is_some(), "{st}");

    // Still broken: the next attempt proves at staging, fails there, and orders nothing at
    // production. Exit 1 with staging's reason.
    let second = cert_with(&lab, &config, &["issue", "--json"]);
    second
        .code(1)
        .stderr_has("staging CA (https://198.51.100.15/directory)")
        .stderr_has("no order was placed at the CA itself")
        .stderr_has("port 80");
    assert_eq!(pebble_orders(&lab), 1, "no production order while it fails");
    assert!(second_ca_orders(&lab) >= 1);

    // Fixed: staging validates, then production issues.
    lab.box_direkt(&["ports", "add", "80"]).code(0);
    let staged = second_ca_orders(&lab);
    let third = cert_with(&lab, &config, &["issue", "--json"])
        .code(0)
        .json();
    assert_eq!(third["action"], "issued", "{third}");
    assert!(
        third["notes"]
            .to_string()
            .contains("proven at the staging CA"),
        "{third}"
    );
    assert_eq!(second_ca_orders(&lab), staged + 1);
    assert_eq!(pebble_orders(&lab), 2);
    assert!(state(&lab)["cert"].get("failed_validation").is_none());

    // Nothing failed since: the next order goes to production directly.
    cert_with(&lab, &config, &["issue", "--force", "--json"]).code(0);
    assert_eq!(second_ca_orders(&lab), staged + 1);
    assert_eq!(pebble_orders(&lab), 3);
}

/// Without acme2certifier's venv, `lab up --ca acme2certifier` exits 2 naming the venv and how
/// to create it, and leaves no lab behind.
#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_missing_venv_is_a_usage_error_with_the_commands_to_create_it() {
    support::lab::require_root();
    let name = format!("va{}", std::process::id() % 100_000);
    let out = std::process::Command::new(support::bin())
        .args(["lab", "up", "--ca", "acme2certifier", "--name", &name])
        .env("DIREKT_LAB_ACME2CERTIFIER_VENV", "/nonexistent/a2c-venv")
        .output()
        .unwrap();
    let run = Run::from(out);
    run.code(2)
        .stderr_has("acme2certifier 0.46.3 is not installed in /nonexistent/a2c-venv")
        .stderr_has("pip install acme2certifier==0.46.3");
    assert!(!Path::new("/run/direkt-lab").join(&name).exists());
}
