//! The direkt config of the lab's box: always the lab's own servers (Knot, Pebble, STUN, the
//! probe server), plus the parts support may choose ([`BoxSettings`]), e.g. copied from a
//! customer's report by `direkt lab up --from-report`.

use crate::config::{ChallengeKind, HumanDuration, KeyType, PortSpec};
use crate::lab::{RunDir, Scenario, ZONE, addr};

/// Names in the lab zone that the lab uses itself (the box, the servers): never an alias.
pub const RESERVED_LABELS: [&str; 8] = [
    "box", "ns1", "acme", "acme2", "stun", "stun2", "probe", "whoami",
];

/// What of the box config can be chosen. `Default` is the lab's plain box: DNS, ports 443 and
/// 80, a certificate by HTTP-01 with an ECDSA P-256 key.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxSettings {
    /// A `[ddns]` section (the lab's Knot, RFC 2136 with TSIG).
    pub ddns: bool,
    /// `[ports] forward`; None: no `[ports]` section.
    pub forward: Option<Vec<PortSpec>>,
    /// `[ports] lease`, when not the default.
    pub lease: Option<HumanDuration>,
    /// A `[cert]` section (the lab's Pebble).
    pub cert: Option<BoxCert>,
    /// Alias labels in the lab zone (`www` for `www.example.test`), CNAMEs to the box.
    pub aliases: Vec<String>,
    pub ipv4: bool,
    /// None: IPv6 exactly when the scenario has it.
    pub ipv6: Option<bool>,
    /// `[ip] quorum`, when not the default.
    pub quorum: Option<usize>,
    /// `[ip] gateway`.
    pub gateway: bool,
}

/// The certificate options that are the box's own (the CA is always the lab's Pebble).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxCert {
    /// Empty: direkt's default.
    pub challenges: Vec<ChallengeKind>,
    pub key: KeyType,
    pub reuse_key: bool,
}

impl Default for BoxSettings {
    fn default() -> Self {
        BoxSettings {
            ddns: true,
            forward: Some(vec![port(443), port(80)]),
            lease: None,
            cert: Some(BoxCert {
                challenges: vec![],
                key: KeyType::default(),
                reuse_key: false,
            }),
            aliases: vec![],
            ipv4: true,
            ipv6: None,
            quorum: None,
            gateway: true,
        }
    }
}

fn port(p: u16) -> PortSpec {
    PortSpec {
        external: p,
        internal: p,
        protocol: crate::config::Protocol::Tcp,
    }
}

/// A label the lab zone can hold as an alias: a plain host label, not one the lab uses.
pub fn usable_alias_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
        && !RESERVED_LABELS.contains(&label)
}

impl BoxSettings {
    /// The aliases the zone can hold (others are left out of zone and config alike).
    pub fn alias_labels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        for a in &self.aliases {
            if usable_alias_label(a) && !out.contains(&a.as_str()) {
                out.push(a);
            }
        }
        out
    }

    /// Whether the box has IPv6 turned on in `sc`.
    pub fn ipv6_in(&self, sc: Scenario) -> bool {
        self.ipv6.unwrap_or(sc.ipv6())
    }
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The config `direkt` uses inside the box (schema of src/config.rs).
pub fn box_config_text(run: &RunDir, sc: Scenario, s: &BoxSettings) -> String {
    let config = run.path("box/direkt.toml");
    let aliases: Vec<String> = s
        .alias_labels()
        .iter()
        .map(|l| format!("{l}.{ZONE}"))
        .collect();
    let mut t = format!(
        "# Written by `direkt lab up` (lab scenario {sc}). Use it inside the lab:\n\
         #   direkt lab exec -- direkt --config {config} status\n\
         name = \"{name}\"\n",
        config = config.display(),
        name = crate::lab::BOX_NAME,
    );
    if !aliases.is_empty() {
        t.push_str(&format!("aliases = [{}]\n", quoted(&aliases)));
    }
    t.push_str(&format!(
        "state_dir = \"{}\"\n\n",
        run.path("box/state").display()
    ));
    t.push_str(&ip_section(sc, s));
    if s.ddns {
        t.push_str(&format!(
            "\n[ddns]\nprovider = \"rfc2136\"\nserver = \"{}:53\"\nzone = \"{ZONE}\"\nkey_name = \"{}\"\n",
            addr::DNS,
            crate::lab::TSIG_KEY_NAME
        ));
    }
    if let Some(forward) = &s.forward {
        // `443` for a plain TCP port (as the lab always wrote it), else `"8443:443/tcp"`.
        let list: Vec<String> = forward
            .iter()
            .map(|p| match p.protocol {
                crate::config::Protocol::Tcp if p.external == p.internal => p.external.to_string(),
                _ => format!("\"{p}\""),
            })
            .collect();
        t.push_str(&format!("\n[ports]\nforward = [{}]\n", list.join(", ")));
        if let Some(lease) = s.lease {
            t.push_str(&format!("lease = \"{lease}\"\n"));
        }
    }
    if let Some(cert) = &s.cert {
        t.push_str(&cert_section(run, cert));
    }
    t
}

fn ip_section(sc: Scenario, s: &BoxSettings) -> String {
    let mut probe = vec![format!("http://{}", addr::PROBE)];
    let mut prefixes = vec!["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"];
    let mut t = String::from("[ip]\n");
    if !s.ipv4 {
        t.push_str("ipv4 = false\n");
    }
    if sc.ipv6() {
        probe.push(format!("http://[{}]", addr::PROBE6));
        prefixes.push("2001:db8::/32");
    }
    if s.ipv6_in(sc) {
        t.push_str("ipv6 = true\nipv6_interface = \"eth0\"\n");
    }
    if let Some(q) = s.quorum {
        t.push_str(&format!("quorum = {q}\n"));
    }
    if !s.gateway {
        t.push_str("gateway = false\n");
    }
    let prefixes: Vec<String> = prefixes.iter().map(|p| p.to_string()).collect();
    // The port checks (echoip's API) are the lab's probe server too: tests never ask the
    // public default (https://ifconfig.co). doctor asks them only while `probe` is empty.
    t.push_str(&format!(
        "stun = [\"{stun}:3478\"]\n\
         probe = [{probe}]\n\
         echo = []\n\
         port_check = [{probe}]\n\
         # documentation prefixes count as public inside the lab only\n\
         public_prefixes = [{prefixes}]\n",
        stun = addr::STUN1,
        probe = quoted(&probe),
        prefixes = quoted(&prefixes),
    ));
    t
}

/// The box config with its `[cert] ca` set to another directory (the lab's second CA).
pub fn with_directory(text: &str, directory: &str) -> String {
    let pebble = format!("ca = \"https://{}:14000/dir\"", addr::PEBBLE);
    text.replace(&pebble, &format!("ca = \"{directory}\""))
}

fn cert_section(run: &RunDir, cert: &BoxCert) -> String {
    let mut t = format!(
        "\n[cert]\n\
         ca = \"https://{pebble}:14000/dir\"\n\
         ca_bundle = \"{ca}\"\n\
         accept_tos = true\n\
         email = \"admin@{ZONE}\"\n",
        pebble = addr::PEBBLE,
        ca = run.path("ca.pem").display(),
    );
    if !cert.challenges.is_empty() {
        let list: Vec<String> = cert
            .challenges
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        t.push_str(&format!("challenges = [{}]\n", quoted(&list)));
    }
    if cert.key != KeyType::default() {
        let key = serde_json::to_value(cert.key).expect("plain enum");
        t.push_str(&format!("key = \"{}\"\n", key.as_str().unwrap_or_default()));
    }
    if cert.reuse_key {
        t.push_str("reuse_key = true\n");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> crate::config::Config {
        crate::config::Config::parse(text, Path::new("/x/direkt.toml"))
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
    }

    #[test]
    fn the_default_box_config_passes_direkt_validation() {
        for sc in Scenario::ALL {
            let run = RunDir::for_name("dk");
            let c = parse(&box_config_text(&run, sc, &BoxSettings::default()));
            assert_eq!(c.name.as_str(), crate::lab::BOX_NAME);
            assert_eq!(c.ip.ipv6, sc.ipv6());
            assert!(c.ip.echo.is_empty());
            assert_eq!(c.ip.port_check, c.ip.probe);
            assert_eq!(c.ip.port_check[0], "http://198.51.100.80");
            assert_eq!(c.state_dir.unwrap(), run.path("box/state"));
            assert_eq!(c.ports.unwrap().forward, vec![port(443), port(80)]);
            assert!(c.ddns.is_some() && c.cert.is_some());
        }
    }

    #[test]
    fn the_second_ca_replaces_pebble_in_the_cert_section() {
        let run = RunDir::for_name("dk");
        let text = box_config_text(&run, Scenario::Direct, &BoxSettings::default());
        let c = parse(&with_directory(&text, "https://198.51.100.15/directory"));
        let cert = c.cert.unwrap();
        assert_eq!(cert.ca.as_str(), "https://198.51.100.15/directory");
    }

    #[test]
    fn chosen_settings_reach_the_config() {
        let s = BoxSettings {
            ddns: true,
            forward: Some(vec![
                "8443:443/tcp".parse().unwrap(),
                "51820/udp".parse().unwrap(),
            ]),
            lease: Some(HumanDuration(std::time::Duration::from_secs(7200))),
            cert: Some(BoxCert {
                challenges: vec![ChallengeKind::Dns01, ChallengeKind::Http01],
                key: KeyType::Rsa2048,
                reuse_key: true,
            }),
            aliases: vec!["www".into(), "ns1".into(), "www".into(), "Bad_".into()],
            ipv4: true,
            ipv6: Some(false),
            quorum: Some(1),
            gateway: false,
        };
        let run = RunDir::for_name("dk");
        let c = parse(&box_config_text(&run, Scenario::DualStack, &s));
        assert!(c.ddns.is_some());
        let ports = c.ports.unwrap();
        assert_eq!(ports.forward, s.forward.clone().unwrap());
        assert_eq!(ports.lease, s.lease.unwrap());
        let cert = c.cert.unwrap();
        assert_eq!(cert.challenges, s.cert.as_ref().unwrap().challenges);
        assert_eq!(cert.key, KeyType::Rsa2048);
        assert!(cert.reuse_key);
        let aliases: Vec<&str> = c.aliases.iter().map(|a| a.as_str()).collect();
        assert_eq!(aliases, ["www.example.test"]);
        assert!(!c.ip.ipv6 && !c.ip.gateway);
        assert_eq!(c.ip.quorum, 1);
        let none = BoxSettings {
            ddns: false,
            forward: None,
            cert: None,
            ..BoxSettings::default()
        };
        let c = parse(&box_config_text(&run, Scenario::Direct, &none));
        assert!(c.ports.is_none() && c.cert.is_none() && c.ddns.is_none());
    }
}
