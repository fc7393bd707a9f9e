//! Defaults the wizard derives from what it found rather than from a table: the box's name
//! and the deploy hook.
//!
//! The name, first that applies:
//! 1. the answer given up front (flag, answers or defaults file);
//! 2. the current config's name (a re-run);
//! 3. inside `direkt lab`: the lab's own name for the box (its DNS and CA know only that one);
//! 4. a zone given up front: the zone itself when it is a dynamic-DNS name of its own (a
//!    provider's suffix such as `me.dynv6.net`, `me.ipv64.net`: there the zone's own name
//!    holds the address), else `<host name>.<zone>`;
//! 5. a provider given up front whose names all end alike (DuckDNS): `<host name>.duckdns.org`;
//! 6. none: the owner must type one (unattended: exit 2 naming `name`).
//!
//! The host name is this machine's (`/proc/sys/kernel/hostname`), its first label made a valid
//! DNS label; `localhost` and the like give none.

use crate::ddns::registry::{PROVIDERS, ProviderId};
use crate::prompt::Answers;

/// What setup found that gives defaults.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The reload of the web server found on 443/80 ([`super::webserver`]).
    pub deploy_hook: Option<String>,
    /// This machine's host name as a DNS label.
    pub host: Option<String>,
    /// The box's name when running in `direkt lab`.
    pub lab_name: Option<String>,
    /// Another program on port 80, described (direkt's http-01 responder cannot listen there).
    pub port80: Option<String>,
    /// That program's document root, when setup knows it ([`super::webserver`]).
    pub webroot: Option<std::path::PathBuf>,
}

impl Hints {
    /// The host name and the lab from this process's surroundings; the hook, the holder of
    /// port 80 and its document root from `web`.
    pub fn from_system(web: &super::webserver::WebFinding) -> Hints {
        let raw = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        Hints {
            deploy_hook: web.deploy_hook(),
            host: host_label(&raw),
            lab_name: std::env::var_os("DIREKT_LAB_NAME").map(|_| crate::lab::BOX_NAME.to_string()),
            port80: web.foreign_http().map(|h| h.describe()),
            webroot: web.http_docroot(),
        }
    }
}

/// A host name's first label as a DNS label: lower case, letters, digits and inner hyphens.
pub fn host_label(raw: &str) -> Option<String> {
    let first = raw.trim().split('.').next().unwrap_or_default();
    let label: String = first
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let label = label.trim_matches('-').to_string();
    let generic = ["", "localhost", "debian", "ubuntu", "none", "unknown"];
    (!generic.contains(&label.as_str()) && label.len() <= 63).then_some(label)
}

/// The name's default when no answer and no current config give one (rules 3 to 5 above).
pub fn derived_name(given: &Answers, hints: &Hints) -> Option<String> {
    if let Some(lab) = &hints.lab_name {
        return Some(lab.clone());
    }
    let provider = given
        .text("ddns.provider")
        .and_then(|p| p.parse::<ProviderId>().ok());
    if let Some(zone) = given
        .text("ddns.zone")
        .map(|z| z.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|z| !z.is_empty())
    {
        let own_name = PROVIDERS
            .iter()
            .flat_map(|s| s.guess_suffixes.iter())
            .any(|suffix| zone.ends_with(suffix) && zone.len() > suffix.len());
        if own_name {
            return Some(zone);
        }
        if let Some(host) = &hints.host {
            return Some(format!("{host}.{zone}"));
        }
    }
    if let (Some(suffix), Some(host)) = (provider.and_then(|p| p.spec().name_suffix), &hints.host) {
        return Some(format!("{host}{suffix}"));
    }
    hints.lab_name.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Answer;

    fn given(pairs: &[(&str, &str)]) -> Answers {
        let mut a = Answers::default();
        for (k, v) in pairs {
            a.set(k, Answer::Text(v.to_string()));
        }
        a
    }

    fn hints(host: Option<&str>, lab: bool) -> Hints {
        Hints {
            deploy_hook: None,
            host: host.map(str::to_string),
            lab_name: lab.then(|| "box.example.test".to_string()),
            ..Hints::default()
        }
    }

    #[test]
    fn host_names_become_labels() {
        assert_eq!(host_label("nas\n").as_deref(), Some("nas"));
        assert_eq!(host_label("My_Box.fritz.box\n").as_deref(), Some("my-box"));
        assert_eq!(host_label("localhost\n"), None);
        assert_eq!(host_label("--\n"), None);
        assert_eq!(host_label(""), None);
    }

    #[test]
    fn the_name_from_zone_provider_or_lab() {
        let h = hints(Some("nas"), false);
        // A zone of its own (dynv6, ipv64): the zone is the name.
        let g = given(&[("ddns.provider", "dynv6"), ("ddns.zone", "me.dynv6.net")]);
        assert_eq!(derived_name(&g, &h).as_deref(), Some("me.dynv6.net"));
        let g = given(&[("ddns.provider", "ipv64"), ("ddns.zone", "me.ipv64.net")]);
        assert_eq!(derived_name(&g, &h).as_deref(), Some("me.ipv64.net"));
        // A zone of one's own domain: the host's name in it.
        let g = given(&[
            ("ddns.provider", "cloudflare"),
            ("ddns.zone", "Example.org."),
        ]);
        assert_eq!(derived_name(&g, &h).as_deref(), Some("nas.example.org"));
        // DuckDNS: every name ends in .duckdns.org.
        let g = given(&[("ddns.provider", "duckdns")]);
        assert_eq!(derived_name(&g, &h).as_deref(), Some("nas.duckdns.org"));
        // Nothing to go on: none, unless in the lab.
        assert_eq!(
            derived_name(&given(&[("ddns.provider", "cloudflare")]), &h),
            None
        );
        assert_eq!(derived_name(&Answers::default(), &h), None);
        // In the lab: the lab's name, whatever else is given.
        let g = given(&[("ddns.provider", "rfc2136"), ("ddns.zone", "example.test")]);
        assert_eq!(
            derived_name(&g, &hints(Some("nas"), true)).as_deref(),
            Some("box.example.test")
        );
        // No usable host name: a zone alone does not make a name.
        let g = given(&[("ddns.zone", "example.org")]);
        assert_eq!(derived_name(&g, &hints(None, false)), None);
        // Every derived name passes the name question's own check.
        for g in [
            given(&[("ddns.zone", "example.org")]),
            given(&[("ddns.provider", "duckdns")]),
        ] {
            let n = derived_name(&g, &h).unwrap();
            assert!((super::super::questions::NAME.check)(&n).is_ok(), "{n}");
        }
    }
}
