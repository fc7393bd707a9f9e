//! A customer's report rebuilt in the lab (`direkt lab up --from-report`, `direkt lab replay`):
//! which lab scenario reproduces the customer's network, judged from doctor's facts in the
//! report; the lab box's config, from the customer's; what the lab cannot reproduce; and the
//! lab's verdict set beside the report's. [`read`], [`plan`] and [`compare`] are pure functions
//! of their input; [`replay`] runs doctor in the lab.
//!
//! This is a job (it combines doctor's results with the lab domain), so the lab itself never
//! needs to know doctor.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{ChallengeKind, HumanDuration, KeyType, PortSpec};
use crate::doctor::{CheckId, CheckResult, DoctorReport, Status, Verdict};
use crate::error::{Error, Result};
use crate::lab::{self, BoxCert, BoxSettings, Scenario};
use crate::portmap::Method;

const HINT: &str = "pass a file written by `direkt report` (or `direkt doctor --json`)";

/// A report as read: a `direkt report` bundle, or a bare `doctor --json` document.
#[derive(Debug, Clone, Default)]
pub struct CustomerReport {
    /// Doctor's results, when the report has them.
    pub doctor: Option<DoctorReport>,
    /// Why there are none (`--no-doctor`, ...).
    pub no_doctor: Option<String>,
    /// The (redacted) config, as JSON.
    pub config: Option<Value>,
    /// The state, as JSON.
    pub state: Option<Value>,
    /// A `direkt report` bundle (else a bare doctor document).
    pub bundle: bool,
    pub direkt_version: Option<String>,
    pub format: Option<u64>,
}

/// Read a report. Not JSON, or neither a report nor doctor's results: exit 2, naming the file
/// and, for bad JSON, the line and column.
pub fn read(text: &str, origin: &str) -> Result<CustomerReport> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let what = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(w, _)| w);
        Error::usage(format!(
            "{origin}: not valid JSON at line {}, column {}: {what}",
            e.line(),
            e.column()
        ))
        .hint(HINT)
    })?;
    let Some(obj) = value.as_object() else {
        return Err(
            Error::usage(format!("{origin}: not a direkt report (not a JSON object)")).hint(HINT),
        );
    };
    let bundle = ["report_format", "doctor", "config", "versions"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if !bundle {
        if !obj.contains_key("checks") {
            return Err(Error::usage(format!(
                "{origin}: neither a direkt report nor doctor results (no `doctor`, `config` or `checks`)"
            ))
            .hint(HINT));
        }
        return Ok(CustomerReport {
            doctor: Some(DoctorReport::from_value(value, origin)?),
            ..CustomerReport::default()
        });
    }
    let present = |k: &str| obj.get(k).filter(|v| !v.is_null()).cloned();
    let (doctor, no_doctor) = match present("doctor") {
        Some(d) if d.get("checks").is_some() => (Some(DoctorReport::from_value(d, origin)?), None),
        Some(d) => (None, Some(skipped_reason(&d))),
        None => (None, Some("the report has no `doctor` part".to_string())),
    };
    Ok(CustomerReport {
        doctor,
        no_doctor,
        config: present("config"),
        state: present("state"),
        bundle: true,
        direkt_version: value
            .pointer("/versions/direkt")
            .and_then(Value::as_str)
            .map(String::from),
        format: value.get("report_format").and_then(Value::as_u64),
    })
}

fn skipped_reason(d: &Value) -> String {
    let why = ["skipped", "unavailable"]
        .iter()
        .find_map(|k| d.get(*k).and_then(Value::as_str));
    match why {
        Some(w) => format!("the report has no doctor results ({w})"),
        None => "the report's `doctor` part holds no checks".to_string(),
    }
}

/// A setup step the customer's state shows done, repeated in the lab box before doctor runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    DdnsUpdate,
    PortsAdd,
    CertIssue,
}

impl Step {
    /// direkt's arguments for it.
    pub fn args(self) -> &'static [&'static str] {
        match self {
            Step::DdnsUpdate => &["ddns", "update"],
            Step::PortsAdd => &["ports", "add"],
            Step::CertIssue => &["cert", "issue"],
        }
    }
    pub fn what(self) -> &'static str {
        match self {
            Step::DdnsUpdate => "publish the DNS record",
            Step::PortsAdd => "forward the ports",
            Step::CertIssue => "issue the certificate",
        }
    }
}

/// How the lab rebuilds the customer's report.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuild {
    pub scenario: Scenario,
    /// Why this scenario, from the report's facts.
    pub why: Vec<String>,
    /// The customer's settings the lab box takes over (mapped into the lab).
    pub carried: Vec<String>,
    /// What the lab puts in place of the customer's (DNS provider, CA, name).
    pub replaced: Vec<String>,
    /// What the lab cannot reproduce.
    pub not_reproduced: Vec<String>,
    /// Facts the report lacks (an older direkt, a bare doctor document).
    pub missing: Vec<String>,
    /// What `lab replay` does in the box before doctor, as the customer's state shows done.
    pub steps: Vec<Step>,
    #[serde(skip)]
    pub box_settings: BoxSettings,
}

/// The scenario and the box config that reproduce `report`, and what they leave out.
pub fn plan(report: &CustomerReport) -> Rebuild {
    let mut r = Rebuild {
        scenario: Scenario::Direct,
        why: vec![],
        carried: vec![],
        replaced: vec![],
        not_reproduced: vec![],
        missing: vec![],
        steps: vec![],
        box_settings: BoxSettings::default(),
    };
    if report.bundle {
        if report.format.is_none() {
            r.missing
                .push("the report format (`report_format`; an older direkt)".into());
        }
        if report.direkt_version.is_none() {
            r.missing
                .push("the direkt version (`versions.direkt`)".into());
        }
    } else {
        r.missing.push(
            "a bare doctor document: no config and no state; the lab box uses the lab's defaults"
                .into(),
        );
    }
    let facts = match &report.doctor {
        Some(d) => Facts::of(d),
        None => {
            r.missing.push(format!(
                "{}: nothing tells the customer's network; scenario direct by default",
                report.no_doctor.as_deref().unwrap_or("no doctor results")
            ));
            Facts::default()
        }
    };
    r.missing.extend(facts.missing.iter().cloned());
    choose_scenario(&facts, report.doctor.is_some(), &mut r);
    router_model(&facts, &mut r);
    match &report.config {
        Some(c) => map_config(c, &mut r),
        None => {
            if report.bundle {
                r.missing
                    .push("the customer's config: the lab box uses the lab's defaults".into());
            }
            if let Some(name) = report.doctor.as_ref().and_then(|d| d.name.as_deref()) {
                r.replaced
                    .push(format!("name {name} -> {} (the lab zone)", lab::BOX_NAME));
            }
            r.box_settings.ipv6 = None;
        }
    }
    r.steps = steps(report, &r.box_settings, &mut r.missing);
    r
}

/// What doctor's checks in the report say about the network.
#[derive(Debug, Default, Clone)]
struct Facts {
    /// Evidence of carrier-grade NAT (nat.cgnat failed).
    cgnat: Option<String>,
    /// nat.dslite's verdict (DS-Lite found).
    dslite: Option<String>,
    /// The router's WAN address, as it reported it.
    wan: Option<IpAddr>,
    double_nat: bool,
    /// Port-mapping protocols the router answered; None: not recorded.
    offered: Option<Vec<Method>>,
    isp_blocks_80: bool,
    /// A public IPv6 address seen from outside.
    ipv6: Option<String>,
    /// The router's UPnP friendly name and SERVER string.
    router: Vec<String>,
    missing: Vec<String>,
}

fn check(d: &DoctorReport, id: CheckId) -> Option<&CheckResult> {
    d.checks.iter().find(|c| c.id == id.to_string())
}

impl Facts {
    fn of(d: &DoctorReport) -> Facts {
        let mut f = Facts::default();
        if let Some(c) = check(d, CheckId::NatCgnat).filter(|c| c.status == Status::Fail) {
            f.cgnat = Some(cgnat_evidence(c));
        }
        f.double_nat = check(d, CheckId::NatDouble).is_some_and(|c| c.status == Status::Fail);
        f.dslite = check(d, CheckId::NatDslite)
            .filter(|c| c.details.get("dslite").and_then(Value::as_bool) == Some(true))
            .map(|c| format!("nat.dslite in the report: {}", c.summary));
        f.wan = [CheckId::GatewayWan, CheckId::NatCgnat, CheckId::NatDouble]
            .iter()
            .filter_map(|id| check(d, *id))
            .find_map(|c| c.detail_str("wan").and_then(|w| w.parse().ok()));
        match check(d, CheckId::GatewayFound) {
            Some(g) => f.read_gateway(g),
            None => f
                .missing
                .push("gateway.found: which port-mapping protocols the router offers".into()),
        }
        let http = CheckId::reach(crate::config::Protocol::Tcp, false, 80);
        f.isp_blocks_80 = check(d, http).is_some_and(|c| {
            c.status == Status::Fail
                && c.details.get("isp_block").and_then(Value::as_bool) == Some(true)
        });
        f.ipv6 = check(d, CheckId::PublicIpv6)
            .filter(|c| matches!(c.status, Status::Pass | Status::Warn))
            .and_then(|c| c.detail_str("address").map(String::from));
        if check(d, CheckId::PublicIpv6).is_none() {
            f.missing
                .push("public.ipv6: whether the line has IPv6".into());
        }
        f
    }

    fn read_gateway(&mut self, g: &CheckResult) {
        match g.details.get("offered").and_then(Value::as_array) {
            Some(list) => {
                let methods: Vec<Method> = list
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|m| m.parse().ok())
                    .collect();
                self.offered = Some(methods);
            }
            // An older doctor said no more than pass or fail.
            None if g.status == Status::Fail => self.offered = Some(vec![]),
            None => self
                .missing
                .push("gateway.found: which port-mapping protocols the router offers".into()),
        }
        for key in ["upnp_device", "upnp_server"] {
            if let Some(s) = g.detail_str(key) {
                self.router.push(s.to_string());
            }
        }
        let upnp = self
            .offered
            .as_ref()
            .is_some_and(|m| m.iter().any(|m| m.is_upnp()));
        if upnp && !g.details.contains_key("upnp_server") {
            self.missing
                .push("the router's model (this report's direkt does not record it)".into());
        }
    }

    /// Every scenario the facts point at, root cause first (the order of doctor's chain of
    /// causes), each with its evidence.
    fn candidates(&self) -> Vec<(Scenario, String)> {
        let mut c = vec![];
        let wan = self.wan.map(|w| w.to_string());
        let wan = wan.as_deref().unwrap_or("(not reported)");
        let ds_lite = self.ds_lite();
        if ds_lite {
            let v6 = self
                .ipv6
                .as_ref()
                .map(|a| format!(", with IPv6 of its own ({a})"))
                .unwrap_or_default();
            let why = match (&self.dslite, &self.cgnat) {
                (Some(d), _) => d.clone(),
                (None, Some(c)) => format!("{c}{v6}: shared IPv4, as on a DS-Lite line"),
                (None, None) => format!(
                    "router WAN {wan} in the report is a DS-Lite B4 address (192.0.0.0/29){v6}"
                ),
            };
            c.push((Scenario::DsLite, why));
        }
        if let Some(why) = self.cgnat.as_ref().filter(|_| !ds_lite) {
            c.push((Scenario::Cgnat, why.clone()));
        }
        if self.double_nat {
            c.push((
                Scenario::DoubleNat,
                format!(
                    "router WAN {wan} in the report is a private address behind another router"
                ),
            ));
        }
        match self.offered.as_deref() {
            Some([]) => c.push((
                Scenario::NoPortmap,
                "the router offered no port mapping in the report (neither UPnP nor NAT-PMP/PCP)"
                    .into(),
            )),
            Some(m) if !m.iter().any(|m| m.is_upnp()) => c.push((
                Scenario::NoUpnp,
                format!("the router offered {} but no UPnP in the report", list(m)),
            )),
            Some(m) if m.contains(&Method::UpnpIgd1) && !m.contains(&Method::UpnpIgd2) => c.push((
                Scenario::Igdv1,
                format!(
                    "the router offered {} (UPnP IGDv1 only) in the report",
                    list(m)
                ),
            )),
            _ => {}
        }
        if self.isp_blocks_80 {
            c.push((
                Scenario::Port80Blocked,
                "reach.tcp.80 in the report: the ISP blocks inbound port 80 (443 works)".into(),
            ));
        }
        if let Some(v6) = self.ipv6.as_ref().filter(|_| !ds_lite) {
            c.push((
                Scenario::DualStack,
                format!("public IPv6 {v6} in the report"),
            ));
        }
        c
    }

    /// DS-Lite: nat.dslite said so, or (reports from before it) shared IPv4 (a carrier NAT,
    /// or the B4 address 192.0.0.0/29 on the WAN) with IPv6 of its own.
    fn ds_lite(&self) -> bool {
        let b4 = self.wan.is_some_and(crate::net::nat::is_dslite);
        self.dslite.is_some()
            || (self.cgnat.is_some() && (b4 || self.ipv6.is_some()))
            || (b4 && self.ipv6.is_some())
    }
}

/// nat.cgnat's evidence in a few words: the two addresses, or the box's own CGNAT address.
fn cgnat_evidence(c: &CheckResult) -> String {
    match (
        c.detail_str("wan"),
        c.detail_str("public"),
        c.detail_str("local"),
    ) {
        (Some(wan), Some(public), _) => {
            format!("router WAN {wan} in the report, but the internet sees {public} (nat.cgnat)")
        }
        (Some(wan), None, _) => {
            format!("router WAN {wan} in the report is a carrier-grade NAT address (nat.cgnat)")
        }
        (None, _, Some(local)) => format!(
            "the box's own address {local} in the report is a carrier-grade NAT address (nat.cgnat)"
        ),
        _ => format!("nat.cgnat in the report: {}", c.summary),
    }
}

fn list(m: &[Method]) -> String {
    m.iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn choose_scenario(f: &Facts, have_doctor: bool, r: &mut Rebuild) {
    let cands = f.candidates();
    if f.ds_lite() && f.ipv6.is_none() {
        r.not_reproduced.push(
            "DS-Lite without IPv6 in the report: the lab's ds-lite line has IPv6 (delegated \
             prefix 2001:db8:4400::/48), so the box is reachable over IPv6 there"
                .into(),
        );
    }
    let Some((first, why)) = cands.first().cloned() else {
        if have_doctor {
            let wan = f
                .wan
                .map(|w| format!("router WAN {w} in the report is the public address; "))
                .unwrap_or_default();
            r.why.push(format!(
                "{wan}no carrier or double NAT, no missing port mapping, no blocked port 80 and \
                 no IPv6 in the report: scenario direct"
            ));
        }
        return;
    };
    r.scenario = first;
    r.why.push(format!("{why}: scenario {first}"));
    for (other, why) in &cands[1..] {
        r.not_reproduced.push(format!(
            "also {why} (scenario {other}): a lab has one scenario; this one is {first}"
        ));
    }
}

fn router_model(f: &Facts, r: &mut Rebuild) {
    if f.router.is_empty() {
        return;
    }
    let model = f.router.join(", ");
    if f.router
        .iter()
        .any(|s| s.to_ascii_lowercase().contains("fritz"))
    {
        r.not_reproduced.push(format!(
            "the router is a FRITZ!Box ({model}): the lab's router is miniupnpd; the FRITZ!Box's \
             per-device permission for port shares and its IGDv2 IPv6 pinholes are not emulated"
        ));
    } else if !f
        .router
        .iter()
        .any(|s| s.to_ascii_lowercase().contains("miniupnpd"))
    {
        r.not_reproduced.push(format!(
            "the router model ({model}): the lab's router is miniupnpd, not this model's UPnP implementation"
        ));
    }
}

/// Take over the customer's config, with the name, DNS provider and CA replaced by the lab's.
fn map_config(c: &Value, r: &mut Rebuild) {
    for key in ["aliases", "ip", "ddns", "ports", "cert"] {
        if c.get(key).is_none() {
            r.missing.push(format!(
                "config.{key} (not in this report's format): the lab's default"
            ));
        }
    }
    if let Some(name) = c.get("name").and_then(Value::as_str) {
        r.replaced
            .push(format!("name {name} -> {} (the lab zone)", lab::BOX_NAME));
    }
    map_aliases(c, r);
    map_ip(c, r);
    map_ddns(c, r);
    map_ports(c, r);
    map_cert(c, r);
    if c.get("notify").is_some_and(|n| !n.is_null()) {
        r.not_reproduced
            .push("the notify command (not configured in the lab box)".into());
    }
}

/// Each alias becomes a name in the lab zone (CNAME to the box): its first label where that is
/// free, else `aliasN`.
pub fn alias_label(alias: &str, index: usize, taken: &[String]) -> String {
    let first = alias.split('.').next().unwrap_or_default();
    if lab::box_config::usable_alias_label(first) && !taken.iter().any(|t| t == first) {
        first.to_string()
    } else {
        format!("alias{}", index + 1)
    }
}

fn map_aliases(c: &Value, r: &mut Rebuild) {
    let aliases: Vec<&str> = c
        .get("aliases")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut labels: Vec<String> = vec![];
    for (i, a) in aliases.iter().enumerate() {
        let l = alias_label(a, i, &labels);
        r.carried
            .push(format!("alias {a} -> {l}.{} (CNAME to the box)", lab::ZONE));
        labels.push(l);
    }
    r.box_settings.aliases = labels;
}

fn map_ip(c: &Value, r: &mut Rebuild) {
    let Some(ip) = c.get("ip").filter(|v| v.is_object()) else {
        return;
    };
    let flag = |k: &str| ip.get(k).and_then(Value::as_bool);
    let s = &mut r.box_settings;
    s.ipv4 = flag("ipv4").unwrap_or(true);
    s.gateway = flag("gateway").unwrap_or(true);
    let want6 = flag("ipv6").unwrap_or(false);
    s.ipv6 = Some(want6 && r.scenario.ipv6());
    if want6 && !r.scenario.ipv6() {
        r.not_reproduced.push(format!(
            "IPv6 ([ip] ipv6 = true): the lab's {} scenario has no IPv6, so the box has it off",
            r.scenario
        ));
    }
    let mut carried = format!(
        "[ip] ipv4 = {}, ipv6 = {}, gateway = {}",
        s.ipv4,
        s.ipv6_in(r.scenario),
        s.gateway
    );
    if let Some(q) = ip.get("quorum").and_then(Value::as_u64) {
        // The lab has two independent address sources (STUN, the probe server).
        let q = q.clamp(1, 2) as usize;
        s.quorum = Some(q);
        carried.push_str(&format!(", quorum = {q}"));
        if ip.get("quorum").and_then(Value::as_u64) > Some(2) {
            r.not_reproduced
                .push("[ip] quorum above 2: the lab has two address sources, quorum 2".into());
        }
    }
    r.carried.push(carried);
    r.replaced.push(
        "address sources ([ip] stun, probe, echo) -> the lab's STUN and probe servers".into(),
    );
}

fn map_ddns(c: &Value, r: &mut Rebuild) {
    match c.get("ddns").filter(|v| v.is_object()) {
        Some(d) => {
            let provider = d.get("provider").and_then(Value::as_str).unwrap_or("?");
            r.replaced.push(format!(
                "DNS provider {provider} -> the lab's Knot (RFC 2136 with TSIG, zone {}, the lab's own key)",
                lab::ZONE
            ));
            if provider != "rfc2136" {
                r.not_reproduced.push(format!(
                    "the DNS provider {provider}'s own behaviour (its API answers, rate limits, propagation)"
                ));
            }
        }
        None if c.get("ddns").is_some() => {
            r.box_settings.ddns = false;
            r.carried
                .push("no [ddns]: none in the lab box either".into());
        }
        None => {}
    }
}

fn map_ports(c: &Value, r: &mut Rebuild) {
    let Some(p) = c.get("ports") else { return };
    if p.is_null() {
        r.box_settings.forward = None;
        r.carried
            .push("no [ports]: none in the lab box either".into());
        return;
    }
    let mut forward = vec![];
    for item in p
        .get("forward")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match text.parse::<PortSpec>() {
            Ok(spec) => forward.push(spec),
            Err(e) => r
                .missing
                .push(format!("[ports] forward entry left out: {e}")),
        }
    }
    let list: Vec<String> = forward.iter().map(|s| s.to_string()).collect();
    r.carried
        .push(format!("[ports] forward = [{}]", list.join(", ")));
    r.box_settings.forward = Some(forward);
    r.box_settings.lease = p
        .get("lease")
        .and_then(Value::as_str)
        .and_then(|l| l.parse::<HumanDuration>().ok());
    if let Some(l) = r.box_settings.lease {
        r.carried.push(format!("[ports] lease = {l}"));
    }
}

fn map_cert(c: &Value, r: &mut Rebuild) {
    let Some(cert) = c.get("cert") else { return };
    if cert.is_null() {
        r.box_settings.cert = None;
        r.carried
            .push("no [cert]: none in the lab box either".into());
        return;
    }
    let challenges: Vec<ChallengeKind> = cert
        .get("challenges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|s| s.parse().ok())
        .collect();
    let key: KeyType = cert
        .get("key")
        .and_then(|k| serde_json::from_value(k.clone()).ok())
        .unwrap_or_default();
    let reuse_key = cert.get("reuse_key").and_then(Value::as_bool) == Some(true);
    let names: Vec<&str> = challenges.iter().map(|c| c.as_str()).collect();
    r.carried.push(format!(
        "[cert] challenges = [{}], key = {}, reuse_key = {reuse_key}",
        names.join(", "),
        serde_json::to_value(key)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    ));
    r.box_settings.cert = Some(BoxCert {
        challenges,
        key,
        reuse_key,
    });
    let ca = cert
        .get("ca")
        .and_then(Value::as_str)
        .unwrap_or("letsencrypt");
    r.replaced.push(format!(
        "CA {ca} -> the lab's Pebble (its own account and email)"
    ));
    // A report made in a lab already names the lab's CA.
    if !ca.contains(lab::addr::PEBBLE) {
        r.not_reproduced.push(format!(
            "the customer's CA {ca} (its rate limits, CAA policy, validation from several places)"
        ));
    }
    for (key, what) in [
        (
            "webroot",
            "webroot (HTTP-01 through the customer's web server)",
        ),
        ("profile", "ACME profile (Pebble 2.4 has none)"),
        ("eab_kid", "external account binding"),
        ("deploy_hook", "deploy hook (not run in the lab)"),
    ] {
        if cert.get(key).is_some_and(|v| !v.is_null()) {
            r.not_reproduced.push(format!("[cert] {what}"));
        }
    }
}

/// The setup steps the customer's state shows done, for the parts the lab box has.
fn steps(report: &CustomerReport, s: &BoxSettings, missing: &mut Vec<String>) -> Vec<Step> {
    let Some(state) = &report.state else {
        if report.bundle {
            missing.push(
                "the customer's state: `lab replay` runs doctor before anything is published, forwarded or issued"
                    .into(),
            );
        }
        return vec![];
    };
    let set = |p: &str| state.pointer(p).is_some_and(|v| !v.is_null());
    let mut out = vec![];
    if s.ddns && (set("/ddns/ipv4/address") || set("/ddns/ipv6/address")) {
        out.push(Step::DdnsUpdate);
    }
    let mapped = state
        .pointer("/ports/mappings")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    if s.forward.is_some() && mapped {
        out.push(Step::PortsAdd);
    }
    if s.cert.is_some() && set("/cert/current") {
        out.push(Step::CertIssue);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Replay: doctor in the lab box beside the report's

/// One check whose outcome differs between the report and the lab.
#[derive(Debug, Clone, Serialize)]
pub struct CheckDiff {
    pub id: String,
    /// Its status in the report (None: not there).
    pub report: Option<Status>,
    pub lab: Option<Status>,
    pub report_summary: Option<String>,
    pub lab_summary: Option<String>,
}

/// The lab's verdict beside the report's.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Both verdicts name the same check as the root cause (or both have none).
    pub same_root_cause: bool,
    pub report: Verdict,
    pub lab: Verdict,
    /// Checks whose status differs, or that only one side ran.
    pub differences: Vec<CheckDiff>,
}

pub fn compare(report: &DoctorReport, lab: &DoctorReport) -> Comparison {
    let mut differences = vec![];
    let find = |d: &DoctorReport, id: &str| d.checks.iter().find(|c| c.id == id).cloned();
    let mut ids: Vec<&str> = lab.checks.iter().map(|c| c.id.as_str()).collect();
    for c in &report.checks {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    for id in ids {
        let (a, b) = (find(report, id), find(lab, id));
        if a.as_ref().map(|c| c.status) != b.as_ref().map(|c| c.status) {
            differences.push(CheckDiff {
                id: id.to_string(),
                report: a.as_ref().map(|c| c.status),
                lab: b.as_ref().map(|c| c.status),
                report_summary: a.map(|c| c.summary),
                lab_summary: b.map(|c| c.summary),
            });
        }
    }
    Comparison {
        same_root_cause: report.verdict.cause == lab.verdict.cause,
        report: report.verdict.clone(),
        lab: lab.verdict.clone(),
        differences,
    }
}

/// What a lab built from a report keeps for `lab replay` (`from-report.json` in its run dir).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    /// The report file as given.
    pub file: String,
    pub scenario: Scenario,
    /// The report's doctor results.
    pub doctor: Option<DoctorReport>,
    pub steps: Vec<Step>,
}

impl Rebuild {
    /// What the lab remembers of `report` (read from `file`): the summary `lab status` shows,
    /// and the document `lab replay` reads.
    pub fn remember(&self, file: &str, report: &CustomerReport) -> (lab::FromReport, Vec<u8>) {
        let stored = Stored {
            file: file.to_string(),
            scenario: self.scenario,
            doctor: report.doctor.clone(),
            steps: self.steps.clone(),
        };
        let summary = lab::FromReport {
            file: file.to_string(),
            // Set by the lab to where it keeps the document.
            stored: Default::default(),
            why: self.why.clone(),
            carried: self.carried.clone(),
            replaced: self.replaced.clone(),
            not_reproduced: self.not_reproduced.clone(),
            missing: self.missing.clone(),
            steps: self.steps.iter().map(|s| s.what().to_string()).collect(),
        };
        let doc = serde_json::to_vec_pretty(&stored).expect("plain data");
        (summary, doc)
    }
}

/// One setup step as run in the lab box.
#[derive(Debug, Clone, Serialize)]
pub struct StepRun {
    pub step: Step,
    pub exit_code: i32,
    /// The end of its error output when it failed (as the customer's may have).
    pub error: Option<String>,
}

/// `lab replay`: the steps (once per lab), doctor in the box, and the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub lab: String,
    pub scenario: Scenario,
    pub report_file: String,
    /// Setup steps run now (empty when an earlier replay ran them).
    pub steps: Vec<StepRun>,
    /// None when the report had no doctor results.
    pub comparison: Option<Comparison>,
    pub lab_doctor: DoctorReport,
}

const PREPARED: &str = "from-report.prepared";

/// Run doctor in the box of lab `name`, built by `lab up --from-report`, and set its verdict
/// beside the report's.
pub fn replay(name: &str) -> Result<Replay> {
    let run = lab::RunDir::for_name(name);
    let path = run.path(lab::FROM_REPORT_FILE);
    let info = lab::status(name)?;
    let text = std::fs::read(&path).map_err(|_| {
        Error::usage(format!("lab `{name}` was not built from a report")).hint(format!(
            "build one with `direkt lab down --name {name}` and `direkt lab up --name {name} --from-report FILE`"
        ))
    })?;
    let stored: Stored = serde_json::from_slice(&text)
        .map_err(|e| Error::failed(format!("reading {}: {e}", path.display())))?;
    let mut steps = vec![];
    if !run.path(PREPARED).exists() {
        for step in &stored.steps {
            steps.push(run_step(name, *step)?);
        }
        crate::fsutil::write_atomic(&run.path(PREPARED), b"", 0o644)?;
    }
    let out = in_box(name, &["doctor", "--json"])?;
    let origin = format!("doctor in lab `{name}`");
    let lab_doctor = DoctorReport::from_json_text(&String::from_utf8_lossy(&out.stdout), &origin)
        .map_err(|_| {
        Error::failed(format!(
            "doctor in lab `{name}` gave no results (exit {}): {}",
            out.status.code().unwrap_or(-1),
            tail(&out.stderr)
        ))
    })?;
    Ok(Replay {
        lab: name.to_string(),
        scenario: info.scenario.parse().unwrap_or(stored.scenario),
        report_file: stored.file,
        steps,
        comparison: stored.doctor.as_ref().map(|d| compare(d, &lab_doctor)),
        lab_doctor,
    })
}

fn in_box(name: &str, args: &[&str]) -> Result<std::process::Output> {
    let argv: Vec<String> = std::iter::once("direkt")
        .chain(args.iter().copied())
        .map(String::from)
        .collect();
    let mut cmd = lab::command_in(name, lab::Role::Box, &argv)?;
    cmd.output()
        .map_err(|e| Error::failed(format!("cannot run direkt in lab `{name}`: {e}")))
}

fn run_step(name: &str, step: Step) -> Result<StepRun> {
    let out = in_box(name, step.args())?;
    let code = out.status.code().unwrap_or(-1);
    Ok(StepRun {
        step,
        exit_code: code,
        error: (code != 0).then(|| tail(&out.stderr)),
    })
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(2)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::addr;
    use crate::net::nat::NatClass;
    use serde_json::json;

    const MINIUPNPD: &str = "Debian/12 UPnP/1.1 MiniUPnPd/2.3.1";

    fn doctor(checks: Vec<CheckResult>) -> DoctorReport {
        DoctorReport {
            version: 1,
            name: Some("nas.customer.example".into()),
            started_at: String::new(),
            elapsed_ms: 0,
            deadline_ms: 5000,
            verdict: crate::doctor::verdict::choose(&checks),
            checks,
        }
    }

    /// What doctor sees in `sc`, derived from what the scenario builds (its upstream NAT,
    /// port-mapping service, blocked port and IPv6), the way the checks judge it.
    fn facts_of(sc: Scenario) -> Vec<CheckResult> {
        let wan: IpAddr = sc
            .upstream()
            .map_or(addr::ROUTER_WAN, |u| u.router_wan)
            .parse()
            .unwrap();
        let public: IpAddr = sc
            .upstream()
            .map_or(addr::ROUTER_WAN, |u| u.wan)
            .parse()
            .unwrap();
        let mut offered = vec![];
        if let Some(pm) = sc.port_mapping() {
            if pm.upnp {
                let m = if pm.igd_v1_only {
                    Method::UpnpIgd1
                } else {
                    Method::UpnpIgd2
                };
                offered.push(m.to_string());
            }
            offered.extend([Method::Pcp.to_string(), Method::NatPmp.to_string()]);
        }
        let found = if offered.is_empty() {
            CheckResult::fail("gateway.found", "no port-mapping service on the router")
        } else {
            CheckResult::pass("gateway.found", "router found").detail("upnp_server", MINIUPNPD)
        };
        let class = NatClass::of(wan, Some(public));
        let fail_if = |b: bool, id: &str| {
            if b {
                CheckResult::fail(id, format!("{id}: WAN {wan}, seen {public}"))
            } else {
                CheckResult::pass(id, "fine")
            }
            .detail("wan", wan)
            .detail("public", public)
        };
        let v6 = if sc.ipv6() {
            CheckResult::pass("public.ipv6", "seen").detail("address", addr::BOX6)
        } else {
            CheckResult::skip("public.ipv6", "IPv6 is not in use")
        };
        let http = if sc.blocks_port_80() {
            CheckResult::fail("reach.tcp.80", "blocked by the ISP").detail("isp_block", true)
        } else {
            CheckResult::pass("reach.tcp.80", "open")
        };
        let dslite = if class == NatClass::DsLite {
            CheckResult::warn("nat.dslite", "shared IPv4 (DS-Lite)").detail("dslite", true)
        } else {
            CheckResult::pass("nat.dslite", "no sign of DS-Lite")
        };
        vec![
            found.detail("offered", offered.clone()),
            fail_if(false, "gateway.wan"),
            fail_if(class == NatClass::Cgnat, "nat.cgnat"),
            dslite,
            fail_if(class == NatClass::DoubleNat, "nat.double"),
            v6,
            CheckResult::pass("reach.tcp.443", "open"),
            http,
        ]
    }

    fn customer_config(ipv6: bool) -> Value {
        json!({
            "name": "nas.customer.example",
            "aliases": ["www.customer.example", "cloud.customer.example", "www.other.example", "box.customer.example"],
            "ip": {"ipv4": true, "ipv6": ipv6, "quorum": 3, "gateway": true,
                   "stun": ["stun.l.google.com:19302"], "probe": [], "echo": ["https://api.ipify.org"]},
            "ddns": {"provider": "cloudflare", "zone": "customer.example", "token_file": null},
            "ports": {"forward": ["8443:443/tcp", "80/tcp", "51820/udp"], "lease": "2h"},
            "cert": {"ca": "letsencrypt", "challenges": ["dns-01", "http-01"], "key": "rsa2048",
                     "reuse_key": true, "deploy_hook": "systemctl reload nginx", "webroot": null},
            "doctor": {"deadline": "5s"},
            "notify": null
        })
    }

    fn bundle(checks: Vec<CheckResult>, config: Value) -> String {
        json!({
            "report_format": 1,
            "versions": {"direkt": "0.1.0"},
            "config": config,
            "state": {"ddns": {"ipv4": {"address": "198.51.100.7"}}, "ports": {"mappings": [{"external_port": 443}]}, "cert": {"current": null}},
            "doctor": doctor(checks),
        })
        .to_string()
    }

    fn plan_of(text: &str) -> Rebuild {
        plan(&read(text, "r.json").unwrap())
    }

    fn box_config(r: &Rebuild) -> crate::config::Config {
        let run = lab::RunDir::for_name("dk");
        let text = lab::box_config_text(&run, r.scenario, &r.box_settings);
        crate::config::Config::parse(&text, std::path::Path::new("/x/direkt.toml"))
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
    }

    #[test]
    fn every_scenario_is_chosen_from_the_facts_doctor_records_in_it() {
        // dual-stack-upnp, fritzbox and dsl-forum are lab-only router variants for
        // port-mapping tests: a report is rebuilt as dual-stack or direct.
        let from_reports = Scenario::ALL.into_iter().filter(|s| {
            !matches!(
                s,
                Scenario::DualStackUpnp | Scenario::Fritzbox | Scenario::DslForum
            )
        });
        for sc in from_reports {
            let r = plan_of(&bundle(facts_of(sc), customer_config(sc.ipv6())));
            assert_eq!(r.scenario, sc, "{r:#?}");
            assert!(
                r.why.last().unwrap().ends_with(&format!("scenario {sc}")),
                "{r:#?}"
            );
            // One condition each: nothing else was seen.
            assert!(
                !r.not_reproduced.iter().any(|l| l.starts_with("also")),
                "{r:#?}"
            );
            assert_eq!(box_config(&r).ip.ipv6, sc.ipv6(), "{sc}");
            // A bare doctor document gives the same scenario, with less carried over.
            let bare = serde_json::to_string(&doctor(facts_of(sc))).unwrap();
            let b = plan_of(&bare);
            assert_eq!(b.scenario, sc);
            assert!(b.carried.is_empty());
            assert!(
                b.missing.iter().any(|m| m.contains("bare doctor document")),
                "{b:#?}"
            );
            assert_eq!(b.box_settings, BoxSettings::default());
            box_config(&b);
        }
    }

    #[test]
    fn the_root_cause_wins_and_the_other_conditions_are_listed() {
        let mut checks = facts_of(Scenario::Cgnat);
        let igdv1 = facts_of(Scenario::Igdv1);
        checks[0] = igdv1[0].clone();
        checks.push(CheckResult::pass("public.ipv6", "seen").detail("address", "2001:db8::1"));
        checks.retain(|c| c.id != "public.ipv6" || c.status == Status::Pass);
        let r = plan_of(&bundle(checks, customer_config(false)));
        // Shared IPv4 with IPv6 of its own: the ds-lite scenario, said once (not also cgnat or
        // dual-stack as second scenarios).
        assert_eq!(r.scenario, Scenario::DsLite);
        assert!(
            r.why[0].starts_with(
                "router WAN 100.64.0.2 in the report, but the internet sees 203.0.113.100"
            ),
            "{r:#?}"
        );
        assert!(
            r.why[0].contains("DS-Lite") && r.why[0].contains("2001:db8::1"),
            "{r:#?}"
        );
        let nr = r.not_reproduced.join("\n");
        assert!(!nr.contains("scenario dual-stack"), "{nr}");
        assert!(!nr.contains("scenario cgnat"), "{nr}");
        assert!(
            nr.contains("UPnP IGDv1 only") && nr.contains("scenario igdv1"),
            "{nr}"
        );
    }

    #[test]
    fn ds_lite_by_its_b4_address_and_a_fritzbox_are_named() {
        let checks = vec![
            CheckResult::pass("gateway.found", "found")
                .detail("offered", vec!["UPnP IGDv2"])
                .detail("upnp_device", "FRITZ!Box 7590")
                .detail(
                    "upnp_server",
                    "FRITZ!Box 7590 UPnP/1.0 AVM FRITZ!Box 7590 154.07.57",
                ),
            CheckResult::pass("gateway.wan", "wan").detail("wan", "192.0.0.2"),
            CheckResult::fail("nat.cgnat", "behind CGNAT").detail("wan", "192.0.0.2"),
            CheckResult::skip("public.ipv6", "not in use"),
        ];
        let r = plan_of(&serde_json::to_string(&doctor(checks)).unwrap());
        assert_eq!(r.scenario, Scenario::DsLite);
        let nr = r.not_reproduced.join("\n");
        assert!(nr.contains("DS-Lite without IPv6"), "{nr}");
        assert!(
            nr.contains("FRITZ!Box 7590") && nr.contains("per-device permission"),
            "{nr}"
        );
        // Another router model than miniupnpd is named too; miniupnpd itself is not.
        let other = vec![
            CheckResult::pass("gateway.found", "found")
                .detail("offered", vec!["UPnP IGDv2"])
                .detail("upnp_server", "Linux UPnP/1.0 Zyxel/1.0"),
        ];
        let r = plan_of(&serde_json::to_string(&doctor(other)).unwrap());
        assert!(
            r.not_reproduced.iter().any(|l| l.contains("Zyxel")),
            "{r:#?}"
        );
        let r = plan_of(&serde_json::to_string(&doctor(facts_of(Scenario::Direct))).unwrap());
        assert!(
            !r.not_reproduced.iter().any(|l| l.contains("router")),
            "{r:#?}"
        );
    }

    #[test]
    fn the_customers_config_is_mapped_into_the_lab() {
        let r = plan_of(&bundle(facts_of(Scenario::Cgnat), customer_config(true)));
        let c = box_config(&r);
        assert_eq!(c.name.as_str(), lab::BOX_NAME);
        let aliases: Vec<&str> = c.aliases.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            aliases,
            [
                "www.example.test",
                "cloud.example.test",
                "alias3.example.test",
                "alias4.example.test"
            ]
        );
        let ports: Vec<String> = c
            .ports
            .as_ref()
            .unwrap()
            .forward
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(ports, ["8443:443/tcp", "80/tcp", "51820/udp"]);
        assert_eq!(c.ports.unwrap().lease.to_string(), "2h");
        let cert = c.cert.unwrap();
        assert_eq!(
            cert.challenges,
            [ChallengeKind::Dns01, ChallengeKind::Http01]
        );
        assert_eq!(cert.key, KeyType::Rsa2048);
        assert!(cert.reuse_key && cert.deploy_hook.is_none());
        assert!(cert.ca.as_str().contains(addr::PEBBLE));
        assert_eq!(c.ddns.unwrap().provider.to_string(), "rfc2136");
        assert_eq!(c.ip.quorum, 2);
        // The customer's IPv6 cannot be had in cgnat: off, and said.
        assert!(!c.ip.ipv6);
        let said = |v: &[String], s: &str| v.iter().any(|l| l.contains(s));
        assert!(
            said(&r.replaced, "DNS provider cloudflare -> the lab's Knot"),
            "{r:#?}"
        );
        assert!(
            said(&r.replaced, "CA letsencrypt -> the lab's Pebble"),
            "{r:#?}"
        );
        assert!(
            said(&r.replaced, "name nas.customer.example -> box.example.test"),
            "{r:#?}"
        );
        for s in [
            "cloudflare's own behaviour",
            "CA letsencrypt",
            "deploy hook",
            "IPv6",
            "quorum",
        ] {
            assert!(said(&r.not_reproduced, s), "{s}: {r:#?}");
        }
        assert_eq!(r.steps, [Step::DdnsUpdate, Step::PortsAdd]);
        // No config section means none in the lab box either.
        let mut bare = customer_config(false);
        bare["ports"] = Value::Null;
        bare["cert"] = Value::Null;
        let r = plan_of(&bundle(facts_of(Scenario::Direct), bare));
        let c = box_config(&r);
        assert!(c.ports.is_none() && c.cert.is_none());
        assert_eq!(r.steps, [Step::DdnsUpdate]);
    }

    #[test]
    fn a_report_of_an_older_direkt_still_works_and_says_what_is_missing() {
        let old = json!({
            "config": {"name": "nas.customer.example", "ports": {"forward": [443]}},
            "doctor": {
                "verdict": {"status": "fail", "summary": "Behind CGNAT"},
                "checks": [
                    {"id": "nat.cgnat", "status": "fail", "summary": "behind CGNAT: router WAN 100.64.1.9"},
                    {"id": "gateway.found", "status": "pass", "summary": "router found"},
                    {"id": "some.future.check", "status": "pass", "summary": "?"}
                ]
            }
        });
        let r = plan_of(&old.to_string());
        assert_eq!(r.scenario, Scenario::Cgnat);
        let missing = r.missing.join("\n");
        for s in [
            "report format",
            "direkt version",
            "port-mapping protocols",
            "public.ipv6",
            "config.aliases",
            "config.cert",
            "customer's state",
        ] {
            assert!(missing.contains(s), "{s}: {missing}");
        }
        assert_eq!(box_config(&r).ports.unwrap().forward.len(), 1);
        // A report made with --no-doctor: the lab's default scenario, said why.
        let r =
            plan_of(&json!({"report_format": 1, "doctor": {"skipped": "--no-doctor"}}).to_string());
        assert_eq!(r.scenario, Scenario::Direct);
        assert!(
            r.missing.iter().any(|m| m.contains("--no-doctor")),
            "{r:#?}"
        );
    }

    #[test]
    fn bad_input_is_a_usage_error_naming_the_file_and_the_position() {
        let e = read(
            "{\n  \"doctor\": {\n    \"checks\": [,]\n",
            "/tmp/cust.json",
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let m = e.to_string();
        assert!(
            m.contains("/tmp/cust.json") && m.contains("line 3, column 16"),
            "{m}"
        );
        for not_a_report in ["[1, 2]", "{\"hello\": 1}"] {
            let e = read(not_a_report, "x.json").unwrap_err();
            assert_eq!(e.exit_code(), 2, "{not_a_report}");
            assert!(e.to_string().contains("x.json"), "{e}");
        }
        let e = read("{\"doctor\": {\"checks\": 3}}", "y.json").unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn the_comparison_names_the_root_causes_and_the_checks_that_differ() {
        let report = doctor(facts_of(Scenario::Cgnat));
        let same = compare(&report, &report.clone());
        assert!(same.same_root_cause && same.differences.is_empty());
        let mut lab_checks = facts_of(Scenario::Cgnat);
        lab_checks.push(CheckResult::fail("cert.disk", "no certificate"));
        lab_checks.retain(|c| c.id != "reach.tcp.443");
        let c = compare(&report, &doctor(lab_checks));
        assert!(c.same_root_cause, "{c:#?}");
        let ids: Vec<&str> = c.differences.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["cert.disk", "reach.tcp.443"]);
        assert_eq!(c.differences[0].report, None);
        assert_eq!(c.differences[1].lab, None);
        let c = compare(&report, &doctor(facts_of(Scenario::NoPortmap)));
        assert!(!c.same_root_cause);
        assert_eq!(c.lab.cause.as_deref(), Some("gateway.found"));
    }
}
