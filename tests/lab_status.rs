//! `direkt status` in the namespace lab (`direct` scenario): after an unattended `setup --yes`
//! the one screen names the published address, both forwardings with their lease end and the
//! certificate's expiry, and `--json` carries the same facts. Needs root (ignored without it,
//! never ignored under CI).

mod support;

use support::lab::Lab;

/// The answers for an unattended setup in the lab: the lab's address sources, CA bundle and
/// TSIG key, the state under `dir`.
fn answers(lab: &Lab, dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let cfg: toml::Table = toml::from_str(&text).unwrap();
    let ip = cfg["ip"].as_table().unwrap();
    let list = |k: &str| ip.get(k).map(|v| v.to_string()).unwrap_or("[]".into());
    format!(
        "state_dir = {:?}\nip.stun = {}\nip.probe = {}\nip.echo = {}\nip.public_prefixes = {}\n\
         cert.ca_bundle = {:?}\nname = \"box.example.test\"\nschedule = false\n\
         ddns.provider = \"rfc2136\"\nddns.server = \"198.51.100.53:53\"\n\
         ddns.zone = \"example.test\"\nddns.key_name = \"ddns-key\"\nddns.tsig_secret = {:?}\n\
         cert.ca = {:?}\ncert.accept_tos = true\n",
        dir.join("state").display().to_string(),
        list("stun"),
        list("probe"),
        list("echo"),
        list("public_prefixes"),
        lab.ca_bundle().display().to_string(),
        lab.tsig_secret(),
        lab.acme_directory(),
    )
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn status_after_setup_names_address_forwardings_with_leases_and_expiry() {
    let lab = Lab::up("direct");
    let dir = tempfile::tempdir().unwrap();
    let answers_file = dir.path().join("answers.toml");
    std::fs::write(&answers_file, answers(&lab, dir.path())).unwrap();
    let config = dir.path().join("etc/direkt.toml").display().to_string();
    let direkt = |args: &[&str]| {
        let mut argv = vec!["direkt", "--config", &config];
        argv.extend_from_slice(args);
        lab.exec("box", &argv)
    };
    let setup = direkt(&[
        "setup",
        "--yes",
        "--answers",
        answers_file.to_str().unwrap(),
    ]);
    assert_eq!(setup.code, 0, "setup:\n{}\n{}", setup.stdout, setup.stderr);

    let r = direkt(&["status", "--color", "never"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = &r.stdout;
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}\n{text}");
    }
    let line = |start: &str| -> &str {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in\n{text}"))
    };
    // The address published (the router's public one) and when.
    assert!(line("  IPv4").contains("203.0.113.2, published "), "{text}");
    // Both forwardings, with the protocol used and the lease end.
    for port in ["  443/tcp ", "  80/tcp "] {
        let l = line(port);
        assert!(l.contains("IPv4, UPnP IGDv2, lease ends "), "{l}\n{text}");
        assert!(l.contains("(in "), "{l}\n{text}");
    }
    // The certificate: names, expiry and the next renewal (a third of the lifetime left).
    assert!(line("Certificate").contains("box.example.test"), "{text}");
    assert!(line("  expires").contains(" UTC (in "), "{text}");
    assert!(line("  renewal").contains(" UTC (in "), "{text}");
    assert!(line("Waiting").contains("no latch, no back-off"), "{text}");
    for part in ["  dns ", "  ports ", "  cert "] {
        assert!(line(part).contains("ok at "), "{text}");
    }
    // Setup's own run is the last run.
    assert!(line("Last run").contains("ok: setup, "), "{text}");

    // --json has the same facts under `overview`, --prometheus the same times.
    let j = direkt(&["status", "--json"]).json();
    let o = &j["overview"];
    assert_eq!(o["addresses"][0]["address"], "203.0.113.2", "{o:#}");
    let fw = o["forwardings"].as_array().unwrap();
    let ports: Vec<_> = fw
        .iter()
        .map(|f| f["external_port"].as_u64().unwrap())
        .collect();
    assert!(ports.contains(&443) && ports.contains(&80), "{o:#}");
    assert!(
        fw.iter()
            .all(|f| f["lease_end"].is_i64() && f["mapped"] == true),
        "{o:#}"
    );
    let not_after = o["certificate"]["not_after"].as_i64().unwrap();
    assert!(not_after > o["at"].as_i64().unwrap(), "{o:#}");
    assert_eq!(o["certificate"]["renewal"]["basis"], "one-third", "{o:#}");
    let prom = direkt(&["status", "--prometheus"]).stdout;
    assert!(
        prom.contains(&format!(
            "direkt_cert_expiry_timestamp_seconds{{name=\"box.example.test\"}} {not_after}\n"
        )),
        "{prom}"
    );
    let lease = fw[0]["lease_end"].as_i64().unwrap();
    assert!(prom.contains(&format!("}} {lease}\n")), "{prom}");
}
