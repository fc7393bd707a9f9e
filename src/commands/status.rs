//! `direkt status`: what is configured and its state.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::config::{self, Settings};
use crate::error::Result;
use crate::net::time;
use crate::output::{Printer, Style};
use crate::state::{State, StateDir};
use crate::status::{CertView, ForwardingView, Overview, PartView, WaitView};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON (see the README for its fields)
    #[arg(long, conflicts_with = "prometheus")]
    pub json: bool,
    /// Print metrics in the Prometheus text format (for node_exporter's textfile collector)
    #[arg(long)]
    pub prometheus: bool,
}

/// The `status --json` document. Fields are only ever added, never renamed.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub config_file: String,
    pub configured: bool,
    pub state_dir: String,
    pub name: Option<String>,
    pub config: Option<config::Config>,
    pub state: Option<State>,
    /// The state in plain facts, as the screen shows them: addresses published, forwardings
    /// with protocol and lease end, the certificate and its next renewal, latches and
    /// back-offs, the last result per part.
    pub overview: Overview,
}

pub async fn run(global: &GlobalArgs, args: &StatusArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    let state = StateDir::new(&settings.paths.state_dir).read()?;
    let overview = crate::status::overview(&settings, state.as_ref());
    let report = StatusReport {
        config_file: settings.paths.config_file.display().to_string(),
        configured: settings.config.is_some(),
        state_dir: settings.paths.state_dir.display().to_string(),
        name: settings.config.as_ref().map(|c| c.name.to_string()),
        config: settings.config.clone(),
        state,
        overview,
    };
    if args.prometheus {
        let snapshot = crate::status::snapshot(&settings, report.state.as_ref(), &report.overview);
        // The text format ends with a newline; `data` adds one.
        p.data(crate::metrics::render(&snapshot).trim_end());
    } else if args.json {
        p.json(&report);
    } else {
        p.data(&render(&report, p));
    }
    Ok(ExitCode::SUCCESS)
}

/// Width of the label column; values wrap to stay within [`WIDTH`].
const LABEL: usize = 14;
/// The terminal width the screen fits.
const WIDTH: usize = 80;

/// The screen being built: label, value, the value wrapped under itself.
struct Screen<'a> {
    p: &'a Printer,
    now: i64,
    lines: Vec<String>,
}

impl Screen<'_> {
    /// One row. A label without leading spaces heads a section (bold); `accent` colours the
    /// value's first word (`ok`, `failed`, ...).
    fn row(&mut self, label: &str, value: &str, accent: Option<Style>) {
        let mut chunks = wrap(value, WIDTH - LABEL).into_iter();
        let first = chunks.next().unwrap_or_default();
        let shown = if label.starts_with(' ') {
            label.to_string()
        } else {
            self.p.paint(Style::Bold, label)
        };
        let pad = " ".repeat(LABEL.saturating_sub(label.chars().count()).max(1));
        let first = match (accent, first.split_once(' ')) {
            (Some(style), Some((word, rest))) => format!("{} {rest}", self.p.paint(style, word)),
            (Some(style), None) => self.p.paint(style, &first),
            (None, _) => first,
        };
        self.lines
            .push(format!("{shown}{pad}{first}").trim_end().to_string());
        for more in chunks {
            self.lines.push(format!("{}{more}", " ".repeat(LABEL)));
        }
    }

    /// `2026-12-06 17:05 UTC (in 3 h 2 min)`.
    fn when(&self, at: i64) -> String {
        format!(
            "{} ({})",
            time::format_short(at),
            time::relative(at, self.now)
        )
    }
}

/// `text` in lines of at most `width` characters, broken between words (a longer word stays
/// whole on a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn render(r: &StatusReport, p: &Printer) -> String {
    let Some(c) = &r.config else {
        return [
            format!(
                "{} (looked for {}).",
                p.paint(Style::Bold, "No configuration yet"),
                r.config_file
            ),
            format!("To start: {}", config::NO_CONFIG_HINT),
            format!("State directory: {}", r.state_dir),
        ]
        .join("\n");
    };
    let o = &r.overview;
    let mut s = Screen {
        p,
        now: o.at,
        lines: vec![],
    };
    s.row("Name", &c.name.to_string(), None);
    if !c.aliases.is_empty() {
        let a: Vec<_> = c.aliases.iter().map(|a| a.to_string()).collect();
        s.row("Aliases", &a.join(", "), None);
    }
    addresses(&mut s, c, o);
    forwardings(&mut s, c, &o.forwardings);
    if let Some(r) = &o.relay {
        let line = format!(
            "{} ({}) passes {} through WireGuard, since {}",
            r.address,
            r.host,
            r.ports,
            s.when(r.since)
        );
        s.row("Relay", &line, None);
    }
    certificate(&mut s, c, o.certificate.as_ref());
    waits(&mut s, &o.waits);
    parts(&mut s, &o.parts);
    match r.state.as_ref().and_then(|st| st.last_run.as_ref()) {
        Some(run) => {
            let result = if run.ok { "ok" } else { "failed" };
            let line = format!("{}, {}: {}", run.command, s.when(run.at), run.summary);
            s.row(
                "Last run",
                &format!("{result}: {line}"),
                Some(accent(result)),
            );
        }
        None => s.row("Last run", "nothing has run yet", None),
    }
    s.row("Config", &r.config_file, None);
    s.row("State", &r.state_dir, None);
    s.lines.join("\n")
}

fn accent(result: &str) -> Style {
    match result {
        "ok" => Style::Green,
        "not" | "waiting" => Style::Yellow,
        _ => Style::Red,
    }
}

fn addresses(s: &mut Screen, c: &config::Config, o: &Overview) {
    let Some(d) = &c.ddns else {
        s.row("DNS", "not configured", None);
        return;
    };
    s.row("DNS", &format!("published through {}", d.provider), None);
    if o.addresses.is_empty() {
        s.row("", "nothing published yet", None);
    }
    for a in &o.addresses {
        let line = format!("{}, published {}", a.address, s.when(a.published_at));
        s.row(&format!("  {}", a.family), &line, None);
    }
}

fn forwardings(s: &mut Screen, c: &config::Config, f: &[ForwardingView]) {
    if c.ports.is_none() && f.is_empty() {
        s.row("Forwarding", "not configured", None);
        return;
    }
    let mut head = match &c.ports {
        Some(p) => {
            let specs: Vec<_> = p.forward.iter().map(|s| s.to_string()).collect();
            format!("{} (lease {})", specs.join(", "), p.lease)
        }
        None => "not configured".to_string(),
    };
    let gateways: std::collections::BTreeSet<_> = f.iter().filter_map(|f| f.gateway).collect();
    if !gateways.is_empty() {
        let g: Vec<_> = gateways.iter().map(|g| g.to_string()).collect();
        head.push_str(&format!(" on the router {}", g.join(", ")));
    }
    s.row("Forwarding", &head, None);
    for m in f {
        let label = format!("  {}/{}", m.external_port, m.protocol);
        let mut facts = vec![];
        if m.internal_port != m.external_port {
            facts.push(format!("to port {}", m.internal_port));
        }
        if !m.mapped {
            facts.push("not forwarded yet (`direkt renew` or `direkt ports add`)".into());
            s.row(&label, &facts.join(", "), Some(Style::Yellow));
            continue;
        }
        facts.push(m.family.to_string());
        facts.extend(m.via.map(|v| v.to_string()));
        facts.push(match m.lease_end {
            Some(t) if t <= s.now => format!("lease ended {}", s.when(t)),
            Some(t) => format!("lease ends {}", s.when(t)),
            None => "permanent (no lease)".into(),
        });
        s.row(&label, &facts.join(", "), None);
    }
}

fn certificate(s: &mut Screen, c: &config::Config, cert: Option<&CertView>) {
    let Some(cert) = cert else {
        let text = match c.cert {
            Some(_) => "none yet (`direkt cert issue` gets one)",
            None => "not configured",
        };
        s.row("Certificate", text, None);
        return;
    };
    s.row("Certificate", &cert.names.join(", "), None);
    if let Some(cc) = &c.cert {
        s.row("  from", &cc.ca.to_string(), None);
    }
    if cert.not_before > s.now {
        let line = format!("yet: valid from {}", s.when(cert.not_before));
        s.row("  not valid", &line, None);
    }
    if cert.not_after <= s.now {
        s.row(
            "  expired",
            &format!("expired {}", s.when(cert.not_after)),
            Some(Style::Red),
        );
    } else {
        s.row("  expires", &s.when(cert.not_after), None);
    }
    let plan = &cert.renewal;
    let why = match (plan.basis, plan.ari_start, plan.ari_end) {
        ("revoked", ..) => "the certificate was revoked".to_string(),
        ("ari", Some(a), Some(b)) => format!(
            "in the CA's window (ARI) {} .. {}",
            time::format_short(a),
            time::format_short(b)
        ),
        _ => "when a third of its lifetime is left".to_string(),
    };
    let line = if plan.at <= s.now {
        format!("due now ({why}); the next `direkt renew` renews it")
    } else {
        format!("{}, {why}", s.when(plan.at))
    };
    s.row("  renewal", &line, None);
}

fn waits(s: &mut Screen, waits: &[WaitView]) {
    if waits.is_empty() {
        s.row("Waiting", "nothing: no latch, no back-off", None);
        return;
    }
    s.row("Waiting", "", None);
    for w in waits {
        let line = match (w.kind, w.until) {
            ("backoff", Some(until)) => format!(
                "backing off until {} after {} failure(s): {}",
                s.when(until),
                w.failures.unwrap_or(1),
                w.reason
            ),
            _ => {
                let since = w.since.map(|t| s.when(t)).unwrap_or_default();
                let hint = w
                    .hint
                    .as_ref()
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                format!(
                    "latched since {since}: {}{hint}; until the config changes or --force",
                    w.reason
                )
            }
        };
        let style = if w.kind == "backoff" {
            Style::Yellow
        } else {
            Style::Red
        };
        s.row(&format!("  {}", w.part), &line, Some(style));
    }
}

fn parts(s: &mut Screen, parts: &[PartView]) {
    if parts.is_empty() {
        return;
    }
    s.row("Last results", "", None);
    for part in parts {
        let label = format!("  {}", part.part);
        let at = |t: Option<i64>| t.map(|t| format!(" at {}", s.when(t))).unwrap_or_default();
        let line = match part.result {
            "failed" => format!(
                "failed{}: {}",
                at(part.last_attempt),
                part.error.as_deref().unwrap_or("(no message)")
            ),
            "latched" => format!("latched{} (see Waiting)", at(part.last_attempt)),
            "ok" => format!("ok{}", at(part.last_attempt)),
            _ => "not run yet by `renew` or `setup`".to_string(),
        };
        let first = line.split(' ').next().unwrap_or_default().to_string();
        s.row(&label, &line, Some(accent(&first)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::renewal::{AriWindow, IssuedRecord};
    use crate::config::{Config, Protocol};
    use crate::ddns::update::Published;
    use crate::net::Family;
    use crate::portmap::{MappingRecord, Method};
    use crate::renew::PartRecord;
    use crate::state::{Backoff, Latch, RunRecord};

    const NOW: i64 = 1_800_000_000; // 2027-01-15 08:00 UTC
    const DAY: i64 = 86_400;

    fn mapping(port: u16, via: Method, expires_at: Option<i64>) -> MappingRecord {
        MappingRecord {
            external_port: port,
            internal_port: port,
            protocol: Protocol::Tcp,
            family: Family::Ipv4,
            internal_client: "192.168.77.10".parse().unwrap(),
            gateway: "192.168.77.1".parse().unwrap(),
            via,
            lease: 3600,
            granted: 3600,
            created_at: NOW - 60,
            renewed_at: NOW - 60,
            expires_at,
            external_address: Some("203.0.113.2".parse().unwrap()),
            pcp_nonce: None,
            epoch: None,
            upnp_service: None,
            confirmed: None,
            pinhole_id: None,
        }
    }

    /// A box with everything set up: published, two forwardings, a certificate with an ARI
    /// window, DNS backing off, and the CA latched.
    fn report() -> StatusReport {
        let text = "name = \"box.example.test\"\naliases = [\"www.box.example.test\"]\n\
            [ddns]\nprovider = \"rfc2136\"\nserver = \"198.51.100.53:53\"\nzone = \"example.test\"\nkey_name = \"k\"\n\
            [ports]\nforward = [\"443/tcp\", \"80/tcp\", \"8443/tcp\"]\n\
            [cert]\nca = \"https://127.0.0.1:9/dir\"\naccept_tos = true\n";
        let file = std::path::Path::new("/etc/direkt/direkt.toml");
        let config = Config::parse(text, file).unwrap();
        let mut st = State::default();
        st.ddns.ipv4 = Some(Published {
            address: "203.0.113.2".parse().unwrap(),
            at: NOW - 300,
        });
        st.ddns.backoff = Some(Backoff {
            failures: 2,
            until: NOW + 1200,
            reason: "DNS server 198.51.100.53:53 did not answer".into(),
        });
        st.ports.mappings = vec![
            mapping(443, Method::UpnpIgd2, Some(NOW + 3540)),
            mapping(80, Method::Pcp, Some(NOW - 10)),
        ];
        st.cert.current = Some(IssuedRecord {
            names: vec!["box.example.test".into(), "www.box.example.test".into()],
            serial: "0a1b".into(),
            not_before: NOW - DAY,
            not_after: NOW + 89 * DAY,
            issued_at: NOW - DAY,
            key_type: "ecdsa-p256".into(),
            challenge: "http-01".into(),
            ari_id: Some("aki.0a1b".into()),
            revoked: false,
        });
        st.cert.ari_supported = Some(true);
        st.cert.ari = Some(AriWindow {
            cert_id: "aki.0a1b".into(),
            start: NOW + 59 * DAY,
            end: NOW + 61 * DAY,
            chosen: NOW + 60 * DAY,
            fetched_at: NOW - DAY,
            retry_after: NOW + 5 * 3600,
            explanation: None,
        });
        st.cert.latch = Some(Latch {
            reason: "the CA refused: unauthorized".into(),
            since: NOW - 3600,
            config_hash: String::new(),
        });
        st.renew.parts.insert(
            "dns".into(),
            PartRecord {
                last_attempt: Some(NOW - 120),
                last_success: Some(NOW - 3600),
                error: Some("DNS server 198.51.100.53:53 did not answer".into()),
                ..Default::default()
            },
        );
        st.renew.parts.insert(
            "ports".into(),
            PartRecord {
                last_attempt: Some(NOW - 120),
                last_success: Some(NOW - 120),
                ..Default::default()
            },
        );
        st.last_run = Some(RunRecord {
            command: "renew".into(),
            at: NOW - 120,
            ok: false,
            summary: "dns failed".into(),
        });
        let overview = crate::status::overview_of(Some(&config), Some(&st), None, NOW);
        StatusReport {
            config_file: file.display().to_string(),
            configured: true,
            state_dir: "/var/lib/direkt".into(),
            name: Some("box.example.test".into()),
            config: Some(config),
            state: Some(st),
            overview,
        }
    }

    #[test]
    fn one_screen_names_every_fact_within_80_columns() {
        let text = render(&report(), &Printer::plain());
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line:?}\n{text}");
        }
        let has = |s: &str| assert!(text.contains(s), "no {s:?} in\n{text}");
        has("Name          box.example.test");
        has("DNS           published through rfc2136");
        has("  IPv4        203.0.113.2, published 2027-01-15 07:55 UTC (5 min 0 s ago)");
        has("  443/tcp     IPv4, UPnP IGDv2, lease ends 2027-01-15 08:59 UTC (in 59 min 0 s)");
        has("  80/tcp      IPv4, PCP, lease ended 2027-01-15 07:59 UTC (10 s ago)");
        has("  8443/tcp    not forwarded yet");
        has("Forwarding    443/tcp, 80/tcp, 8443/tcp (lease 1h) on the router 192.168.77.1");
        has("  from        https://127.0.0.1:9/dir");
        has("Certificate   box.example.test, www.box.example.test");
        has("  expires     2027-04-14 08:00 UTC (in 89 d 0 h)");
        has("  renewal     2027-03-16 08:00 UTC (in 60 d 0 h), in the CA's window (ARI)");
        has("  dns         backing off until 2027-01-15 08:20 UTC (in 20 min 0 s) after 2");
        has("  cert        latched since 2027-01-15 07:00 UTC (1 h 0 min ago): the CA");
        has("  dns         failed at 2027-01-15 07:58 UTC (2 min 0 s ago): DNS server");
        has("  ports       ok at 2027-01-15 07:58 UTC (2 min 0 s ago)");
        has("  cert        latched (see Waiting)");
        has("Last run      failed: renew, 2027-01-15 07:58 UTC");
        has("Config        /etc/direkt/direkt.toml");
        // Wrapped lines continue under the value column.
        assert!(text.contains("\n              "), "{text}");
        assert!(
            !text.contains('\x1b'),
            "colour without the Printer asking: {text}"
        );
    }

    #[test]
    fn without_an_ari_window_renewal_is_at_a_third_and_nothing_waits() {
        let mut r = report();
        let st = r.state.as_mut().unwrap();
        st.cert.ari = None;
        st.cert.ari_supported = Some(false);
        st.cert.latch = None;
        st.ddns.backoff = None;
        r.overview = crate::status::overview_of(r.config.as_ref(), r.state.as_ref(), None, NOW);
        let text = render(&r, &Printer::plain());
        // 90 days, a third left: 60 days after the start, 59 from now.
        assert!(
            text.contains("  renewal     2027-03-15 08:00 UTC (in 59 d 0 h), when a third"),
            "{text}"
        );
        assert!(
            text.contains("Waiting       nothing: no latch, no back-off"),
            "{text}"
        );
        // The JSON carries the same facts.
        let j = serde_json::to_value(&r).unwrap();
        let o = &j["overview"];
        assert_eq!(o["addresses"][0]["address"], "203.0.113.2");
        assert_eq!(o["forwardings"][0]["via"], "upnp-igd2");
        assert_eq!(o["forwardings"][0]["lease_end"], NOW + 3540);
        assert_eq!(o["certificate"]["not_after"], NOW + 89 * DAY);
        assert_eq!(o["certificate"]["renewal"]["basis"], "one-third");
        assert_eq!(o["parts"][0]["result"], "failed");
    }

    #[test]
    fn wrap_breaks_between_words_and_keeps_a_long_word_whole() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh ij", 4), vec!["abcdefgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }
}
