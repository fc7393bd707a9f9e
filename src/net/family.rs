//! The IP family, defined once: address detection (`ip`), port mappings (`portmap`, stored in
//! the state file), DNS records and doctor's checks all use this type.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// IPv4 or IPv6. Serialized as `ipv4` / `ipv6` (state files and JSON), shown as `IPv4` / `IPv6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::Ipv4, Family::Ipv6];

    pub fn of(ip: IpAddr) -> Family {
        if ip.is_ipv4() {
            Family::Ipv4
        } else {
            Family::Ipv6
        }
    }

    /// Whether `ip` is of this family.
    pub fn matches(self, ip: &IpAddr) -> bool {
        Family::of(*ip) == self
    }

    /// The DNS record type that holds an address of this family.
    pub fn record_type(self) -> &'static str {
        match self {
            Family::Ipv4 => "A",
            Family::Ipv6 => "AAAA",
        }
    }

    /// `IPv4` / `IPv6`, as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Family::Ipv4 => "IPv4",
            Family::Ipv6 => "IPv6",
        }
    }

    /// `ipv4` / `ipv6`, the serialized name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for Family {
    type Err = String;

    /// `ipv4` / `ipv6` in any case (so both the serialized and the shown form parse).
    fn from_str(s: &str) -> Result<Family, String> {
        Family::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown IP family `{s}` (ipv4 or ipv6)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_stay_compatible() {
        for f in Family::ALL {
            assert_eq!(f.to_string().parse::<Family>().unwrap(), f);
            assert_eq!(f.name().parse::<Family>().unwrap(), f);
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.name()));
            assert_eq!(serde_json::from_str::<Family>(&json).unwrap(), f);
        }
        assert_eq!(Family::Ipv6.to_string(), "IPv6");
        assert!("ipv5".parse::<Family>().is_err());
    }

    #[test]
    fn families_of_addresses() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(Family::of(v4), Family::Ipv4);
        assert!(Family::Ipv6.matches(&v6) && !Family::Ipv6.matches(&v4));
        assert_eq!(Family::Ipv6.record_type(), "AAAA");
    }
}
