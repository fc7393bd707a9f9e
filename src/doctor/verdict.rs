//! One verdict from many checks: the root cause first. A route problem explains DNS failing,
//! DNS failing explains the probe failing, CGNAT explains every port timing out, and so on, so
//! the first failing check in this order is the one to fix first.

use crate::doctor::check_id::{self, CheckId};
use crate::doctor::{CheckResult, Status, Verdict};

/// Where a check sits in the chain of causes ([`CheckId::priority`]); IDs this build does not
/// know (a saved report from another version) come last.
fn rank(c: &CheckResult) -> usize {
    let isp = c.details.get("isp_block").and_then(|v| v.as_bool()) == Some(true);
    match c.id.parse::<CheckId>() {
        Ok(id) => id.priority(isp),
        Err(_) => check_id::unknown_priority(),
    }
}

/// The check's ID, if this build knows it.
fn id_of(c: &CheckResult) -> Option<CheckId> {
    c.id.parse().ok()
}

fn capitalize(s: &str) -> String {
    // A sentence starting with a name (box.example.org) keeps it as written.
    if s.split_whitespace().next().is_some_and(|w| w.contains('.')) {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn choose(checks: &[CheckResult]) -> Verdict {
    let first = |status: Status| {
        let mut hits: Vec<(usize, usize, &CheckResult)> = checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.status == status)
            .map(|(i, c)| (rank(c), i, c))
            .collect();
        hits.sort_by_key(|(r, i, _)| (*r, *i));
        hits.first().map(|(_, _, c)| (*c, hits.len() - 1))
    };
    if let Some((c, others)) = first(Status::Fail) {
        let mut summary = capitalize(&c.summary);
        if others > 0 {
            summary.push_str(&format!(
                " (and {others} more failing check(s), probably consequences)"
            ));
        }
        return Verdict {
            status: Status::Fail,
            summary,
            cause: Some(c.id.clone()),
            fix: c.fix.clone(),
        };
    }
    if let Some((c, others)) = first(Status::Warn) {
        let works = works_summary(checks, "Works");
        let more = if others > 0 {
            format!(" (and {others} more warning(s))")
        } else {
            String::new()
        };
        return Verdict {
            status: Status::Warn,
            summary: format!("{works}; but: {}{more}", c.summary),
            cause: Some(c.id.clone()),
            fix: c.fix.clone(),
        };
    }
    Verdict {
        status: Status::Pass,
        summary: works_summary(checks, "Everything checked works"),
        cause: None,
        fix: None,
    }
}

/// What works, for a verdict without failures: the public address, the ports reachable from
/// outside and how the router forwards them.
fn works_summary(checks: &[CheckResult], prefix: &str) -> String {
    let reach: Vec<&CheckResult> = checks
        .iter()
        .filter(|c| id_of(c).is_some_and(CheckId::is_reach) && c.status == Status::Pass)
        .collect();
    let public = checks
        .iter()
        .find(|c| id_of(c) == Some(CheckId::PublicIpv4))
        .and_then(|c| c.details.get("address"))
        .and_then(|v| v.as_str());
    let mut summary = prefix.to_string();
    if let Some(p) = public {
        summary.push_str(&format!(": the internet sees this box as {p}"));
    }
    if let Some(vps) = checks
        .iter()
        .find(|c| id_of(c) == Some(CheckId::RelayTunnel) && c.status != Status::Fail)
        .and_then(|c| c.details.get("host"))
        .and_then(|v| v.as_str())
    {
        let vps = vps.rsplit('@').next().unwrap_or(vps);
        summary.push_str(&format!(" through the relay on {vps} (WireGuard tunnel)"));
    }
    if !reach.is_empty() {
        // A port only the CA saw (no probe answered) says so.
        let ports: Vec<String> = reach
            .iter()
            .map(|c| {
                let port = c.id.trim_start_matches("reach.").replace('.', " ");
                match c.detail_str("evidence") {
                    Some("ca") => format!("{port} (when the CA validated it)"),
                    _ => port,
                }
            })
            .collect();
        summary.push_str(&format!(", reachable from outside on {}", ports.join(", ")));
    }
    if let Some(g) = checks
        .iter()
        .find(|c| id_of(c) == Some(CheckId::GatewayFound) && c.status == Status::Pass)
    {
        summary.push_str(&format!(" ({})", g.summary));
    }
    let skipped = checks.iter().filter(|c| c.status == Status::Skip).count();
    if skipped > 0 {
        summary.push_str(&format!("; {skipped} check(s) skipped"));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_cause_wins_over_its_consequences() {
        let checks = vec![
            CheckResult::fail("reach.tcp.443", "port 443 times out"),
            CheckResult::fail("dns.authoritative", "the DNS record is stale: x"),
            CheckResult::fail(
                "nat.cgnat",
                "behind CGNAT: router WAN 100.64.0.2 is not 203.0.113.100",
            ),
            CheckResult::pass("local.route", "ok"),
        ];
        let v = choose(&checks);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.cause.as_deref(), Some("nat.cgnat"));
        assert!(
            v.summary.starts_with("Behind CGNAT: router WAN 100.64.0.2"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn isp_block_ranks_above_a_stale_record_but_a_plain_timeout_does_not() {
        let isp = CheckResult::fail("reach.tcp.80", "port 80 is blocked by the ISP")
            .detail("isp_block", true);
        let stale = CheckResult::fail("dns.authoritative", "stale");
        assert_eq!(
            choose(&[stale.clone(), isp]).cause.as_deref(),
            Some("reach.tcp.80")
        );
        let plain = CheckResult::fail("reach.tcp.80", "times out");
        assert_eq!(
            choose(&[plain, stale]).cause.as_deref(),
            Some("dns.authoritative")
        );
    }

    #[test]
    fn warnings_only_and_all_pass() {
        let v = choose(&[
            CheckResult::warn("reach.hairpin", "no hairpin"),
            CheckResult::pass("a", "b"),
        ]);
        assert_eq!(v.status, Status::Warn);
        let v = choose(&[CheckResult::pass("reach.tcp.443", "open")]);
        assert_eq!(v.status, Status::Pass);
        assert!(v.summary.contains("tcp 443"), "{}", v.summary);
    }

    #[test]
    fn doctor_itself_failing_and_a_broken_route_come_before_everything() {
        let checks = vec![
            CheckResult::fail("reach.tcp.443", "times out"),
            CheckResult::fail("dns.resolver", "no resolver answers"),
            CheckResult::fail("local.route", "no default route"),
        ];
        let v = choose(&checks);
        assert_eq!(v.cause.as_deref(), Some("local.route"));
        assert!(v.summary.contains("and 2 more failing"), "{}", v.summary);
        let mut with_doctor = checks.clone();
        with_doctor.push(CheckResult::fail("doctor", "doctor could not run: x"));
        assert_eq!(choose(&with_doctor).cause.as_deref(), Some("doctor"));
    }

    #[test]
    fn a_failure_wins_over_a_warning_closer_to_the_root() {
        let v = choose(&[
            CheckResult::warn("local.addresses", "only a link-local IPv6 address"),
            CheckResult::fail("renew.last", "the last renew failed").fix("run `direkt renew -v`"),
        ]);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.cause.as_deref(), Some("renew.last"));
        assert_eq!(v.fix.as_deref(), Some("run `direkt renew -v`"));
        assert!(
            v.summary.starts_with("The last renew failed"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn the_warning_closest_to_the_root_is_named_and_the_rest_counted() {
        let v = choose(&[
            CheckResult::warn("reach.hairpin", "no hairpin"),
            CheckResult::warn("dns.caa", "CAA names another CA").fix("add a CAA record"),
            CheckResult::pass("public.ipv4", "seen").detail("address", "203.0.113.2"),
        ]);
        assert_eq!(v.status, Status::Warn);
        assert_eq!(v.cause.as_deref(), Some("dns.caa"));
        assert_eq!(v.fix.as_deref(), Some("add a CAA record"));
        assert!(
            v.summary
                .starts_with("Works: the internet sees this box as 203.0.113.2"),
            "{}",
            v.summary
        );
        assert!(
            v.summary.contains("but: CAA names another CA"),
            "{}",
            v.summary
        );
        assert!(
            v.summary.contains("(and 1 more warning(s))"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn unknown_ids_rank_last_and_ties_keep_the_run_order() {
        let v = choose(&[
            CheckResult::fail("future.check", "a check of a newer direkt"),
            CheckResult::fail("renew.last", "failed"),
        ]);
        assert_eq!(v.cause.as_deref(), Some("renew.last"));
        let v = choose(&[
            CheckResult::fail("reach.tcp.443", "443 times out"),
            CheckResult::fail("reach.udp.51820", "51820 times out"),
        ]);
        assert_eq!(v.cause.as_deref(), Some("reach.tcp.443"));
        let v = choose(&[
            CheckResult::fail("reach.udp.51820", "51820 times out"),
            CheckResult::fail("reach.tcp.443", "443 times out"),
        ]);
        assert_eq!(v.cause.as_deref(), Some("reach.udp.51820"));
    }

    #[test]
    fn a_pass_lists_what_works_and_counts_the_skipped() {
        let v = choose(&[
            CheckResult::pass("public.ipv4", "seen").detail("address", "203.0.113.2"),
            CheckResult::pass("reach.tcp.443", "open"),
            CheckResult::pass("reach.tcp6.443", "open"),
            CheckResult::pass("reach.hairpin", "works"),
            CheckResult::pass("gateway.found", "the router 192.168.77.1 speaks UPnP"),
            CheckResult::skip("dns.caa", "no certificate configured"),
        ]);
        assert_eq!(v.status, Status::Pass);
        assert_eq!(v.cause, None);
        let s = &v.summary;
        assert!(
            s.starts_with("Everything checked works: the internet sees this box as 203.0.113.2"),
            "{s}"
        );
        assert!(
            s.contains("reachable from outside on tcp 443, tcp6 443 ("),
            "{s}"
        );
        assert!(!s.contains("hairpin"), "{s}");
        // A port only the CA saw says so.
        let v = choose(&[CheckResult::pass("reach.tcp.80", "the CA").detail("evidence", "ca")]);
        assert!(
            v.summary
                .contains("reachable from outside on tcp 80 (when the CA validated it)"),
            "{}",
            v.summary
        );
        assert!(s.contains("(the router 192.168.77.1 speaks UPnP)"), "{s}");
        assert!(s.ends_with("; 1 check(s) skipped"), "{s}");
        // Skips alone are not a failure.
        let v = choose(&[CheckResult::skip("dns.caa", "not configured")]);
        assert_eq!(v.status, Status::Pass);
    }
}
