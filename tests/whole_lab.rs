//! The whole job end to end in the namespace lab (`direct` scenario: real Knot, Pebble,
//! miniupnpd, stund, probe server): the wizard in a real terminal (tmux), unattended setup with
//! flags and with an answers file, renew right after setup (silent, no request to the provider
//! or the CA), renew after the router lost its mappings, the report without the lab's secrets,
//! Prometheus output, and Ctrl-C in the wizard.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use support::lab::Lab;
use support::tmux::Tmux;
use support::{Run, bin};

/// A fresh box inside a lab: no config yet; config, secrets and state in a directory of its
/// own (the lab's ready-made box config is not used).
struct Fresh {
    dir: tempfile::TempDir,
}

impl Fresh {
    fn new() -> Fresh {
        Fresh {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn config(&self) -> PathBuf {
        self.dir.path().join("etc/direkt.toml")
    }
    fn secrets(&self) -> PathBuf {
        self.dir.path().join("etc/secrets.toml")
    }
    fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn argv<'a>(&'a self, config: &'a str, args: &[&'a str]) -> Vec<&'a str> {
        let _ = self;
        let mut argv = vec!["direkt", "--config", config];
        argv.extend_from_slice(args);
        argv
    }
    /// `direkt --config <fresh config> args` in the lab's box.
    fn direkt(&self, lab: &Lab, args: &[&str]) -> Run {
        let config = self.config().display().to_string();
        lab.exec("box", &self.argv(&config, args))
    }
}

/// What a vendor would preset for this network (`setup --defaults`): the lab's address sources
/// and CA bundle, and where the state lives. Dotted keys, so answers can be appended.
fn preset(lab: &Lab, fresh: &Fresh) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let cfg: toml::Table = toml::from_str(&text).unwrap();
    let ip = cfg["ip"].as_table().unwrap();
    let list = |k: &str| -> String {
        let items: Vec<String> = ip
            .get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|v| format!("{:?}", v.as_str().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        format!("[{}]", items.join(", "))
    };
    format!(
        "state_dir = {:?}\nip.stun = {}\nip.probe = {}\nip.echo = {}\nip.public_prefixes = {}\ncert.ca_bundle = {:?}\n",
        fresh.state_dir().display().to_string(),
        list("stun"),
        list("probe"),
        list("echo"),
        list("public_prefixes"),
        lab.ca_bundle().display().to_string(),
    )
}

/// Every answer for the lab, as an answers file.
fn answers(lab: &Lab, fresh: &Fresh) -> String {
    format!(
        "{}name = \"box.example.test\"\nschedule = false\nddns.provider = \"rfc2136\"\n\
         ddns.server = \"198.51.100.53:53\"\nddns.zone = \"example.test\"\nddns.key_name = \"ddns-key\"\n\
         ddns.tsig_secret = {:?}\ncert.ca = {:?}\ncert.accept_tos = true\n",
        preset(lab, fresh),
        lab.tsig_secret(),
        lab.acme_directory(),
    )
}

/// The name resolves to the router's public address at the authoritative server.
#[track_caller]
fn name_points_at_router(lab: &Lab) {
    let dig = lab.exec(
        "inet",
        &["dig", "+short", "@198.51.100.53", "box.example.test", "A"],
    );
    assert_eq!(dig.stdout.trim(), "203.0.113.2", "{}", dig.stderr);
}

/// The certificate setup got verifies against Pebble's issuing root for the name.
#[track_caller]
fn certificate_is_valid(lab: &Lab, fresh: &Fresh) {
    let found = find_file(&fresh.state_dir(), "fullchain.pem")
        .unwrap_or_else(|| panic!("no fullchain.pem under {}", fresh.state_dir().display()));
    let out = std::process::Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(lab.pebble_root())
        .args(["-untrusted"])
        .arg(&found)
        .arg(&found)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-ext", "subjectAltName", "-in"])
        .arg(&found)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("box.example.test"));
}

fn find_file(dir: &std::path::Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Some(f) = find_file(&p, name) {
                return Some(f);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    None
}

/// After setup: the name, the certificate, doctor, and the files' modes.
#[track_caller]
fn box_is_reachable(lab: &Lab, fresh: &Fresh) {
    name_points_at_router(lab);
    certificate_is_valid(lab, fresh);
    // The box's own web server, with the new certificate (doctor checks what is served).
    let _server = WebServer::start(lab, &fresh.state_dir().join("certs/live/box.example.test"));
    let doctor = fresh.direkt(lab, &["doctor"]);
    assert_eq!(
        doctor.code, 0,
        "doctor after setup:\n{}\n{}",
        doctor.stdout, doctor.stderr
    );
    let mode = |p: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&fresh.secrets()), 0o600);
    let secrets = std::fs::read_to_string(fresh.secrets()).unwrap();
    assert!(secrets.contains(&lab.tsig_secret()));
    let config = std::fs::read_to_string(fresh.config()).unwrap();
    assert!(
        !config.contains(&lab.tsig_secret()),
        "the secret is in the config:\n{config}"
    );
}

/// `openssl s_server` in the box with the issued certificate, standing in for the box's web
/// server; ended by its PID when dropped.
struct WebServer(std::process::Child);

impl WebServer {
    fn start(lab: &Lab, live: &std::path::Path) -> WebServer {
        let child = std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &lab.ns("box"),
                "openssl",
                "s_server",
                "-accept",
                "443",
            ])
            .args(["-www", "-quiet", "-cert"])
            .arg(live.join("fullchain.pem"))
            .arg("-key")
            .arg(live.join("privkey.pem"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let server = WebServer(child);
        let start = Instant::now();
        while !lab.in_ns("box", || {
            std::net::TcpStream::connect_timeout(
                &"192.168.77.10:443".parse().unwrap(),
                Duration::from_millis(200),
            )
            .is_ok()
        }) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "s_server did not listen"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[cfg_attr(
    not(all(has_lab, has_tmux)),
    ignore = "needs root, the lab's packages and tmux (tests/run)"
)]
fn wizard_in_a_real_terminal_from_a_fresh_box_to_a_reachable_name() {
    let lab = Lab::up("direct");
    Tmux::require();
    let fresh = Fresh::new();
    std::fs::write(fresh.path("preset.toml"), preset(&lab, &fresh)).unwrap();
    let b = bin().display().to_string();
    let t = Tmux::start(&format!(
        "{b} lab exec --name {} -- {b} --config {} setup --defaults {}",
        lab.name(),
        fresh.config().display(),
        fresh.path("preset.toml").display()
    ));
    let screen = t.wait_for("? Name of this box", Duration::from_secs(20));
    // The findings come first, in plain words.
    assert!(
        screen.contains("The internet sees this box as 203.0.113.2"),
        "{screen}"
    );
    t.line("box.example.test");
    t.wait_prompt("DNS provider");
    t.keys(&["Down", "Enter"]); // dyndns2 is first, rfc2136 second
    t.wait_prompt("DNS server (primary) address");
    t.line("198.51.100.53:53");
    t.wait_prompt("Zone");
    t.keys(&["Enter"]); // default: example.test
    t.wait_prompt("TSIG key name");
    t.keys(&["Enter"]); // default: ddns-key
    t.wait_prompt("TSIG secret");
    t.line(&lab.tsig_secret());
    t.wait_for("accepted the credentials", Duration::from_secs(20));
    t.wait_prompt("Ports to forward");
    t.keys(&["Enter"]); // 443,80
    t.wait_prompt("Get a TLS certificate");
    t.keys(&["Enter"]); // yes
    t.wait_prompt("Certificate authority");
    t.line(&lab.acme_directory());
    t.wait_prompt("Contact e-mail");
    t.line("owner@example.test");
    // The CA's own terms, from its directory (Pebble's), above the question.
    let screen = t.wait_for("? Do you accept the CA's terms", Duration::from_secs(20));
    assert!(
        screen.contains("Its terms: data:text/plain,Do%20what%20thou%20wilt"),
        "{screen}"
    );
    t.keys(&["y"]);
    t.wait_prompt("Challenges");
    t.keys(&["Enter"]);
    // Nothing listens on 443 or 80 in the box: no reload to offer.
    t.wait_prompt("Command that reloads the web server after a new certificate");
    t.keys(&["Enter"]); // none
    t.wait_prompt("Change advanced settings");
    t.keys(&["Enter"]); // no
    t.wait_prompt("Apply now");
    t.keys(&["Enter"]); // yes
    t.wait_prompt("Keep it working");
    t.keys(&["n"]);
    let code = t.exit_code(Duration::from_secs(60));
    let screen = t.screen();
    assert_eq!(code, 0, "setup in the terminal:\n{screen}");
    for step in [
        "Publishing the name",
        "Forwarding the ports",
        "Getting the certificate",
        "doctor",
    ] {
        assert!(
            screen.contains(step),
            "no progress line for {step}:\n{screen}"
        );
    }
    assert!(
        !screen.contains(&lab.tsig_secret()),
        "the secret was echoed:\n{screen}"
    );
    box_is_reachable(&lab, &fresh);
    // Re-running starts from the current values: the name is the default now.
    let t = Tmux::start(&format!(
        "{b} lab exec --name {} -- {b} --config {} setup",
        lab.name(),
        fresh.config().display(),
    ));
    t.wait_for(
        "Name of this box (box.example.test)",
        Duration::from_secs(20),
    );
}

#[test]
#[cfg_attr(
    not(all(has_lab, has_tmux)),
    ignore = "needs root, the lab's packages and tmux (tests/run)"
)]
fn ctrl_c_in_the_wizard_leaves_the_terminal_sane_and_nothing_written() {
    let lab = Lab::up("direct");
    Tmux::require();
    let fresh = Fresh::new();
    std::fs::write(fresh.path("preset.toml"), preset(&lab, &fresh)).unwrap();
    let b = bin().display().to_string();
    let t = Tmux::start(&format!(
        "{b} lab exec --name {} -- {b} --config {} setup --defaults {}",
        lab.name(),
        fresh.config().display(),
        fresh.path("preset.toml").display()
    ));
    t.wait_prompt("Name of this box");
    t.line("box.example.test");
    // The select hides the cursor: interrupt it there.
    t.wait_prompt("DNS provider");
    t.keys(&["C-c"]);
    assert_eq!(t.exit_code(Duration::from_secs(10)), 130);
    assert!(t.screen().contains("nothing was written"));
    assert!(t.cursor_visible(), "the cursor stayed hidden");
    assert!(!fresh.config().exists() && !fresh.secrets().exists());
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn unattended_setup_with_flags_then_renew_is_silent_and_contacts_nobody() {
    let lab = Lab::up("direct");
    let fresh = Fresh::new();
    std::fs::write(fresh.path("preset.toml"), preset(&lab, &fresh)).unwrap();
    let config = fresh.config().display().to_string();
    let preset_file = fresh.path("preset.toml").display().to_string();
    let bundle = lab.ca_bundle().display().to_string();
    let state = fresh.state_dir().display().to_string();
    let secret = lab.tsig_secret();
    let dir = lab.acme_directory();
    // Flags and environment only (the preset file carries the lab's address sources, as a
    // vendor image would; everything about the name, provider and CA is a flag).
    let argv = fresh.argv(
        &config,
        &[
            "--state-dir",
            &state,
            "setup",
            "--yes",
            "--defaults",
            &preset_file,
            "--name",
            "box.example.test",
            "--provider",
            "rfc2136",
            "--dns-server",
            "198.51.100.53:53",
            "--key-name",
            "ddns-key",
            "--ca",
            &dir,
            "--ca-bundle",
            &bundle,
            "--accept-tos",
            "--schedule",
            "no",
        ],
    );
    let r = Run::from(
        lab.exec_cmd("box", &argv)
            .env("DIREKT_DDNS_TSIG_SECRET", &secret)
            .output()
            .unwrap(),
    );
    assert_eq!(r.code, 0, "setup --yes:\n{}\n{}", r.stdout, r.stderr);
    r.lacks(&secret);
    box_is_reachable(&lab, &fresh);

    // renew right after: silent, exit 0, and not one packet to the DNS provider or the CA.
    let counters = Counters::install(&lab);
    let r = fresh.direkt(&lab, &["renew"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let (dns, ca) = counters.read(&lab);
    assert_eq!(
        (dns, ca),
        (0, 0),
        "renew contacted the DNS server ({dns} packets) or the CA ({ca})"
    );
    // --dry-run: nothing due, nothing said; forced, it says what it would do and does nothing.
    let r = fresh.direkt(&lab, &["renew", "--dry-run"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = fresh.direkt(&lab, &["renew", "--dry-run", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("dns: would publish"), "{}", r.stdout);
    assert!(r.stdout.contains("cert: would renew"), "{}", r.stdout);
    assert_eq!(
        counters.read(&lab),
        (0, 0),
        "--dry-run contacted the provider or the CA"
    );
    // The counters can count: a forced DNS update is seen.
    let r = fresh.direkt(&lab, &["renew", "--force", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(counters.read(&lab).0 > 0, "the DNS counter saw nothing");

    // The router forgets its mappings (miniupnpd restarted): renew restores them and says so.
    restart_miniupnpd(&lab);
    let r = fresh.direkt(&lab, &["renew"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let listed = lab.exec(
        "box",
        &["upnpc", "-u", "http://192.168.77.1:5000/rootDesc.xml", "-l"],
    );
    assert!(
        listed.stdout.contains("443->192.168.77.10:443"),
        "not restored:\n{}",
        listed.stdout
    );
    assert!(
        listed.stdout.contains("80->192.168.77.10:80"),
        "not restored:\n{}",
        listed.stdout
    );
    // UPnP can be asked whether a mapping is still there, so renew says it restored it. Over
    // PCP / NAT-PMP (chosen when UPnP answers too slowly, e.g. on a loaded machine) the router
    // cannot be asked and direkt re-maps on every run without a line.
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fresh.state_dir().join("state.json")).unwrap(),
    )
    .unwrap();
    let via_upnp = state["ports"]["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["via"].as_str().is_some_and(|v| v.starts_with("upnp")));
    if via_upnp {
        assert!(
            r.stdout.contains("ports: restored 443/tcp")
                && r.stdout.contains("the router had lost it"),
            "renew did not say it restored the mappings:\n{}",
            r.stdout
        );
    } else {
        eprintln!(
            "note: mappings are via {}, not UPnP",
            state["ports"]["mappings"][0]["via"]
        );
    }
    // ... and quiet again after that; -q silences change lines.
    let r = fresh.direkt(&lab, &["renew", "-q"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));

    // status --prometheus parses and carries the certificate's expiry.
    let r = fresh.direkt(&lab, &["status", "--prometheus"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("direkt_cert_expiry_timestamp_seconds{"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("direkt_mapping_lease_expiry_timestamp_seconds{"),
        "{}",
        r.stdout
    );
    if support::tools::need_tool("promtool", "prometheus") {
        support::tools::promtool_accepts(&r.stdout);
    }

    // The report carries none of the lab's secrets.
    let report = fresh.path("report.json");
    let report_s = report.display().to_string();
    let r = fresh.direkt(&lab, &["report", "--output", &report_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&report).unwrap();
    let mut secrets = vec![secret.clone()];
    secrets.extend(private_values(&fresh.state_dir()));
    assert!(
        secrets.len() > 1,
        "no private key material found to grep for"
    );
    for s in &secrets {
        assert!(
            !text.contains(s.as_str()),
            "the report leaks a secret ({}...):\n{text}",
            &s[..8.min(s.len())]
        );
    }
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        j["doctor"]["checks"].is_array(),
        "no doctor JSON in the report"
    );
    assert!(j["state"].is_object());
    // Support reruns the diagnosis from it, on another machine (here: the host, no lab).
    let r = lab.direkt(&["doctor", "--from-report", &report_s]);
    assert!(
        r.code == 0 || r.code == 3,
        "doctor --from-report: {}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stdout.contains("reach.tcp.443"), "{}", r.stdout);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn unattended_setup_with_an_answers_file_and_dry_run() {
    let lab = Lab::up("direct");
    let fresh = Fresh::new();
    std::fs::write(fresh.path("answers.toml"), answers(&lab, &fresh)).unwrap();
    let answers_file = fresh.path("answers.toml").display().to_string();
    // --dry-run shows what would change and writes nothing.
    let r = fresh.direkt(&lab, &["setup", "--answers", &answers_file, "--dry-run"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("+ name = \"box.example.test\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("would get a certificate"), "{}", r.stdout);
    r.lacks(&lab.tsig_secret());
    assert!(!fresh.config().exists() && !fresh.state_dir().exists());
    // The real run.
    let r = fresh.direkt(&lab, &["setup", "--answers", &answers_file]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    box_is_reachable(&lab, &fresh);
    // A typo in the answers file is a usage error naming the key; nothing changes.
    std::fs::write(fresh.path("bad.toml"), "nmae = \"x\"\n").unwrap();
    let before = std::fs::read_to_string(fresh.config()).unwrap();
    let bad = fresh.path("bad.toml").display().to_string();
    let r = fresh.direkt(&lab, &["setup", "--answers", &bad]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nmae"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(fresh.config()).unwrap(), before);
}

/// nftables counters in the `inet` namespace, on packets to the DNS server and the CA: the
/// server side's own count of what the box sent.
struct Counters;

impl Counters {
    fn install(lab: &Lab) -> Counters {
        let rules = "table inet direkt_count {\n chain input {\n  type filter hook input priority -50; policy accept;\n  ip daddr 198.51.100.53 udp dport 53 counter\n  ip daddr 198.51.100.53 tcp dport 53 counter\n  ip daddr 198.51.100.14 tcp dport 14000 counter\n }\n}\n";
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), rules).unwrap();
        let r = lab.exec("inet", &["nft", "-f", f.path().to_str().unwrap()]);
        assert_eq!(r.code, 0, "nft: {}", r.stderr);
        Counters
    }
    /// (packets to the DNS server, packets to the CA).
    fn read(&self, lab: &Lab) -> (u64, u64) {
        let r = lab.exec(
            "inet",
            &["nft", "-j", "list", "table", "inet", "direkt_count"],
        );
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let mut dns = 0;
        let mut ca = 0;
        for item in j["nftables"].as_array().unwrap() {
            let Some(rule) = item.get("rule") else {
                continue;
            };
            let text = rule["expr"].to_string();
            let packets: u64 = rule["expr"]
                .as_array()
                .unwrap()
                .iter()
                .find_map(|e| e["counter"]["packets"].as_u64())
                .unwrap_or(0);
            if text.contains("198.51.100.53") {
                dns += packets;
            } else if text.contains("198.51.100.14") {
                ca += packets;
            }
        }
        (dns, ca)
    }
}

/// Restart the lab router's miniupnpd as after a reboot: stop it (by its PID), clear what a
/// reboot clears (its nftables chains and lease file), start it again. It comes back with no
/// mappings. The new daemon lives in the router namespace, which `lab down` empties.
fn restart_miniupnpd(lab: &Lab) {
    let info = lab.info_at_start();
    let pid = info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "miniupnpd")
        .and_then(|d| d["pid"].as_i64())
        .expect("miniupnpd pid") as i32;
    // SAFETY: signalling a process the lab started for this test.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "miniupnpd did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for chain in ["miniupnpd", "prerouting_miniupnpd", "postrouting_miniupnpd"] {
        let r = lab.exec(
            "router",
            &["nft", "flush", "chain", "inet", "filter", chain],
        );
        assert_eq!(r.code, 0, "nft flush {chain}: {}", r.stderr);
    }
    let run = lab.run_dir();
    let _ = std::fs::remove_file(run.join("miniupnpd/leases"));
    let conf = run.join("miniupnpd/miniupnpd.conf").display().to_string();
    let pidfile = run.join("miniupnpd/restarted.pid").display().to_string();
    // Without -d it daemonizes itself.
    let r = lab.exec("router", &["miniupnpd", "-f", &conf, "-P", &pidfile]);
    assert_eq!(r.code, 0, "miniupnpd restart: {}", r.stderr);
    let start = Instant::now();
    loop {
        let l = lab.exec(
            "box",
            &["upnpc", "-u", "http://192.168.77.1:5000/rootDesc.xml", "-l"],
        );
        if l.code == 0 && l.stdout.contains("ExternalIPAddress") {
            assert!(
                !l.stdout.contains("443->"),
                "mappings survived the restart:\n{}",
                l.stdout
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "miniupnpd did not come back:\n{}{}",
            l.stdout,
            l.stderr
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Base64 bodies of every private key and secret-looking value in the state directory (ACME
/// account key, certificate keys), to grep reports for.
fn private_values(dir: &std::path::Path) -> Vec<String> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(private_values(&p));
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if text.contains("PRIVATE KEY") {
            // A long line of the key's base64 body.
            out.extend(
                text.lines()
                    .filter(|l| l.len() >= 40 && !l.starts_with("-----"))
                    .map(str::to_string)
                    .take(1),
            );
        }
        if p.extension().is_some_and(|e| e == "json")
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
            collect_secretish(&v, &mut out);
        }
    }
    out
}

fn collect_secretish(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let k = k.to_ascii_lowercase();
                let secretish = (k.contains("key") && !k.contains("name") && !k.contains("type"))
                    || k.contains("secret")
                    || k.contains("pkcs8");
                if secretish && let Some(s) = v.as_str().filter(|s| s.len() >= 16) {
                    out.push(s.to_string());
                }
                collect_secretish(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_secretish(v, out)),
        _ => {}
    }
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn lab_demo_runs_the_whole_job_and_cleans_up() {
    support::lab::require_root();
    let name = format!("d{}", std::process::id() % 1_000_000);
    let run = |args: &[&str]| -> Run {
        let mut c = std::process::Command::new(bin());
        c.args(args)
            .env_remove("DIREKT_CONFIG")
            .env_remove("DIREKT_STATE_DIR");
        Run::from(c.output().unwrap())
    };
    let r = run(&["lab", "demo", "--name", &name]);
    // Whatever happened, no lab is left behind.
    let left = run(&["lab", "down", "--name", &name]);
    assert_eq!(r.code, 0, "lab demo:\n{}\n{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    for want in [
        "[2/5] direkt setup",
        "Publishing the name",
        "Getting the certificate",
        "[3/5] The box's web server",
        "[4/5] direkt doctor",
        "[5/5] direkt cert show",
        "box.example.test",
        "torn down",
    ] {
        assert!(all.contains(want), "lab demo output lacks {want:?}:\n{all}");
    }
    assert!(
        left.stderr.contains("nothing to do"),
        "the demo left its lab up: {}",
        left.stderr
    );
    assert!(!std::path::Path::new(&format!("/run/direkt-lab/{name}")).exists());
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_certificate_close_to_expiry_is_announced_once_a_day() {
    let lab = Lab::up("direct");
    let fresh = Fresh::new();
    // A certificate with 5 of its 85 days left, where direkt keeps its certificates.
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["box.example.test".to_string()]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(80);
    params.not_after = now + time::Duration::days(5);
    let cert = params.self_signed(&key).unwrap();
    direkt::acme::CertStore::new(&fresh.state_dir())
        .install("box.example.test", &cert.pem(), &key.serialize_pem())
        .unwrap();
    // The CA is unreachable (a closed port in the lab), so the renewal fails too.
    let log = fresh.path("notified");
    std::fs::create_dir_all(fresh.config().parent().unwrap()).unwrap();
    std::fs::write(
        fresh.config(),
        format!(
            "name = \"box.example.test\"\nstate_dir = {:?}\n[cert]\nca = \"https://198.51.100.14:14999/dir\"\n\
             ca_bundle = {:?}\naccept_tos = true\n[notify]\ncommand = \"echo $DIREKT_NOTIFY_REASON $DIREKT_NOTIFY_PART >> {}\"\n",
            fresh.state_dir().display().to_string(),
            lab.ca_bundle().display().to_string(),
            log.display()
        ),
    )
    .unwrap();
    let r = fresh.direkt(&lab, &["renew"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("error: cert:"), "{}", r.stderr);
    let sent = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<&str> = sent.lines().collect();
    lines.sort();
    assert_eq!(lines, ["cert-expiring cert", "renew-failed cert"], "{sent}");
    // The next run (within the day) sends nothing again.
    fresh.direkt(&lab, &["renew"]);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), sent);
    let prom = fresh.direkt(&lab, &["status", "--prometheus"]).stdout;
    let expiry: f64 = prom
        .lines()
        .find(|l| l.starts_with("direkt_cert_expiry_timestamp_seconds{"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no expiry metric:\n{prom}"));
    let left = expiry - now.unix_timestamp() as f64;
    assert!((4.0 * 86400.0..6.0 * 86400.0).contains(&left), "{left}");
}

/// Global flags win over the config in `setup` as in every other command: with `--state-dir
/// DIR`, the certificate and the state go under DIR although the answers name another
/// `state_dir`; with `--config FILE`, the config and its secrets are written at FILE.
#[test]
fn global_state_dir_and_config_flags_win_over_the_answers_in_setup() {
    let Some(lab) = Lab::up_or_skip("direct") else {
        return;
    };
    let fresh = Fresh::new();
    // The answers (a vendor preset) name fresh.state_dir(); the flag names another one.
    std::fs::write(fresh.path("answers.toml"), answers(&lab, &fresh)).unwrap();
    let flag_dir = fresh.path("flag-state");
    let config = fresh.config().display().to_string();
    let answers_file = fresh.path("answers.toml").display().to_string();
    let flag_state = flag_dir.display().to_string();
    let argv = fresh.argv(
        &config,
        &[
            "--state-dir",
            &flag_state,
            "setup",
            "--yes",
            "--answers",
            &answers_file,
        ],
    );
    let r = lab.exec("box", &argv);
    assert_eq!(r.code, 0, "setup:\n{}\n{}", r.stdout, r.stderr);
    r.lacks(&lab.tsig_secret());
    assert!(
        find_file(&flag_dir, "fullchain.pem").is_some(),
        "no certificate under --state-dir {}",
        flag_dir.display()
    );
    assert!(
        flag_dir.join("state.json").exists(),
        "no state under --state-dir"
    );
    assert!(
        !fresh.state_dir().exists(),
        "setup wrote into the answers' state_dir {} instead of --state-dir",
        fresh.state_dir().display()
    );
    // --config: the config and its secrets where the flag says.
    assert!(fresh.config().exists() && fresh.secrets().exists());
    // And the commands after setup, with the same flag, find what setup put there.
    let r = fresh.direkt(
        &lab,
        &["--state-dir", &flag_state, "cert", "show", "--json"],
    );
    assert_eq!(r.code, 0, "cert show:\n{}\n{}", r.stdout, r.stderr);
}
