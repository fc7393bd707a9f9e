//! What setup finds out about the network before it asks anything: the router, its mapping
//! protocol, the public address, CGNAT and double NAT. (Moved here from `renew/parts.rs`
//! unchanged: it is setup's job, not renew's.)

use serde::Serialize;

use crate::config::Settings;

/// What setup found out about the network before asking anything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub gateway: Option<String>,
    /// `upnp`, `pcp`, `nat-pmp`, or none found.
    pub mapping_protocol: Option<String>,
    pub router_wan: Option<String>,
    pub public_ipv4: Option<String>,
    pub public_ipv6: Option<String>,
    /// Plain-words warnings (CGNAT, double NAT, no mapping service).
    pub warnings: Vec<String>,
    /// Shared IPv4 through a DS-Lite AFTR: IPv6 is the way in.
    pub dslite: bool,
    /// The relay's VPS (`direkt relay`), when one is set up: inbound IPv4 goes through it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
}

impl Findings {
    /// What setup does differently on a DS-Lite line (None elsewhere), in plain words.
    pub fn dslite_plan(&self) -> Option<String> {
        // With a relay the A record is the VPS's: the relay's own line says so.
        if !self.dslite || self.relay.is_some() {
            return None;
        }
        Some(match &self.public_ipv6 {
            Some(v6) => format!(
                "shared IPv4 (DS-Lite): the box is reachable over IPv6 only, so setup uses IPv6: \
                 it publishes {v6} as the AAAA record and no A record, opens the ports as IPv6 \
                 pinholes on the router, and gets the certificate with http-01 over IPv6 (the CA \
                 connects to the AAAA address; dns-01 works too and needs no open port)"
            ),
            None => format!(
                "shared IPv4 (DS-Lite) and no IPv6: {}",
                crate::net::nat::NO_WAY_IN
            ),
        })
    }
}

/// Look at the network: gateway, mapping protocol, public address, CGNAT.
pub async fn detect(settings: &Settings) -> Findings {
    use crate::ip::{Verdict, detect};
    let mut f = Findings::default();
    let Some(config) = settings.config.as_ref() else {
        return f;
    };
    let opts = crate::portmap::DiscoverOptions::default();
    let (detection, discovery) =
        tokio::join!(detect(config, vec![]), crate::portmap::discover(&opts));
    match discovery {
        Ok(d) => {
            f.gateway = Some(d.gateway.address.to_string());
            f.mapping_protocol = d.chosen.map(|m| m.to_string());
            f.router_wan = d.external_address().map(|a| a.address.to_string());
            if d.chosen.is_none() {
                f.warnings.push(
                    "the router does not answer port-forwarding requests (UPnP, NAT-PMP, PCP): \
                     enable UPnP or NAT-PMP on it, or forward the ports by hand"
                        .into(),
                );
            }
        }
        Err(e) => f.warnings.push(format!("no router found: {}", e.message())),
    }
    // Said once: the detection's CGNAT finding wins over the WAN comparison below.
    let mut cgnat_told = false;
    for (det, slot) in [
        (detection.ipv4.as_ref(), &mut f.public_ipv4),
        (detection.ipv6.as_ref(), &mut f.public_ipv6),
    ] {
        let Some(det) = det else { continue };
        match det.verdict {
            Verdict::Agreed => *slot = det.address.map(|a| a.to_string()),
            _ => f.warnings.push(format!(
                "the public {} address is unclear: {}",
                det.family, det.message
            )),
        }
        if det.behind_dslite {
            f.dslite = true;
            cgnat_told = true;
            continue;
        }
        if det.behind_cgnat {
            cgnat_told = true;
            f.warnings.push(format!(
                "this box is behind carrier-grade NAT (CGNAT): {}; {}.",
                crate::net::nat::CGNAT_WHY,
                crate::net::nat::CGNAT_FIX
            ));
        }
    }
    // The router's WAN address differs from what the outside sees: another NAT in between.
    if let (Some(wan), Some(public)) = (&f.router_wan, &f.public_ipv4)
        && wan != public
        && !cgnat_told
    {
        let class = wan
            .parse()
            .map(|w| crate::net::nat::NatClass::of(w, public.parse().ok()));
        f.warnings.push(if class == Ok(crate::net::nat::NatClass::Cgnat) {
            format!(
                "this box is behind carrier-grade NAT (CGNAT): the router's internet side is {wan}, \
                 but the internet sees {public}; {}; {}.",
                crate::net::nat::CGNAT_WHY,
                crate::net::nat::CGNAT_FIX
            )
        } else {
            format!(
                "there is a second router in front of yours (double NAT): your router's internet \
                 side is {wan}, but the internet sees {public}; forward the ports on the outer \
                 router too, or put yours in its DMZ/bridge mode."
            )
        });
    }
    relay_bridges(settings, &mut f);
    f
}

/// With a relay, CGNAT and double NAT are bridged: no warning about them, and the address the
/// internet reaches the box at is the VPS's.
fn relay_bridges(settings: &Settings, f: &mut Findings) {
    let Some(r) = crate::state::StateDir::new(&settings.paths.state_dir)
        .read()
        .ok()
        .flatten()
        .and_then(|s| s.relay)
    else {
        return;
    };
    f.warnings
        .retain(|w| !w.contains("(CGNAT)") && !w.contains("(double NAT)"));
    f.relay = Some(format!("{} ({})", r.address, r.host));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ds_lite_line_is_set_up_over_ipv6_and_says_so() {
        let mut f = Findings::default();
        assert!(f.dslite_plan().is_none());
        f.dslite = true;
        f.public_ipv6 = Some("2001:db8:4400::10".into());
        let plan = f.dslite_plan().unwrap();
        for words in [
            "shared IPv4 (DS-Lite)",
            "2001:db8:4400::10 as the AAAA record and no A record",
            "IPv6 pinholes",
            "http-01 over IPv6",
            "dns-01",
        ] {
            assert!(plan.contains(words), "{words}: {plan}");
        }
        f.public_ipv6 = None;
        let plan = f.dslite_plan().unwrap();
        assert!(
            plan.contains("nothing can reach the box directly"),
            "{plan}"
        );
        assert!(plan.contains("direkt relay"), "{plan}");
    }
}
