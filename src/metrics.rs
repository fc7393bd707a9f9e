//! `status --prometheus`: the Prometheus text exposition format, for node_exporter's textfile
//! collector (`direkt status --prometheus > /var/lib/node_exporter/direkt.prom`). Timestamps are
//! Unix seconds, so alerts are plain expressions like
//! `direkt_cert_expiry_timestamp_seconds - time() < 14*86400`.

use std::fmt::Write;

/// The figures worth watching, gathered from config and state by `status`.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub name: String,
    pub version: String,
    /// The certificate's names and its notAfter, if one is on disk.
    pub cert_expiry: Option<i64>,
    /// Per part (`dns`, `ports`, `cert`): the last run in which it was fine.
    pub last_success: Vec<(String, i64)>,
    /// Per part: the last run that looked at it.
    pub last_attempt: Vec<(String, i64)>,
    /// Per family (`ipv4`, `ipv6`): when the current address was published.
    pub published: Vec<(String, i64)>,
    /// Per mapping: (family, protocol, external port, lease end).
    pub leases: Vec<(String, String, u16, i64)>,
    /// Per part: whether it is latched (1) or not (0).
    pub latched: Vec<(String, bool)>,
    /// The last run of any command that recorded itself: (at, ok).
    pub last_run: Option<(i64, bool)>,
}

struct Family<'a> {
    out: &'a mut String,
}

impl Family<'_> {
    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let _ = write!(self.out, "{name}");
        if !labels.is_empty() {
            let l: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.out, "{{{}}}", l.join(","));
        }
        let _ = writeln!(self.out, " {value}");
    }
}

fn family<'a>(out: &'a mut String, name: &str, help: &str) -> Family<'a> {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    Family { out }
}

/// Label values escape backslash, double quote and newline.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Render the snapshot. Every family has HELP and TYPE lines; a family without samples is left
/// out entirely (an empty family confuses some parsers).
pub fn render(s: &Snapshot) -> String {
    let mut out = String::new();
    let name = s.name.as_str();
    family(
        &mut out,
        "direkt_info",
        "Constant 1; the labels name the box and the direkt version.",
    )
    .sample(
        "direkt_info",
        &[("name", name), ("version", &s.version)],
        1.0,
    );
    if let Some(t) = s.cert_expiry {
        family(
            &mut out,
            "direkt_cert_expiry_timestamp_seconds",
            "When the certificate on disk expires (notAfter), Unix time.",
        )
        .sample(
            "direkt_cert_expiry_timestamp_seconds",
            &[("name", name)],
            t as f64,
        );
    }
    if let Some((at, ok)) = s.last_run {
        family(
            &mut out,
            "direkt_last_run_timestamp_seconds",
            "When direkt last recorded a run, Unix time.",
        )
        .sample("direkt_last_run_timestamp_seconds", &[], at as f64);
        family(
            &mut out,
            "direkt_last_run_success",
            "1 if the last recorded run succeeded, else 0.",
        )
        .sample("direkt_last_run_success", &[], if ok { 1.0 } else { 0.0 });
    }
    per_part(&mut out, s);
    out
}

/// The families with one sample per part, address family or mapping.
fn per_part(out: &mut String, s: &Snapshot) {
    let name = s.name.as_str();
    type PartFamily<'a> = (&'a str, &'a str, &'a [(String, i64)]);
    let parts: &[PartFamily] = &[
        (
            "direkt_last_success_timestamp_seconds",
            "When renew last found this part in order (changed or nothing due), Unix time.",
            &s.last_success,
        ),
        (
            "direkt_last_attempt_timestamp_seconds",
            "When renew last looked at this part, Unix time.",
            &s.last_attempt,
        ),
    ];
    for (metric, help, values) in parts {
        if values.is_empty() {
            continue;
        }
        let mut f = family(out, metric, help);
        for (part, t) in values.iter() {
            f.sample(metric, &[("part", part)], *t as f64);
        }
    }
    if !s.published.is_empty() {
        let metric = "direkt_address_published_timestamp_seconds";
        let mut f = family(
            out,
            metric,
            "When the current public address of this family was published in DNS, Unix time.",
        );
        for (fam, t) in &s.published {
            f.sample(metric, &[("name", name), ("family", fam)], *t as f64);
        }
    }
    if !s.leases.is_empty() {
        let metric = "direkt_mapping_lease_expiry_timestamp_seconds";
        let mut f = family(
            out,
            metric,
            "When the router's port mapping lease ends unless renewed, Unix time.",
        );
        for (family, proto, port, t) in &s.leases {
            f.sample(
                metric,
                &[
                    ("family", family),
                    ("protocol", proto),
                    ("external_port", &port.to_string()),
                ],
                *t as f64,
            );
        }
    }
    if !s.latched.is_empty() {
        let metric = "direkt_latched";
        let mut f = family(
            out,
            metric,
            "1 if this part is latched: a provider or CA refused and direkt waits for the user.",
        );
        for (part, l) in &s.latched {
            f.sample(metric, &[("part", part)], if *l { 1.0 } else { 0.0 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_help_type_and_labels() {
        let s = Snapshot {
            name: "box.example.org".into(),
            version: "0.1.0".into(),
            cert_expiry: Some(1_800_000_000),
            last_success: vec![("dns".into(), 1_700_000_000)],
            leases: vec![("ipv4".into(), "tcp".into(), 443, 1_700_003_600)],
            latched: vec![("dns".into(), false), ("cert".into(), true)],
            ..Snapshot::default()
        };
        let t = render(&s);
        assert!(t.contains("# TYPE direkt_cert_expiry_timestamp_seconds gauge\n"));
        assert!(t.contains(
            "direkt_cert_expiry_timestamp_seconds{name=\"box.example.org\"} 1800000000\n"
        ));
        assert!(t.contains("direkt_last_success_timestamp_seconds{part=\"dns\"} 1700000000\n"));
        assert!(t.contains(
            "direkt_mapping_lease_expiry_timestamp_seconds{family=\"ipv4\",protocol=\"tcp\",external_port=\"443\"} 1700003600\n"
        ));
        assert!(t.contains("direkt_latched{part=\"cert\"} 1\n"));
        assert!(!t.contains("direkt_address_published"), "{t}");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
