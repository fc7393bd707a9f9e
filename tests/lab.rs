//! `direkt lab` end to end: the must-show items per scenario, against the real daemons
//! (Pebble, Knot, stund, miniupnpd, the probe server), plus teardown leaving nothing behind.
//! Needs root: ignored without it (see tests/support/lab.rs), never ignored under CI.

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
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_upnp_nsupdate_through_nat_and_pebble_over_tls() {
    let lab = Lab::up("direct");

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
    // `lab exec` passes the command's exit code through and uses the lab's resolver.
    lab.exec("box", &["sh", "-c", "exit 7"]).code(7);
    lab.exec("rogue", &["cat", "/etc/resolv.conf"])
        .code(0)
        .stdout_has("nameserver 198.51.100.53");
    // Knot serves the lab's service names through that resolver.
    let acme = lab.exec("box", &["dig", "+short", "acme.example.test", "A"]);
    assert_eq!(acme.code(0).stdout.trim(), "198.51.100.14");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn down_ends_every_process_and_deletes_every_namespace() {
    let lab = Lab::up("direct");
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
            "dual-stack",
            "dual-stack-upnp",
            "fritzbox",
            "dsl-forum",
            "ds-lite"
        ]
    );
}

/// Try a TCP connection from the calling thread's namespace.
fn connects(addr: &str, timeout_ms: u64) -> bool {
    TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_millis(timeout_ms)).is_ok()
}

/// A process the test started inside the lab; ended and reaped on drop.
struct LabProcess(std::process::Child);

impl Drop for LabProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `direkt probe-server` inside the box on `listen` and wait until it accepts.
fn box_listener(lab: &Lab, listen: &[&str]) -> LabProcess {
    let bin = support::bin();
    let mut argv = vec![bin.to_str().unwrap(), "probe-server"];
    for l in listen {
        argv.extend(["--listen", l]);
    }
    let child = lab
        .exec_cmd("box", &argv)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first = listen[0].to_string();
    let up = lab.in_ns("box", move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if connects(&first, 200) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    });
    let child = LabProcess(child);
    assert!(up, "probe-server in the box did not start");
    child
}

/// Map `port` on the router to the box over UPnP (IGD URL given: no multicast wait).
fn upnp_map(lab: &Lab, port: &str) {
    lab.exec(
        "box",
        &[
            "upnpc",
            "-u",
            "http://192.168.77.1:5000/rootDesc.xml",
            "-e",
            "lab test",
            "-a",
            "192.168.77.10",
            port,
            port,
            "TCP",
        ],
    )
    .code(0)
    .stdout_has("is redirected to internal 192.168.77.10");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn cgnat_outside_observer_sees_the_carrier_address_and_labs_run_side_by_side() {
    let cg = Lab::up("cgnat");
    // A second lab at the same time, with the same addresses inside its own namespaces.
    let direct = Lab::up("direct");

    let info = cg.info();
    assert_eq!(info["router"]["wan"], "100.64.0.2");
    assert_eq!(info["public_address"], "203.0.113.100");
    assert_eq!(info["upstream"]["kind"], "cgnat");
    // The router reports its WAN address (miniupnpd asks the STUN server on the subscriber side)...
    cg.exec("box", &["natpmpc", "-g", "192.168.77.1"])
        .code(0)
        .stdout_has("Public IP address : 100.64.0.2");
    // ... the outside sees the carrier's address: they differ.
    let seen = cg.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen["address"], "203.0.113.100");
    // Port mapping on the router is accepted but nothing arrives from outside.
    let _listener = box_listener(&cg, &["192.168.77.10:8443"]);
    upnp_map(&cg, "8443");
    assert!(!cg.in_ns("inet", || connects("203.0.113.100:8443", 500)));
    assert!(!cg.in_ns("inet", || connects("100.64.0.2:8443", 500)));

    // The direct lab next to it is unaffected.
    let seen = direct.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen["address"], "203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn double_nat_router_is_behind_a_second_private_nat() {
    let lab = Lab::up("double-nat");
    let info = lab.info();
    assert_eq!(info["router"]["wan"], "192.168.1.2");
    assert_eq!(info["upstream"]["kind"], "double-nat");
    lab.exec("box", &["natpmpc", "-g", "192.168.77.1"])
        .code(0)
        .stdout_has("Public IP address : 192.168.1.2");
    let seen = lab.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen["address"], "203.0.113.100");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_upnp_leaves_only_nat_pmp_and_pcp() {
    let lab = Lab::builder("no-upnp").nonce_reject(40).up();
    let info = lab.info();
    assert!(info["router"]["upnp"].is_null());
    // --pebble-nonce-reject reaches Pebble (and its other settings are explicit).
    assert_eq!(info["acme"]["nonce_reject"], 40);
    let pebble = info["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "pebble")
        .unwrap()["pid"]
        .as_u64()
        .unwrap();
    let env = std::fs::read(format!("/proc/{pebble}/environ")).unwrap();
    let env: Vec<&[u8]> = env.split(|b| *b == 0).collect();
    for want in [
        &b"PEBBLE_WFE_NONCEREJECT=40"[..],
        b"PEBBLE_VA_NOSLEEP=1",
        b"PEBBLE_AUTHZREUSE=0",
    ] {
        assert!(env.contains(&want), "{}", String::from_utf8_lossy(want));
    }
    lab.exec("box", &["natpmpc", "-g", "192.168.77.1"])
        .code(0)
        .stdout_has("Public IP address : 203.0.113.2");
    assert!(!lab.in_ns("box", || connects("192.168.77.1:5000", 500)));
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_portmap_has_no_port_mapping_service() {
    let lab = Lab::up("no-portmap");
    let info = lab.info();
    assert_eq!(info["router"]["natpmp_pcp"], false);
    assert!(
        !info["daemons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "miniupnpd")
    );
    let natpmp = lab.in_ns("box", || {
        direkt::lab::daemons::natpmp_ready("192.168.77.1:5351".parse().unwrap())
    });
    assert!(!natpmp, "something answers NAT-PMP");
    assert!(!lab.in_ns("box", || connects("192.168.77.1:5000", 500)));
    // The NAT still works outbound.
    let seen = lab.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen["address"], "203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn igdv1_announces_only_a_v1_gateway() {
    let lab = Lab::up("igdv1");
    assert_eq!(lab.info()["router"]["upnp"], "v1");
    let desc = lab.in_ns("box", || {
        let mut s = TcpStream::connect("192.168.77.1:5000").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        s.write_all(b"GET /rootDesc.xml HTTP/1.0\r\nHost: 192.168.77.1:5000\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    });
    assert!(
        desc.contains("urn:schemas-upnp-org:device:InternetGatewayDevice:1"),
        "{desc}"
    );
    assert!(!desc.contains("InternetGatewayDevice:2"), "{desc}");
    lab.exec(
        "box",
        &["upnpc", "-u", "http://192.168.77.1:5000/rootDesc.xml", "-s"],
    )
    .code(0)
    .stdout_has("ExternalIPAddress = 203.0.113.2");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn port80_blocked_drops_inbound_80_but_not_443() {
    let lab = Lab::up("port80-blocked");
    assert_eq!(lab.info()["inet"]["blocked"][0], "tcp/80 to 203.0.113.2");
    let _listener = box_listener(&lab, &["192.168.77.10:80", "192.168.77.10:443"]);
    upnp_map(&lab, "80");
    upnp_map(&lab, "443");
    // Through the forwarding, 443 reaches the box and the box sees the ISP side as the client.
    let seen = lab.in_ns("inet", || probe_sees("203.0.113.2:443"));
    assert_eq!(seen["address"], "203.0.113.1");
    assert!(!lab.in_ns("inet", || connects("203.0.113.2:80", 500)));
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_box_has_a_routed_ipv6_address_behind_a_stateful_firewall() {
    let lab = Lab::up("dual-stack");
    let info = lab.info();
    assert_eq!(info["box"]["ipv6"], "2001:db8:77::10");
    assert_eq!(info["probe"][1], "http://[2001:db8:5100::80]");
    // IPv6 is routed without NAT: the outside sees the box's own address; IPv4 is NATed.
    let seen6 = lab.in_ns("box", || probe_sees("[2001:db8:5100::80]:80"));
    assert_eq!(seen6["address"], "2001:db8:77::10");
    let seen4 = lab.in_ns("box", || probe_sees("198.51.100.80:80"));
    assert_eq!(seen4["address"], "203.0.113.2");
    // DNS answers over IPv6 too.
    lab.exec(
        "box",
        &[
            "dig",
            "+short",
            "@2001:db8:5100::53",
            "ns1.example.test",
            "AAAA",
        ],
    )
    .code(0)
    .stdout_has("2001:db8:5100::53");
    // Unsolicited inbound IPv6 is dropped by the router.
    let _listener = box_listener(&lab, &["[2001:db8:77::10]:8080"]);
    assert!(!lab.in_ns("inet", || connects("[2001:db8:77::10]:8080", 500)));
    // ... until miniupnpd opens a pinhole (IGD WANIPv6FirewallControl, over IPv6).
    lab.exec(
        "box",
        &[
            "upnpc",
            "-6",
            "-u",
            "http://[2001:db8:77::1]:5000/rootDesc.xml",
            "-A",
            "",
            "0",
            "2001:db8:77::10",
            "8080",
            "TCP",
            "600",
        ],
    )
    .code(0)
    .stdout_has("Pinhole ID");
    let seen = lab.in_ns("inet", || probe_sees("[2001:db8:77::10]:8080"));
    assert_eq!(seen["address"], "2001:db8:113::1");
    // The box config knows about IPv6.
    let st = lab.box_direkt(&["status", "--json"]).code(0).json();
    assert_eq!(st["config"]["ip"]["ipv6"], true);
    assert_eq!(st["config"]["ip"]["ipv6_interface"], "eth0");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn down_cleans_leftovers_of_a_crashed_run() {
    support::lab::require_root();
    let name = format!("crash{}", std::process::id() % 100000);
    let inet = format!("{name}-inet");
    let boxn = format!("{name}-box");
    // What a crashed `lab up` may leave: namespaces, a process inside one, /etc/netns, run dir.
    for n in [&inet, &boxn] {
        assert!(
            std::process::Command::new("ip")
                .args(["netns", "add", n])
                .status()
                .unwrap()
                .success()
        );
        std::fs::create_dir_all(format!("/etc/netns/{n}")).unwrap();
        std::fs::write(
            format!("/etc/netns/{n}/resolv.conf"),
            "nameserver 198.51.100.53\n",
        )
        .unwrap();
    }
    let run_dir = Path::new("/run/direkt-lab").join(&name);
    std::fs::create_dir_all(run_dir.join("pids")).unwrap();
    let mut sleeper = std::process::Command::new("ip")
        .args(["netns", "exec", &inet, "sleep", "300"])
        .spawn()
        .unwrap();

    let env = support::Env::new();
    env.run(&["lab", "up", "--name", &name])
        .code(2)
        .stderr_has("already up (or left over)");
    env.run(&["lab", "down", "--name", &name])
        .code(0)
        .stderr_has("is down");
    for n in [&inet, &boxn] {
        assert!(!Path::new("/run/netns").join(n).exists(), "{n} left");
        assert!(
            !Path::new("/etc/netns").join(n).exists(),
            "/etc/netns/{n} left"
        );
    }
    assert!(!run_dir.exists());
    assert!(!sleeper.wait().unwrap().success());
    // Nothing left: a second down has nothing to do.
    env.run(&["lab", "down", "--name", &name])
        .code(0)
        .stderr_has("nothing to do");
}

/// Without a terminal (the test's stdin is not one) and without `--install`, `lab up` and
/// `lab demo` refuse with exit 2 and both lines to run; nothing is installed or built. An
/// empty PATH makes every package look missing.
#[test]
fn missing_packages_are_named_with_the_install_line() {
    let env = support::Env::new();
    for (cmd, name) in [("up", "pkgtest"), ("demo", "pkgdemo")] {
        let run = support::Run::from(
            env.cmd()
                .env("PATH", "/nonexistent")
                .args(["lab", cmd, "--name", name])
                .output()
                .unwrap(),
        );
        run.code(2);
        if support::lab::is_root() {
            run.stderr_has("not installed")
                .stderr_has("apt-get install --no-install-recommends iproute2 nftables pebble knot stun-server miniupnpd-nftables")
                .stderr_has(&format!("direkt lab {cmd} --install"));
            assert!(!run.stderr.contains("installing"), "{}", run.stderr);
            assert!(!Path::new(&format!("/run/netns/{name}-box")).exists());
            assert!(!Path::new(&format!("/run/direkt-lab/{name}")).exists());
        } else {
            run.stderr_has("needs root");
        }
    }
}

#[test]
fn lab_demo_help_shows_install() {
    let env = support::Env::new();
    env.run(&["lab", "demo", "--help"])
        .code(0)
        .stdout_has("--install");
}

#[test]
fn not_root_is_a_clear_usage_error() {
    // As root, drop to nobody for the one command; otherwise we are not root already.
    let env = support::Env::new();
    let mut cmd = if support::lab::is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(support::bin());
        c
    } else {
        std::process::Command::new(support::bin())
    };
    let run = support::Run::from(
        cmd.args(["lab", "up", "--name", "notroot"])
            .env("HOME", env.dir.path())
            .output()
            .unwrap(),
    );
    run.code(2)
        .stderr_has("direkt lab needs root")
        .stderr_has("hint:");
    assert!(!Path::new("/run/netns/notroot-box").exists());
}
