//! `renew`: the cron job that keeps DNS, port mappings and the certificate in order, each part
//! only when it is due, and the record of how each part fared (read by `status`, Prometheus and
//! the notify command).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The parts `renew` looks after, in the order it reports them.
pub const PARTS: [&str; 3] = ["dns", "ports", "cert"];

/// What `renew` remembers: per part how the last attempt went, and when each notification was
/// last sent (so the same reason is sent at most once a day).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenewState {
    pub parts: BTreeMap<String, PartRecord>,
    /// Notification key (`reason:part`) -> Unix time it was last sent.
    pub notified: BTreeMap<String, i64>,
}

/// How one part fared in `renew` (and `setup`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartRecord {
    /// Unix time of the last run that looked at this part.
    pub last_attempt: Option<i64>,
    /// Unix time of the last run in which this part was fine (changed or nothing due).
    pub last_success: Option<i64>,
    /// Unix time of the last change this part made.
    pub last_change: Option<i64>,
    /// The last error, if the last attempt failed.
    pub error: Option<String>,
    /// The part refuses to run until the user acts (exit 4).
    pub latched: bool,
}
