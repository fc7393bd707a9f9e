//! The `ds-lite` lab scenario (issue 16): shared IPv4 through an AFTR over a userspace
//! IPv4-in-IPv6 softwire, native IPv6 with a delegated prefix, and `lab renumber`.

mod support;

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::Duration;

use support::lab::Lab;
use support::{Run, bin};

const BOX6: &str = "2001:db8:4400::10";

/// What the lab's authoritative server answers (queried from the internet namespace).
fn dig(lab: &Lab, rtype: &str) -> String {
    let r = lab.exec(
        "inet",
        &[
            "dig",
            "+short",
            "+norecurse",
            "@198.51.100.53",
            "box.example.test",
            rtype,
        ],
    );
    r.code(0);
    r.stdout.trim().to_string()
}

/// A process the test started in the lab; killed (by its own PID) and reaped on drop.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn scenarios_json_lists_ds_lite() {
    let out = std::process::Command::new(bin())
        .args(["lab", "scenarios", "--json"])
        .output()
        .unwrap();
    let j = Run::from(out).code(0).json();
    let ds = j
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "ds-lite")
        .unwrap_or_else(|| panic!("no ds-lite in {j}"));
    let d = ds["description"].as_str().unwrap();
    assert!(d.contains("192.0.0.2") && d.contains("AFTR"), "{d}");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn ds_lite_softwire_carries_ipv4_through_the_aftr_and_ipv6_is_native() {
    let lab = Lab::up("ds-lite");
    let info = lab.info();
    assert_eq!(info["router"]["wan"], "192.0.0.2");
    assert_eq!(info["public_address"], "203.0.113.100");
    assert_eq!(info["box"]["ipv6"], BOX6);
    let names: Vec<&str> = info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"softwire-b4") && names.contains(&"softwire-aftr"));
    // IPv4 leaves through the softwire: the probe server sees the AFTR's shared address.
    let v4 = lab.exec(
        "box",
        &["dig", "+short", "@198.51.100.53", "ns1.example.test"],
    );
    v4.code(0).stdout_has("198.51.100.53");
    let j = lab
        .box_direkt(&["ddns", "update", "--dry-run", "--json"])
        .json();
    let v4 = &j["families"][0]["detection"];
    assert!(
        v4["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "probe" && s["address"] == "203.0.113.100"),
        "{v4}"
    );
    // The TTL-limited probe met the AFTR at hop 2; the router's WAN is the B4 address.
    let signs = v4["dslite_signs"].as_array().unwrap();
    assert!(
        signs
            .iter()
            .any(|s| s["sign"] == "router-wan" && s["address"] == "192.0.0.2"),
        "{signs:?}"
    );
    assert!(
        signs
            .iter()
            .any(|s| s["sign"] == "first-hop" && s["ttl"] == 2 && s["address"] == "192.0.0.1"),
        "{signs:?}"
    );
    // IPv6 is routed: the outside sees the box's own address.
    assert_eq!(j["families"][1]["address"], BOX6);
    assert_eq!(j["families"][0]["action"], "not-published");
    // No pinhole yet: doctor names the router's IPv6 firewall, not the provider.
    let d = lab.box_direkt(&["doctor", "--json"]).json();
    let r6 = d["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "reach.tcp6.443")
        .unwrap_or_else(|| panic!("no reach.tcp6.443 in {d}"));
    assert_eq!(r6["status"], "fail", "{r6}");
    assert!(
        r6["summary"]
            .as_str()
            .unwrap()
            .contains("blocked by the router's IPv6 firewall: no pinhole"),
        "{r6}"
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn ds_lite_setup_publishes_aaaa_only_doctor_names_it_and_https_over_ipv6_reaches_the_box() {
    let lab = Lab::up("ds-lite");
    let r = lab.box_direkt(&["setup", "--yes", "--schedule", "no"]);
    assert_eq!(r.code, 0, "setup:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("shared IPv4 (DS-Lite)"), "{}", r.stderr);
    assert!(r.stderr.contains("http-01 over IPv6"), "{}", r.stderr);
    assert_eq!(dig(&lab, "AAAA"), BOX6);
    // No A record: not the AFTR's shared address, not the B4 address.
    assert_eq!(dig(&lab, "A"), "");

    let j = lab.box_direkt(&["doctor", "--json"]).json();
    let check = |id: &str| {
        j["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {j}"))
            .clone()
    };
    let ds = check("nat.dslite");
    assert_eq!(ds["status"], "warn", "{ds}");
    let summary = ds["summary"].as_str().unwrap();
    assert!(summary.contains("DS-Lite"), "{summary}");
    assert!(summary.contains("IPv6 only"), "{summary}");
    assert!(ds["fix"].as_str().unwrap().contains("direkt relay"), "{ds}");
    assert_eq!(ds["details"]["dslite"], true, "{ds}");
    // The missing A record is right on this line; IPv4 port checks are not failures.
    assert_eq!(check("dns.authoritative")["status"], "pass");
    assert_eq!(check("reach.tcp.443")["status"], "skip");

    // A TLS server on the box with the certificate setup got; the internet reaches it over
    // IPv6 at the AAAA address, and the chain verifies against Pebble's root.
    let live = lab.state_dir().join("certs/live/box.example.test");
    let p = |f: &str| live.join(f).display().to_string();
    let _server = Started(
        lab.exec_cmd(
            "box",
            &[
                "openssl",
                "s_server",
                "-accept",
                "[::]:443",
                "-cert",
                &p("cert.pem"),
                "-cert_chain",
                &p("chain.pem"),
                "-key",
                &p("privkey.pem"),
                "-www",
                "-quiet",
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    let root = lab.pebble_root().display().to_string();
    let connect = format!("[{BOX6}]:443");
    let mut last = String::new();
    for _ in 0..30 {
        let mut c = lab
            .exec_cmd(
                "inet",
                &[
                    "openssl",
                    "s_client",
                    "-connect",
                    &connect,
                    "-servername",
                    "box.example.test",
                    "-CAfile",
                    &root,
                    "-verify_return_error",
                    "-quiet",
                ],
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = c.stdin.take().unwrap().write_all(b"GET / HTTP/1.0\r\n\r\n");
        let out = Run::from(c.wait_with_output().unwrap());
        if out.stdout.starts_with("HTTP/1.0 200") {
            return;
        }
        last = format!("{}\n{}", out.stdout, out.stderr);
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("https://[{BOX6}]:443 did not answer from the internet namespace:\n{last}");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn after_two_renumbers_one_renew_publishes_the_last_prefix_and_reopens_the_pinholes() {
    let lab = Lab::up("ds-lite");
    lab.box_direkt(&["ddns", "update"]).code(0);
    lab.box_direkt(&["ports", "refresh"]).code(0);
    assert_eq!(dig(&lab, "AAAA"), BOX6);

    // The prefix changes twice between runs: only the last one may end up published.
    let r = lab.direkt(&["lab", "renumber", "--name", lab.name()]);
    r.code(0).stdout_has("2001:db8:4401::10");
    let r = lab.direkt(&["lab", "renumber", "--name", lab.name(), "--json"]);
    let j = r.code(0).json();
    assert_eq!(j["old_box_ipv6"], "2001:db8:4401::10");
    assert_eq!(j["new_box_ipv6"], "2001:db8:4402::10");
    assert_eq!(lab.info()["box"]["ipv6"], "2001:db8:4402::10");
    // The box lost its old address and kept its interface ID in the new prefix.
    let addrs = lab.exec("box", &["ip", "-6", "addr", "show", "dev", "eth0"]);
    addrs.code(0).stdout_has("2001:db8:4402::10/64");
    assert!(!addrs.stdout.contains(BOX6), "{}", addrs.stdout);

    let r = lab.box_direkt(&["renew"]);
    assert_eq!(r.code, 0, "renew:\n{}\n{}", r.stdout, r.stderr);
    r.stdout_has("dns: box.example.test AAAA 2001:db8:4402::10 (was 2001:db8:4400::10)");
    for port in ["443/tcp", "80/tcp"] {
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains(&format!("re-opened {port} for the box's new IPv6 address")))
            .unwrap_or_else(|| panic!("no pinhole line for {port}:\n{}", r.stdout));
        assert!(line.contains("[2001:db8:4402::10]"), "{line}");
        assert!(
            line.contains("stale pinhole for [2001:db8:4400::10]"),
            "{line}"
        );
    }
    assert_eq!(dig(&lab, "AAAA"), "2001:db8:4402::10");
    assert_eq!(dig(&lab, "A"), "");

    // The new pinhole lets the internet in; a second renew has nothing to say.
    let listener = lab.in_ns("box", || {
        std::net::TcpListener::bind("[::]:443").expect("bind 443 in box")
    });
    let reached = lab.in_ns("inet", || {
        std::net::TcpStream::connect_timeout(
            &"[2001:db8:4402::10]:443".parse().unwrap(),
            Duration::from_millis(1500),
        )
        .is_ok()
    });
    drop(listener);
    assert!(
        reached,
        "the pinhole for the new address does not let the internet in"
    );
    let r = lab.box_direkt(&["renew"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn shared_ipv4_without_ipv6_says_nothing_can_reach_the_box_and_names_the_relay() {
    let lab = Lab::up("ds-lite");
    // The line without IPv6: the box loses its IPv6 address.
    lab.exec(
        "box",
        &[
            "ip",
            "-6",
            "addr",
            "del",
            &format!("{BOX6}/64"),
            "dev",
            "eth0",
        ],
    )
    .code(0);
    let r = lab.box_direkt(&["ddns", "update"]);
    r.code(1)
        .stderr_has("nothing can reach the box directly")
        .stderr_has("direkt relay");
    assert_eq!(dig(&lab, "A"), "");
    let j = lab.box_direkt(&["doctor", "--json"]).json();
    let ds = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "nat.dslite")
        .unwrap_or_else(|| panic!("no nat.dslite in {j}"))
        .clone();
    assert_eq!(ds["status"], "fail", "{ds}");
    let summary = ds["summary"].as_str().unwrap();
    assert!(
        summary.contains("DS-Lite") && summary.contains("no IPv6"),
        "{summary}"
    );
    assert!(
        summary.contains("nothing can reach the box directly"),
        "{summary}"
    );
    assert!(ds["fix"].as_str().unwrap().contains("direkt relay"), "{ds}");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn renumber_needs_the_ds_lite_scenario() {
    let lab = Lab::up("direct");
    let r = lab.direkt(&["lab", "renumber", "--name", lab.name()]);
    r.code(2).stderr_has("only ds-lite");
}
