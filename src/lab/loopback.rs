//! NAT loopback ("hairpin NAT") on the lab router, as most home routers do it: a LAN host that
//! connects to the router's public address reaches whatever the port mappings forward from
//! outside. miniupnpd's own rules match only traffic coming in on the WAN side, so
//! `direkt lab loopback` (started by `lab up` in the router's namespace, ended by `lab down`)
//! mirrors each of them for the LAN side, in the chain `loopback_pre`, as mappings come and go.
//! The router's static rules masquerade the mirrored connections, so the answers go back
//! through the router, as on a real one.

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

/// The chain the static ruleset jumps to from `prerouting`, before miniupnpd's.
pub const CHAIN: &str = "loopback_pre";
/// miniupnpd's DNAT chain (`upnp_nat_chain` in its config).
const MINIUPNPD_CHAIN: &str = "prerouting_miniupnpd";
/// A resync also runs this often, in case `nft monitor` missed an event.
const RESYNC: Duration = Duration::from_secs(2);

/// The LAN-side twins of miniupnpd's DNAT rules (`nft list chain` text): each as an `add rule`
/// line for [`CHAIN`]. Rules this does not understand are left out.
pub fn mirror(chain_text: &str, wan: Ipv4Addr, lan_if: &str) -> Vec<String> {
    chain_text
        .lines()
        .filter_map(|line| {
            let t: Vec<&str> = line.split_whitespace().collect();
            let after = |k: &str| t.iter().position(|x| *x == k).and_then(|i| t.get(i + 1));
            let dport_at = t.iter().position(|x| *x == "dport")?;
            let proto = match (after("@nh,72,8").copied(), dport_at.checked_sub(1).map(|i| t[i])) {
                (Some("0x6"), _) | (None, Some("tcp")) => "tcp",
                (Some("0x11"), _) | (None, Some("udp")) => "udp",
                _ => return None,
            };
            let dport: u16 = t.get(dport_at + 1)?.parse().ok()?;
            if !t.contains(&"dnat") {
                return None;
            }
            let to = after("to")?;
            Some(format!(
                "add rule inet filter {CHAIN} iifname \"{lan_if}\" ip daddr {wan} meta l4proto {proto} th dport {dport} dnat ip to {to}"
            ))
        })
        .collect()
}

fn nft(script: Option<&str>, args: &[&str]) -> Result<String> {
    let mut cmd = Command::new("nft");
    cmd.args(args)
        .stdin(if script.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::failed(format!("cannot run nft: {e}")))?;
    if let (Some(s), Some(mut stdin)) = (script, child.stdin.take()) {
        use std::io::Write;
        stdin.write_all(s.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "nft {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Make [`CHAIN`] mirror miniupnpd's rules now; returns the rules in place.
fn sync(wan: Ipv4Addr, lan_if: &str, last: &[String]) -> Result<Vec<String>> {
    let text = nft(None, &["list", "chain", "inet", "filter", MINIUPNPD_CHAIN])?;
    let rules = mirror(&text, wan, lan_if);
    if rules != last {
        let mut script = format!("flush chain inet filter {CHAIN}\n");
        for r in &rules {
            script.push_str(r);
            script.push('\n');
        }
        nft(Some(&script), &["-f", "-"])?;
        eprintln!("loopback: {} mapping(s) mirrored", rules.len());
    }
    Ok(rules)
}

/// Run until killed (`lab down` ends it by its PID): resync on every rule change `nft monitor`
/// reports, and every [`RESYNC`].
pub fn run(wan: Ipv4Addr, lan_if: &str) -> Result<()> {
    let mut monitor = Command::new("nft")
        .args(["monitor", "rules"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::failed(format!("cannot run nft monitor: {e}")))?;
    let stdout = monitor.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains(MINIUPNPD_CHAIN) && tx.send(()).is_err() {
                break;
            }
        }
    });
    let mut last = sync(wan, lan_if, &[])?;
    loop {
        match rx.recv_timeout(RESYNC) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The monitor ended: keep going on the timer alone.
            Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(RESYNC),
        }
        match sync(wan, lan_if, &last) {
            Ok(rules) => last = rules,
            Err(e) => eprintln!("loopback: {}", e.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAN: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);

    #[test]
    fn mirrors_miniupnpd_rules_for_the_lan() {
        let text = r#"table inet filter {
	chain prerouting_miniupnpd {
		iif "wan0" @nh,72,8 0x6 th dport 443 dnat ip to 192.168.77.10:443
		iif "wan0" @nh,72,8 0x11 th dport 5353 dnat ip to 192.168.77.10:53
		iif "wan0" tcp dport 8080 dnat ip to 192.168.77.66:80
		iif "wan0" @nh,72,8 0x6 th dport 22 counter packets 0 bytes 0
	}
}"#;
        let rules = mirror(text, WAN, "lan0");
        assert_eq!(
            rules,
            vec![
                "add rule inet filter loopback_pre iifname \"lan0\" ip daddr 203.0.113.2 meta l4proto tcp th dport 443 dnat ip to 192.168.77.10:443",
                "add rule inet filter loopback_pre iifname \"lan0\" ip daddr 203.0.113.2 meta l4proto udp th dport 5353 dnat ip to 192.168.77.10:53",
                "add rule inet filter loopback_pre iifname \"lan0\" ip daddr 203.0.113.2 meta l4proto tcp th dport 8080 dnat ip to 192.168.77.66:80",
            ]
        );
        assert!(mirror("table inet filter {\n}\n", WAN, "lan0").is_empty());
    }
}
