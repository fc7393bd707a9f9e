//! The DNS provider registry: every provider's description, in the order the wizard offers
//! them. Config validation, the setup wizard, doctor's `provider.credentials`, `direkt ddns
//! providers` and the README's provider table all read [`PROVIDERS`]; nothing else lists
//! providers.
//!
//! Adding a provider is one file in `src/ddns/` with a `pub const SPEC: Spec` and a
//! [`Provider`] implementation, plus its name in the `providers!` list in `ddns/mod.rs`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::Provider;
use crate::config::{DdnsConfig, Settings};
use crate::error::Result;

/// How a provider is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A provider's own HTTP API.
    Api,
    /// RFC 2136 dynamic updates signed with TSIG.
    Rfc2136,
    /// The dyndns2 protocol (`/nic/update`) at a URL the user gives.
    Dyndns2,
    /// dyndns2 at a known provider's URL.
    Dyndns2Preset,
    /// A name delegated to a server direkt runs.
    Delegation,
    /// An external command does the update.
    Exec,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Api => "api",
            Kind::Rfc2136 => "rfc2136",
            Kind::Dyndns2 => "dyndns2",
            Kind::Dyndns2Preset => "dyndns2-preset",
            Kind::Delegation => "delegation",
            Kind::Exec => "exec",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record type a provider can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RecordType {
    A,
    #[serde(rename = "AAAA")]
    Aaaa,
    #[serde(rename = "TXT")]
    Txt,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Txt => "TXT",
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The built-in default of a wizard question.
#[derive(Debug, Clone, Copy)]
pub enum Builtin {
    None,
    /// The name without its first label (`example.org` for `box.example.org`).
    ParentZone,
    Text(&'static str),
}

/// A validator: `Err` says why, in words fit for the wizard and the config error.
pub type Check = fn(&str) -> std::result::Result<(), String>;

/// One `[ddns]` key a provider reads, with its wizard question and its validation (the same
/// one for the config file and the wizard).
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key in `[ddns]` (and `ddns.<name>` in an answers file).
    pub name: &'static str,
    pub required: bool,
    pub prompt: &'static str,
    pub help: &'static str,
    pub default: Builtin,
    pub check: Check,
    /// How to fix a value the check refuses.
    pub hint: &'static str,
}

/// One of the provider's secrets.
#[derive(Debug, Clone, Copy)]
pub struct SecretKey {
    /// The key under `[ddns]` in the secrets file (`DIREKT_DDNS_<KEY>` in the environment).
    pub name: &'static str,
    pub prompt: &'static str,
    pub help: &'static str,
}

/// What a provider says about itself.
#[derive(Debug)]
pub struct Spec {
    /// `[ddns] provider = "<name>"`.
    pub name: &'static str,
    /// Other spellings accepted in the config and answers (written back as `name`).
    pub aliases: &'static [&'static str],
    /// The name people know it by (`DuckDNS`).
    pub title: &'static str,
    pub kind: Kind,
    /// One line for the wizard's choice list.
    pub summary: &'static str,
    /// Where to get the credentials, which permission they need.
    pub help: &'static str,
    pub keys: &'static [Key],
    /// Its secrets, the main one first (most providers have one; OVH and Route 53 more).
    pub secrets: &'static [SecretKey],
    pub records: &'static [RecordType],
    pub docs: &'static str,
    /// Names this provider serves end in this (DuckDNS); the config refuses other names and the
    /// wizard guesses the provider from it.
    pub name_suffix: Option<&'static str>,
    /// The wizard's guess for names ending in these.
    pub guess_suffixes: &'static [&'static str],
    /// The provider built from `[ddns]`, its secret resolved.
    pub build: fn(&DdnsConfig, &Settings) -> Result<Box<dyn Provider>>,
}

impl Spec {
    pub fn writes(&self, r: RecordType) -> bool {
        self.records.contains(&r)
    }

    /// The key, if this provider reads `[ddns] <name>`.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The secret, if this provider has one called `name`.
    pub fn secret(&self, name: &str) -> Option<&'static SecretKey> {
        self.secrets.iter().find(|k| k.name == name)
    }

    /// Every `[ddns]` key this provider accepts besides `provider`, `ttl` and `refresh`: its
    /// keys, `server` (an API base URL override for API providers) and `<secret>_file`.
    pub fn accepted_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.keys.iter().map(|k| k.name.to_string()).collect();
        if self.key("server").is_none() {
            keys.push("server".into());
        }
        keys.extend(self.secrets.iter().map(|s| format!("{}_file", s.name)));
        keys
    }
}

pub use super::PROVIDERS;

/// The provider called `name` (or one of its aliases), any case.
pub fn find(name: &str) -> Option<ProviderId> {
    let name = name.trim();
    PROVIDERS
        .iter()
        .find(|s| {
            s.name.eq_ignore_ascii_case(name)
                || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .map(|s| ProviderId(s))
}

/// Every provider's name, comma-separated (for messages).
pub fn names() -> String {
    PROVIDERS
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The wizard's first guess for a name: the provider whose names look like it, else the first.
pub fn guess(name: &str) -> ProviderId {
    PROVIDERS
        .iter()
        .find(|s| s.guess_suffixes.iter().any(|suf| name.ends_with(suf)))
        .map(|s| ProviderId(s))
        .unwrap_or(ProviderId(PROVIDERS[0]))
}

/// A provider from the registry: what `[ddns] provider` holds.
#[derive(Clone, Copy)]
pub struct ProviderId(&'static Spec);

impl ProviderId {
    pub fn spec(self) -> &'static Spec {
        self.0
    }
    pub fn name(self) -> &'static str {
        self.0.name
    }
    pub fn kind(self) -> Kind {
        self.0.kind
    }
}

impl PartialEq for ProviderId {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for ProviderId {}

impl fmt::Debug for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProviderId({})", self.0.name)
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl FromStr for ProviderId {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        find(s).ok_or_else(|| format!("unknown provider `{s}`: use one of {}", names()))
    }
}

impl Serialize for ProviderId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for ProviderId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One provider in `direkt ddns providers --json`.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub title: &'static str,
    pub kind: Kind,
    pub records: &'static [RecordType],
    pub secrets: Vec<&'static str>,
    pub keys: Vec<&'static str>,
    pub docs: &'static str,
}

/// The registry as `ddns providers` shows it.
pub fn listing() -> Vec<Listing> {
    PROVIDERS
        .iter()
        .map(|s| Listing {
            name: s.name,
            aliases: s.aliases,
            title: s.title,
            kind: s.kind,
            records: s.records,
            secrets: s.secrets.iter().map(|x| x.name).collect(),
            keys: s.keys.iter().map(|k| k.name).collect(),
            docs: s.docs,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Checks shared by providers' keys

/// Any value.
pub fn any(_: &str) -> std::result::Result<(), String> {
    Ok(())
}

/// A DNS name.
pub fn domain(s: &str) -> std::result::Result<(), String> {
    s.parse::<crate::config::DomainName>().map(|_| ())
}

/// An `http(s)://` URL.
pub fn http_url(s: &str) -> std::result::Result<(), String> {
    match reqwest::Url::parse(s) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(()),
        _ => Err(format!("`{s}` is not an http(s):// URL")),
    }
}

/// `IP` or `IP:port`.
pub fn ip_or_socket(s: &str) -> std::result::Result<(), String> {
    if s.parse::<std::net::SocketAddr>().is_ok() || s.parse::<std::net::IpAddr>().is_ok() {
        Ok(())
    } else {
        Err(format!("`{s}` is not an IP address or IP:port"))
    }
}

/// The zone question every zone-based provider asks.
pub const ZONE: Key = Key {
    name: "zone",
    required: true,
    prompt: "Zone (the domain that holds the name)",
    help: "Usually the name without its first label.",
    default: Builtin::ParentZone,
    check: domain,
    hint: "set zone to the domain that holds the name",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_resolve_and_unknown_names_list_the_valid_ones() {
        assert_eq!(find("RFC2136").unwrap().name(), "rfc2136");
        for s in PROVIDERS {
            assert_eq!(find(s.name).unwrap().name(), s.name);
            for a in s.aliases {
                assert_eq!(find(a).unwrap().name(), s.name, "{a}");
            }
        }
        let e = "nosuchdns".parse::<ProviderId>().unwrap_err();
        assert!(e.contains("nosuchdns"), "{e}");
        for s in PROVIDERS {
            assert!(e.contains(s.name), "{e}");
        }
    }

    #[test]
    fn names_are_unique_and_every_provider_says_where_its_docs_are() {
        let mut seen = std::collections::BTreeSet::new();
        for s in PROVIDERS {
            assert!(seen.insert(s.name), "{} twice", s.name);
            for a in s.aliases {
                assert!(seen.insert(a), "{a} twice");
            }
            assert!(s.docs.starts_with("https://"), "{}", s.name);
            assert!(!s.records.is_empty(), "{}", s.name);
        }
    }

    #[test]
    fn the_guess_follows_the_name() {
        assert_eq!(guess("me.duckdns.org").name(), "duckdns");
        assert_eq!(guess("me.dedyn.io").name(), "desec");
        assert_eq!(guess("box.example.org").name(), "dyndns2");
    }

    #[test]
    fn serde_writes_the_canonical_name() {
        let id: ProviderId = serde_json::from_str("\"dyndns\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"dyndns2\"");
    }

    #[test]
    fn checks() {
        assert!(ip_or_socket("192.0.2.53").is_ok());
        assert!(ip_or_socket("192.0.2.53:5353").is_ok());
        assert!(ip_or_socket("ns1.example.org").is_err());
        assert!(http_url("https://dynupdate.no-ip.com/nic/update").is_ok());
        assert!(http_url("dynupdate.no-ip.com/nic/update").is_err());
        assert!(domain("example.org").is_ok());
        assert!(domain("bad..name").is_err());
    }

    /// What a new provider's description promises holds: a `[ddns]` with just its keys (each
    /// filled with a value its own check accepts) and its secret passes config validation and
    /// builds the provider.
    #[test]
    fn every_description_matches_what_its_provider_needs() {
        use crate::config::{Config, Paths, Secret, Secrets, Settings};
        for spec in PROVIDERS {
            let name = format!("box{}", spec.name_suffix.unwrap_or(".example.org"));
            let mut text = format!("name = \"{name}\"\n[ddns]\nprovider = \"{}\"\n", spec.name);
            for key in spec.keys {
                let value = [
                    "192.0.2.53:53",
                    "https://example.org/nic/update",
                    "example.org",
                    "/usr/local/bin/dns-update",
                    "30s",
                    "12345",
                    // An id or key of a provider (AWS's documented example access key id).
                    "AKIAIOSFODNN7EXAMPLE",
                    // A provider's endpoint name.
                    "ovh-eu",
                ]
                .into_iter()
                .find(|v| (key.check)(v).is_ok())
                .unwrap_or_else(|| panic!("{}: no sample passes {}", spec.name, key.name));
                text.push_str(&format!("{} = \"{value}\"\n", key.name));
            }
            let config = Config::parse(&text, std::path::Path::new("x.toml"))
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", spec.name));
            let mut secrets = Secrets::default();
            for secret in spec.secrets {
                secrets.set("ddns", secret.name, Secret::new("c2VjcmV0"));
            }
            let ddns = config.ddns.clone().unwrap();
            let settings = Settings {
                paths: Paths {
                    config_file: "x.toml".into(),
                    state_dir: "/nonexistent".into(),
                },
                config: Some(config),
                secrets,
            };
            let provider =
                (spec.build)(&ddns, &settings).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(provider.spec().name, spec.name);
            // Without the secret it is a usage error naming it (the exec provider's secret
            // is optional: its program may need none).
            let bare = Settings {
                secrets: Secrets::default(),
                ..settings
            };
            if spec.kind == Kind::Exec {
                assert!((spec.build)(&ddns, &bare).is_ok(), "{}", spec.name);
                continue;
            }
            let e = (spec.build)(&ddns, &bare).err().expect("no secret");
            assert_eq!(e.exit_code(), 2, "{}", spec.name);
            assert!(
                e.message().contains(spec.secrets[0].name),
                "{}",
                e.message()
            );
        }
    }
}
