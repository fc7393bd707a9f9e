//! `direkt relay` in the cgnat lab: a VPS (its own namespace on the internet side, sshd with a
//! lab key, wireguard-go) passes ports through a WireGuard tunnel to the box behind the
//! carrier NAT. The name's A record becomes the VPS's address, TLS stays on the box, doctor
//! checks the tunnel and the VPS, `renew` repairs a rebooted VPS, faults leave nothing behind.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::Run;
use support::lab::Lab;

const IGNORE: &str =
    "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)";

struct Vps {
    address: String,
    user: String,
    unprivileged: String,
    ssh_key: PathBuf,
}

fn vps(lab: &Lab) -> Vps {
    let v = &lab.info_at_start()["vps"];
    let s = |k: &str| {
        v[k].as_str()
            .unwrap_or_else(|| panic!("lab status lacks vps.{k}: {v}"))
            .to_string()
    };
    assert_eq!(v["sshd"], true, "sshd is not running in the lab's VPS: {v}");
    Vps {
        address: s("address"),
        user: s("user"),
        unprivileged: s("unprivileged_user"),
        ssh_key: PathBuf::from(s("ssh_key")),
    }
}

fn relay_setup(lab: &Lab, host: &str, extra: &[&str]) -> Run {
    let mut args = vec!["relay", "setup", "--host", host, "--yes"];
    args.extend_from_slice(extra);
    lab.box_direkt(&args)
}

/// `openssl s_server` in the box with the issued certificate, standing in for the box's web
/// server; ended by its PID when dropped.
struct WebServer(std::process::Child);

impl WebServer {
    fn tls(lab: &Lab, live: &Path) -> WebServer {
        let child = std::process::Command::new("ip")
            .args(["netns", "exec", &lab.ns("box"), "openssl", "s_server"])
            .args(["-accept", "443", "-www", "-quiet", "-cert"])
            .arg(live.join("fullchain.pem"))
            .arg("-key")
            .arg(live.join("privkey.pem"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        WebServer::wait(lab, WebServer(child), 443)
    }

    /// A plain HTTP server on the box's port 80 serving `dir`.
    /// Its access log (the visitors' addresses) goes to `log`.
    fn http(lab: &Lab, dir: &Path, log: &Path) -> WebServer {
        let child = std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &lab.ns("box"),
                "python3",
                "-m",
                "http.server",
                "80",
            ])
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap();
        WebServer::wait(lab, WebServer(child), 80)
    }

    fn wait(lab: &Lab, server: WebServer, port: u16) -> WebServer {
        let start = Instant::now();
        while !lab.in_ns("box", move || {
            std::net::TcpStream::connect_timeout(
                &format!("192.168.77.10:{port}").parse().unwrap(),
                Duration::from_millis(200),
            )
            .is_ok()
        }) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the box's server on port {port} did not listen"
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

fn fingerprint_of(pem: &Path) -> String {
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(pem)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Nothing of the relay on either side: no tunnel interface, rule or key on the box, no state,
/// interface or rules on the VPS.
#[track_caller]
fn nothing_configured(lab: &Lab) {
    assert!(
        !lab.state_dir().join("relay-wg.key").exists(),
        "the box keeps a relay key"
    );
    lab.exec("box", &["ip", "link", "show", "direkt0"]).code(1);
    let rules = lab.exec("box", &["ip", "rule"]);
    assert!(!rules.stdout.contains("51820"), "{}", rules.stdout);
    let vps_state = lab.run_dir().join("vps/var-lib/direkt-relay");
    assert!(!vps_state.exists(), "the VPS keeps {}", vps_state.display());
    lab.exec("vps", &["ip", "link", "show", "direkt0"]).code(1);
    let nft = lab.exec("vps", &["nft", "list", "tables"]);
    assert!(!nft.stdout.contains("direkt_relay"), "{}", nft.stdout);
    let fwd = lab.exec("vps", &["cat", "/proc/sys/net/ipv4/ip_forward"]);
    assert_eq!(fwd.stdout.trim(), "0", "the VPS forwards IPv4 still");
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn behind_cgnat_the_relay_carries_the_name_and_tls_to_the_box() {
    let _ = IGNORE;
    let lab = Lab::up("cgnat");
    let v = vps(&lab);
    assert!(v.ssh_key.exists());
    let host = format!("{}@{}", v.user, v.address);

    // Inside the box, plain `ssh USER@ADDRESS` works: the lab's key and known_hosts.
    lab.exec("box", &["ssh", &host, "true"]).code(0);

    let setup = relay_setup(&lab, &host, &[]);
    setup
        .code(0)
        .stdout_has(&format!("relay: {} passes TCP 80, 443", v.address))
        .stdout_has("visitors' addresses are kept");
    let key = std::fs::read_to_string(lab.state_dir().join("relay-wg.key")).unwrap();
    let key = key.trim();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(lab.state_dir().join("relay-wg.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    setup.lacks(key);

    lab.box_direkt(&["setup", "--yes"]).code(0);
    let dig = lab.exec(
        "inet",
        &["dig", "+short", "@198.51.100.53", "box.example.test", "A"],
    );
    assert_eq!(
        dig.stdout.trim(),
        v.address,
        "the A record is not the VPS's"
    );

    // A TLS client on the internet connecting to the VPS gets the box's own certificate.
    let live = lab.state_dir().join("certs/live/box.example.test");
    let _web = WebServer::tls(&lab, &live);
    let script = format!(
        "openssl s_client -connect {}:443 -servername box.example.test </dev/null 2>/dev/null \
         | openssl x509 -noout -fingerprint -sha256",
        v.address
    );
    let seen = lab.exec("inet", &["sh", "-c", &script]);
    seen.code(0);
    let want = fingerprint_of(&live.join("cert.pem"));
    assert!(!want.is_empty());
    assert_eq!(
        seen.stdout.trim(),
        want,
        "not the box's certificate through the relay"
    );

    let doctor = lab.box_direkt(&["doctor", "--json"]);
    doctor.lacks(key);
    let d = doctor.json();
    assert_eq!(doctor.code, 0, "doctor failed: {}", d["verdict"]);
    assert_eq!(d["verdict"]["status"], "pass", "{}", d["verdict"]);
    let verdict = d["verdict"]["summary"].as_str().unwrap();
    assert!(
        verdict.contains("relay"),
        "the verdict does not mention the relay: {verdict}"
    );
    for id in [
        "relay.tunnel",
        "relay.forward",
        "reach.tcp.443",
        "reach.tcp.80",
        "nat.cgnat",
        "cert.served",
    ] {
        let c = d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check {id}"));
        assert_eq!(c["status"], "pass", "{id}: {c}");
    }

    let status = lab.box_direkt(&["relay", "status", "--json"]);
    status.code(0).lacks(key);
    let s = status.json();
    assert_eq!(s["configured"], true);
    assert_eq!(s["answers"], true, "{s}");
    assert_eq!(s["relay"]["address"], v.address.as_str());
    lab.box_direkt(&["status"])
        .code(0)
        .stdout_has(&format!("{} ({host}) passes TCP 80, 443", v.address));
    let report = lab.box_direkt(&["report"]);
    report.lacks(key);
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn renew_restores_a_rebooted_vps_and_remove_restores_it_as_it_was() {
    let lab = Lab::up("cgnat");
    let v = vps(&lab);
    let host = format!("{}@{}", v.user, v.address);
    relay_setup(&lab, &host, &[]).code(0);
    lab.box_direkt(&["ddns", "update"]).code(0);
    // TLS-ALPN-01 through the relay: Pebble connects to the VPS's 443, which is the box's.
    let config = std::fs::read_to_string(lab.config()).unwrap();
    let alpn = config.replacen("[cert]\n", "[cert]\nchallenges = [\"tls-alpn-01\"]\n", 1);
    assert_ne!(alpn, config);
    std::fs::write(lab.config(), alpn).unwrap();
    lab.box_direkt(&["cert", "issue"])
        .code(0)
        .stderr_has("via tls-alpn-01");
    // Nothing to repair.
    let quiet = lab.box_direkt(&["renew"]);
    quiet.code(0);
    assert!(
        !quiet.stdout.contains("relay: repaired"),
        "{}",
        quiet.stdout
    );

    // The VPS "reboots": its rules, its WireGuard and its forwarding are gone.
    reboot_vps(&lab);
    let s = lab.box_direkt(&["relay", "status", "--json"]).json();
    assert_eq!(s["answers"], false, "{s}");
    let doctor = lab.box_direkt(&["doctor", "--json"]);
    assert_eq!(doctor.code, 3);
    let d = doctor.json();
    let cause = d["verdict"]["cause"].as_str().unwrap_or_default();
    assert!(
        cause.starts_with("relay."),
        "the verdict does not blame the relay: {}",
        d["verdict"]
    );

    let renew = lab.box_direkt(&["renew"]);
    renew
        .code(0)
        .stdout_has("relay: repaired: VPS: started the WireGuard interface direkt0")
        .stdout_has("relay: repaired: VPS: added the forwarding rules")
        .stdout_has("relay: repaired: VPS: switched on IPv4 forwarding");
    let s = lab.box_direkt(&["relay", "status", "--json"]).json();
    assert_eq!(s["answers"], true, "{s}");
    let doctor = lab.box_direkt(&["doctor", "--json"]);
    let d = doctor.json();
    for id in ["relay.tunnel", "relay.forward", "reach.tcp.80"] {
        let c = d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(c["status"], "pass", "{id}: {c}");
    }

    let removed = lab.box_direkt(&["relay", "remove"]);
    removed
        .code(0)
        .stdout_has("VPS: removed the forwarding rules")
        .stdout_has("box: removed the tunnel interface direkt0");
    nothing_configured(&lab);
    lab.box_direkt(&["relay", "status"])
        .code(0)
        .stdout_has("no relay is set up");
}

/// What a reboot loses: nftables rules, the wireguard-go process (and its interface), IPv4
/// forwarding. The state in /var/lib stays.
fn reboot_vps(lab: &Lab) {
    lab.exec("vps", &["nft", "flush", "ruleset"]).code(0);
    lab.exec(
        "vps",
        &["sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward"],
    )
    .code(0);
    let ns = lab.ns("vps");
    let pids = std::process::Command::new("ip")
        .args(["netns", "pids", &ns])
        .output()
        .unwrap();
    let mut killed = 0;
    for pid in String::from_utf8_lossy(&pids.stdout).split_whitespace() {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "wireguard-go" {
            let pid: i32 = pid.parse().unwrap();
            // SAFETY: kill(2) on the wireguard-go process of this test's own lab.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            killed += 1;
        }
    }
    assert_eq!(killed, 1, "no wireguard-go in the VPS");
    let t0 = Instant::now();
    while lab.exec("vps", &["ip", "link", "show", "direkt0"]).code == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "direkt0 stays on the VPS"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn faults_name_their_cause_and_leave_nothing_half_configured() {
    let lab = Lab::up("cgnat");
    let v = vps(&lab);

    // No VPS at that address.
    let unreachable = relay_setup(&lab, "root@192.0.2.71", &[]);
    unreachable
        .code(1)
        .stderr_has("cannot reach the VPS root@192.0.2.71");
    nothing_configured(&lab);

    // The VPS does not accept the box owner's key (its authorized_keys holds another one).
    let authorized = lab.run_dir().join("vps/ssh/authorized_keys");
    let ours = std::fs::read_to_string(&authorized).unwrap();
    std::fs::write(
        &authorized,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx0KZ0vYvK3n0pZx9oJ1S8ZkG0bq2hX4cFv3QkqkX9e other\n",
    )
    .unwrap();
    let host = format!("{}@{}", v.user, v.address);
    let refused = relay_setup(&lab, &host, &[]);
    refused.code(2).stderr_has("refused the SSH key");
    nothing_configured(&lab);
    std::fs::write(&authorized, ours).unwrap();

    // A login that is not root and has no sudo.
    let not_root = relay_setup(&lab, &format!("{}@{}", v.unprivileged, v.address), &[]);
    not_root
        .code(2)
        .stderr_has("the SSH user is not root and has no password-less sudo");
    nothing_configured(&lab);

    // The SSH port itself must not be forwarded: refused before anything is touched.
    relay_setup(&lab, &host, &["--ports", "22,443"])
        .code(2)
        .stderr_has("SSH port");
    nothing_configured(&lab);

    // A VPS without WireGuard: the kernel here has no module, and wireguard-go is hidden in
    // the VPS's mount namespace (the host's file stays).
    let sshd_pid = std::fs::read_to_string(lab.run_dir().join("pids/sshd")).unwrap();
    let empty = lab.run_dir().join("vps/no-wireguard-go");
    std::fs::write(&empty, "").unwrap();
    let wg_go = which("wireguard-go");
    let hid = std::process::Command::new("nsenter")
        .args(["-t", sshd_pid.trim(), "-m", "mount", "--bind"])
        .arg(&empty)
        .arg(&wg_go)
        .status()
        .unwrap();
    assert!(hid.success());
    let no_wg = relay_setup(&lab, &host, &[]);
    no_wg.code(2).stderr_has("has no WireGuard");
    nothing_configured(&lab);
    let unhid = std::process::Command::new("nsenter")
        .args(["-t", sshd_pid.trim(), "-m", "umount"])
        .arg(&wg_go)
        .status()
        .unwrap();
    assert!(unhid.success());

    // A failure halfway through the VPS's first setup (its nft refuses the ruleset after the
    // interface, the key and IPv4 forwarding are in place): all of it is undone, on both sides.
    let fake_nft = lab.run_dir().join("vps/fake-nft");
    std::fs::write(
        &fake_nft,
        "#!/bin/sh\necho 'nft: simulated failure' >&2\nexit 1\n",
    )
    .unwrap();
    support::chmod(&fake_nft, 0o755);
    let nft = which("nft");
    let mount = |args: &[&str], target: &Path| {
        let ok = std::process::Command::new("nsenter")
            .args(["-t", sshd_pid.trim(), "-m"])
            .args(args)
            .arg(target)
            .status()
            .unwrap();
        assert!(ok.success(), "nsenter {args:?}");
    };
    mount(&["mount", "--bind", fake_nft.to_str().unwrap()], &nft);
    let halfway = relay_setup(&lab, &host, &[]);
    halfway
        .code(1)
        .stderr_has("everything this run changed was undone");
    mount(&["umount"], &nft);
    nothing_configured(&lab);

    // Without --yes and without a terminal: refused, nothing asked, nothing changed.
    lab.box_direkt(&["relay", "setup", "--host", &host])
        .code(2)
        .stderr_has("--yes");
    nothing_configured(&lab);

    // And now it works.
    relay_setup(&lab, &host, &[]).code(0);
}

fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn an_unknown_host_key_is_accepted_only_when_asked_to() {
    let lab = Lab::up("cgnat");
    let v = vps(&lab);
    let host = format!("{}@{}", v.user, v.address);
    let known = lab.run_dir().join("box/ssh/known_hosts");
    std::fs::write(&known, "").unwrap();
    relay_setup(&lab, &host, &[])
        .code(2)
        .stderr_has("host key is not known")
        .stderr_has("--accept-host-key");
    nothing_configured(&lab);
    let accepted = relay_setup(&lab, &host, &["--accept-host-key"]);
    accepted
        .code(0)
        .stderr_has("accepting the VPS's new SSH host key SHA256:");
    let text = std::fs::read_to_string(&known).unwrap();
    assert!(
        text.contains("ssh-ed25519"),
        "ssh did not remember the key: {text}"
    );
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn five_percent_loss_on_the_vps_link_still_carries_a_transfer() {
    let lab = Lab::up("cgnat");
    let v = vps(&lab);
    relay_setup(&lab, &format!("{}@{}", v.user, v.address), &[]).code(0);
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..4_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(dir.path().join("blob"), &data).unwrap();
    let access_log = lab.run_dir().join("box-http.log");
    let _web = WebServer::http(&lab, dir.path(), &access_log);
    let loss = "table inet loss {\n chain in { type filter hook input priority -10; numgen random mod 100 < 5 counter drop; }\n \
                chain out { type filter hook output priority -10; numgen random mod 100 < 5 counter drop; }\n}\n";
    let rules = lab.run_dir().join("vps-loss.nft");
    std::fs::write(&rules, loss).unwrap();
    lab.exec("vps", &["nft", "-f", rules.to_str().unwrap()])
        .code(0);
    let out = dir.path().join("got");
    let url = format!("http://{}/blob", v.address);
    let got = lab.exec(
        "inet",
        &[
            "curl",
            "-sS",
            "--max-time",
            "60",
            "-o",
            out.to_str().unwrap(),
            &url,
        ],
    );
    got.code(0);
    let received = std::fs::read(&out).unwrap();
    assert!(
        received == data,
        "the transfer through the lossy relay was corrupted or cut"
    );
    // The loss was real: the VPS dropped some of the tunnel's packets each way.
    let rules = lab.exec("vps", &["nft", "list", "table", "inet", "loss"]);
    let dropped: Vec<u64> = rules
        .stdout
        .split("packets ")
        .skip(1)
        .filter_map(|t| t.split_whitespace().next()?.parse().ok())
        .collect();
    assert!(
        dropped.len() == 2 && dropped.iter().all(|n| *n > 0),
        "no packets were dropped: {}",
        rules.stdout
    );
    // The visitor's own address reached the box (no SNAT on the VPS): the internet's side
    // of the VPS's link, 192.0.2.65.
    let log = std::fs::read_to_string(&access_log).unwrap();
    assert!(
        log.contains("192.0.2.65 - - ") && log.contains("GET /blob"),
        "the box did not see the visitor's address: {log}"
    );
}

#[test]
#[cfg_attr(
    not(all(has_relay_lab, has_tmux)),
    ignore = "needs root, the lab's packages, openssh-server, wireguard-go, wireguard-tools and tmux (tests/run)"
)]
fn on_a_terminal_the_unknown_host_key_is_shown_and_asked_for() {
    use support::tmux::Tmux;
    let lab = Lab::up("cgnat");
    Tmux::require();
    let v = vps(&lab);
    let fp = lab.info_at_start()["vps"]["host_key_fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fp.starts_with("SHA256:"), "{fp}");
    std::fs::write(lab.run_dir().join("box/ssh/known_hosts"), "").unwrap();
    let b = support::bin().display().to_string();
    let t = Tmux::start(&format!(
        "{b} lab exec --name {} -- {b} relay setup --host {}@{}",
        lab.name(),
        v.user,
        v.address
    ));
    let screen = t.wait_for(
        "? Accept and remember this host key",
        Duration::from_secs(20),
    );
    assert!(
        screen.contains(&fp),
        "the fingerprint is not shown:\n{screen}"
    );
    t.keys(&["y"]);
    t.wait_prompt("Set up the relay?");
    t.keys(&["Enter"]);
    let code = t.exit_code(Duration::from_secs(60));
    let screen = t.screen();
    assert_eq!(code, 0, "relay setup in the terminal:\n{screen}");
    assert!(
        screen.contains("relay: 192.0.2.70 passes TCP 80, 443"),
        "{screen}"
    );
}

#[test]
#[cfg_attr(
    not(has_relay_lab),
    ignore = "needs root, the lab's packages and openssh-server, wireguard-go, wireguard-tools (tests/run)"
)]
fn on_a_ds_lite_line_the_relay_carries_ipv4_and_the_box_keeps_its_aaaa() {
    let lab = Lab::up("ds-lite");
    let v = vps(&lab);
    let host = format!("{}@{}", v.user, v.address);
    relay_setup(&lab, &host, &[]).code(0);
    let setup = lab.box_direkt(&["setup", "--yes"]);
    setup
        .code(0)
        .stderr_has("through the relay")
        .lacks("publishes 2001:db8:4400::10 as the AAAA record and no A record");
    let dig = |rtype: &str| {
        lab.exec(
            "inet",
            &["dig", "+short", "@198.51.100.53", "box.example.test", rtype],
        )
        .stdout
        .trim()
        .to_string()
    };
    assert_eq!(dig("A"), v.address, "the A record is not the VPS's");
    assert_eq!(
        dig("AAAA"),
        "2001:db8:4400::10",
        "the box's own AAAA is gone"
    );

    // IPv4 visitors reach the box through the VPS, IPv6 visitors directly.
    let live = lab.state_dir().join("certs/live/box.example.test");
    let _web = WebServer::tls(&lab, &live);
    let want = fingerprint_of(&live.join("cert.pem"));
    for target in [v.address.clone(), "[2001:db8:4400::10]".to_string()] {
        let script = format!(
            "openssl s_client -connect {target}:443 -servername box.example.test </dev/null \
             2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        );
        let seen = lab.exec("inet", &["sh", "-c", &script]);
        assert_eq!(
            seen.stdout.trim(),
            want,
            "not the box's certificate at {target}"
        );
    }

    let doctor = lab.box_direkt(&["doctor", "--json"]);
    let d = doctor.json();
    assert_eq!(doctor.code, 0, "doctor failed: {}", d["verdict"]);
    let check = |id: &str| {
        d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check {id}"))
            .clone()
    };
    let dslite = check("nat.dslite");
    assert_eq!(dslite["status"], "pass", "{dslite}");
    assert!(
        dslite["summary"]
            .as_str()
            .unwrap()
            .contains("bridged by the relay"),
        "{dslite}"
    );
    for id in [
        "dns.authoritative",
        "reach.tcp.443",
        "reach.tcp6.443",
        "relay.tunnel",
    ] {
        assert_eq!(check(id)["status"], "pass", "{id}: {}", check(id));
    }
}
