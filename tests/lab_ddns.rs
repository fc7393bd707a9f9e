//! Dynamic DNS end to end in the namespace lab: direkt in the box behind the NAT router, the
//! address found by STUN and the probe server, records written to a real Knot with RFC 2136 +
//! TSIG. Needs root (ignored without it, never ignored under CI).

mod support;

use support::Run;
use support::lab::Lab;

fn dig(lab: &Lab, name: &str, rtype: &str) -> String {
    let r = lab.exec(
        "inet",
        &["dig", "+short", "+norecurse", "@198.51.100.53", name, rtype],
    );
    r.code(0);
    r.stdout.trim().to_string()
}

fn state(lab: &Lab) -> serde_json::Value {
    let text = std::fs::read_to_string(lab.state_dir().join("state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn update_json(lab: &Lab, extra: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["ddns", "update", "--json"];
    args.extend_from_slice(extra);
    let r = lab.box_direkt(&args);
    let j = r.json();
    (r, j)
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_publishes_the_nat_address_and_a_second_run_sends_nothing() {
    let lab = Lab::up("direct");
    let (r, j) = update_json(&lab, &["-vv"]);
    r.code(0).lacks(&lab.tsig_secret());
    assert_eq!(j["families"][0]["record"], "A");
    assert_eq!(j["families"][0]["action"], "published");
    assert_eq!(j["families"][0]["address"], "203.0.113.2");
    assert_eq!(j["provider_requests"], 1);
    // Both outside sources saw the router's public address.
    let det = &j["families"][0]["detection"];
    assert_eq!(det["verdict"], "agreed");
    assert!(det["agreeing"].as_u64().unwrap() >= 2, "{det}");
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");

    // Unchanged: nothing goes to the DNS server (the report and the state count requests).
    let (r, j) = update_json(&lab, &[]);
    r.code(0);
    assert_eq!(j["families"][0]["action"], "unchanged");
    assert_eq!(j["provider_requests"], 0);
    assert_eq!(state(&lab)["ddns"]["requests"], 1);

    // Human output and `show`.
    let r = lab.box_direkt(&["ddns", "update"]);
    r.code(0).stderr_has("unchanged");
    assert!(r.stdout.is_empty(), "a no-op prints no data: {}", r.stdout);
    // -q (cron): completely silent when nothing was due.
    let r = lab.box_direkt(&["-q", "ddns", "update"]);
    r.code(0);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    lab.box_direkt(&["ddns", "show"])
        .code(0)
        .stdout_has("203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_wrong_tsig_secret_latches_with_badsig_and_leaks_nothing() {
    let lab = Lab::up("direct");
    // A valid base64 secret that is not the key's.
    let wrong = "d3JvbmctZGRucy1zZWNyZXQtZm9yLXRoZS1sYWItdGVzdA==";
    let run = |args: &[&str]| {
        Run::from(
            lab.box_direkt_cmd(args)
                .env("DIREKT_DDNS_TSIG_SECRET", wrong)
                .output()
                .unwrap(),
        )
    };
    run(&["ddns", "update", "-vv"])
        .code(4)
        .stderr_has("BADSIG")
        .stderr_has("hint:")
        .lacks(wrong)
        .lacks(&lab.tsig_secret());
    // Latched across runs: exit 4 without asking the server again.
    let r = run(&["ddns", "update", "--json", "-vvv"]);
    r.code(4).lacks(wrong);
    let j = r.json();
    assert_eq!(j["provider_requests"], 0);
    assert!(j["latch"]["reason"].as_str().unwrap().contains("BADSIG"));
    assert_eq!(state(&lab)["ddns"]["requests"], 1);
    assert_eq!(dig(&lab, "box.example.test", "A"), "");
    // The right secret is a changed config: the latch is lifted and the record written.
    lab.box_direkt(&["ddns", "update"]).code(0);
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_publishes_both_and_a_v6_change_leaves_the_a_record_alone() {
    let lab = Lab::up("dual-stack");
    let (r, j) = update_json(&lab, &[]);
    r.code(0);
    let fams = j["families"].as_array().unwrap();
    assert_eq!(fams.len(), 2, "{j}");
    assert_eq!(fams[0]["record"], "A");
    assert_eq!(fams[0]["address"], "203.0.113.2");
    assert_eq!(fams[1]["record"], "AAAA");
    assert_eq!(fams[1]["address"], "2001:db8:77::10");
    assert_eq!(j["provider_requests"], 2);
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");
    assert_eq!(dig(&lab, "box.example.test", "AAAA"), "2001:db8:77::10");

    // The box's stable IPv6 address changes (same /64); IPv4 stays.
    lab.exec(
        "box",
        &[
            "ip",
            "-6",
            "addr",
            "add",
            "2001:db8:77::20/64",
            "dev",
            "eth0",
            "nodad",
        ],
    )
    .code(0);
    lab.exec(
        "box",
        &[
            "ip",
            "-6",
            "addr",
            "del",
            "2001:db8:77::10/64",
            "dev",
            "eth0",
        ],
    )
    .code(0);
    let (r, j) = update_json(&lab, &[]);
    r.code(0);
    let fams = j["families"].as_array().unwrap();
    assert_eq!(fams[0]["action"], "unchanged", "{j}");
    assert_eq!(fams[1]["action"], "published", "{j}");
    assert_eq!(fams[1]["address"], "2001:db8:77::20");
    assert_eq!(fams[1]["previous"], "2001:db8:77::10");
    // One request: the AAAA set only.
    assert_eq!(j["provider_requests"], 1);
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");
    assert_eq!(dig(&lab, "box.example.test", "AAAA"), "2001:db8:77::20");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn rfc2136_txt_records_for_dns01_in_the_lab() {
    let lab = Lab::up("direct");
    let config = lab.config();
    let state_dir = lab.state_dir();
    lab.in_ns("box", move || {
        use clap::Parser;
        let cli = direkt::cli::Cli::try_parse_from([
            "direkt",
            "--config",
            config.to_str().unwrap(),
            "--state-dir",
            state_dir.to_str().unwrap(),
            "status",
        ])
        .unwrap();
        let settings = direkt::config::Settings::load(&cli.global).unwrap();
        let p = direkt::ddns::provider_from_settings(&settings).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let fqdn = "_acme-challenge.box.example.test";
        rt.block_on(p.set_txt(fqdn, "first-token")).unwrap();
        rt.block_on(p.set_txt(fqdn, "second-token")).unwrap();
        rt.block_on(p.remove_txt(fqdn, "first-token")).unwrap();
        // A name outside the key's update policy: BADKEY, a latch-class failure.
        let e = rt
            .block_on(p.set_txt("other.example.test", "x"))
            .unwrap_err();
        assert_eq!(e.failure, direkt::ddns::Failure::Latch);
        assert!(e.message.contains("BADKEY"), "{}", e.message);
    });
    assert_eq!(
        dig(&lab, "_acme-challenge.box.example.test", "TXT"),
        "\"second-token\""
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_with_a_fixed_interface_id_publishes_that_host_in_the_box_prefix() {
    let lab = Lab::up("dual-stack");
    let config = lab.config();
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("[ip]\n", "[ip]\nipv6_interface_id = \"::99\"\n", 1),
    )
    .unwrap();
    let (r, j) = update_json(&lab, &[]);
    r.code(0);
    let v6 = &j["families"][1];
    assert_eq!(v6["record"], "AAAA");
    // The sources agree on the box's own address; the record names the host behind it.
    assert_eq!(v6["detection"]["verdict"], "agreed");
    assert_eq!(v6["address"], "2001:db8:77::99");
    assert_eq!(dig(&lab, "box.example.test", "AAAA"), "2001:db8:77::99");
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn cgnat_publishes_what_the_outside_sees_never_the_100_64_address_and_says_so() {
    let lab = Lab::up("cgnat");
    let r = lab.box_direkt(&["ddns", "update"]);
    r.code(0)
        .stderr_has("behind CGNAT")
        .stderr_has("100.64.0.2")
        .stderr_has("203.0.113.100");
    let (r, j) = update_json(&lab, &["--force"]);
    r.code(0);
    let f = &j["families"][0];
    assert_eq!(f["address"], "203.0.113.100");
    assert_eq!(f["detection"]["behind_cgnat"], true);
    assert_eq!(j["behind_cgnat"], true);
    let gw = f["detection"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "gateway")
        .expect("the gateway was asked");
    assert_eq!(gw["address"], "100.64.0.2");
    assert_eq!(gw["public"], false);
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.100");
}

/// A NAT-PMP responder on the rogue LAN host claiming a forged external address.
struct Responder {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn forged_natpmp(lab: &Lab, forged: [u8; 4]) -> Responder {
    let sock = lab.in_ns("rogue", || {
        let s = std::net::UdpSocket::bind("192.168.77.66:5351").unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .unwrap();
        s
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::spawn(move || {
        let mut buf = [0u8; 1100];
        while !stopped.load(std::sync::atomic::Ordering::SeqCst) {
            let Ok((n, peer)) = sock.recv_from(&mut buf) else {
                continue;
            };
            if n < 2 {
                continue;
            }
            let reply: Vec<u8> = if buf[0] == 0 && buf[1] == 0 {
                // NAT-PMP external address: version 0, opcode 128, result 0, epoch, address.
                let mut r = vec![0, 128, 0, 0, 0, 0, 1, 0];
                r.extend_from_slice(&forged);
                r
            } else {
                // PCP or anything else: "unsupported version", as a NAT-PMP-only box says.
                vec![0, 128 | (buf[1] & 0x7f), 0, 1, 0, 0, 1, 0]
            };
            let _ = sock.send_to(&reply, peer);
        }
    });
    Responder {
        stop,
        thread: Some(thread),
    }
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_forged_gateway_answer_on_the_lan_blocks_publishing_and_names_both_answers() {
    let lab = Lab::up("direct");
    // The rogue host makes itself the box's gateway (as a rogue DHCP server or ARP spoofing
    // would) and forwards traffic to the real router, so STUN and the probe still see the
    // router's public address while the "gateway" claims another.
    lab.exec("rogue", &["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        .code(0);
    // With br_netfilter loaded on the host, the router's conntrack sees the box's packets
    // twice (bridged to the rogue, then routed back from it) and the routed copy escapes the
    // masquerade; a home router's switch does not filter bridged frames at all.
    lab.exec(
        "router",
        &["sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0"],
    )
    .code(0);
    lab.exec(
        "rogue",
        &["ip", "route", "replace", "default", "via", "192.168.77.1"],
    )
    .code(0);
    let responder = forged_natpmp(&lab, [192, 0, 2, 99]);
    lab.exec(
        "box",
        &["ip", "route", "replace", "default", "via", "192.168.77.66"],
    )
    .code(0);

    let r = lab.box_direkt(&["ddns", "update"]);
    r.code(1)
        .stderr_has("warning:")
        .stderr_has("disagree")
        .stderr_has("192.0.2.99")
        .stderr_has("203.0.113.2");
    let (r, j) = update_json(&lab, &[]);
    r.code(1);
    assert_eq!(j["families"][0]["detection"]["verdict"], "disagree");
    assert_eq!(j["families"][0]["action"], "not-published");
    assert_eq!(j["provider_requests"], 0);
    assert_eq!(dig(&lab, "box.example.test", "A"), "");
    drop(responder);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_clock_two_days_ahead_is_named_with_the_measured_skew() {
    let lab = Lab::up("direct");
    // libfaketime moves the box's clock 2 days ahead; Knot answers BADTIME with its own time.
    let bin = support::bin();
    let config = lab.config();
    let r = lab.exec(
        "box",
        &[
            "faketime",
            "-f",
            "+2d",
            bin.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "ddns",
            "update",
        ],
    );
    r.code(1)
        .stderr_has("BADTIME")
        .stderr_has("this box's clock is 2 d 0 h ahead of the server's")
        .stderr_has("NTP")
        .lacks(&lab.tsig_secret());
    // With the clock right the record goes out at once (BADTIME is no reason to back off).
    lab.box_direkt(&["ddns", "update"]).code(0);
    assert_eq!(dig(&lab, "box.example.test", "A"), "203.0.113.2");
}
