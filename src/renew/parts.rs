//! The seam between the whole job (`renew`, `setup`, `status`, `report`) and the parts
//! (`ddns`, `portmap`, `acme`, `doctor`): one function per part and question, each calling the
//! part's library. A part missing from this build says so; it never pretends to succeed.

use serde::Serialize;
use serde_json::Value;

use crate::config::Settings;
use crate::error::Error;
use crate::state::{State, StateLock};

/// What renewing one part did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing was due (the common path).
    NothingDue,
    /// Changes made, one line each, in plain words.
    Changed(Vec<String>),
    /// It failed; the next run retries (or it backs off).
    Failed(Error),
    /// A provider or CA refused; latched until the config changes or `--force` (exit 4).
    Latched(Error),
    /// An earlier failure is backing off: nothing tried now (silent, exit 0; the record keeps
    /// the error until a later run succeeds).
    Waiting(String),
    /// This build has no such part.
    Unavailable(String),
}

/// Options every part gets.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Do it even when not due, and clear latches.
    pub force: bool,
    /// Say what would be done; change nothing.
    pub dry_run: bool,
    /// A person asked for it now (setup): ignore back-off.
    pub explicit: bool,
}

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
}

fn unavailable(part: &str) -> String {
    format!("{part} is not available in this build")
}

/// Keep the DNS name on the public address.
pub fn dns(_settings: &Settings, _lock: &StateLock, _state: &mut State, _o: RunOptions) -> Outcome {
    Outcome::Unavailable(unavailable("dynamic DNS"))
}

/// Keep the router's port mappings.
pub fn ports(
    _settings: &Settings,
    _lock: &StateLock,
    _state: &mut State,
    _o: RunOptions,
) -> Outcome {
    Outcome::Unavailable(unavailable("port forwarding"))
}

/// Keep the certificate valid.
pub fn cert(
    _settings: &Settings,
    _lock: &StateLock,
    _state: &mut State,
    _o: RunOptions,
) -> Outcome {
    Outcome::Unavailable(unavailable("the certificate (ACME)"))
}

/// The certificate's notAfter (Unix time), if one is on disk.
pub fn cert_expiry(_settings: &Settings, _state: &State) -> Option<i64> {
    None
}

/// Per family (`ipv4`, `ipv6`): when the current address was published.
pub fn published(_state: &State) -> Vec<(String, i64)> {
    vec![]
}

/// Per mapping: (protocol, external port, lease end).
pub fn leases(_state: &State) -> Vec<(String, u16, i64)> {
    vec![]
}

/// Per part: whether the part's own state says it is latched.
pub fn latched(settings: &Settings, state: &State) -> Vec<(String, bool)> {
    let mut out = vec![];
    if settings.config.as_ref().is_some_and(|c| c.cert.is_some()) {
        out.push(("cert".to_string(), state.cert.latch.is_some()));
    }
    out
}

/// Look at the network: gateway, mapping protocol, public address, CGNAT.
pub fn detect(_settings: &Settings) -> Findings {
    Findings {
        warnings: vec!["network detection is not available in this build".into()],
        ..Findings::default()
    }
}

/// Check the DNS provider's credentials without changing anything that matters.
pub fn check_credentials(_settings: &Settings) -> Result<(), Error> {
    Err(Error::failed(unavailable("dynamic DNS")))
}

/// Doctor's verdict: (passed, one-line verdict, JSON).
pub fn doctor(_settings: &Settings) -> Option<(bool, String, Value)> {
    None
}
