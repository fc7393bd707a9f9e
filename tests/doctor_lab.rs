//! `direkt doctor` end to end in the namespace lab: a fully set-up box, a record changed behind
//! direkt's back, bad certificates, port 80 blocked by the ISP, and everything unreachable.
//! Needs root (ignored without it, never ignored under CI).

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::Run;
use support::lab::Lab;

/// Run doctor in the box; returns the run, its JSON and the wall time of the whole command.
fn doctor(lab: &Lab, extra: &[&str]) -> (Run, Value, Duration) {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    let t0 = Instant::now();
    let r = lab.box_direkt(&args);
    let wall = t0.elapsed();
    let j = r.json();
    (r, j, wall)
}

fn check<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {j:#}"))
}

fn status<'a>(j: &'a Value, id: &str) -> &'a str {
    check(j, id)["status"].as_str().unwrap()
}

/// Forward 443 and 80 on the lab router with `direkt ports add` (UPnP, PCP or NAT-PMP).
fn map_ports(lab: &Lab) {
    for port in ["443", "80"] {
        lab.box_direkt(&["ports", "add", port]).code(0);
    }
}

/// A TLS server on the box's port 443 serving `dir`'s fullchain.pem/privkey.pem; killed by
/// PID when dropped.
struct TlsServer {
    pid: i32,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        // SAFETY: kill(2) on a PID this test started.
        unsafe {
            libc::kill(self.pid, libc::SIGTERM);
        }
    }
}

fn serve_tls(lab: &Lab, dir: &std::path::Path) -> TlsServer {
    let script = format!(
        "openssl s_server -quiet -www -accept 443 -cert {d}/fullchain.pem -key {d}/privkey.pem \
         </dev/null >/dev/null 2>&1 & echo $!",
        d = dir.display()
    );
    let r = lab.exec("box", &["sh", "-c", &script]);
    r.code(0);
    let pid: i32 = r.stdout.trim().parse().expect("pid of openssl s_server");
    let t0 = Instant::now();
    while lab
        .exec("box", &["sh", "-c", "ss -ltn | grep -q ':443 '"])
        .code
        != 0
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    TlsServer { pid }
}

fn live_dir(lab: &Lab) -> std::path::PathBuf {
    lab.state_dir().join("certs/live/box.example.test")
}

/// DNS published, ports forwarded, a certificate issued by the lab's CA and served on 443.
fn set_up(lab: &Lab) -> TlsServer {
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(lab);
    lab.box_direkt(&["cert", "issue"]).code(0);
    let tls = serve_tls(lab, &live_dir(lab));
    // The cron job has run since: nothing was due.
    lab.box_direkt(&["renew"]).code(0);
    tls
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_fully_set_up_every_check_passes_within_the_time() {
    let lab = Lab::up("direct");
    let _tls = set_up(&lab);
    let serial = || {
        let r = lab.exec(
            "inet",
            &["dig", "+short", "@198.51.100.53", "example.test", "SOA"],
        );
        r.code(0);
        r.stdout.split_whitespace().nth(2).unwrap().to_string()
    };
    let before = serial();
    let (r, j, wall) = doctor(&lab, &[]);
    r.code(0).lacks(&lab.tsig_secret());
    // The credentials were checked with an update that changes nothing: the zone's serial
    // stayed where it was.
    assert_eq!(serial(), before);
    let cred = check(&j, "provider.credentials");
    assert!(
        cred["summary"]
            .as_str()
            .unwrap()
            .contains("accepts key `ddns-key`"),
        "{cred:#}"
    );
    for c in j["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        match c["status"].as_str().unwrap() {
            "pass" => {}
            // Not applicable in this setup: no IPv6, no aliases, no acme-dns; the port check
            // is not asked while a probe server is configured.
            "skip"
                if [
                    "public.ipv6",
                    "dns.alias",
                    "dns.acme_challenge_cname",
                    "probe.port_check",
                ]
                .contains(&id) => {}
            other => panic!("{id} is {other}: {c:#}"),
        }
    }
    for id in [
        "local.addresses",
        "local.route",
        "dns.resolver",
        "gateway.found",
        "gateway.wan",
        "nat.cgnat",
        "nat.double",
        "ports.mapped",
        "public.ipv4",
        "dns.authoritative",
        "dns.recursive",
        "dns.caa",
        "service.local",
        "reach.tcp.443",
        "reach.tcp.80",
        "cert.disk",
        "cert.served",
        "provider.credentials",
        "reach.hairpin",
        "renew.last",
    ] {
        assert_eq!(status(&j, id), "pass", "{id}: {:#}", check(&j, id));
    }
    // The served certificate was seen from outside, and is the one on disk.
    let served = check(&j, "cert.served");
    assert!(
        served["details"]["seen_by"]
            .as_str()
            .unwrap()
            .contains("the probe"),
        "{served:#}"
    );
    assert_eq!(served["details"]["matches_disk"], true);
    assert_ne!(j["verdict"]["status"], "fail", "{:#}", j["verdict"]);
    let elapsed = j["elapsed_ms"].as_u64().unwrap();
    assert!(elapsed < 1500, "doctor took {elapsed} ms");
    assert!(wall < Duration::from_millis(1500), "wall {wall:?}");

    // The human output: verdict first, symbols, no secrets.
    let h = lab.box_direkt(&["doctor", "--color", "never"]);
    h.code(0).lacks(&lab.tsig_secret());
    assert!(h.stdout.contains("✓ reach.tcp.443"), "{}", h.stdout);

    // A router without NAT loopback (the lab's mirror of the mappings stopped): hairpin warns,
    // labelled as such, and the box still counts as reachable from outside.
    let pid: i32 = std::fs::read_to_string(lab.run_dir().join("pids/loopback"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: kill(2) on the lab daemon's own PID.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    std::thread::sleep(Duration::from_millis(100));
    lab.exec(
        "router",
        &["nft", "flush", "chain", "inet", "filter", "loopback_pre"],
    )
    .code(0);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(0);
    let c = check(&j, "reach.hairpin");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().contains("not proof"),
        "{c:#}"
    );
    assert_eq!(status(&j, "reach.tcp.443"), "pass", "{j:#}");

    // Asked too often, the probe server rate-limits this address: said as such, never taken
    // as the box being unreachable.
    let mut limited = None;
    for _ in 0..12 {
        let (r, j, _) = doctor(&lab, &[]);
        if check(&j, "reach.tcp.443")["details"]["rate_limited"] == true {
            limited = Some((r, j));
            break;
        }
    }
    let (r, j) = limited.expect("the probe server never rate-limited 12 runs in a row");
    r.code(0);
    let c = check(&j, "reach.tcp.443");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().contains("asks to wait"),
        "{c:#}"
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_record_changed_behind_direkts_back_is_named_stale() {
    let lab = Lab::up("direct");
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(&lab);
    let script = format!(
        "printf 'server 198.51.100.53\\nupdate delete box.example.test A\\nupdate add box.example.test 300 A 203.0.113.99\\nsend\\n' | nsupdate -y hmac-sha256:ddns-key:{}",
        lab.tsig_secret()
    );
    lab.exec("inet", &["sh", "-c", &script]).code(0);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    let v = &j["verdict"];
    assert_eq!(v["cause"], "dns.authoritative", "{v:#}");
    let s = v["summary"].as_str().unwrap();
    assert!(s.contains("The DNS record is stale"), "{s}");
    assert!(
        s.contains("203.0.113.99") && s.contains("203.0.113.2"),
        "{s}"
    );
    assert!(s.contains("behind its back"), "{s}");
    assert!(v["fix"].as_str().unwrap().contains("direkt renew"), "{v:#}");

    // A TSIG secret the server does not know: the no-op update is refused, named, and the
    // secret appears nowhere.
    let wrong = "d3JvbmctZGRucy1zZWNyZXQtZm9yLXRoZS1sYWItdGVzdA==";
    let r = Run::from(
        lab.box_direkt_cmd(&["doctor", "--json"])
            .env("DIREKT_DDNS_TSIG_SECRET", wrong)
            .output()
            .unwrap(),
    );
    r.code(3).lacks(wrong).lacks(&lab.tsig_secret());
    let j = r.json();
    let c = check(&j, "provider.credentials");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("BADSIG"), "{c:#}");
    assert!(c["fix"].as_str().unwrap().contains("tsig_secret"), "{c:#}");
}

/// A self-signed certificate for `names`, valid in the given years.
fn write_cert(dir: &std::path::Path, names: &[&str], from: i32, until: i32) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params.not_before = rcgen::date_time_ymd(from, 1, 1);
    params.not_after = rcgen::date_time_ymd(until, 1, 1);
    let cert = params.self_signed(&key).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("fullchain.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("privkey.pem"), key.serialize_pem()).unwrap();
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn expired_and_mismatched_certificates_are_named() {
    let lab = Lab::up("direct");
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(&lab);
    let dir = live_dir(&lab);

    write_cert(&dir, &["box.example.test"], 2020, 2021);
    let tls = serve_tls(&lab, &dir);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    assert_eq!(j["verdict"]["cause"], "cert.disk", "{:#}", j["verdict"]);
    let s = j["verdict"]["summary"].as_str().unwrap();
    assert!(s.contains("expired"), "{s}");
    assert_eq!(status(&j, "cert.served"), "fail");
    assert!(
        check(&j, "cert.served")["summary"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    drop(tls);

    write_cert(&dir, &["other.example.test"], 2025, 2030);
    let _tls = serve_tls(&lab, &dir);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    let s = j["verdict"]["summary"].as_str().unwrap();
    assert!(s.contains("mismatched"), "{s}");
    assert!(
        s.contains("does not match box.example.test") && s.contains("other.example.test"),
        "{s}"
    );
    let served = check(&j, "cert.served")["summary"].as_str().unwrap();
    assert!(
        served.contains("does not match box.example.test"),
        "{served}"
    );
    drop(_tls);

    // A certificate whose start date is still ahead (as a clock far behind would see it).
    write_cert(&dir, &["box.example.test"], 2090, 2091);
    let _tls = serve_tls(&lab, &dir);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    for id in ["cert.disk", "cert.served"] {
        let c = check(&j, id);
        assert_eq!(c["status"], "fail", "{c:#}");
        let s = c["summary"].as_str().unwrap();
        assert!(
            s.contains("not yet valid") && s.contains("2090-01-01"),
            "{c:#}"
        );
    }
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn port_80_blocked_by_the_isp_is_named() {
    let lab = Lab::up("port80-blocked");
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(&lab);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    assert_eq!(status(&j, "reach.tcp.443"), "pass");
    let v = &j["verdict"];
    assert_eq!(v["cause"], "reach.tcp.80", "{v:#}");
    let s = v["summary"].as_str().unwrap();
    assert!(s.contains("blocked by the ISP"), "{s}");
    assert!(s.contains("port 443 on the same address works"), "{s}");
    assert!(v["fix"].as_str().unwrap().contains("dns-01"), "{v:#}");
    assert_eq!(check(&j, "reach.tcp.80")["details"]["outcome"], "timeout");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_udp_forwarding_is_checked_from_outside_and_a_drop_is_named() {
    let lab = Lab::up("direct");
    lab.set_forward("[443, 80, \"51820/udp\"]");
    lab.box_direkt(&["ddns", "update"]).code(0);
    lab.box_direkt(&["ports", "add"]).code(0);
    // Nothing listens on 51820: doctor answers the probe's datagram itself, with the nonce.
    let (_, j, _) = doctor(&lab, &[]);
    let c = check(&j, "reach.udp.51820");
    assert_eq!(c["status"], "pass", "{c:#}");
    assert_eq!(c["details"]["outcome"], "open", "{c:#}");
    // The router drops the port's datagrams: a timeout, said as such, with a fix.
    lab.exec(
        "router",
        &[
            "nft", "insert", "rule", "inet", "filter", "forward", "udp", "dport", "51820", "drop",
        ],
    )
    .code(0);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(3);
    let c = check(&j, "reach.udp.51820");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["details"]["outcome"], "timeout", "{c:#}");
    assert!(c["fix"].is_string(), "{c:#}");
    assert_eq!(status(&j, "reach.tcp.443"), "pass");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn everything_unreachable_still_finishes_within_the_deadline_with_a_verdict() {
    let lab = Lab::up("direct");
    // Stop the probe server, and drop every DNS packet at the internet's DNS server.
    let probe_pid = lab.info()["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "probe")
        .and_then(|d| d["pid"].as_i64())
        .expect("probe pid") as i32;
    // SAFETY: kill(2) on the lab's probe server, which this test's lab started.
    unsafe {
        libc::kill(probe_pid, libc::SIGKILL);
    }
    for cmd in [
        "add table inet doctor_test",
        "add chain inet doctor_test input { type filter hook input priority -10 ; }",
        "add rule inet doctor_test input udp dport 53 drop",
        "add rule inet doctor_test input tcp dport 53 drop",
    ] {
        let argv: Vec<&str> = std::iter::once("nft").chain(cmd.split(' ')).collect();
        lab.exec("inet", &argv).code(0);
    }
    let (r, j, wall) = doctor(&lab, &[]);
    r.code(3);
    assert!(wall < Duration::from_millis(5500), "doctor took {wall:?}");
    let v = &j["verdict"];
    assert_eq!(v["cause"], "dns.resolver", "{v:#}");
    assert!(
        v["summary"].as_str().unwrap().contains("DNS is broken"),
        "{v:#}"
    );
    // The probe server down is its own check; the port checks skip saying why, instead of
    // failing with the port's own cause.
    assert_eq!(status(&j, "probe.reachable"), "fail", "{j:#}");
    let reach = check(&j, "reach.tcp.443");
    assert_eq!(reach["status"], "skip", "{reach:#}");
    assert!(
        reach["summary"]
            .as_str()
            .unwrap()
            .contains("no probe server answered (see probe.reachable)"),
        "{reach:#}"
    );
    // A check that ran out of time says so; none is left without a status.
    for c in j["checks"].as_array().unwrap() {
        assert!(!c["summary"].as_str().unwrap().is_empty(), "{c}");
    }
    // A shorter deadline is honoured too.
    let (_, j, wall) = doctor(&lab, &["--deadline", "1s"]);
    assert!(
        wall < Duration::from_millis(1500),
        "doctor --deadline 1s took {wall:?}"
    );
    assert_eq!(j["deadline_ms"], 1000);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn doctor_works_before_anything_is_configured() {
    let lab = Lab::up("direct");
    let bin = support::bin();
    let r = lab.exec(
        "box",
        &[
            bin.to_str().unwrap(),
            "--config",
            "/nonexistent/direkt.toml",
            "--state-dir",
            lab.run_dir().join("unconfigured").to_str().unwrap(),
            "doctor",
            "--json",
            "--probe",
            "http://198.51.100.80",
        ],
    );
    let j = r.json();
    assert_eq!(j["name"], Value::Null);
    for id in ["local.addresses", "local.route", "public.ipv4"] {
        assert_eq!(status(&j, id), "pass", "{id}: {:#}", check(&j, id));
    }
    // The lab's resolver is authoritative only: it answers, but refuses names elsewhere.
    assert_ne!(
        status(&j, "dns.resolver"),
        "fail",
        "{:#}",
        check(&j, "dns.resolver")
    );
    assert!(
        check(&j, "public.ipv4")["summary"]
            .as_str()
            .unwrap()
            .contains("203.0.113.2")
    );
    // Nothing forwarded yet: the probe is refused on 443, and the verdict says what to do.
    assert_eq!(check(&j, "reach.tcp.443")["details"]["outcome"], "refused");
    assert_eq!(r.code, 3);
    assert!(j["verdict"]["fix"].is_string(), "{:#}", j["verdict"]);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_checks_ipv6_reachability_separately() {
    let lab = Lab::up("dual-stack");
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(&lab);
    let (_, j, _) = doctor(&lab, &[]);
    assert_eq!(
        status(&j, "public.ipv6"),
        "pass",
        "{:#}",
        check(&j, "public.ipv6")
    );
    assert_eq!(status(&j, "reach.tcp.443"), "pass");
    // The resolver's answer is compared for both families.
    let rec = check(&j, "dns.recursive");
    assert_eq!(rec["status"], "pass", "{rec:#}");
    let s = rec["summary"].as_str().unwrap();
    assert!(
        s.contains("A 203.0.113.2") && s.contains("AAAA 2001:db8:77::10"),
        "{rec:#}"
    );
    // The router's firewall drops unsolicited inbound IPv6: said, with the pinhole fix.
    let six = check(&j, "reach.tcp6.443");
    assert_eq!(six["details"]["outcome"], "timeout", "{six:#}");
    assert_eq!(six["details"]["address"], "2001:db8:77::10");
    assert!(
        six["fix"].as_str().unwrap().contains("IPv6 firewall"),
        "{six:#}"
    );
    // A pinhole (by hand here) makes it pass.
    lab.exec(
        "router",
        &[
            "nft",
            "insert",
            "rule",
            "inet",
            "filter",
            "forward",
            "ip6",
            "daddr",
            "2001:db8:77::10",
            "tcp",
            "dport",
            "443",
            "accept",
        ],
    )
    .code(0);
    let (_, j, _) = doctor(&lab, &[]);
    assert_eq!(
        status(&j, "reach.tcp6.443"),
        "pass",
        "{:#}",
        check(&j, "reach.tcp6.443")
    );
}

/// The verdict of a scenario whose ports were forwarded (where the router lets direkt).
fn scenario_verdict(scenario: &str) -> (Lab, Value) {
    let lab = Lab::up(scenario);
    lab.box_direkt(&["ddns", "update"]).code(0);
    for port in ["443", "80"] {
        // no-portmap refuses: that is what the test is about.
        lab.box_direkt(&["ports", "add", port]);
    }
    let (r, j, wall) = doctor(&lab, &[]);
    r.code(3);
    assert!(
        wall < Duration::from_secs(5),
        "{scenario}: doctor took {wall:?}"
    );
    (lab, j)
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn cgnat_is_the_verdict_with_both_addresses() {
    let (_lab, j) = scenario_verdict("cgnat");
    let v = &j["verdict"];
    assert_eq!(v["cause"], "nat.cgnat", "{v:#}");
    let s = v["summary"].as_str().unwrap();
    assert!(
        s.starts_with("Behind CGNAT: router WAN 100.64.0.2 is not the address the internet sees, 203.0.113.100"),
        "{s}"
    );
    assert!(v["fix"].as_str().unwrap().contains("public IPv4 address"));
    // The mapping itself succeeded: the router is not to blame.
    assert_eq!(status(&j, "ports.mapped"), "pass");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn double_nat_is_the_verdict() {
    let (_lab, j) = scenario_verdict("double-nat");
    let v = &j["verdict"];
    assert_eq!(v["cause"], "nat.double", "{v:#}");
    let s = v["summary"].as_str().unwrap();
    assert!(
        s.starts_with("Double NAT") && s.contains("192.168.1.2"),
        "{s}"
    );
    assert!(v["fix"].as_str().unwrap().contains("bridge mode"), "{v:#}");
    assert_eq!(status(&j, "nat.cgnat"), "pass");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_portmap_is_the_verdict_with_the_manual_rule() {
    let (_lab, j) = scenario_verdict("no-portmap");
    let v = &j["verdict"];
    assert_eq!(v["cause"], "gateway.found", "{v:#}");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("No port-mapping service on the router 192.168.77.1"),
        "{v:#}"
    );
    assert!(
        v["fix"]
            .as_str()
            .unwrap()
            .contains("forward external port 443 (TCP) to 192.168.77.10 port 443"),
        "{v:#}"
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_upnp_fully_set_up_passes_through_pcp_and_says_so() {
    let lab = Lab::up("no-upnp");
    let _tls = set_up(&lab);
    let (r, j, _) = doctor(&lab, &[]);
    r.code(0);
    let g = check(&j, "gateway.found")["summary"].as_str().unwrap();
    assert!(g.contains("UPnP is off"), "{g}");
    assert_eq!(status(&j, "ports.mapped"), "pass");
    assert_eq!(status(&j, "reach.tcp.443"), "pass");
    let v = j["verdict"]["summary"].as_str().unwrap();
    assert!(v.contains("UPnP is off"), "{v}");
}

/// The lab's box config with `[ip] probe = []` and `port_check = []` (no outside view), beside
/// the original so its secrets file is found; returns its path.
fn config_without_probe(lab: &Lab) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let mut cfg: toml::Table = toml::from_str(&text).unwrap();
    let ip = cfg["ip"].as_table_mut().unwrap();
    ip.insert("probe".into(), toml::Value::Array(vec![]));
    ip.insert("port_check".into(), toml::Value::Array(vec![]));
    let path = lab.config().with_file_name("direkt-no-probe.toml");
    std::fs::write(&path, toml::to_string(&cfg).unwrap()).unwrap();
    path.display().to_string()
}

/// Nothing listens on 443 and no probe server answers for doctor (so it starts no responder):
/// the router passes a connection to its public address back to the box, whose kernel refuses
/// it. That refusal proves the hairpin path works; it is not "no hairpin NAT".
#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_refusal_through_the_hairpin_counts_as_hairpin_working() {
    let lab = Lab::up("direct");
    lab.box_direkt(&["ddns", "update"]).code(0);
    map_ports(&lab);
    let config = config_without_probe(&lab);
    let bin = support::bin().display().to_string();
    let j = lab
        .exec("box", &[&bin, "--config", &config, "doctor", "--json"])
        .json();
    let hp = check(&j, "reach.hairpin");
    assert_eq!(hp["status"], "pass", "{hp:#}");
    assert_eq!(hp["details"]["refused"], true, "{hp:#}");
    let summary = hp["summary"].as_str().unwrap();
    assert!(summary.contains("nothing listens on port 443"), "{hp:#}");
}

/// A clock two days ahead (libfaketime on doctor alone): `local.clock` fails against the
/// probe server's and the CA's `Date`, naming how far off it is, and is the verdict's cause.
#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_clock_two_days_ahead_is_named_against_the_servers_date() {
    let lab = Lab::up("direct");
    let bin = support::bin().display().to_string();
    let config = lab.config().display().to_string();
    let r = lab.exec(
        "box",
        &[
            "faketime", "-f", "+2d", &bin, "--config", &config, "doctor", "--json",
        ],
    );
    let j = r.json();
    let clock = check(&j, "local.clock");
    assert_eq!(clock["status"], "fail", "{clock:#}");
    assert!(
        clock["summary"]
            .as_str()
            .unwrap()
            .contains("2 d 0 h ahead of"),
        "{clock:#}"
    );
    assert_eq!(j["verdict"]["cause"], "local.clock", "{:#}", j["verdict"]);
    // With the true time it passes.
    let (_, j, _) = doctor(&lab, &[]);
    assert_eq!(status(&j, "local.clock"), "pass", "{j:#}");
}
