//! `direkt lab` end to end: the must-show items per scenario, against the real daemons
//! (Pebble, Knot, stund, miniupnpd, the probe server), plus teardown leaving nothing behind.
//! Needs root; see tests/support/lab.rs for skipping rules.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use support::lab::Lab;

/// `GET /v1/ip` of a probe server, from the calling thread's namespace.
fn probe_sees(server: &str) -> serde_json::Value {
    let mut s = TcpStream::connect_timeout(&server.parse().unwrap(), Duration::from_secs(2))
        .expect("connect to the probe server");
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(b"GET /v1/ip HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("content-type: application/json"), "{out}");
    let body = out.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str(body).unwrap()
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn direct_upnp_nsupdate_through_nat_and_pebble_over_tls() {
    let Some(lab) = Lab::up_or_skip("direct") else {
        return;
    };

    // upnpc from the box sees the router's public address.
    lab.exec("box", &["upnpc", "-i", "-l"])
        .code(0)
        .stdout_has("ExternalIPAddress = 203.0.113.2");

    // A TSIG-signed update from the box (through the NAT) changes what the internet sees.
    let before = lab.exec(
        "inet",
        &["dig", "+short", "@198.51.100.53", "box.example.test", "A"],
    );
    assert_eq!(before.code(0).stdout.trim(), "");
    let key = format!("hmac-sha256:ddns-key:{}", lab.tsig_secret());
    let mut nsupdate = lab.exec_cmd("box", &["nsupdate", "-y", &key]);
    let script = "server 198.51.100.53\nzone example.test\n\
                  update delete box.example.test A\n\
                  update add box.example.test 60 A 192.0.2.44\nsend\n";
    let out = support::Run::from(
        nsupdate
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().unwrap().write_all(script.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap(),
    );
    out.code(0);
    let after = lab.exec(
        "inet",
        &["dig", "+short", "@198.51.100.53", "box.example.test", "A"],
    );
    assert_eq!(after.code(0).stdout.trim(), "192.0.2.44");
    // ... and a wrong secret is refused (the ACL really checks the key).
    let bad = "hmac-sha256:ddns-key:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let mut nsupdate = lab.exec_cmd("box", &["nsupdate", "-y", bad]);
    let refused = nsupdate
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(script.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(!refused.status.success());

    // Pebble's directory answers over TLS with the lab CA bundle, from the box...
    let ca = std::fs::read(lab.ca_bundle()).unwrap();
    let dir = lab.in_ns("box", move || {
        direkt::lab::daemons::https_get("https://198.51.100.14:14000/dir", &ca)
    });
    let dir: serde_json::Value = serde_json::from_slice(&dir.expect("directory")).unwrap();
    assert!(
        dir["newOrder"]
            .as_str()
            .unwrap()
            .starts_with("https://198.51.100.14:14000/")
    );
    // ... and not with another root (the bundle is what makes it work).
    let other = std::fs::read(lab.pebble_root()).unwrap();
    assert!(other.starts_with(b"-----BEGIN CERTIFICATE-----"));
    let refused = lab.in_ns("box", move || {
        direkt::lab::daemons::https_get("https://198.51.100.14:14000/dir", &other)
    });
    assert!(refused.is_err());

    // The probe server sees the router's WAN address.
    let seen = lab.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen["address"], "203.0.113.2");

    // Status names everything a client needs; the box config works inside the box.
    let info = lab.info();
    assert_eq!(info["scenario"], "direct");
    assert_eq!(info["public_address"], "203.0.113.2");
    assert_eq!(info["router"]["wan"], "203.0.113.2");
    assert_eq!(info["router"]["lan"], "192.168.77.1");
    assert_eq!(info["box"]["ipv4"], "192.168.77.10");
    assert_eq!(info["dns"]["server"], "198.51.100.53:53");
    assert_eq!(info["dns"]["tsig_key_name"], "ddns-key");
    assert_eq!(info["acme"]["directory"], "https://198.51.100.14:14000/dir");
    assert_eq!(info["stun"][0], "198.51.100.34:3478");
    assert_eq!(info["probe"][0], "http://198.51.100.80");
    assert_eq!(info["rogue"]["ipv4"], "192.168.77.66");
    for d in info["daemons"].as_array().unwrap() {
        assert_eq!(d["running"], true, "{d}");
    }
    let names: Vec<&str> = info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for want in ["knot", "stund", "pebble", "probe", "miniupnpd"] {
        assert!(names.contains(&want), "{names:?}");
    }
    assert_eq!(mode(&lab.tsig_secret_file()), 0o600);
    assert_eq!(mode(&lab.secrets_file()), 0o600);
    assert!(lab.pebble_root().exists());
    let st = lab.box_direkt(&["status", "--json"]).code(0).json();
    assert_eq!(st["name"], "box.example.test");
    assert_eq!(st["state_dir"], lab.state_dir().display().to_string());
    assert_eq!(st["config"]["ddns"]["provider"], "rfc2136");
    // The secret never shows up in status output.
    lab.box_direkt(&["status"])
        .code(0)
        .lacks(&lab.tsig_secret());
}

#[test]
fn down_ends_every_process_and_deletes_every_namespace() {
    let Some(lab) = Lab::up_or_skip("direct") else {
        return;
    };
    let info = lab.info();
    let pids: Vec<u64> = info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pid"].as_u64().unwrap())
        .collect();
    // A process a test started inside the lab is ended too.
    let mut sleeper = lab.exec_cmd("rogue", &["sleep", "300"]).spawn().unwrap();
    let namespaces: Vec<String> = ["box", "router", "inet", "rogue"]
        .iter()
        .map(|r| lab.ns(r))
        .collect();
    let run_dir = lab.run_dir();
    for n in &namespaces {
        assert!(Path::new("/run/netns").join(n).exists());
    }
    // Wait until the sleeper is inside its namespace.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::fs::read_link(format!("/proc/{}/exe", sleeper.id()))
        .is_ok_and(|p| !p.ends_with("sleep"))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(5));
    }

    lab.down().code(0).stderr_has("is down");

    for n in &namespaces {
        assert!(!Path::new("/run/netns").join(n).exists(), "{n} left");
        assert!(
            !Path::new("/etc/netns").join(n).exists(),
            "/etc/netns/{n} left"
        );
    }
    assert!(!run_dir.exists());
    for pid in pids {
        assert!(
            !direkt::lab::netns::alive(pid as i32),
            "daemon {pid} still runs"
        );
    }
    let status = sleeper.wait().unwrap();
    assert!(!status.success(), "the sleeper was ended by a signal");
}

#[test]
fn status_of_a_lab_that_is_not_up_says_so() {
    let env = support::Env::new();
    env.run(&["lab", "status", "--name", "nosuchlab"])
        .code(1)
        .stderr_has("no lab named `nosuchlab` is up");
    env.run(&["lab", "up", "--name", "Bad-Name"])
        .code(2)
        .stderr_has("invalid lab name");
}

#[test]
fn scenarios_are_listed() {
    let env = support::Env::new();
    let j = env.run(&["lab", "scenarios", "--json"]).code(0).json();
    let names: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "direct",
            "cgnat",
            "double-nat",
            "no-upnp",
            "no-portmap",
            "igdv1",
            "port80-blocked",
            "dual-stack"
        ]
    );
}
