//! renew's part decisions: which parts run, and what each outcome means for the report, the
//! record in state.json, the notice and the exit code.

use std::path::Path;

use super::*;
use crate::config::{Config, Paths, Secrets};
use crate::error::Error;

fn settings(text: Option<&str>) -> Settings {
    let file = Path::new("/nonexistent/direkt.toml");
    Settings {
        paths: Paths {
            config_file: file.into(),
            state_dir: "/nonexistent/state".into(),
        },
        config: text.map(|t| Config::parse(t, file).unwrap()),
        secrets: Secrets::default(),
    }
}

const NAME: &str = "name = \"box.example.org\"\n";
const DDNS: &str = "[ddns]\nprovider = \"rfc2136\"\nserver = \"192.0.2.53:53\"\nzone = \"example.org\"\nkey_name = \"k\"\n";
const CERT: &str = "[cert]\nca = \"https://127.0.0.1:9/dir\"\naccept_tos = true\n";

fn configured(s: &Settings) -> Vec<RenewPart> {
    RenewPart::ALL
        .into_iter()
        .filter(|p| p.is_configured(s))
        .collect()
}

#[test]
fn a_part_is_configured_only_by_its_section() {
    assert_eq!(configured(&settings(None)), vec![]);
    assert_eq!(configured(&settings(Some(NAME))), vec![]);
    let dns = settings(Some(&format!("{NAME}{DDNS}")));
    assert_eq!(configured(&dns), vec![RenewPart::Dns]);
    let all = format!("{NAME}{DDNS}[ports]\nforward = [\"443/tcp\"]\n{CERT}");
    assert_eq!(configured(&settings(Some(&all))), RenewPart::ALL.to_vec());
}

#[test]
fn ports_without_a_forwarding_are_not_configured() {
    let s = settings(Some(&format!("{NAME}[ports]\nforward = []\n")));
    assert!(!RenewPart::Ports.is_configured(&s));
}

#[test]
fn part_names_round_trip_and_stay_the_state_keys() {
    for p in RenewPart::ALL {
        assert_eq!(p.to_string().parse::<RenewPart>().unwrap(), p);
        assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
    }
    assert_eq!(RenewPart::ALL.map(|p| p.as_str()), ["dns", "ports", "cert"]);
    assert!("dnss".parse::<RenewPart>().is_err());
}

const NOW: i64 = 1_000;
const RUN: RunOptions = RunOptions {
    force: false,
    dry_run: false,
    explicit: false,
};

fn decide_fresh(outcome: Outcome, opts: RunOptions) -> (PartReport, Option<Notice>, PartRecord) {
    let mut record = PartRecord {
        error: Some("earlier".into()),
        ..PartRecord::default()
    };
    let (report, notice) = decide(RenewPart::Dns, outcome, &mut record, opts, NOW);
    (report, notice, record)
}

#[test]
fn nothing_due_is_a_success_without_a_change() {
    let (r, n, rec) = decide_fresh(Outcome::NothingDue, RUN);
    assert_eq!(
        (r.result, r.exit_code.code(), r.changes.len()),
        ("nothing-due", 0, 0)
    );
    assert!(n.is_none());
    assert_eq!((rec.last_attempt, rec.last_success), (Some(NOW), Some(NOW)));
    assert_eq!((rec.last_change, rec.error), (None, None));
}

#[test]
fn a_change_is_recorded_and_clears_the_error() {
    let (r, n, rec) = decide_fresh(Outcome::Changed(vec!["x".into()]), RUN);
    assert_eq!((r.result, r.exit_code.code()), ("changed", 0));
    assert!(n.is_none());
    assert_eq!(
        (rec.last_change, rec.error, rec.latched),
        (Some(NOW), None, false)
    );
}

#[test]
fn a_failure_exits_1_and_notifies() {
    let (r, n, rec) = decide_fresh(Outcome::Failed(Error::failed("down").hint("wait")), RUN);
    assert_eq!((r.result, r.exit_code.code()), ("failed", 1));
    assert_eq!(
        (r.error.as_deref(), r.hint.as_deref()),
        (Some("down"), Some("wait"))
    );
    assert_eq!(n.unwrap().reason, Reason::RenewFailed);
    assert_eq!(
        (rec.error.as_deref(), rec.latched, rec.last_success),
        (Some("down"), false, None)
    );
}

#[test]
fn a_refusal_latches_with_exit_4() {
    let (r, n, rec) = decide_fresh(Outcome::Latched(Error::needs_user("badauth")), RUN);
    assert_eq!((r.result, r.exit_code.code()), ("latched", 4));
    assert_eq!(n.unwrap().reason, Reason::Latched);
    assert!(rec.latched);
}

#[test]
fn partly_done_keeps_its_changes_and_fails() {
    let out = Outcome::Partly(vec!["one".into()], Error::failed("two"));
    let (r, n, rec) = decide_fresh(out, RUN);
    assert_eq!(
        (r.result, r.exit_code.code(), r.changes.len()),
        ("failed", 1, 1)
    );
    assert_eq!(n.unwrap().reason, Reason::RenewFailed);
    assert_eq!(rec.last_change, Some(NOW));
}

#[test]
fn backing_off_is_silent_and_shows_the_last_error() {
    let (r, n, rec) = decide_fresh(Outcome::Waiting("until 5".into()), RUN);
    assert_eq!((r.result, r.exit_code.code()), ("waiting", 0));
    assert_eq!(r.error.as_deref(), Some("earlier"));
    assert!(n.is_none());
    assert_eq!(rec.error.as_deref(), Some("earlier"));
}

#[test]
fn a_dry_run_records_nothing() {
    let dry = RunOptions {
        dry_run: true,
        ..RUN
    };
    let (r, _, rec) = decide_fresh(Outcome::Latched(Error::needs_user("no")), dry);
    assert_eq!(r.exit_code.code(), 4);
    assert_eq!((rec.last_attempt, rec.latched), (None, false));
    assert_eq!(rec.error.as_deref(), Some("earlier"));
}

#[tokio::test(flavor = "current_thread")]
async fn unconfigured_parts_run_nothing_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(Some(NAME));
    s.paths.state_dir = dir.path().into();
    let lock = crate::state::StateDir::new(dir.path())
        .lock(crate::state::DEFAULT_LOCK_WAIT)
        .unwrap();
    let mut state = lock.load().unwrap();
    let report = run(&s, &lock, &mut state, RUN, NOW).await;
    let parts: Vec<_> = report.parts.iter().map(|p| (p.part, p.result)).collect();
    assert_eq!(
        parts,
        RenewPart::ALL.map(|p| (p, "not-configured")).to_vec()
    );
    assert_eq!(report.exit_code.code(), 0);
    let last = state.last_run.unwrap();
    assert_eq!((last.ok, last.summary.as_str()), (true, "nothing was due"));
}

#[test]
fn only_a_change_or_a_failure_is_written_before_the_run_ends() {
    let e = || Error::failed("x");
    assert!(!Outcome::NothingDue.must_be_recorded_at_once());
    assert!(!Outcome::Waiting("backing off".into()).must_be_recorded_at_once());
    assert!(Outcome::Changed(vec!["a".into()]).must_be_recorded_at_once());
    assert!(Outcome::Failed(e()).must_be_recorded_at_once());
    assert!(Outcome::Partly(vec![], e()).must_be_recorded_at_once());
    assert!(Outcome::Latched(e()).must_be_recorded_at_once());
}
