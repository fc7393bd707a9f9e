//! doctor's outside view without a direkt probe server of one's own, in the namespace lab
//! (`direct` scenario): (a) a port check in the style of echoip (the lab's probe server answers
//! `GET /port/N` like ifconfig.co), (b) the CA as a witness after `setup --yes` with HTTP-01,
//! (c) "not checked from outside" only without both. The public default port check is never
//! asked: every config here names the lab's, or none. Needs root (ignored without it, never
//! ignored under CI).

mod support;

use std::io::{Read, Write};

use serde_json::Value;
use support::lab::Lab;

fn check<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {j:#}"))
}

/// The lab's box config with `[ip] probe` and `port_check` replaced, beside the original (so
/// its secrets file is found); returns its path.
fn config_with(lab: &Lab, file: &str, probe: &[&str], port_check: &[&str]) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let mut cfg: toml::Table = toml::from_str(&text).unwrap();
    let list = |v: &[&str]| toml::Value::Array(v.iter().map(|s| (*s).into()).collect());
    let ip = cfg["ip"].as_table_mut().unwrap();
    ip.insert("probe".into(), list(probe));
    ip.insert("port_check".into(), list(port_check));
    let path = lab.config().with_file_name(file);
    std::fs::write(&path, toml::to_string(&cfg).unwrap()).unwrap();
    path.display().to_string()
}

fn doctor(lab: &Lab, config: &str) -> Value {
    let bin = support::bin().display().to_string();
    let r = lab.exec("box", &[&bin, "--config", config, "doctor", "--json"]);
    assert!(
        r.code == 0 || r.code == 3,
        "doctor: {}\n{}",
        r.stdout,
        r.stderr
    );
    r.json()
}

/// `GET <path>` at the lab's probe server from inside the box: (status line, body).
fn get_from_box(lab: &Lab, path: &str) -> (String, String) {
    let req = format!("GET {path} HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n");
    let raw = lab.in_ns("box", move || {
        let mut s = std::net::TcpStream::connect("198.51.100.80:80").unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    });
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_port_check_in_echoips_style_is_doctors_outside_view_without_a_probe_server() {
    let lab = Lab::up("direct");
    // The probe server answers echoip's port check, in its format.
    let (status, body) = get_from_box(&lab, "/port/foo");
    assert!(status.contains(" 400 "), "{status}\n{body}");
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        e,
        serde_json::json!({"status": 400, "error": "invalid port: foo"})
    );
    let (status, body) = get_from_box(&lab, "/port/443");
    assert!(status.contains(" 200 "), "{status}\n{body}");
    let a: Value = serde_json::from_str(&body).unwrap();
    // Nothing is forwarded yet: the router's public address does not lead anywhere.
    assert_eq!(
        a,
        serde_json::json!({"ip": "203.0.113.2", "port": 443, "reachable": false})
    );

    // No direkt probe server: doctor asks the port check (the lab's probe server).
    let config = config_with(
        &lab,
        "direkt-port-check.toml",
        &[],
        &["http://198.51.100.80"],
    );
    lab.box_direkt(&["ddns", "update"]).code(0);
    let j = doctor(&lab, &config);
    assert_eq!(check(&j, "probe.port_check")["status"], "pass", "{j:#}");
    let r = check(&j, "reach.tcp.443");
    assert_eq!(r["status"], "fail", "{r:#}");
    assert!(
        r["summary"]
            .as_str()
            .unwrap()
            .contains("the port check http://198.51.100.80 could not connect to 203.0.113.2:443"),
        "{r:#}"
    );
    assert!(
        r["fix"].as_str().unwrap().contains("forward TCP port 443"),
        "{r:#}"
    );

    // Forwarded: the port check's connection arrives at doctor's own responder.
    for port in ["443", "80"] {
        lab.box_direkt(&["ports", "add", port]).code(0);
    }
    let j = doctor(&lab, &config);
    for id in ["reach.tcp.443", "reach.tcp.80"] {
        let r = check(&j, id);
        assert_eq!(r["status"], "pass", "{r:#}");
        assert_eq!(r["details"]["arrived"], true, "{r:#}");
        assert_eq!(r["details"]["port_check"], "http://198.51.100.80", "{r:#}");
        assert!(
            r["summary"].as_str().unwrap().contains("reached this box"),
            "{r:#}"
        );
    }

    // A port check that cannot be reached is its own check; the ports skip saying why.
    let config = config_with(
        &lab,
        "direkt-port-check-down.toml",
        &[],
        &["http://198.51.100.80:81"],
    );
    let j = doctor(&lab, &config);
    let pc = check(&j, "probe.port_check");
    assert_eq!(pc["status"], "fail", "{pc:#}");
    assert!(
        pc["summary"]
            .as_str()
            .unwrap()
            .contains("http://198.51.100.80:81"),
        "{pc:#}"
    );
    let r = check(&j, "reach.tcp.443");
    assert_eq!(r["status"], "skip", "{r:#}");
    assert_eq!(r["details"]["port_check_unreachable"], true, "{r:#}");
    assert!(
        r["summary"]
            .as_str()
            .unwrap()
            .contains("see probe.port_check"),
        "{r:#}"
    );
}

/// The answers for an unattended setup without any outside view of its own: the lab's address
/// sources but `ip.probe = []` and `ip.port_check = []`, the state under `dir`.
fn answers(lab: &Lab, dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let cfg: toml::Table = toml::from_str(&text).unwrap();
    let ip = cfg["ip"].as_table().unwrap();
    let list = |k: &str| ip.get(k).map(|v| v.to_string()).unwrap_or("[]".into());
    format!(
        "state_dir = {:?}\nip.stun = {}\nip.probe = []\nip.port_check = []\nip.echo = {}\n\
         ip.public_prefixes = {}\ncert.ca_bundle = {:?}\nname = \"box.example.test\"\n\
         schedule = false\nddns.provider = \"rfc2136\"\nddns.server = \"198.51.100.53:53\"\n\
         ddns.zone = \"example.test\"\nddns.key_name = \"ddns-key\"\nddns.tsig_secret = {:?}\n\
         cert.ca = {:?}\ncert.accept_tos = true\n",
        dir.join("state").display().to_string(),
        list("stun"),
        list("echo"),
        list("public_prefixes"),
        lab.ca_bundle().display().to_string(),
        lab.tsig_secret(),
        lab.acme_directory(),
    )
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn without_probe_or_port_check_the_ca_witnesses_port_80_after_setup() {
    let lab = Lab::up("direct");
    // (c) Nothing outside at all, no certificate yet: "not checked from outside", and how to
    // get a view.
    let config = config_with(&lab, "direkt-blind.toml", &[], &[]);
    lab.box_direkt(&["ddns", "update"]).code(0);
    let j = doctor(&lab, &config);
    let r = check(&j, "reach.tcp.80");
    assert_eq!(r["status"], "skip", "{r:#}");
    assert!(
        r["summary"]
            .as_str()
            .unwrap()
            .contains("not checked from outside"),
        "{r:#}"
    );
    let fix = r["fix"].as_str().unwrap();
    for how in ["[ip] port_check", "[ip] probe", "direkt cert issue"] {
        assert!(fix.contains(how), "{how} missing: {r:#}");
    }
    assert_eq!(check(&j, "probe.port_check")["status"], "skip", "{j:#}");

    // (b) setup --yes with HTTP-01 (the default): the CA validated port 80 from outside.
    let dir = tempfile::tempdir().unwrap();
    let answers_file = dir.path().join("answers.toml");
    std::fs::write(&answers_file, answers(&lab, dir.path())).unwrap();
    let config = dir.path().join("etc/direkt.toml").display().to_string();
    let setup = lab.exec(
        "box",
        &[
            "direkt",
            "--config",
            &config,
            "setup",
            "--yes",
            "--answers",
            answers_file.to_str().unwrap(),
        ],
    );
    assert_eq!(setup.code, 0, "setup:\n{}\n{}", setup.stdout, setup.stderr);
    let state_file = dir.path().join("state/state.json");
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    let witnesses = state["cert"]["witnesses"].as_array().unwrap();
    let w = witnesses
        .iter()
        .find(|w| w["port"] == 80)
        .unwrap_or_else(|| panic!("no witness of port 80: {state:#}"));
    assert_eq!(w["challenge"], "http-01", "{w:#}");
    assert_eq!(w["address"], "203.0.113.2", "{w:#}");
    assert_eq!(w["name"], "box.example.test", "{w:#}");

    let j = doctor(&lab, &config);
    let r = check(&j, "reach.tcp.80");
    assert_ne!(r["status"], "skip", "{r:#}");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(r["details"]["evidence"], "ca", "{r:#}");
    assert!(
        r["summary"].as_str().unwrap().contains(
            "the CA validated box.example.test (http-01): it connected to 203.0.113.2:80"
        ),
        "{r:#}"
    );
    // Port 443 was not validated: still not checked from outside.
    let r = check(&j, "reach.tcp.443");
    assert_eq!(r["status"], "skip", "{r:#}");

    // The address changes after the CA's visit: the witness no longer vouches for it.
    let at = w["at"].as_i64().unwrap() + 1;
    let mut state = state.clone();
    let moved = serde_json::json!({"address": "203.0.113.9", "at": at});
    state["ddns"]["ipv4"] = moved.clone();
    state["ddns"]["changed"]["ipv4"] = moved;
    std::fs::write(&state_file, serde_json::to_string(&state).unwrap()).unwrap();
    let j = doctor(&lab, &config);
    let r = check(&j, "reach.tcp.80");
    assert_eq!(r["status"], "warn", "{r:#}");
    let s = r["summary"].as_str().unwrap();
    assert!(
        s.contains("203.0.113.9") && s.contains("203.0.113.2:80"),
        "{r:#}"
    );
}
