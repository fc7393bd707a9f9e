//! Configuration: one TOML file, validated on load into typed settings, plus the secrets that
//! live outside it. Every path decision (config file, state dir) and every secret lookup
//! happens here, once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize};

use crate::cli::GlobalArgs;
// The provider list is the registry's: config validation reads it rather than keeping a copy.
use crate::ddns::registry::ProviderId;
use crate::error::{Context as _, Error, Result};
use crate::fsutil;

// ---------------------------------------------------------------------------------------------
// Paths

/// Where the config file and the state live, after flags, environment and config are applied.
#[derive(Debug, Clone, Serialize)]
pub struct Paths {
    pub config_file: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// The one precedence rule: a flag (or its environment variable) over the config file over
    /// the default.
    pub fn resolve(global: &GlobalArgs, config_file: PathBuf, config: Option<&Config>) -> Paths {
        let state_dir = global
            .state_dir
            .clone()
            .or_else(|| config.and_then(|c| c.state_dir.clone()))
            .unwrap_or_else(default_state_dir);
        Paths {
            config_file,
            state_dir,
        }
    }
}

/// The secrets file: `secrets_file` from the config, else `secrets.toml` beside the config.
pub fn secrets_file_for(config: Option<&Config>, config_file: &Path) -> PathBuf {
    config
        .and_then(|c| c.secrets_file.clone())
        .unwrap_or_else(|| config_file.with_file_name("secrets.toml"))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
    {
        Some(p) if p.is_absolute() => p,
        _ => home().unwrap_or_else(|| PathBuf::from("/")).join(fallback),
    }
}

/// root's config file (and the Debian package's `/etc/direkt`).
pub const ROOT_CONFIG_FILE: &str = "/etc/direkt/direkt.toml";
/// root's state directory (the Debian package leaves it on remove).
pub const ROOT_STATE_DIR: &str = "/var/lib/direkt";

/// `/etc/direkt/direkt.toml` for root, else `$XDG_CONFIG_HOME/direkt/direkt.toml`.
pub fn default_config_file() -> PathBuf {
    if is_root() {
        PathBuf::from(ROOT_CONFIG_FILE)
    } else {
        xdg_dir("XDG_CONFIG_HOME", ".config").join("direkt/direkt.toml")
    }
}

/// `/var/lib/direkt` for root, else `$XDG_STATE_HOME/direkt`.
pub fn default_state_dir() -> PathBuf {
    if is_root() {
        PathBuf::from(ROOT_STATE_DIR)
    } else {
        xdg_dir("XDG_STATE_HOME", ".local/state").join("direkt")
    }
}

// ---------------------------------------------------------------------------------------------
// Settings: what a command gets

/// The loaded configuration (if any), its paths and its secrets.
#[derive(Debug)]
pub struct Settings {
    pub paths: Paths,
    /// `None` when no config file exists yet.
    pub config: Option<Config>,
    pub secrets: Secrets,
}

impl Settings {
    /// Load from flags/environment. A missing config file is not an error here: commands that
    /// need one call [`Settings::require`].
    pub fn load(global: &GlobalArgs) -> Result<Settings> {
        let config_file = global.config.clone().unwrap_or_else(default_config_file);
        // A missing file is "not configured yet", also when named explicitly: `setup` creates
        // it, `status` says how to start.
        let config = if config_file.exists() {
            Some(Config::load(&config_file)?)
        } else {
            None
        };
        let paths = Paths::resolve(global, config_file, config.as_ref());
        let secrets = Secrets::load(&secrets_file_for(config.as_ref(), &paths.config_file))?;
        Ok(Settings {
            paths,
            config,
            secrets,
        })
    }

    /// Settings for a config not written yet (setup's candidate): the same paths rule as
    /// [`Settings::load`], so a global `--state-dir` still wins over the candidate's
    /// `state_dir`.
    pub fn candidate(
        global: &GlobalArgs,
        config_file: &Path,
        config: Config,
        secrets: Secrets,
    ) -> Settings {
        Settings {
            paths: Paths::resolve(global, config_file.to_path_buf(), Some(&config)),
            config: Some(config),
            secrets,
        }
    }

    /// The config, or a usage error saying how to create one.
    pub fn require(&self) -> Result<&Config> {
        self.config.as_ref().ok_or_else(|| {
            Error::usage(format!(
                "no configuration at {}",
                self.paths.config_file.display()
            ))
            .hint(NO_CONFIG_HINT)
        })
    }
}

pub const NO_CONFIG_HINT: &str = "write a config file (see `direkt --help` and the README's \"Configuration\" section), or \
     pass --config FILE";

// ---------------------------------------------------------------------------------------------
// The config file

/// The whole config file. Unknown keys are errors: a typo must not be silently ignored.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The dynamic DNS name of the box, e.g. `box.example.org`.
    pub name: DomainName,
    /// Further names in the certificate (the owner's domains, CNAMEd to `name`).
    #[serde(default)]
    pub aliases: Vec<DomainName>,
    /// Overrides the default state directory (the lab keeps its state in its own directory).
    pub state_dir: Option<PathBuf>,
    /// Overrides `secrets.toml` beside the config file.
    pub secrets_file: Option<PathBuf>,
    #[serde(default)]
    pub ip: IpConfig,
    pub ddns: Option<DdnsConfig>,
    /// DNS-01 through an acme-dns server (the `_acme-challenge` CNAME delegation), next to any
    /// `[ddns]` (or none).
    pub acme_dns: Option<AcmeDnsConfig>,
    pub ports: Option<PortsConfig>,
    pub cert: Option<CertConfig>,
    #[serde(default)]
    pub doctor: DoctorConfig,
    pub notify: Option<NotifyConfig>,
}

/// How the public address is found.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpConfig {
    pub ipv4: bool,
    pub ipv6: bool,
    /// How many independent sources must agree before an address is published.
    pub quorum: usize,
    /// STUN servers, `host:port`.
    pub stun: Vec<String>,
    /// direkt probe servers (`http(s)://host[:port]`): address echo and connect-back checks.
    pub probe: Vec<String>,
    /// Plain HTTPS echo services answering the caller's address as text.
    pub echo: Vec<String>,
    /// Port checks in the style of echoip (`GET <url>/port/N` answers
    /// `{"ip", "port", "reachable"}`): doctor's outside view when no direkt probe server is
    /// configured. Asked by doctor only, never by `renew` or `ddns`.
    pub port_check: Vec<String>,
    /// Ask the gateway (UPnP / NAT-PMP) for its external address.
    pub gateway: bool,
    /// Prefixes to treat as public although they are reserved (the lab's documentation ranges).
    pub public_prefixes: Vec<IpNet>,
    /// Interface whose stable global IPv6 address is published.
    pub ipv6_interface: Option<String>,
    /// Fixed interface identifier (e.g. `::10`) combined with the interface's /64, for a host
    /// behind the box.
    pub ipv6_interface_id: Option<std::net::Ipv6Addr>,
}

impl Default for IpConfig {
    fn default() -> Self {
        IpConfig {
            ipv4: true,
            ipv6: false,
            quorum: 2,
            stun: vec![
                "stun.l.google.com:19302".into(),
                "stun.cloudflare.com:3478".into(),
            ],
            probe: vec![],
            echo: vec![
                "https://api.ipify.org".into(),
                "https://ipv4.icanhazip.com".into(),
            ],
            port_check: vec!["https://ifconfig.co".into()],
            gateway: true,
            public_prefixes: vec![],
            ipv6_interface: None,
            ipv6_interface_id: None,
        }
    }
}

/// The DNS provider. Which keys apply depends on `provider`; secrets (password, token, TSIG
/// secret) are never here but in the secrets file, a `*_file` or the environment.
///
/// Not `deny_unknown_fields`: the keys of the providers added since (their registry `Key`s and
/// `<secret>_file`) land in `extra`, and validation refuses any key the configured provider's
/// description does not name (with its accepted keys), so a typo is still an error.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DdnsConfig {
    /// A provider of the registry ([`crate::ddns::registry`]).
    pub provider: ProviderId,
    /// dyndns2: the update URL (`https://dynupdate.no-ip.com/nic/update`); rfc2136: the
    /// primary server `ip:port`; cloudflare/desec: an API base URL override.
    pub server: Option<String>,
    /// The zone holding `name` (rfc2136, cloudflare, desec).
    pub zone: Option<DomainName>,
    /// dyndns2 user name.
    pub username: Option<String>,
    /// rfc2136 TSIG key name.
    pub key_name: Option<String>,
    /// rfc2136 TSIG algorithm.
    #[serde(default)]
    pub algorithm: TsigAlgorithm,
    /// TTL of the records direkt writes, seconds.
    #[serde(default = "default_ttl")]
    pub ttl: u32,
    /// Re-send an unchanged address after this long anyway.
    #[serde(default = "default_refresh")]
    pub refresh: HumanDuration,
    pub password_file: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    pub tsig_secret_file: Option<PathBuf>,
    /// Every other key: provider keys such as `endpoint` or `region`, `<secret>_file`.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

fn default_ttl() -> u32 {
    300
}

impl DdnsConfig {
    /// A `[ddns]` for `provider` with every other key at its default.
    pub fn new(provider: ProviderId) -> DdnsConfig {
        DdnsConfig {
            provider,
            server: None,
            zone: None,
            username: None,
            key_name: None,
            algorithm: TsigAlgorithm::default(),
            ttl: default_ttl(),
            refresh: default_refresh(),
            password_file: None,
            token_file: None,
            tsig_secret_file: None,
            extra: BTreeMap::new(),
        }
    }

    /// The value of a provider key (the registry's [`crate::ddns::registry::Key::name`]).
    pub fn get(&self, key: &str) -> Option<String> {
        match key {
            "server" => self.server.clone(),
            "zone" => self.zone.as_ref().map(|z| z.to_string()),
            "username" => self.username.clone(),
            "key_name" => self.key_name.clone(),
            other => self.extra.get(other).cloned(),
        }
    }

    /// Set a provider key from text (checked by the key's own check before).
    pub fn set(&mut self, key: &str, value: String) -> std::result::Result<(), String> {
        match key {
            "server" => self.server = Some(value),
            "zone" => self.zone = Some(value.parse()?),
            "username" => self.username = Some(value),
            "key_name" => self.key_name = Some(value),
            "provider" | "ttl" | "refresh" | "algorithm" => {
                return Err(format!("[ddns] key `{key}` is not a provider key"));
            }
            other => {
                self.extra.insert(other.to_string(), value);
            }
        }
        Ok(())
    }

    /// The `*_file` that may hold the secret `key`.
    pub fn secret_file(&self, key: &str) -> Option<&Path> {
        match key {
            "password" => self.password_file.as_deref(),
            "token" => self.token_file.as_deref(),
            "tsig_secret" => self.tsig_secret_file.as_deref(),
            other => self.extra.get(&format!("{other}_file")).map(Path::new),
        }
    }

    /// Forget the `*_file` of secret `key` (setup stores the secret in the secrets file, so a
    /// file would shadow the new value).
    pub fn clear_secret_file(&mut self, key: &str) {
        match key {
            "password" => self.password_file = None,
            "token" => self.token_file = None,
            "tsig_secret" => self.tsig_secret_file = None,
            other => {
                self.extra.remove(&format!("{other}_file"));
            }
        }
    }
}
fn default_refresh() -> HumanDuration {
    HumanDuration(Duration::from_secs(25 * 86400))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TsigAlgorithm {
    #[default]
    HmacSha256,
    HmacSha384,
    HmacSha512,
}

/// `[acme_dns]`: the acme-dns server DNS-01 goes through. Its registration (written by `direkt
/// ddns register`) is in the secrets file under `[acme_dns]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AcmeDnsConfig {
    /// The acme-dns API's base URL (default `https://auth.acme-dns.io`).
    pub server: Option<String>,
}

/// Router port forwarding.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PortsConfig {
    /// Mappings as `EXT[:INT][/tcp|udp]`, e.g. `443`, `8443:443/tcp`.
    #[serde(default)]
    pub forward: Vec<PortSpec>,
    /// Lease asked for; re-added before it ends.
    #[serde(default = "default_lease")]
    pub lease: HumanDuration,
}

fn default_lease() -> HumanDuration {
    HumanDuration(Duration::from_secs(3600))
}

/// The certificate.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CertConfig {
    /// `letsencrypt`, `letsencrypt-staging`, `zerossl`, or a directory URL.
    #[serde(default)]
    pub ca: Ca,
    /// Extra PEM roots to trust for the CA's own TLS (a private CA, the lab's Pebble).
    pub ca_bundle: Option<PathBuf>,
    pub email: Option<String>,
    /// The CA's terms of service accepted (needed before an account is created).
    #[serde(default)]
    pub accept_tos: bool,
    /// Challenges in order of preference; later ones are fallbacks.
    #[serde(default = "default_challenges")]
    pub challenges: Vec<ChallengeKind>,
    /// Serve HTTP-01 from this directory instead of a standalone responder.
    pub webroot: Option<PathBuf>,
    #[serde(default)]
    pub key: KeyType,
    /// Keep the private key across renewals (default: a new key per certificate).
    #[serde(default)]
    pub reuse_key: bool,
    /// ACME profile (`tlsserver`, `shortlived`) where the CA lists it.
    pub profile: Option<String>,
    /// External account binding key id (ZeroSSL); the HMAC key is a secret.
    pub eab_kid: Option<String>,
    pub eab_hmac_key_file: Option<PathBuf>,
    /// Command run after a new certificate is in place.
    pub deploy_hook: Option<String>,
    /// The CA's staging directory, where a challenge is proven after a failed validation
    /// before the CA itself is asked again; default: the known CA's own (Let's Encrypt's).
    pub staging_directory: Option<String>,
    #[serde(default = "default_hook_timeout")]
    pub deploy_hook_timeout: HumanDuration,
}

fn default_challenges() -> Vec<ChallengeKind> {
    vec![ChallengeKind::Http01]
}
fn default_hook_timeout() -> HumanDuration {
    HumanDuration(Duration::from_secs(60))
}

/// Let's Encrypt's staging directory.
pub const LETSENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";

/// The certificate authority: a known one by name, or any ACME directory by its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Ca {
    #[default]
    LetsEncrypt,
    LetsEncryptStaging,
    ZeroSsl,
    /// An ACME directory URL (`https://...`).
    Directory(String),
}

impl Ca {
    /// The CAs known by name, in the order the wizard mentions them.
    pub const NAMED: [Ca; 3] = [Ca::LetsEncrypt, Ca::LetsEncryptStaging, Ca::ZeroSsl];

    /// The name, or the directory URL.
    pub fn as_str(&self) -> &str {
        match self {
            Ca::LetsEncrypt => "letsencrypt",
            Ca::LetsEncryptStaging => "letsencrypt-staging",
            Ca::ZeroSsl => "zerossl",
            Ca::Directory(url) => url,
        }
    }

    /// The directory of the CA's staging environment, where known: after a failed validation
    /// direkt proves the challenge there first (the production CA limits failed validations).
    pub fn staging_directory(&self) -> Option<&'static str> {
        match self {
            Ca::LetsEncrypt => Some(LETSENCRYPT_STAGING),
            Ca::LetsEncryptStaging | Ca::ZeroSsl | Ca::Directory(_) => None,
        }
    }

    /// The identifier a CAA record names to allow this CA, if known.
    pub fn caa_identifier(&self) -> Option<&'static str> {
        match self {
            Ca::LetsEncrypt | Ca::LetsEncryptStaging => Some("letsencrypt.org"),
            Ca::ZeroSsl => Some("sectigo.com"),
            Ca::Directory(_) => None,
        }
    }

    /// What may be written, for messages: "letsencrypt, letsencrypt-staging, zerossl or an
    /// https:// directory URL".
    pub fn choices() -> String {
        let names: Vec<&str> = Ca::NAMED.iter().map(Ca::as_str).collect();
        format!("{} or an https:// directory URL", names.join(", "))
    }
}

impl fmt::Display for Ca {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Ca {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if let Some(ca) = Ca::NAMED.iter().find(|c| c.as_str() == s) {
            return Ok(ca.clone());
        }
        if s.starts_with("https://") {
            return Ok(Ca::Directory(s.to_string()));
        }
        Err(format!("unknown CA `{s}`: use {}", Ca::choices()))
    }
}

impl Serialize for Ca {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Ca {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Checked in validation, so the error points at `cert.ca` with a hint.
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or(Ca::Directory(s)))
    }
}

/// An ACME challenge type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ChallengeKind {
    #[serde(rename = "http-01")]
    Http01,
    #[serde(rename = "tls-alpn-01")]
    TlsAlpn01,
    #[serde(rename = "dns-01")]
    Dns01,
}

impl ChallengeKind {
    pub const ALL: [ChallengeKind; 3] = [
        ChallengeKind::Http01,
        ChallengeKind::TlsAlpn01,
        ChallengeKind::Dns01,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ChallengeKind::Http01 => "http-01",
            ChallengeKind::TlsAlpn01 => "tls-alpn-01",
            ChallengeKind::Dns01 => "dns-01",
        }
    }
}

impl fmt::Display for ChallengeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChallengeKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        ChallengeKind::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ChallengeKind::ALL.iter().map(|c| c.as_str()).collect();
                format!("`{s}` is not a challenge: use {}", names.join(", "))
            })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    #[default]
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DoctorConfig {
    /// All checks together must finish within this.
    pub deadline: HumanDuration,
}

impl Default for DoctorConfig {
    fn default() -> Self {
        DoctorConfig {
            deadline: HumanDuration(Duration::from_secs(5)),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Shell command run on failures, latched errors and a certificate close to expiry
    /// (`sh -c`; the reason is in DIREKT_NOTIFY_REASON, _PART, _MESSAGE, _NAME).
    pub command: String,
    /// The command is stopped after this long.
    #[serde(default = "default_notify_timeout")]
    pub timeout: HumanDuration,
}

fn default_notify_timeout() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}

// ---------------------------------------------------------------------------------------------
// Value types with their own validation

/// A syntactically valid DNS name (lower-cased, no trailing dot).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DomainName(String);

impl DomainName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `*.example.org`: a wildcard (allowed in `aliases` only, issued by DNS-01 only).
    pub fn is_wildcard(&self) -> bool {
        self.0.starts_with("*.")
    }

    /// The name without a wildcard's `*.` (the name itself otherwise).
    pub fn base(&self) -> &str {
        self.0.strip_prefix("*.").unwrap_or(&self.0)
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DomainName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let name = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
        let bad = |why: &str| Err(format!("`{s}` is not a valid domain name: {why}"));
        if name.is_empty() {
            return bad("it is empty");
        }
        if name.len() > 253 {
            return bad("it is longer than 253 characters");
        }
        // A wildcard is `*.` before a name of at least two labels (`*.box.example.org`).
        let rest = name.strip_prefix("*.").unwrap_or(&name);
        if !rest.contains('.') {
            return bad("it needs at least two labels, like box.example.org");
        }
        for label in rest.split('.') {
            if label == "*" {
                return bad("`*` may only be the first label of a wildcard, like *.example.org");
            }
            if label.is_empty() {
                return bad("it has an empty label (two dots in a row?)");
            }
            if label.len() > 63 {
                return bad("a label is longer than 63 characters");
            }
            if label.starts_with('-') || label.ends_with('-') {
                return bad("a label starts or ends with '-'");
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return bad("only letters, digits and '-' are allowed (use punycode for IDNs)");
            }
        }
        Ok(DomainName(name))
    }
}

impl<'de> Deserialize<'de> for DomainName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        })
    }
}

/// One forwarding: external port, internal port, protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortSpec {
    pub external: u16,
    pub internal: u16,
    pub protocol: Protocol,
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.external == self.internal {
            write!(f, "{}/{}", self.external, self.protocol)
        } else {
            write!(f, "{}:{}/{}", self.external, self.internal, self.protocol)
        }
    }
}

fn parse_port(s: &str) -> std::result::Result<u16, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a port number"))?;
    if n == 0 || n > 65535 {
        return Err(format!("port {n} is out of range: use 1-65535"));
    }
    Ok(n as u16)
}

impl FromStr for PortSpec {
    type Err = String;
    /// `EXT[:INT][/tcp|udp]`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (ports, protocol) = match s.rsplit_once('/') {
            Some((p, "tcp")) => (p, Protocol::Tcp),
            Some((p, "udp")) => (p, Protocol::Udp),
            Some((_, other)) => {
                return Err(format!(
                    "unknown protocol `{other}` in `{s}`: use tcp or udp"
                ));
            }
            None => (s, Protocol::Tcp),
        };
        let (external, internal) = match ports.split_once(':') {
            Some((e, i)) => (parse_port(e)?, parse_port(i)?),
            None => {
                let p = parse_port(ports)?;
                (p, p)
            }
        };
        Ok(PortSpec {
            external,
            internal,
            protocol,
        })
    }
}

impl Serialize for PortSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(n) => n.to_string(),
            Raw::Str(s) => s,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A duration written as `90s`, `30m`, `1h`, `25d`, `500ms` (or plain seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl FromStr for HumanDuration {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a duration: write e.g. 90s, 30m, 1h or 25d"))?;
        let secs = match unit.trim() {
            "" | "s" => n,
            "ms" => return Ok(HumanDuration(Duration::from_millis(n))),
            "m" | "min" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            _ => return Err(format!("`{s}` has an unknown unit: use ms, s, m, h or d")),
        };
        Ok(HumanDuration(Duration::from_secs(secs)))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let s = d.as_secs();
        if d.subsec_millis() != 0 || s == 0 {
            write!(f, "{}ms", d.as_millis())
        } else if s.is_multiple_of(86400) {
            write!(f, "{}d", s / 86400)
        } else if s.is_multiple_of(3600) {
            write!(f, "{}h", s / 3600)
        } else if s.is_multiple_of(60) {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Str(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(n) => Ok(HumanDuration(Duration::from_secs(n))),
            Raw::Str(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loading and validation

/// A problem at a key of the config file.
struct Problem {
    key: Vec<String>,
    message: String,
    hint: Option<String>,
}

impl Problem {
    fn new(key: &[&str], message: impl Into<String>) -> Self {
        Problem {
            key: key.iter().map(|s| s.to_string()).collect(),
            message: message.into(),
            hint: None,
        }
    }
    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Config {
    /// Read, parse and validate a config file. Errors name the file, line, column and key.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!("cannot read config file {}: {e}", path.display()))
                .hint("check the path and its permissions")
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (line, col, key) = match e.span() {
                    Some(span) => {
                        let (l, c) = line_col(text, span.start);
                        (Some(l), Some(c), key_at(text, span.start))
                    }
                    None => (None, None, None),
                };
                let hint = secret_key_hint(e.message()).unwrap_or_else(|| {
                    "fix the value (see the README's \"Configuration\" section)".into()
                });
                return Err(config_error(
                    path,
                    line,
                    col,
                    key.as_deref(),
                    e.message(),
                    &hint,
                ));
            }
        };
        if let Some(p) = config.validate().into_iter().next() {
            let dotted = p.key.join(".");
            let (line, col) = locate_key(text, &p.key).map(|o| line_col(text, o)).unzip();
            let hint = p
                .hint
                .unwrap_or_else(|| "fix the value and run again".into());
            return Err(config_error(
                path,
                line,
                col,
                Some(&dotted),
                &p.message,
                &hint,
            ));
        }
        Ok(config)
    }

    /// Checks that need more than one field or knowledge serde does not have.
    fn validate(&self) -> Vec<Problem> {
        let mut problems = vec![];
        if self.name.is_wildcard() {
            problems.push(
                Problem::new(&["name"], format!("the name {} is a wildcard", self.name))
                    .hint("set name to the box's own name; wildcards go in `aliases`"),
            );
        }
        if self.ip.quorum == 0 {
            problems.push(Problem::new(&["ip", "quorum"], "quorum must be at least 1"));
        }
        for url in &self.ip.port_check {
            if !url.starts_with("http://") && !url.starts_with("https://") {
                problems.push(
                    Problem::new(
                        &["ip", "port_check"],
                        format!("`{url}` is not an http:// or https:// URL"),
                    )
                    .hint("write the port check's base URL, like \"https://ifconfig.co\""),
                );
            }
        }
        if !self.ip.ipv4 && !self.ip.ipv6 {
            problems.push(
                Problem::new(
                    &["ip", "ipv4"],
                    "both ipv4 and ipv6 are off: nothing to publish",
                )
                .hint("set ipv4 = true or ipv6 = true"),
            );
        }
        if let Some(d) = &self.ddns {
            problems.extend(self.ddns_problems(d));
        }
        if let Some(p) = &self.ports {
            let secs = p.lease.0.as_secs();
            if !(120..=604_800).contains(&secs) {
                problems.push(
                    Problem::new(
                        &["ports", "lease"],
                        format!("lease {} is out of range", p.lease),
                    )
                    .hint("use 2m to 7d (routers cap UPnP leases at 7 days); 1h is a good value"),
                );
            }
        }
        if let Some(c) = &self.cert {
            if c.challenges.is_empty() {
                problems.push(
                    Problem::new(&["cert", "challenges"], "no challenge type given")
                        .hint("use e.g. challenges = [\"http-01\", \"dns-01\"]"),
                );
            }
            if let Ca::Directory(url) = &c.ca
                && !url.starts_with("https://")
            {
                problems.push(
                    Problem::new(&["cert", "ca"], format!("unknown CA `{url}`"))
                        .hint(format!("use {}", Ca::choices())),
                );
            }
            if let Some(url) = &c.staging_directory
                && !url.starts_with("https://")
            {
                problems.push(
                    Problem::new(
                        &["cert", "staging_directory"],
                        format!("`{url}` is not an https:// ACME directory URL"),
                    )
                    .hint("name the CA's staging directory, e.g. https://acme-staging-v02.api.letsencrypt.org/directory, or remove the key"),
                );
            }
            problems.extend(self.wildcard_problems(c));
            // No provider at all is refused as before; one without TXT only when dns-01 is the
            // only challenge (as a fallback it is skipped at run time, the others still work).
            let no_txt = self.ddns.is_none() && self.acme_dns.is_none()
                || c.challenges == [ChallengeKind::Dns01] && !self.dns01_capable();
            if c.challenges.contains(&ChallengeKind::Dns01) && no_txt {
                problems.push(
                    Problem::new(
                        &["cert", "challenges"],
                        "dns-01 needs a DNS provider that writes TXT records, or acme-dns",
                    )
                    .hint(
                        "configure [ddns] with a provider that writes TXT (see `direkt ddns \
                         providers`), or an [acme_dns] section, or choose http-01 / tls-alpn-01",
                    ),
                );
            }
        }
        problems
    }
}

impl Config {
    /// Whether DNS-01 has somewhere to put its TXT record: acme-dns, or a `[ddns]` provider
    /// that writes TXT.
    pub fn dns01_capable(&self) -> bool {
        self.acme_dns.is_some()
            || self.ddns.as_ref().is_some_and(|d| {
                d.provider
                    .spec()
                    .writes(crate::ddns::registry::RecordType::Txt)
            })
    }

    /// A wildcard alias is issued by DNS-01 only: dns-01 among the challenges and somewhere to
    /// put its TXT. The name itself is never a wildcard.
    fn wildcard_problems(&self, c: &CertConfig) -> Vec<Problem> {
        let Some(w) = self.aliases.iter().find(|a| a.is_wildcard()) else {
            return vec![];
        };
        let mut problems = vec![];
        if !c.challenges.contains(&ChallengeKind::Dns01) {
            problems.push(
                Problem::new(
                    &["aliases"],
                    format!("the wildcard {w} can only be issued by dns-01, which [cert] challenges does not list"),
                )
                .hint("add \"dns-01\" to [cert] challenges (CAs validate wildcards by DNS only)"),
            );
        } else if !self.dns01_capable() {
            problems.push(
                Problem::new(
                    &["aliases"],
                    format!("the wildcard {w} needs dns-01 and no DNS provider here writes TXT records"),
                )
                .hint("configure [ddns] with a provider that writes TXT (`direkt ddns providers`) or an [acme_dns] section"),
            );
        }
        problems
    }

    /// `[ddns]` against its provider's description: required keys, each key's check, the
    /// names the provider serves, and the name inside the zone.
    fn ddns_problems(&self, d: &DdnsConfig) -> Vec<Problem> {
        let spec = d.provider.spec();
        let mut problems = foreign_keys(d);
        // Missing keys first, then values the key's check refuses.
        for key in spec
            .keys
            .iter()
            .filter(|k| k.required && d.get(k.name).is_none())
        {
            problems.push(
                Problem::new(
                    &["ddns", "provider"],
                    format!("provider {} needs `{}` in [ddns]", d.provider, key.name),
                )
                .hint(format!("add {} = ... to the [ddns] section", key.name)),
            );
        }
        for key in spec.keys {
            if let Some(v) = d.get(key.name)
                && let Err(why) = (key.check)(&v)
            {
                problems.push(Problem::new(&["ddns", key.name], why).hint(key.hint));
            }
        }
        if let Some(suffix) = spec.name_suffix
            && !self.name.as_str().ends_with(suffix)
        {
            problems.push(
                Problem::new(&["name"], format!("{} names end in {suffix}", spec.title))
                    .hint(format!("set name = \"yourname{suffix}\"")),
            );
        }
        if let Some(zone) = &d.zone {
            let n = self.name.as_str();
            if n != zone.as_str() && !n.ends_with(&format!(".{zone}")) {
                problems.push(
                    Problem::new(&["ddns", "zone"], format!("{n} is not inside zone {zone}"))
                        .hint("set zone to the domain that holds the name"),
                );
            }
        }
        if d.ttl == 0 {
            problems.push(Problem::new(
                &["ddns", "ttl"],
                "ttl must be at least 1 second",
            ));
        }
        problems
    }
}

/// `[ddns]` keys the configured provider does not read: a typo, a key of another provider, or a
/// secret written into the main config.
fn foreign_keys(d: &DdnsConfig) -> Vec<Problem> {
    let spec = d.provider.spec();
    let accepted = spec.accepted_keys();
    let typed = [
        ("zone", d.zone.is_some()),
        ("username", d.username.is_some()),
        ("key_name", d.key_name.is_some()),
        ("password_file", d.password_file.is_some()),
        ("token_file", d.token_file.is_some()),
        ("tsig_secret_file", d.tsig_secret_file.is_some()),
    ];
    let set = typed
        .iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| *k)
        .chain(d.extra.keys().map(String::as_str));
    let mut problems = vec![];
    for key in set.filter(|k| !accepted.iter().any(|a| a == k)) {
        let hint = secret_key_hint(&format!("unknown field `{key}`")).unwrap_or_else(|| {
            format!(
                "provider {} reads: provider, ttl, refresh, {}",
                spec.name,
                accepted.join(", ")
            )
        });
        let message = if is_secret_name(key) {
            format!("`{key}` is a secret and does not go in the main config")
        } else {
            format!("provider {} has no key `{key}`", spec.name)
        };
        problems.push(Problem::new(&["ddns", key], message).hint(hint));
    }
    problems
}

/// A key that names a secret: the ACME ones, or any DNS provider's.
fn is_secret_name(field: &str) -> bool {
    ["secret", "eab_hmac_key", "key_secret"].contains(&field)
        || crate::ddns::PROVIDERS
            .iter()
            .any(|p| p.secret(field).is_some())
}

/// serde says "unknown field `token`" when a secret is put into the main config: say where it
/// belongs instead.
fn secret_key_hint(message: &str) -> Option<String> {
    let field = message.strip_prefix("unknown field `")?.split('`').next()?;
    is_secret_name(field).then(|| {
        format!(
            "secrets do not go in the main config: put `{field}` in the secrets file \
             (secrets.toml beside the config, mode 0600), or name a file with `{field}_file`, or \
             set DIREKT_<SECTION>_{}",
            field.to_ascii_uppercase()
        )
    })
}

fn config_error(
    path: &Path,
    line: Option<usize>,
    col: Option<usize>,
    key: Option<&str>,
    message: &str,
    hint: &str,
) -> Error {
    let mut at = path.display().to_string();
    if let (Some(l), Some(c)) = (line, col) {
        at = format!("{at}:{l}:{c}");
    }
    let key = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
    let message = message.trim().trim_end_matches('\n');
    Error::usage(format!("invalid config {at}{key}: {message}")).hint(hint.to_string())
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The dotted key path whose key or value covers `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let doc: toml_edit::Document<&str> = toml_edit::Document::parse(text).ok()?;
    let mut path = vec![];
    find_in_table(doc.as_table(), offset, &mut path).then(|| path.join("."))
}

fn find_in_table(table: &toml_edit::Table, offset: usize, path: &mut Vec<String>) -> bool {
    for (k, item) in table.iter() {
        let key_span = table.key(k).and_then(|key| key.span());
        let in_key = key_span.is_some_and(|s| s.contains(&offset));
        let in_item = item
            .span()
            .is_some_and(|s| s.contains(&offset) || s.end == offset);
        if let Some(t) = item.as_table() {
            path.push(k.to_string());
            if in_key || find_in_table(t, offset, path) {
                return true;
            }
            path.pop();
            continue;
        }
        if let Some(t) = item.as_value().and_then(|v| v.as_inline_table()) {
            path.push(k.to_string());
            let sub = t.clone().into_table();
            if in_key || find_in_table(&sub, offset, path) {
                return true;
            }
            path.pop();
            continue;
        }
        if in_key || in_item {
            path.push(k.to_string());
            return true;
        }
    }
    false
}

/// Byte offset of a key path's key (or its table header).
fn locate_key(text: &str, key: &[String]) -> Option<usize> {
    let doc: toml_edit::Document<&str> = toml_edit::Document::parse(text).ok()?;
    let mut table = doc.as_table();
    let mut found = None;
    for part in key {
        let k = table.key(part)?;
        found = k.span().map(|s| s.start).or(found);
        match table.get(part)?.as_table() {
            Some(t) => table = t,
            None => break,
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// A secret value. It has no `Display`, and `Debug` prints a placeholder, so it cannot reach
/// output or logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The secrets file (`secrets.toml`, mode 0600): one table per config section, e.g.
/// `[ddns] token = "..."`.
#[derive(Debug, Default)]
pub struct Secrets {
    pub file: Option<PathBuf>,
    values: BTreeMap<(String, String), Secret>,
}

/// Refuse a secret-holding file that group or others can read.
pub fn check_private(path: &Path, what: &str) -> Result<()> {
    let mode = fsutil::mode_of(path)
        .map_err(|e| Error::usage(format!("cannot read {what} {}: {e}", path.display())))?;
    if mode & 0o077 != 0 {
        return Err(Error::usage(format!(
            "{what} {} is readable by others (mode {:04o}); it holds secrets",
            path.display(),
            mode
        ))
        .hint(format!("run: chmod 600 {}", path.display())));
    }
    Ok(())
}

impl Secrets {
    /// Load the secrets file if it exists; refuse it when group/others can read it.
    pub fn load(path: &Path) -> Result<Secrets> {
        if !path.exists() {
            return Ok(Secrets::default());
        }
        check_private(path, "secrets file")?;
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!("cannot read secrets file {}: {e}", path.display()))
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            // Never echo the file's content: the parse error could quote a secret.
            let at = e
                .span()
                .map(|s| {
                    let (l, c) = line_col(&text, s.start);
                    format!(":{l}:{c}")
                })
                .unwrap_or_default();
            Error::usage(format!(
                "secrets file {}{at} is not valid TOML",
                path.display()
            ))
            .hint("each section holds `key = \"value\"` lines, e.g. [ddns] token = \"...\"")
        })?;
        let mut values = BTreeMap::new();
        for (section, v) in table {
            let Some(t) = v.as_table() else {
                return Err(Error::usage(format!(
                    "secrets file {}: `{section}` must be a section like [ddns]",
                    path.display()
                )));
            };
            for (key, v) in t {
                let Some(s) = v.as_str() else {
                    return Err(Error::usage(format!(
                        "secrets file {}: `{section}.{key}` must be a string",
                        path.display()
                    )));
                };
                values.insert((section.clone(), key.clone()), Secret::new(s));
            }
        }
        Ok(Secrets {
            file: Some(path.to_path_buf()),
            values,
        })
    }

    /// Resolve secret `key` of `section`: the environment (`DIREKT_<SECTION>_<KEY>`) first, then
    /// a `*_file` named in the config, then the secrets file.
    pub fn get(&self, section: &str, key: &str, file: Option<&Path>) -> Result<Option<Secret>> {
        let var = env_name(section, key);
        if let Ok(v) = std::env::var(&var)
            && !v.is_empty()
        {
            return Ok(Some(Secret::new(v)));
        }
        if let Some(f) = file {
            check_private(f, &format!("{section}.{key}_file"))?;
            let v = std::fs::read_to_string(f).map_err(|e| {
                Error::usage(format!(
                    "cannot read {section}.{key}_file {}: {e}",
                    f.display()
                ))
            })?;
            return Ok(Some(Secret::new(v.trim_end_matches(['\n', '\r']))));
        }
        Ok(self
            .values
            .get(&(section.to_string(), key.to_string()))
            .cloned())
    }

    /// Like [`Secrets::get`], but a missing secret is a usage error saying where to put it.
    pub fn require(&self, section: &str, key: &str, file: Option<&Path>) -> Result<Secret> {
        self.get(section, key, file)?.ok_or_else(|| {
            let where_ = self
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "secrets.toml beside the config".into());
            Error::usage(format!("the secret {section}.{key} is not set")).hint(format!(
                "put `{key} = \"...\"` under [{section}] in {where_} (mode 0600), or set \
                 {section}.{key}_file in the config, or the environment variable {}",
                env_name(section, key)
            ))
        })
    }

    /// Set a value as if it were in the secrets file (setup's candidate settings, before
    /// anything is written).
    pub fn set(&mut self, section: &str, key: &str, value: Secret) {
        self.values
            .insert((section.to_string(), key.to_string()), value);
    }

    /// Every secret value known, so output can be scrubbed and tests can grep for them.
    pub fn all_values(&self) -> impl Iterator<Item = &Secret> {
        self.values.values()
    }
}

/// Merge `entries` (section, key, value) into the secrets file at `path`, keeping what else it
/// holds; written atomically with mode 0600. `false` when nothing changed (nothing written).
pub fn store_secrets(path: &Path, entries: &[(String, String, Secret)]) -> Result<bool> {
    let mut table: toml::Table = match std::fs::read_to_string(path) {
        // Never echo the content: it holds secrets.
        Ok(t) => toml::from_str(&t).map_err(|_| {
            Error::usage(format!("secrets file {} is not valid TOML", path.display()))
                .hint("fix or remove it, then run setup again")
        })?,
        Err(_) => toml::Table::new(),
    };
    let mut changed = false;
    for (section, key, value) in entries {
        let t = table
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(t) = t.as_table_mut() else { continue };
        if t.get(key).and_then(|v| v.as_str()) != Some(value.expose()) {
            t.insert(key.clone(), toml::Value::String(value.expose().to_string()));
            changed = true;
        }
    }
    if !changed {
        return Ok(false);
    }
    let text = toml::to_string(&table).failed(|| "cannot encode the secrets".into())?;
    fsutil::write_atomic(path, text.as_bytes(), 0o600)
        .failed(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

pub fn env_name(section: &str, key: &str) -> String {
    format!(
        "DIREKT_{}_{}",
        section.to_ascii_uppercase(),
        key.to_ascii_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("/etc/direkt/direkt.toml"))
    }

    #[test]
    fn a_wildcard_alias_parses_and_needs_dns01_with_txt_somewhere() {
        let w: DomainName = "*.Box.Example.org.".parse().unwrap();
        assert!(w.is_wildcard());
        assert_eq!(w.as_str(), "*.box.example.org");
        assert_eq!(w.base(), "box.example.org");
        for bad in [
            "*",
            "*.org",
            "a.*.example.org",
            "**.example.org",
            "*example.org",
        ] {
            assert!(bad.parse::<DomainName>().is_err(), "{bad}");
        }
        let e = parse("name = \"*.example.org\"\n").unwrap_err();
        assert!(e.message().contains("wildcard"), "{}", e.message());

        let rfc2136 = "[ddns]\nprovider = \"rfc2136\"\nserver = \"192.0.2.53:53\"\n\
                       zone = \"example.org\"\nkey_name = \"k\"\n";
        let with = |ddns: &str, challenges: &str| {
            parse(&format!(
                "name = \"box.example.org\"\naliases = [\"*.box.example.org\"]\n{ddns}\
                 [cert]\nchallenges = {challenges}\n"
            ))
        };
        let e = with(rfc2136, "[\"http-01\"]").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("aliases"), "{}", e.message());
        assert!(e.message().contains("dns-01"), "{}", e.message());
        with(rfc2136, "[\"http-01\", \"dns-01\"]").unwrap();
        let dyndns2 = "[ddns]\nprovider = \"noip\"\nusername = \"u\"\n";
        let e = with(dyndns2, "[\"dns-01\"]").unwrap_err();
        assert!(e.message().contains("TXT"), "{}", e.message());
        with(
            &format!("{dyndns2}[acme_dns]\nserver = \"https://auth.example.net\"\n"),
            "[\"dns-01\"]",
        )
        .unwrap();
        // Without [cert] nothing is issued, so nothing to refuse.
        parse("name = \"box.example.org\"\naliases = [\"*.box.example.org\"]\n").unwrap();
    }

    #[test]
    fn minimal_config_loads_with_defaults() {
        let c = parse("name = \"Box.Example.org.\"\n").unwrap();
        assert_eq!(c.name.as_str(), "box.example.org");
        assert!(c.ip.ipv4);
        assert_eq!(c.ip.quorum, 2);
        assert_eq!(c.doctor.deadline.0, Duration::from_secs(5));
    }

    #[test]
    fn a_ddns_key_the_provider_does_not_read_names_the_key_and_the_accepted_ones() {
        let base =
            "name = \"box.example.org\"\n[ddns]\nprovider = \"desec\"\nzone = \"example.org\"\n";
        // A key of another provider (typed), a typo (extra), each at its line.
        for (line, key) in [("username = \"me\"", "username"), ("zoen = \"x\"", "zoen")] {
            let e = parse(&format!("{base}{line}\n")).unwrap_err();
            let m = e.message();
            assert_eq!(e.exit_code(), 2);
            assert!(m.contains(&format!("ddns.{key}")), "{m}");
            assert!(m.contains(":5:1"), "{m}");
            assert!(m.contains("provider desec has no key"), "{m}");
            let h = e.hint_text().unwrap();
            assert!(h.contains("zone") && h.contains("token_file"), "{h}");
        }
        // A typed key of another provider (dyndns2 reads no zone).
        let e = parse("name = \"box.example.org\"\n[ddns]\nprovider = \"dyndns2\"\nserver = \"https://example.org/nic/update\"\nzone = \"example.org\"\n").unwrap_err();
        assert!(
            e.message().contains("provider dyndns2 has no key `zone`"),
            "{}",
            e.message()
        );
        // A secret in the main config says where it goes.
        let e = parse(&format!("{base}token = \"abc\"\n")).unwrap_err();
        assert!(e.message().contains("is a secret"), "{}", e.message());
        assert!(e.hint_text().unwrap().contains("secrets file"));
        assert!(!e.message().contains("abc") && !e.hint_text().unwrap().contains("abc"));
    }

    #[test]
    fn provider_keys_beyond_the_typed_ones_round_trip() {
        let mut d = DdnsConfig::new("desec".parse().unwrap());
        d.set("endpoint", "ovh-eu".into()).unwrap();
        assert_eq!(d.get("endpoint").as_deref(), Some("ovh-eu"));
        d.extra.insert("api_secret_file".into(), "/run/s".into());
        assert_eq!(d.secret_file("api_secret"), Some(Path::new("/run/s")));
        d.clear_secret_file("api_secret");
        assert_eq!(d.secret_file("api_secret"), None);
        assert!(d.set("ttl", "5".into()).is_err());
        let text = toml::to_string(&d).unwrap();
        assert!(text.contains("endpoint = \"ovh-eu\""), "{text}");
        let back: DdnsConfig = toml::from_str(&text).unwrap();
        assert_eq!(back.get("endpoint").as_deref(), Some("ovh-eu"));
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let e = parse("name = \"box.example.org\"\n[ip]\nquorom = 2\n").unwrap_err();
        let m = e.message();
        assert_eq!(e.exit_code(), 2);
        assert!(m.contains("/etc/direkt/direkt.toml:3:1"), "{m}");
        assert!(m.contains("ip.quorom"), "{m}");
        assert!(m.contains("unknown field"), "{m}");
    }

    #[test]
    fn port_checks_default_to_ifconfig_co_and_must_be_urls() {
        let c = parse("name = \"box.example.org\"\n").unwrap();
        assert_eq!(c.ip.port_check, ["https://ifconfig.co"]);
        let c = parse("name = \"box.example.org\"\n[ip]\nport_check = []\n").unwrap();
        assert!(c.ip.port_check.is_empty());
        let e = parse("name = \"box.example.org\"\n[ip]\nport_check = [\"ifconfig.co\"]\n")
            .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("ip.port_check"), "{}", e.message());
        assert!(
            e.message().contains("not an http:// or https:// URL"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn wrong_type_names_key() {
        let e = parse("name = \"box.example.org\"\n[ip]\nquorum = \"two\"\n").unwrap_err();
        assert!(e.message().contains(":3:10"), "{}", e.message());
        assert!(e.message().contains("ip.quorum"), "{}", e.message());
    }

    #[test]
    fn port_out_of_range_is_named() {
        for (bad, want) in [
            ("0", "port 0 is out of range"),
            ("70000", "port 70000 is out of range"),
        ] {
            let e = parse(&format!(
                "name = \"box.example.org\"\n[ports]\nforward = [{bad}]\n"
            ))
            .unwrap_err();
            assert!(e.message().contains(want), "{}", e.message());
            assert!(e.message().contains("ports.forward"), "{}", e.message());
            assert!(e.message().contains(":3:"), "{}", e.message());
        }
    }

    #[test]
    fn invalid_domain_is_named() {
        let e = parse("name = \"bad..name\"\n").unwrap_err();
        assert!(
            e.message().contains("not a valid domain name"),
            "{}",
            e.message()
        );
        assert!(e.message().contains("(key `name`)"), "{}", e.message());
    }

    #[test]
    fn validation_errors_point_at_the_key() {
        let e = parse("name = \"box.example.org\"\n\n[ddns]\nprovider = \"rfc2136\"\nserver = \"198.51.100.53:53\"\nzone = \"other.test\"\nkey_name = \"k\"\n").unwrap_err();
        assert!(e.message().contains(":6:1"), "{}", e.message());
        assert!(e.message().contains("ddns.zone"), "{}", e.message());
    }

    #[test]
    fn a_secret_in_the_main_config_gets_a_hint() {
        let e =
            parse("name = \"box.example.org\"\n[ddns]\nprovider = \"duckdns\"\ntoken = \"abc\"\n")
                .unwrap_err();
        assert!(e.hint_text().unwrap().contains("secrets file"));
        assert!(!e.message().contains("abc"));
    }

    #[test]
    fn port_spec_forms() {
        let p: PortSpec = "8443:443/udp".parse().unwrap();
        assert_eq!(
            (p.external, p.internal, p.protocol),
            (8443, 443, Protocol::Udp)
        );
        assert_eq!("443".parse::<PortSpec>().unwrap().to_string(), "443/tcp");
        assert!("443/sctp".parse::<PortSpec>().is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(
            "25d".parse::<HumanDuration>().unwrap().0,
            Duration::from_secs(25 * 86400)
        );
        assert_eq!(
            "500ms".parse::<HumanDuration>().unwrap().to_string(),
            "500ms"
        );
        assert!("5 parsecs".parse::<HumanDuration>().is_err());
    }

    #[test]
    fn secrets_debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Secret::new("hunter2")),
            "Secret(<redacted>)"
        );
    }
}
