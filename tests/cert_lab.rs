//! Certificates end to end in the namespace lab, against the lab's Pebble, Knot and miniupnpd:
//! the must-show items of the certificates issue. Needs root (ignored without it, see
//! tests/support/lab.rs).

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::Run;
use support::lab::Lab;

const NAME: &str = "box.example.test";

/// Publish `NAME` -> `addr` with a TSIG-signed update from the box (what `ddns update` does).
fn publish(lab: &Lab, addr: &str) {
    let rtype = if addr.contains(':') { "AAAA" } else { "A" };
    let key = format!("hmac-sha256:ddns-key:{}", lab.tsig_secret());
    let script = format!(
        "server 198.51.100.53\nzone example.test\nupdate delete {NAME} {rtype}\n\
         update add {NAME} 60 {rtype} {addr}\nsend\n"
    );
    let mut c = lab
        .exec_cmd("box", &["nsupdate", "-y", &key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    Run::from(c.wait_with_output().unwrap()).code(0);
}

/// Forward `port` on the router to the box with `direkt ports add`.
fn map(lab: &Lab, port: u16) {
    lab.box_direkt(&["ports", "add", &port.to_string()]).code(0);
}

/// A variant of the box config (beside it, so it finds the secrets): `top` goes before the
/// tables, `cert` at the end, which is the [cert] table.
fn config_with(lab: &Lab, file: &str, top: &str, cert: &str) -> PathBuf {
    let base = std::fs::read_to_string(lab.config()).unwrap();
    let path = lab.config().with_file_name(file);
    std::fs::write(&path, format!("{top}\n{base}\n{cert}\n")).unwrap();
    path
}

/// `direkt --config <config> cert <args>` inside the box.
fn cert_cmd(lab: &Lab, config: &Path, args: &[&str]) -> std::process::Command {
    let bin = support::bin();
    let mut argv = vec![
        bin.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "cert",
    ];
    argv.extend_from_slice(args);
    lab.exec_cmd("box", &argv)
}

fn cert(lab: &Lab, config: &Path, args: &[&str]) -> Run {
    Run::from(cert_cmd(lab, config, args).output().unwrap())
}

fn live(lab: &Lab) -> PathBuf {
    lab.state_dir().join("certs/live").join(NAME)
}

/// `openssl verify` of the live certificate against Pebble's root, with chain.pem as the
/// intermediates.
fn verify_chain(lab: &Lab) {
    let dir = live(lab);
    let out = std::process::Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(lab.pebble_root())
        .arg("-untrusted")
        .arg(dir.join("chain.pem"))
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    let run = Run::from(out);
    run.code(0).stdout_has(": OK");
}

/// The public key of the certificate and of the private key, as openssl prints them.
fn key_matches(dir: &Path) -> bool {
    let pubkey = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .output()
            .unwrap()
            .stdout
    };
    let c = pubkey(&[
        "x509",
        "-noout",
        "-pubkey",
        "-in",
        dir.join("cert.pem").to_str().unwrap(),
    ]);
    let k = pubkey(&[
        "pkey",
        "-pubout",
        "-in",
        dir.join("privkey.pem").to_str().unwrap(),
    ]);
    !c.is_empty() && c == k
}

fn live_serial(lab: &Lab) -> String {
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(live(lab).join("cert.pem"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn pebble_pid(lab: &Lab) -> i32 {
    lab.info_at_start()["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "pebble")
        .and_then(|d| d["pid"].as_i64())
        .expect("pebble pid") as i32
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_http01_verifies_matches_and_renew_asks_nothing() {
    let lab = Lab::up("direct");
    publish(&lab, "203.0.113.2");
    map(&lab, 80);
    let config = lab.config();

    // New account + HTTP-01 through the router's port mapping.
    let first = cert(&lab, &config, &["issue", "--json"]);
    let j = first.code(0).json();
    assert_eq!(j["action"], "issued");
    assert_eq!(j["challenge"], "http-01");
    assert_eq!(j["account_created"], true);
    // New account: directory, nonce, newAccount, nonce, order, authz, challenge, poll,
    // finalize, poll, certificate = 11, plus the authorization fetched once more after
    // validation for the CA's validation record (the CA as a witness; only until the CA is
    // known to give none, as Pebble) = 12 (one more poll allowed).
    assert!(j["acme_requests"].as_u64().unwrap() <= 13, "{j}");
    verify_chain(&lab);
    assert!(key_matches(&live(&lab)));
    assert_eq!(mode(&live(&lab).join("privkey.pem")), 0o600);
    assert_eq!(j["certificate"]["names"], serde_json::json!([NAME]));
    assert_eq!(j["certificate"]["key_type"], "ecdsa-p256");
    // The account (with its key) is stored once, private.
    let accounts: Vec<_> = std::fs::read_dir(lab.state_dir().join("acme"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(accounts.len(), 1);
    assert_eq!(mode(&accounts[0].path()), 0o600);

    // Existing account: the protocol floor is 9 requests; at most one above it.
    let again = cert(&lab, &config, &["issue", "--force", "--json"]);
    let j2 = again.code(0).json();
    assert_eq!(j2["account_created"], false);
    assert!(j2["acme_requests"].as_u64().unwrap() <= 10, "{j2}");
    assert_ne!(j2["certificate"]["serial"], j["certificate"]["serial"]);
    verify_chain(&lab);
    assert!(key_matches(&live(&lab)));

    // Nothing due: no request to the CA. Pebble is frozen, so any request would hang and fail.
    let pid = pebble_pid(&lab);
    // SAFETY: signalling the lab's own Pebble process by PID.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    let t = Instant::now();
    let renew = cert(&lab, &config, &["renew", "--json"]);
    unsafe { libc::kill(pid, libc::SIGCONT) };
    let r = renew.code(0).json();
    assert_eq!(r["action"], "not-due", "{r}");
    assert_eq!(r["acme_requests"], 0);
    assert!(t.elapsed() < Duration::from_secs(5));

    // show reports what is stored.
    let show = cert(&lab, &config, &["show", "--json"]).code(0).json();
    assert_eq!(show["certificate"]["serial"], j2["certificate"]["serial"]);
    assert_eq!(show["certificate"]["key_matches"], true);
    assert!(show["certificate"]["days_left"].as_f64().unwrap() > 1.0);

    // A profile the CA does not list (Pebble 2.4 lists none) is a config error, exit 2.
    let profile = config_with(&lab, "profile.toml", "", "profile = \"shortlived\"");
    cert(&lab, &profile, &["issue", "--force"])
        .code(2)
        .stderr_has("does not offer the profile `shortlived`");

    // Revoke; the revoked certificate is then due, and `renew` replaces it.
    let rv = cert(
        &lab,
        &config,
        &["revoke", "--reason", "superseded", "--json"],
    )
    .code(0)
    .json();
    assert_eq!(rv["serial"], j2["certificate"]["serial"]);
    let dry = cert(&lab, &config, &["renew", "--dry-run", "--json"])
        .code(0)
        .json();
    assert_eq!(dry["action"], "would-order", "{dry}");
    assert_eq!(dry["acme_requests"], 0);
    // A back-off from an earlier failure does not keep a revoked certificate live.
    let state_file = lab.state_dir().join("state.json");
    let mut st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    st["cert"]["backoff"] =
        serde_json::json!({"failures": 2, "until": now + 3600, "reason": "an earlier failure"});
    std::fs::write(&state_file, st.to_string()).unwrap();
    let r = cert(&lab, &config, &["renew", "--json"]).code(0).json();
    assert_eq!(r["action"], "renewed", "{r}");
    assert!(r["why"].as_str().unwrap().contains("revoked"), "{r}");
    verify_chain(&lab);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_tls_alpn01_dns01_and_a_failing_deploy_hook() {
    let lab = Lab::up("direct");
    publish(&lab, "203.0.113.2");
    map(&lab, 443);

    let alpn = config_with(
        &lab,
        "alpn.toml",
        "",
        "challenges = [\"tls-alpn-01\"]\nkey = \"ecdsa-p384\"",
    );
    let j = cert(&lab, &alpn, &["issue", "--json"]).code(0).json();
    assert_eq!(j["challenge"], "tls-alpn-01");
    assert_eq!(j["certificate"]["key_type"], "ecdsa-p384");
    verify_chain(&lab);
    assert!(key_matches(&live(&lab)));

    // DNS-01 through Knot (RFC 2136), with an RSA key and a deploy hook that fails: exit 1,
    // the new certificate stays, and the TXT record is gone afterwards.
    let dns = config_with(
        &lab,
        "dns.toml",
        "",
        "challenges = [\"dns-01\"]\nkey = \"rsa2048\"\n\
         deploy_hook = \"echo reload failed >&2; exit 3\"",
    );
    let run = cert(&lab, &dns, &["issue", "--json"]);
    run.code(1)
        .stderr_has("deploy hook")
        .stderr_has("exited with 3")
        .stderr_has("reload failed")
        .stderr_has("the new certificate is in place");
    let j = run.json();
    assert_eq!(j["challenge"], "dns-01");
    assert_eq!(j["certificate"]["key_type"], "rsa2048");
    assert_eq!(j["deploy_hook"]["exit_code"], 3);
    verify_chain(&lab);
    assert!(key_matches(&live(&lab)));
    let show = cert(&lab, &dns, &["show", "--json"]).code(0).json();
    assert_eq!(show["certificate"]["serial"], j["certificate"]["serial"]);
    let txt = lab.exec(
        "inet",
        &[
            "dig",
            "+short",
            "@198.51.100.53",
            "_acme-challenge.box.example.test",
            "TXT",
        ],
    );
    assert_eq!(
        txt.code(0).stdout.trim(),
        "",
        "the TXT record was not removed"
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_http01_is_answered_over_ipv6() {
    let lab = Lab::up("dual-stack");
    publish(&lab, "203.0.113.2");
    publish(&lab, "2001:db8:77::10");
    // Port 80 forwarded for IPv4 and opened in the router's IPv6 firewall (PCP pinhole).
    lab.box_direkt(&["ports", "add", "80", "--ipv6"]).code(0);
    // Pebble validates over IPv6 when the name has an AAAA record (and does not fall back).
    // NO_COLOR: the debug log is coloured otherwise, even on a pipe.
    let out = cert_cmd(&lab, &lab.config(), &["issue", "--json", "-vv"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run = Run::from(out);
    let j = run.code(0).json();
    assert_eq!(j["challenge"], "http-01");
    assert!(j["notes"].as_array().unwrap().is_empty(), "{j}");
    assert!(
        run.stderr.contains("peer=[2001:db8:"),
        "no validation request arrived over IPv6:\n{}",
        run.stderr
    );
    verify_chain(&lab);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn nonce_rejection_at_50_percent_still_issues() {
    let lab = Lab::builder("direct").nonce_reject(50).up();
    publish(&lab, "203.0.113.2");
    map(&lab, 80);
    for args in [
        &["issue", "--json"][..],
        &["issue", "--force", "--json"][..],
    ] {
        let j = cert(&lab, &lab.config(), args).code(0).json();
        assert_eq!(j["challenge"], "http-01");
        verify_chain(&lab);
    }
}

/// Add a record to the lab's zone through Knot's control socket (the TSIG key may only
/// change the box's own names).
fn zone_add(lab: &Lab, owner: &str, rtype: &str, data: &str) {
    let sock = lab.run_dir().join("knot/knot.sock");
    let knotc = |args: &[&str]| {
        let out = std::process::Command::new("knotc")
            .arg("-s")
            .arg(&sock)
            .args(args)
            .output()
            .unwrap();
        Run::from(out)
    };
    knotc(&["zone-begin", "example.test"]).code(0);
    // Replace: drop what the owner had (fails harmlessly when it had nothing).
    let _ = knotc(&["zone-unset", "example.test", owner, rtype]);
    knotc(&["zone-set", "example.test", owner, "60", rtype, data]).code(0);
    knotc(&["zone-commit", "example.test"]).code(0);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn aliases_are_checked_before_ordering_and_share_the_certificate() {
    let lab = Lab::up("direct");
    publish(&lab, "203.0.113.2");
    map(&lab, 80);
    let config = config_with(
        &lab,
        "alias.toml",
        "aliases = [\"www.example.test\", \"shop.example.test\"]",
        "",
    );
    // Pebble is frozen: an order would hang; the check must stop before it.
    let pid = pebble_pid(&lab);
    // SAFETY: signalling the lab's own Pebble process by PID.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    let run = cert(&lab, &config, &["issue"]);
    unsafe { libc::kill(pid, libc::SIGCONT) };
    run.code(1)
        .stderr_has("alias www.example.test does not resolve")
        .stderr_has("alias shop.example.test does not resolve")
        .stderr_has("no certificate was ordered")
        .stderr_has("CNAME");
    assert!(!live(&lab).exists());

    // One alias CNAMEd to the box, one to another host: only the wrong one is named.
    zone_add(&lab, "www.example.test.", "CNAME", "box.example.test.");
    zone_add(&lab, "shop.example.test.", "CNAME", "acme.example.test.");
    let run = cert(&lab, &config, &["issue"]);
    run.code(1).stderr_has(
        "alias shop.example.test points to 198.51.100.14 (via CNAME acme.example.test), \
         not to box.example.test (203.0.113.2)",
    );
    assert!(
        !run.stderr.contains("alias www.example.test"),
        "{}",
        run.stderr
    );

    // Both right: one certificate for the name and its aliases.
    zone_add(&lab, "shop.example.test.", "CNAME", "www.example.test.");
    let j = cert(&lab, &config, &["issue", "--json"]).code(0).json();
    assert_eq!(
        j["certificate"]["names"],
        serde_json::json!([NAME, "www.example.test", "shop.example.test"])
    );
    verify_chain(&lab);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn port80_blocked_names_the_port_and_falls_back_to_tls_alpn() {
    let lab = Lab::up("port80-blocked");
    publish(&lab, "203.0.113.2");
    map(&lab, 80);
    map(&lab, 443);

    let only_http = config_with(&lab, "http.toml", "", "challenges = [\"http-01\"]");
    cert(&lab, &only_http, &["issue"])
        .code(1)
        .stderr_has("port 80")
        .stderr_has("blocked")
        .stderr_has("dns-01")
        .stderr_has("tls-alpn-01");
    assert!(!live(&lab).exists());

    let fallback = config_with(
        &lab,
        "fallback.toml",
        "",
        "challenges = [\"http-01\", \"tls-alpn-01\"]",
    );
    let run = cert(&lab, &fallback, &["issue", "--json"]);
    run.code(0).stderr_has("fell back to tls-alpn-01");
    assert_eq!(run.json()["challenge"], "tls-alpn-01");
    verify_chain(&lab);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn cgnat_failure_says_there_is_no_inbound_path() {
    let lab = Lab::up("cgnat");
    // The internet sees the carrier's address; the router's WAN is 100.64.0.2.
    publish(&lab, "203.0.113.100");
    map(&lab, 80);
    cert(&lab, &lab.config(), &["issue"])
        .code(1)
        .stderr_has("no inbound path")
        .stderr_has("100.64.0.2")
        .stderr_has("203.0.113.100")
        .stderr_has("dns-01");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn sigkill_during_issuance_leaves_the_previous_set_live_and_matching() {
    let lab = Lab::up("direct");
    publish(&lab, "203.0.113.2");
    map(&lab, 80);
    let config = lab.config();
    cert(&lab, &config, &["issue"]).code(0);
    // How long one issuance takes here (existing account): the kills fall inside it.
    let t = Instant::now();
    cert(&lab, &config, &["issue", "--force"]).code(0);
    let span = (t.elapsed().as_millis() as u64).max(50);
    let mut serials = vec![live_serial(&lab)];
    let state_file = lab.state_dir().join("state.json");

    let kills = 24;
    let mut changed = 0;
    for i in 0..kills {
        let mut child = cert_cmd(&lab, &config, &["issue", "--force", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole issuance, from process start to the swap.
        let delay = 5 + rand::random::<u64>() % span;
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: killing the child this test started, by its PID.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();

        // The live set is complete and matching, whatever moment the kill hit.
        let dir = live(&lab);
        assert!(
            key_matches(&dir),
            "kill {i} after {delay} ms: key does not match"
        );
        verify_chain(&lab);
        // The state is readable JSON.
        let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&state_file).unwrap())
            .unwrap_or_else(|e| panic!("kill {i} after {delay} ms: state unreadable: {e}"));
        assert!(st.is_object());
        let serial = live_serial(&lab);
        if !serials.contains(&serial) {
            serials.push(serial);
            changed += 1;
        }
    }
    eprintln!("{kills} kills within {span} ms of the start; {changed} runs got as far as the swap");

    // The next run completes.
    let last = cert(&lab, &config, &["issue", "--force", "--json"])
        .code(0)
        .json();
    assert_eq!(last["action"], "renewed");
    verify_chain(&lab);
    assert!(key_matches(&live(&lab)));
    // Old versions were cleaned up: at most the live one and its predecessor remain.
    let versions = std::fs::read_dir(lab.state_dir().join("certs/versions").join(NAME))
        .unwrap()
        .count();
    assert!(versions <= 2, "{versions} version directories left");
}
