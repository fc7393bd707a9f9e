//! Support's round trip: a report made in each lab scenario (`direkt report` in a set-up box),
//! the lab torn down, `lab up --from-report` on that report picks the same scenario, and `lab
//! replay` finds the same root cause. Plus bad input, which needs no lab. Lab tests need root
//! (ignored without it, never ignored under CI).

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::lab::Lab;
use support::{Env, Run};

/// Set the box up as the doctor lab tests do (DNS record published, 443 and 80 forwarded where
/// the router lets direkt), write its report into `dir`, and tear the lab down.
fn report_made_in(scenario: &str, dir: &Path) -> (PathBuf, Value) {
    let lab = Lab::up(scenario);
    lab.box_direkt(&["ddns", "update"]).code(0);
    for port in ["443", "80"] {
        // no-portmap refuses: that is part of its report.
        lab.box_direkt(&["ports", "add", port]);
    }
    let file = dir.join(format!("{scenario}-report.json"));
    lab.box_direkt(&["report", "--output", file.to_str().unwrap()])
        .code(0)
        .stderr_has("secrets redacted");
    let secret = lab.tsig_secret();
    lab.down().code(0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(&secret), "the report holds the TSIG secret");
    (file, serde_json::from_str(&text).unwrap())
}

/// `lab up --from-report` then `lab replay --json`; returns the lab's status and the replay.
fn rebuild(file: &Path) -> (Lab, Value) {
    let lab = Lab::from_report(file).up();
    let replay = lab
        .direkt(&["lab", "replay", "--json", "--name", lab.name()])
        .code(0)
        .json();
    (lab, replay)
}

fn round_trip(scenario: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (file, report) = report_made_in(scenario, dir.path());
    let cause = report["doctor"]["verdict"]["cause"].clone();
    assert!(
        cause.is_string(),
        "{scenario}: {:#}",
        report["doctor"]["verdict"]
    );
    // Doctor records the router's own name for itself where UPnP answers, so the rebuild can
    // tell a router model the lab does not emulate.
    let found = report["doctor"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "gateway.found")
        .unwrap();
    let upnp = !["no-upnp", "no-portmap"].contains(&scenario);
    assert_eq!(
        found["details"]["upnp_server"]
            .as_str()
            .is_some_and(|s| s.contains("MiniUPnPd")),
        upnp,
        "{found:#}"
    );
    let (lab, replay) = rebuild(&file);
    let info = lab.info_at_start();
    assert_eq!(info["scenario"], scenario, "{:#}", info["from_report"]);
    // Made by this direkt in the lab: nothing is missing, nothing left unreproduced but the
    // conditions the scenario itself stands for.
    assert_eq!(
        info["from_report"]["missing"],
        serde_json::json!([]),
        "{:#}",
        info["from_report"]
    );
    assert_eq!(
        info["from_report"]["not_reproduced"],
        serde_json::json!([]),
        "{:#}",
        info["from_report"]
    );
    let from = &info["from_report"];
    assert_eq!(from["file"], file.to_str().unwrap());
    let why = from["why"][0].as_str().unwrap();
    assert!(why.ends_with(&format!("scenario {scenario}")), "{why}");
    // The lab wrote its own secret; nothing of the customer's is needed.
    assert!(
        !std::fs::read_to_string(lab.config())
            .unwrap()
            .contains("***")
    );
    let c = &replay["comparison"];
    assert_eq!(replay["scenario"], scenario);
    assert_eq!(c["report"]["cause"], cause, "{c:#}");
    assert_eq!(
        c["same_root_cause"], true,
        "{scenario}: report {:#} lab {:#}; differences {:#}",
        c["report"], c["lab"], c["differences"]
    );
    assert_eq!(c["lab"]["cause"], cause);
    // The steps the customer's state shows done ran once, before doctor.
    let steps: Vec<&str> = replay["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert!(steps.contains(&"ddns-update"), "{steps:?}");
    assert_eq!(
        steps.contains(&"ports-add"),
        scenario != "no-portmap",
        "{steps:?}"
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn direct_report_rebuilt() {
    round_trip("direct");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn cgnat_report_rebuilt_also_from_the_bare_doctor_document() {
    let dir = tempfile::tempdir().unwrap();
    let (file, report) = report_made_in("cgnat", dir.path());
    let (lab, replay) = rebuild(&file);
    assert_eq!(lab.info_at_start()["scenario"], "cgnat");
    let why = lab.info_at_start()["from_report"]["why"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        why.starts_with("router WAN 100.64.0.2 in the report"),
        "{why}"
    );
    assert_eq!(replay["comparison"]["same_root_cause"], true, "{replay:#}");
    assert_eq!(replay["comparison"]["lab"]["cause"], "nat.cgnat");
    // The human view: both verdicts and the one root cause.
    let h = lab.direkt(&["lab", "replay", "--color", "never", "--name", lab.name()]);
    h.code(0).stdout_has("Same root cause: nat.cgnat");
    drop(lab);

    // `doctor --json` alone (no config, no state): same scenario, less carried over.
    let bare = dir.path().join("doctor.json");
    std::fs::write(&bare, report["doctor"].to_string()).unwrap();
    let lab = Lab::from_report(&bare).up();
    let from = &lab.info_at_start()["from_report"];
    assert_eq!(lab.info_at_start()["scenario"], "cgnat");
    assert_eq!(from["carried"].as_array().unwrap().len(), 0, "{from:#}");
    assert!(
        from["missing"][0]
            .as_str()
            .unwrap()
            .contains("bare doctor document"),
        "{from:#}"
    );
    let replay = lab
        .direkt(&["lab", "replay", "--json", "--name", lab.name()])
        .code(0)
        .json();
    assert_eq!(replay["comparison"]["report"]["cause"], "nat.cgnat");
    assert_eq!(replay["comparison"]["lab"]["cause"], "nat.cgnat");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn double_nat_report_rebuilt() {
    round_trip("double-nat");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_upnp_report_rebuilt() {
    round_trip("no-upnp");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn no_portmap_report_rebuilt() {
    round_trip("no-portmap");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn igdv1_report_rebuilt() {
    round_trip("igdv1");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn port80_blocked_report_rebuilt() {
    round_trip("port80-blocked");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn dual_stack_report_rebuilt() {
    round_trip("dual-stack");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn ds_lite_report_rebuilt() {
    round_trip("ds-lite");
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn replay_of_a_lab_not_built_from_a_report_says_so() {
    let lab = Lab::up("direct");
    let r = lab.direkt(&["lab", "replay", "--name", lab.name()]);
    r.code(2).stderr_has("was not built from a report");
}

/// Bad input needs no lab and no root: it is refused before anything is created.
#[test]
fn bad_input_exits_2_naming_the_file_and_the_position_and_creates_nothing() {
    let env = Env::new();
    let name = format!("bad{}", std::process::id() % 100_000);
    let run_dir = Path::new("/run/direkt-lab").join(&name);
    let malformed = env.path("malformed.json");
    std::fs::write(&malformed, "{\n  \"doctor\": {\n    \"checks\": [,]\n").unwrap();
    let missing = env.path("nonexistent.json");
    let not_report = env.path("other.json");
    std::fs::write(&not_report, "{\"hello\": \"world\"}").unwrap();
    for (file, says) in [
        (&malformed, "line 3, column 16"),
        (&missing, "cannot read"),
        (&not_report, "neither a direkt report nor doctor results"),
    ] {
        let r: Run = env.run(&[
            "lab",
            "up",
            "--name",
            &name,
            "--from-report",
            file.to_str().unwrap(),
        ]);
        r.code(2)
            .stderr_has(file.to_str().unwrap())
            .stderr_has(says);
        assert!(!run_dir.exists(), "{} was created", run_dir.display());
    }
    // --scenario and --from-report do not go together.
    env.run(&[
        "lab",
        "up",
        "--scenario",
        "cgnat",
        "--from-report",
        malformed.to_str().unwrap(),
    ])
    .code(2);
}
