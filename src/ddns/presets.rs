//! dyndns2 presets: known services that speak the dyndns2 protocol (`GET /nic/update?hostname=
//! <name>&myip=<address>` with Basic auth, answers `good` / `nochg` / `badauth` ...), so no
//! protocol code of their own: each is a [`Spec`] whose build fills in the service's update URL
//! and its user-name rule, and [`super::dyndns2`] does the rest. `provider = "strato"` works
//! exactly like `provider = "dyndns2"` with Strato's server filled in; a `server` given anyway
//! overrides it (one without a path keeps the preset's path and query).
//!
//! Each endpoint is the one the service documents (the `docs` URL) and the one inadyn
//! (`plugins/dyndns.c`), ddclient or ddns-updater use for it. Not here: ddnss.de (its
//! `/upd.php` answers in its own words, not dyndns2's), Namecheap (its own protocol), Google
//! Domains (retired), Dyn (`dyndns`, already an alias of `dyndns2`).

use super::dyndns2::{Dyndns2, Preset, UserRule};
use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};

/// The `username` key of a preset: required when the service's user name is the account's,
/// else a default the build fills in.
const fn user_key(required: bool, help: &'static str) -> Key {
    Key {
        name: "username",
        required,
        prompt: "User name",
        help,
        default: Builtin::None,
        check: registry::any,
        hint: "the user name the DNS service gave you for dynamic updates",
    }
}

macro_rules! preset {
    (
        $(#[$doc:meta])*
        $id:ident {
            name: $name:literal,
            aliases: $aliases:expr,
            title: $title:literal,
            url: $url:literal,
            user: $user:ident,
            summary: $summary:literal,
            help: $help:literal,
            user_help: $user_help:literal,
            secret: $secret_prompt:literal,
            docs: $docs:literal,
            guess: $guess:expr $(,)?
        }
    ) => {
        $(#[$doc])*
        pub static $id: Spec = Spec {
            name: $name,
            aliases: $aliases,
            title: $title,
            kind: Kind::Dyndns2Preset,
            summary: $summary,
            help: $help,
            keys: &[user_key(matches!(UserRule::$user, UserRule::Account), $user_help)],
            secrets: &[SecretKey {
                name: "password",
                prompt: $secret_prompt,
                help: $help,
            }],
            records: &[RecordType::A, RecordType::Aaaa],
            docs: $docs,
            name_suffix: None,
            guess_suffixes: $guess,
            build: |d, s| {
                const P: Preset = Preset {
                    url: $url,
                    user: UserRule::$user,
                };
                Ok(Box::new(Dyndns2::preset(&$id, &P, d, s)?))
            },
        };
    };
}

preset! {
    /// No-IP: the account's user name and password, or a DDNS Key's.
    NOIP {
        name: "noip",
        aliases: &["no-ip"],
        title: "No-IP",
        url: "https://dynupdate.no-ip.com/nic/update",
        user: Account,
        summary: "noip: No-IP (ddns.net, hopto.org, ... or your own domain)",
        help: "Your No-IP user name (or e-mail) and password, or better a DDNS Key: noip.com > \
               Dynamic DNS > DDNS Keys creates a user name and password that can only update \
               hosts.",
        user_help: "The No-IP user name or e-mail, or the DDNS Key's user name.",
        secret: "Password (or DDNS Key password)",
        docs: "https://www.noip.com/integrate/request",
        guess: &[".ddns.net", ".hopto.org", ".zapto.org", ".sytes.net", ".no-ip.org"],
    }
}

preset! {
    /// Dynu: the account's user name; the password or a separate IP-update password.
    DYNU {
        name: "dynu",
        aliases: &[],
        title: "Dynu",
        url: "https://api.dynu.com/nic/update",
        user: Account,
        summary: "dynu: Dynu (dynu.net, freeddns.org, ... or your own domain)",
        help: "Your Dynu user name, and the account password or better an IP Update Password \
               (dynu.com > Control Panel > My Account > Username/Password), which can only \
               update addresses.",
        user_help: "The Dynu user name.",
        secret: "Password (or IP Update Password)",
        docs: "https://www.dynu.com/DynamicDNS/IP-Update-Protocol",
        guess: &[".dynu.net", ".freeddns.org", ".mywire.org"],
    }
}

preset! {
    /// Strato: the user name is the domain, the password the DynDNS password set for it.
    STRATO {
        name: "strato",
        aliases: &[],
        title: "Strato",
        url: "https://dyndns.strato.com/nic/update",
        user: Domain,
        summary: "strato: a domain at Strato (DynDNS switched on for it)",
        help: "Switch DynDNS on for the domain and set its DynDNS password (Strato customer \
               login > Domains > Domainverwaltung > Einstellungen > DynDNS). The user name is \
               the domain (example.de for box.example.de): direkt fills it in.",
        user_help: "The domain (filled in from the name; set it only if Strato says otherwise).",
        secret: "DynDNS password",
        docs: "https://www.strato.de/faq/hosting/so-einfach-richten-sie-dyndns-fuer-ihre-domains-ein/",
        guess: &[],
    }
}

preset! {
    /// OVH DynHost: a DynHost login created for the domain.
    OVH_DYNHOST {
        name: "ovh-dynhost",
        aliases: &["dynhost"],
        title: "OVH DynHost",
        url: "https://www.ovh.com/nic/update?system=dyndns",
        user: Account,
        summary: "ovh-dynhost: a DynHost record at OVHcloud with its DynHost login",
        help: "In the OVHcloud control panel: Domain names > the domain > DynHost: add a \
               DynHost record for the name, then \"Manage access\" creates a login (e.g. \
               example.org-box) and its password, limited to that record.",
        user_help: "The DynHost login (e.g. example.org-box).",
        secret: "DynHost login password",
        docs: "https://help.ovhcloud.com/csm/en-domain-names-dynhost?id=kb_article_view&sysparm_article=KB0051636",
        guess: &[],
    }
}

preset! {
    /// selfHOST: the DynDNS account's user name and password.
    SELFHOST {
        name: "selfhost",
        aliases: &["selfhost.de"],
        title: "selfHOST",
        url: "https://carol.selfhost.de/nic/update",
        user: Account,
        summary: "selfhost: selfHOST.de (selfhost.eu names or your own domain)",
        help: "The DynDNS account's user name and password (selfhost.de customer login > \
               DynDNS Accounts), not the customer login itself.",
        user_help: "The DynDNS account's user name.",
        secret: "DynDNS account password",
        docs: "https://www.selfhost.de/cgi-bin/selfhost?p=document&name=api",
        guess: &[".selfhost.eu", ".selfhost.bz", ".selfhost.me"],
    }
}

preset! {
    /// FreeDNS (afraid.org): its dyndns2-compatible endpoint with the account's login.
    FREEDNS {
        name: "freedns",
        aliases: &["afraid"],
        title: "FreeDNS (afraid.org)",
        url: "https://freedns.afraid.org/nic/update",
        user: Account,
        summary: "freedns: FreeDNS at afraid.org (mooo.com and the other shared domains)",
        help: "Your freedns.afraid.org user name and password (the name must be a host of \
               that account, under Dynamic DNS).",
        user_help: "The afraid.org user name.",
        secret: "afraid.org password",
        docs: "https://freedns.afraid.org/dynamic/v2/",
        guess: &[".mooo.com", ".chickenkiller.com", ".strangled.net"],
    }
}

preset! {
    /// Hurricane Electric dns.he.net: the user name is the host name, the password the
    /// record's DDNS key.
    HE {
        name: "he",
        aliases: &["he.net", "hurricane-electric"],
        title: "Hurricane Electric",
        url: "https://dyn.dns.he.net/nic/update",
        user: Hostname,
        summary: "he: a dynamic record at Hurricane Electric's free DNS (dns.he.net)",
        help: "At dns.he.net make the A (and AAAA) record \"dynamic\" and generate its DDNS \
               key (the arrows icon beside the record). The user name is the host name: \
               direkt fills it in.",
        user_help: "The host name (filled in from the name).",
        secret: "The record's DDNS key",
        docs: "https://dns.he.net/docs.html",
        guess: &[],
    }
}

preset! {
    /// Infomaniak: a dynamic-DNS user created in the Manager.
    INFOMANIAK {
        name: "infomaniak",
        aliases: &[],
        title: "Infomaniak",
        url: "https://infomaniak.com/nic/update",
        user: Account,
        summary: "infomaniak: a domain at Infomaniak with a Dynamic DNS user",
        help: "In the Infomaniak Manager: the domain > DNS zone > Dynamic DNS: create the \
               record with a user name and password for it (not your Infomaniak login).",
        user_help: "The Dynamic DNS user name.",
        secret: "Dynamic DNS password",
        docs: "https://www.infomaniak.com/en/support/faq/2376/dyndns-updating-a-dynamic-dns-via-the-api",
        guess: &[],
    }
}

preset! {
    /// Loopia: the Loopia account's login.
    LOOPIA {
        name: "loopia",
        aliases: &[],
        title: "Loopia",
        url: "https://dns.loopia.se/XDynDNSServer/XDynDNS.php",
        user: Account,
        summary: "loopia: a domain at Loopia (DynDNS support)",
        help: "Your Loopia customer user name and password (Loopia Customer zone); the name \
               must be in one of the account's domains.",
        user_help: "The Loopia customer user name.",
        secret: "Loopia password",
        docs: "https://support.loopia.com/wiki/about-the-dyndns-support/",
        guess: &[],
    }
}

preset! {
    /// DNS-O-Matic (OpenDNS): one update fanned out to the services set up there.
    DNSOMATIC {
        name: "dnsomatic",
        aliases: &["dns-o-matic"],
        title: "DNS-O-Matic",
        url: "https://updates.dnsomatic.com/nic/update",
        user: Account,
        summary: "dnsomatic: DNS-O-Matic, which forwards the update to the services set up there",
        help: "Your DNS-O-Matic user name and password (dnsomatic.com); the services to update \
               are set up there.",
        user_help: "The DNS-O-Matic user name.",
        secret: "DNS-O-Matic password",
        docs: "https://www.dnsomatic.com/docs/api",
        guess: &[],
    }
}

preset! {
    /// Securepoint DynDNS (spdyn.de): the user name is the host name, the password its update
    /// token.
    SPDYN {
        name: "spdyn",
        aliases: &["securepoint"],
        title: "Securepoint DynDNS (spdyn)",
        url: "https://update.spdyn.de/nic/update",
        user: Hostname,
        summary: "spdyn: Securepoint DynDNS (spdyn.de names)",
        help: "The host's update token (spdyn.de > host > token); the user name is the host \
               name, which direkt fills in. The account's user name and password work too \
               (set username then).",
        user_help: "The host name (filled in from the name), or the account's user name.",
        secret: "Update token (or account password)",
        docs: "https://wiki.securepoint.de/SPDyn",
        guess: &[".spdyn.de"],
    }
}

#[cfg(test)]
mod tests {
    use crate::ddns::registry::{Kind, find};

    #[test]
    fn every_preset_is_a_dyndns2_preset_with_a_password() {
        let presets: Vec<_> = crate::ddns::PROVIDERS
            .iter()
            .filter(|s| s.kind == Kind::Dyndns2Preset)
            .collect();
        assert!(presets.len() >= 8, "{}", presets.len());
        for s in presets {
            assert_eq!(s.secrets[0].name, "password", "{}", s.name);
            assert!(s.key("username").is_some(), "{}", s.name);
        }
        assert_eq!(find("No-IP").unwrap().name(), "noip");
        assert_eq!(find("dynhost").unwrap().name(), "ovh-dynhost");
    }
}
