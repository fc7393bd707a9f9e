//! Port forwarding end to end against miniupnpd in the namespace lab: the must-show
//! list (UPnP IGDv2 / IGDv1 / PCP, no service, a rogue SSDP responder, a restarted daemon,
//! an IPv6 pinhole). Needs root: ignored without it (see tests/support/lab.rs), never
//! ignored under CI.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::lab::Lab;

const PUBLIC: &str = "203.0.113.2";

/// A tiny HTTP server on the box (port 443, IPv4 and IPv6) answering `reply`.
fn serve_on_box(lab: &Lab, reply: &'static str) {
    let listener = lab.in_ns("box", || {
        TcpListener::bind("[::]:443").expect("bind 443 in box")
    });
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
}

/// An HTTP request from the internet namespace; the body, or why not.
fn get_from_inet(lab: &Lab, addr: &str) -> Result<String, String> {
    let addr: SocketAddr = addr.parse().unwrap();
    lab.in_ns("inet", move || {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(1500))
            .map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        s.write_all(b"GET / HTTP/1.0\r\nHost: box\r\n\r\n")
            .map_err(|e| e.to_string())?;
        let mut out = String::new();
        s.read_to_string(&mut out).map_err(|e| e.to_string())?;
        Ok(out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string())
    })
}

fn router_table(lab: &Lab) -> String {
    lab.exec("box", &["upnpc", "-i", "-l"]).stdout
}

/// add 443 → the router forwards it, the internet reaches the box; remove → gone.
fn add_reach_remove(lab: &Lab, via: &str) {
    serve_on_box(lab, "hello from the box");
    let run = lab.box_direkt(&["ports", "add", "443"]);
    run.code(0)
        .stdout_has(&format!("443/tcp forwarded via {via} on 192.168.77.1"))
        .stdout_has("203.0.113.2:443 → 192.168.77.10:443");
    assert_eq!(
        get_from_inet(lab, &format!("{PUBLIC}:443")).as_deref(),
        Ok("hello from the box")
    );
    lab.box_direkt(&["ports", "list"])
        .code(0)
        .stdout_has("443/tcp")
        .stdout_has(&format!("via {via}"));
    let j = lab.box_direkt(&["ports", "list", "--json"]).code(0).json();
    assert_eq!(j["mappings"][0]["external_port"], 443);
    assert_eq!(j["mappings"][0]["internal_client"], "192.168.77.10");

    lab.box_direkt(&["ports", "remove", "443"])
        .code(0)
        .stdout_has("443/tcp removed");
    assert!(
        get_from_inet(lab, &format!("{PUBLIC}:443")).is_err(),
        "443 still reaches the box after remove"
    );
    let j = lab.box_direkt(&["ports", "list", "--json"]).code(0).json();
    assert_eq!(j["mappings"].as_array().unwrap().len(), 0);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_upnp_igdv2_add_reach_list_remove_and_conflicts() {
    let lab = Lab::up("direct");
    add_reach_remove(&lab, "UPnP IGDv2");

    // While it exists, upnpc (another client) sees it pointing at the box.
    lab.box_direkt(&["ports", "add", "443", "--lease", "30m"])
        .code(0);
    let table = router_table(&lab);
    assert!(table.contains("443->192.168.77.10:443"), "{table}");
    assert!(table.contains("direkt 443/tcp"), "{table}");
    // `add` always sends (another internal port, another lease, or the same request again):
    // never "kept" from the record.
    let again = |args: &[&str]| {
        let j = lab.box_direkt(args).code(0).json();
        let m = j["mappings"][0].clone();
        assert_ne!(m["action"], "kept", "{j}");
        m
    };
    again(&["ports", "add", "443:8443", "--lease", "30m", "--json"]);
    assert!(router_table(&lab).contains("443->192.168.77.10:8443"));
    again(&["ports", "add", "443", "--lease", "30m", "--json"]);
    assert!(router_table(&lab).contains("443->192.168.77.10:443"));
    let m = again(&["ports", "add", "443", "--lease", "40m", "--json"]);
    assert_eq!(m["lease"], 2400, "{m}");
    again(&["ports", "add", "443", "--lease", "30m", "--json"]);

    // Another LAN host holds 8443: direkt names it and leaves it alone.
    lab.exec(
        "rogue",
        &[
            "upnpc",
            "-i",
            "-e",
            "nas",
            "-a",
            "192.168.77.66",
            "8443",
            "8443",
            "TCP",
        ],
    )
    .code(0);
    lab.box_direkt(&["ports", "add", "8443"])
        .code(1)
        .stderr_has("already forwards port 8443/tcp to 192.168.77.66:8443 (\"nas\")")
        .stderr_has("hint:");
    lab.box_direkt(&["ports", "remove", "8443"])
        .code(1)
        .stderr_has("direkt did not create");
    let all = lab.box_direkt(&["ports", "list", "--all"]);
    all.code(0)
        .stdout_has("* 443/tcp → 192.168.77.10:443")
        .stdout_has("  8443/tcp → 192.168.77.66:8443");
    let table = router_table(&lab);
    assert!(table.contains("8443->192.168.77.66:8443"), "{table}");

    // refresh: nothing due → kept, with --force → extended; JSON names the protocol.
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    let m443 = mapping(&j, "443/tcp");
    assert_eq!(m443["action"], "kept", "{j}");
    assert_eq!(m443["via"], "upnp-igd2");
    // The config also lists 80: refresh creates it.
    assert!(
        j["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mapping"] == "80/tcp" && m["action"] == "created"),
        "{j}"
    );
    assert_kept_without_discovery(&lab);
    // The config now forwards 443 to 8443: refresh sends the new mapping, then keeps it.
    let original = lab.set_forward("[\"443:8443\", 80]");
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    let m443 = mapping(&j, "443:8443/tcp");
    assert_eq!(m443["action"], "extended", "{j}");
    let table = router_table(&lab);
    assert!(table.contains("443->192.168.77.10:8443"), "{table}");
    assert_kept_without_discovery(&lab);
    std::fs::write(lab.config(), original).unwrap();
    lab.box_direkt(&["ports", "remove", "--all"]).code(0);
    let table = router_table(&lab);
    assert!(!table.contains("->192.168.77.10"), "{table}");
    assert!(
        table.contains("8443->192.168.77.66:8443"),
        "removed another host's mapping: {table}"
    );
}

/// The IPv4 outcome of `name` (`443/tcp`) in a ports command's JSON.
fn mapping(j: &serde_json::Value, name: &str) -> serde_json::Value {
    j["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mapping"] == name && m["family"] == "ipv4")
        .unwrap_or_else(|| panic!("no {name} in {j}"))
        .clone()
}

/// A refresh with nothing due confirms every mapping on the router without a discovery (one
/// SOAP call per UPnP mapping, one PCP/NAT-PMP datagram per gateway) and keeps them all.
fn assert_kept_without_discovery(lab: &Lab) {
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    let mappings = j["mappings"].as_array().unwrap();
    assert!(!mappings.is_empty(), "{j}");
    assert!(mappings.iter().all(|m| m["action"] == "kept"), "{j}");
    assert!(j["discovery_ms"].is_null(), "a discovery ran: {j}");
    // Without --json a refresh that changed nothing is silent, like renew.
    let quiet = lab.box_direkt(&["ports", "refresh"]);
    quiet.code(0);
    assert_eq!(quiet.stdout.trim(), "", "refresh printed: {}", quiet.stdout);
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_upnp_maps_through_pcp() {
    let lab = Lab::up("no-upnp");
    add_reach_remove(&lab, "PCP");
    // The next refresh creates the configured mappings; the one after confirms them with one
    // PCP datagram (the epoch), no discovery.
    lab.box_direkt(&["ports", "refresh"]).code(0);
    assert_kept_without_discovery(&lab);
    lab.box_direkt(&["ports", "remove", "--all"]).code(0);
    // NAT-PMP alone works too.
    lab.box_direkt(&["ports", "add", "8080:443", "--via", "nat-pmp"])
        .code(0)
        .stdout_has("8080:443/tcp forwarded via NAT-PMP");
    assert_eq!(
        get_from_inet(&lab, &format!("{PUBLIC}:8080")).as_deref(),
        Ok("hello from the box")
    );
    lab.box_direkt(&["ports", "remove", "8080"]).code(0);
    // The router's table cannot be listed without UPnP: said plainly.
    lab.box_direkt(&["ports", "list", "--all"])
        .code(1)
        .stderr_has("does not offer UPnP IGD");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn igdv1_router_is_used_as_v1() {
    let lab = Lab::up("igdv1");
    add_reach_remove(&lab, "UPnP IGDv1");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_portmap_gives_the_manual_rule_quickly() {
    let lab = Lab::up("no-portmap");
    let t = Instant::now();
    let run = lab.box_direkt(&["ports", "add", "443"]);
    let took = t.elapsed();
    run.code(1)
        .stderr_has("no port-mapping service on the gateway 192.168.77.1")
        .stderr_has("enable UPnP")
        .stderr_has("forward external port 443 (TCP) to 192.168.77.10 port 443");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // refresh of the configured mappings says the same, per mapping.
    lab.box_direkt(&["ports", "refresh"])
        .code(1)
        .stderr_has("forward external port 80 (TCP) to 192.168.77.10 port 80");
}

/// A LAN host answering SSDP: once with a LOCATION naming another host, once naming itself and
/// serving a forged external address. Its HTTP server must never be asked.
struct Rogue {
    http_hits: Arc<AtomicUsize>,
    ssdp_answers: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for Rogue {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn start_rogue(lab: &Lab) -> Rogue {
    let (udp, http) = lab.in_ns("rogue", || {
        let udp = UdpSocket::bind("0.0.0.0:1900").expect("bind 1900 in rogue");
        udp.join_multicast_v4(
            &"239.255.255.250".parse().unwrap(),
            &"192.168.77.66".parse().unwrap(),
        )
        .expect("join SSDP group");
        let http = TcpListener::bind("192.168.77.66:5000").expect("bind 5000 in rogue");
        (udp, http)
    });
    let rogue = Rogue {
        http_hits: Arc::new(AtomicUsize::new(0)),
        ssdp_answers: Arc::new(AtomicUsize::new(0)),
        stop: Arc::new(AtomicBool::new(false)),
    };
    udp.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let (answers, stop) = (rogue.ssdp_answers.clone(), rogue.stop.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while !stop.load(Ordering::Relaxed) {
            let Ok((n, from)) = udp.recv_from(&mut buf) else {
                continue;
            };
            if !String::from_utf8_lossy(&buf[..n]).starts_with("M-SEARCH") {
                continue;
            }
            for location in [
                "http://198.51.100.80:5000/rootDesc.xml",
                "http://192.168.77.66:5000/rootDesc.xml",
            ] {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:rogue::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: Rogue/1 UPnP/1.1\r\nLOCATION: {location}\r\n\r\n"
                );
                let _ = udp.send_to(answer.as_bytes(), from);
                answers.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let hits = rogue.http_hits.clone();
    std::thread::spawn(move || {
        // A description and a GetExternalIPAddress answer with a forged address.
        for mut s in http.incoming().flatten() {
            hits.fetch_add(1, Ordering::Relaxed);
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let body = if req.starts_with("GET") {
                "<?xml version=\"1.0\"?><root><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ctl</controlURL><SCPDURL>/x.xml</SCPDURL></service></serviceList></device></root>".to_string()
            } else {
                "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalIPAddress>198.51.100.66</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>".to_string()
            };
            let _ = write!(
                s,
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    rogue
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn rogue_ssdp_answers_are_ignored_with_a_warning() {
    let lab = Lab::up("direct");
    let rogue = start_rogue(&lab);
    // The router ignores unicast M-SEARCH here, so direkt falls back to multicast, which the
    // rogue hears and answers first.
    for args in [
        vec!["nft", "add", "table", "ip", "porttest"],
        vec![
            "nft",
            "add",
            "chain",
            "ip",
            "porttest",
            "in",
            "{ type filter hook input priority -10 ; }",
        ],
        vec![
            "nft",
            "add",
            "rule",
            "ip",
            "porttest",
            "in",
            "ip",
            "daddr",
            "192.168.77.1",
            "udp",
            "dport",
            "1900",
            "drop",
        ],
    ] {
        lab.exec("router", &args).code(0);
    }
    let probe = lab.box_direkt(&["ports", "probe", "--json"]);
    probe
        .code(0)
        .stderr_has("ignored an SSDP answer from 192.168.77.66")
        .stderr_has("only the default gateway 192.168.77.1 is asked");
    let j = probe.json();
    assert_eq!(j["upnp"]["external_address"], PUBLIC, "{j}");
    assert_eq!(j["upnp"]["used_multicast"], true, "{j}");
    assert_eq!(j["chosen"], "upnp-igd2");

    // Without --via, PCP (which answered at once) would win over the slow multicast search.
    let add = lab.box_direkt(&["ports", "add", "443", "--via", "upnp"]);
    add.code(0)
        .stdout_has("via UPnP IGDv2 on 192.168.77.1: 203.0.113.2:443")
        .stderr_has("LOCATION http://198.51.100.80:5000/rootDesc.xml")
        .stderr_has("LOCATION http://192.168.77.66:5000/rootDesc.xml");
    assert!(!add.stdout.contains("198.51.100.66"));
    assert!(
        rogue.ssdp_answers.load(Ordering::Relaxed) >= 2,
        "the rogue never heard a search"
    );
    assert_eq!(
        rogue.http_hits.load(Ordering::Relaxed),
        0,
        "direkt talked to the rogue"
    );
}

fn miniupnpd_pid(lab: &Lab) -> i32 {
    let info = lab.info();
    info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "miniupnpd")
        .and_then(|d| d["pid"].as_i64())
        .expect("miniupnpd in lab status") as i32
}

fn kill_and_wait(pid: i32) {
    // SAFETY: kill has no memory effects; the PID is the lab's miniupnpd.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let t = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists()
        && t.elapsed() < Duration::from_secs(5)
    {
        // A zombie of the lab's `up` process is gone from /proc only when reaped; its state
        // says it stopped.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.contains(") Z ") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn restarted_miniupnpd_loses_mappings_and_refresh_restores_them() {
    let lab = Lab::up("direct");
    serve_on_box(&lab, "back again");
    lab.box_direkt(&["ports", "add", "443"]).code(0);
    lab.box_direkt(&["ports", "add", "8443:443", "--via", "pcp"])
        .code(0);

    // Restart miniupnpd without its lease file: the router forgot every mapping.
    kill_and_wait(miniupnpd_pid(&lab));
    // miniupnpd leaves its nft rules behind and reads them back at start: clear them and its
    // lease file, as a reboot does.
    for chain in ["miniupnpd", "prerouting_miniupnpd", "postrouting_miniupnpd"] {
        lab.exec(
            "router",
            &["nft", "flush", "chain", "inet", "filter", chain],
        )
        .code(0);
    }
    let run = lab.run_dir();
    let _ = std::fs::remove_file(run.join("miniupnpd/leases"));
    let conf = run.join("miniupnpd/miniupnpd.conf");
    let pidfile = run.join("miniupnpd/restarted.pid");
    let mut child = lab
        .exec_cmd(
            "router",
            &[
                "miniupnpd",
                "-d",
                "-f",
                conf.to_str().unwrap(),
                "-P",
                pidfile.to_str().unwrap(),
            ],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !lab
        .exec("router", &["ss", "-ltn"])
        .stdout
        .contains(":5000 ")
    {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "miniupnpd did not come back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let table = router_table(&lab);
    assert!(
        !table.contains("->192.168.77.10"),
        "mappings survived the restart: {table}"
    );
    assert!(get_from_inet(&lab, &format!("{PUBLIC}:443")).is_err());

    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    let action = |m: &str| {
        j["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["mapping"] == m && x["family"] == "ipv4")
            .map(|x| x["action"].as_str().unwrap().to_string())
    };
    assert_eq!(action("443/tcp").as_deref(), Some("restored"), "{j}");
    // PCP cannot be asked; the refresh re-sends it (same nonce), which puts it back.
    assert_eq!(action("8443:443/tcp").as_deref(), Some("extended"), "{j}");
    let table = router_table(&lab);
    assert!(table.contains("443->192.168.77.10:443"), "{table}");
    assert!(table.contains("8443->192.168.77.10:443"), "{table}");
    assert_eq!(
        get_from_inet(&lab, &format!("{PUBLIC}:443")).as_deref(),
        Ok("back again")
    );
    assert_eq!(
        get_from_inet(&lab, &format!("{PUBLIC}:8443")).as_deref(),
        Ok("back again")
    );

    // End the restarted daemon by its PID (and the exec wrapper).
    if let Ok(pid) = std::fs::read_to_string(&pidfile)
        && let Ok(pid) = pid.trim().parse::<i32>()
    {
        kill_and_wait(pid);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_opens_an_ipv6_pinhole() {
    let lab = Lab::up("dual-stack");
    serve_on_box(&lab, "hello over IPv6");
    // Before: the router's firewall drops inbound IPv6.
    assert!(get_from_inet(&lab, "[2001:db8:77::10]:443").is_err());
    let run = lab.box_direkt(&["ports", "add", "443", "--ipv6"]);
    run.code(0)
        .stdout_has("443/tcp (IPv6 pinhole) forwarded via PCP");
    assert_eq!(
        get_from_inet(&lab, "[2001:db8:77::10]:443").as_deref(),
        Ok("hello over IPv6")
    );
    assert_eq!(
        get_from_inet(&lab, &format!("{PUBLIC}:443")).as_deref(),
        Ok("hello over IPv6")
    );
    // refresh keeps both (the lab config has [ip] ipv6 = true), remove closes both.
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    assert!(
        j["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mapping"] == "443/tcp" && m["family"] == "ipv6" && m["via"] == "pcp"),
        "{j}"
    );
    // miniupnpd 2.3.1 refuses to delete a renewed IPv6 PCP pinhole: direkt says so, stops
    // renewing it, and it closes when its lease ends. The IPv4 mapping goes at once.
    let run = lab.box_direkt(&["ports", "remove", "--all"]);
    run.code(0).stdout_has("443/tcp (IPv6 pinhole) removed");
    if !run.stderr.contains("refused to delete the IPv6 pinhole") {
        assert!(get_from_inet(&lab, "[2001:db8:77::10]:443").is_err());
    }
    assert!(get_from_inet(&lab, &format!("{PUBLIC}:443")).is_err());
    let j = lab.box_direkt(&["ports", "list", "--json"]).code(0).json();
    assert_eq!(j["mappings"].as_array().unwrap().len(), 0, "{j}");
}
