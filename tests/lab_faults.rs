//! Faults that must cost the owner nothing (#20), end to end in the namespace lab: the box's
//! state directory on a small tmpfs filled to the last byte. No CA order is placed (Pebble's log
//! counts them), nothing half-written is left, the router keeps no mapping direkt cannot
//! remove, every command says plainly what it could not record; once space is freed the next
//! run completes. Needs root (ignored without it, see tests/support/lab.rs).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::Run;
use support::lab::Lab;

/// A tmpfs mounted over a directory for the test, unmounted when dropped (also on a panic).
/// Declared after the lab, so it is dropped before the lab is torn down.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        let run = Run::from(
            Command::new("mount")
                .args([
                    "-t",
                    "tmpfs",
                    "-o",
                    &format!("size={size},mode=0700"),
                    "tmpfs",
                ])
                .arg(dir)
                .output()
                .expect("run mount"),
        );
        run.code(0);
        Tmpfs {
            dir: dir.to_path_buf(),
        }
    }

    /// Fill it to the last byte: dd until ENOSPC.
    fn fill(&self) {
        let out = Command::new("dd")
            .arg("if=/dev/zero")
            .arg(format!("of={}", self.dir.join("fill").display()))
            .arg("bs=4k")
            .output()
            .expect("run dd");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("No space left"), "dd did not fill it: {err}");
        assert_eq!(free_bytes(&self.dir), 0, "the tmpfs still has room");
    }

    fn free(&self) {
        std::fs::remove_file(self.dir.join("fill")).unwrap();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

fn free_bytes(dir: &Path) -> u64 {
    let out = Command::new("stat")
        .args(["-f", "-c", "%a %S"])
        .arg(dir)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut it = text.split_whitespace().map(|n| n.parse::<u64>().unwrap());
    it.next().unwrap() * it.next().unwrap()
}

/// How many orders Pebble received (`POST /order-plz` in its log).
fn pebble_orders(lab: &Lab) -> usize {
    std::fs::read_to_string(lab.run_dir().join("logs/pebble.log"))
        .unwrap()
        .matches("POST /order-plz")
        .count()
}

fn router_table(lab: &Lab) -> String {
    lab.exec("box", &["upnpc", "-i", "-l"]).stdout
}

/// Every file named privkey.pem under `dir`, with its size.
fn privkeys(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = vec![];
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            out.extend(privkeys(&p));
        } else if p.file_name().is_some_and(|n| n == "privkey.pem") {
            out.push((p, meta.len()));
        }
    }
    out
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn a_full_state_dir_costs_no_certificate_and_orphans_no_mapping() {
    let lab = Lab::up("direct");
    let state_dir = lab.state_dir();
    let disk = Tmpfs::mount(&state_dir, "2m");
    disk.fill();
    let dir = state_dir.display().to_string();

    // The certificate: no order, exit 1 naming the directory and what is free.
    let t = Instant::now();
    let issue = lab.box_direkt(&["cert", "issue", "--json"]);
    let j = issue.code(1).json();
    let msg = j["error"]["message"].as_str().unwrap();
    assert!(msg.contains("no certificate ordered"), "{j}");
    assert!(msg.contains(&dir) && msg.contains("0 bytes"), "{j}");
    assert!(t.elapsed() < Duration::from_secs(10), "a local check");
    assert_eq!(pebble_orders(&lab), 0);
    let dry = lab.box_direkt(&["cert", "renew", "--dry-run", "--json"]);
    let j = dry.code(0).json();
    assert_eq!(j["action"], "would-order", "{j}");
    assert!(
        j["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("would not be placed") && n.contains(&dir)),
        "{j}"
    );

    // Three due renew runs from cron: not one order; --json prints the report, exit 1.
    for i in 0..3 {
        let r = lab.box_direkt(&["renew", "--json"]);
        let j = r.code(1).json();
        assert_eq!(j["exit_code"], 1, "{j}");
        let cert = j["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["part"] == "cert")
            .unwrap();
        assert_eq!(cert["result"], "failed", "run {i}: {j}");
        let err = cert["error"].as_str().unwrap();
        assert!(
            err.contains("no certificate ordered") && err.contains(&dir),
            "{j}"
        );
        assert!(
            j["not_recorded"].as_str().unwrap().contains("state.json"),
            "{j}"
        );
        r.stderr_has("no certificate ordered");
    }
    assert_eq!(pebble_orders(&lab), 0, "an order on a full disk");
    assert!(
        privkeys(&state_dir).is_empty(),
        "{:?}",
        privkeys(&state_dir)
    );

    // ddns update publishes, says plainly it could not record, and ends.
    let t = Instant::now();
    let d = lab.box_direkt(&["ddns", "update"]);
    d.code(1).stderr_has("could not be recorded");
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "ddns update took {:?}",
        t.elapsed()
    );

    // ports add: the mapping it cannot record is taken off the router again.
    let add = lab.box_direkt(&["ports", "add", "443"]);
    add.code(1)
        .stderr_has("could not be recorded")
        .stderr_has("removed it from the router again");
    let table = router_table(&lab);
    assert!(!table.contains("443->"), "{table}");

    // A mapping pointing at the box with no record (made by a run that died, or by hand) on a
    // port direkt is asked to forward: `ports remove` removes it, full disk or not.
    lab.exec(
        "box",
        &[
            "upnpc",
            "-i",
            "-e",
            "orphan",
            "-a",
            "192.168.77.10",
            "80",
            "80",
            "TCP",
            "3600",
        ],
    )
    .code(0);
    assert!(router_table(&lab).contains("80->192.168.77.10:80"));
    lab.box_direkt(&["ports", "remove", "80"])
        .code(0)
        .stdout_has("80/tcp removed")
        .stderr_has("was not in direkt's state");
    assert!(!router_table(&lab).contains("80->"));
    // ... but never one pointing at another host.
    lab.exec(
        "rogue",
        &[
            "upnpc",
            "-i",
            "-e",
            "theirs",
            "-a",
            "192.168.77.66",
            "8080",
            "8080",
            "TCP",
            "3600",
        ],
    )
    .code(0);
    lab.box_direkt(&["ports", "remove", "8080"])
        .code(1)
        .stderr_has("direkt did not create 8080/tcp")
        .stderr_has("not to this box");
    assert!(router_table(&lab).contains("8080->192.168.77.66:8080"));

    // Space freed: the next run completes, with one order in all.
    disk.free();
    lab.box_direkt(&["renew"]).code(0);
    assert_eq!(pebble_orders(&lab), 1);
    let keys = privkeys(&state_dir);
    assert!(
        !keys.is_empty() && keys.iter().all(|(_, n)| *n > 0),
        "{keys:?}"
    );
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir.join("state.json")).unwrap())
            .unwrap();
    assert!(state["cert"]["current"]["serial"].is_string(), "{state}");
    let mapped: Vec<u64> = state["ports"]["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["external_port"].as_u64().unwrap())
        .collect();
    assert!(mapped.contains(&443) && mapped.contains(&80), "{state}");
    let table = router_table(&lab);
    assert!(table.contains("443->192.168.77.10:443"), "{table}");
    drop(disk);
}

fn pebble_issued(lab: &Lab) -> usize {
    std::fs::read_to_string(lab.run_dir().join("logs/pebble.log"))
        .unwrap()
        .matches("Issued certificate serial")
        .count()
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn an_issued_certificate_that_cannot_be_stored_is_not_ordered_again() {
    let lab = Lab::up("direct");
    let state_dir = lab.state_dir();
    // The certificates' directory on its own full tmpfs: the room check of the state
    // directory passes, the store fails as if the disk had filled while the CA worked.
    std::fs::create_dir_all(state_dir.join("certs")).unwrap();
    let certs = Tmpfs::mount(&state_dir.join("certs"), "2m");
    certs.fill();

    // One order, a plain message naming the certificate write, nothing half-written.
    let r = lab.box_direkt(&["renew", "--json"]);
    let j = r.code(1).json();
    let cert = j["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "cert")
        .unwrap()
        .clone();
    let err = cert["error"].as_str().unwrap();
    assert!(
        err.contains("the CA issued a certificate for box.example.test (serial")
            && err.contains("could not be stored in")
            && err.contains(&state_dir.join("certs").display().to_string())
            && err.contains("No space left")
            && err.contains("tried twice"),
        "{j}"
    );
    assert!(!err.contains("state.json"), "blames the state: {err}");
    r.stderr_has("trying again in 3 s");
    assert_eq!((pebble_orders(&lab), pebble_issued(&lab)), (1, 1));
    assert!(
        privkeys(&state_dir).is_empty(),
        "{:?}",
        privkeys(&state_dir)
    );

    // Two more due runs from cron: the failure backs off, no second order.
    for _ in 0..2 {
        lab.box_direkt(&["renew"]).code(0);
    }
    assert_eq!(pebble_orders(&lab), 1);

    // Within one run the issued certificate is kept in memory and stored again after a short
    // wait: space is freed while `cert issue` waits, and the run completes.
    let mut child = lab
        .box_direkt_cmd(&["cert", "issue", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("trying again in 3 s") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    // The first store failed: free the space while direkt waits to try again.
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the first store did not fail");
    certs.free();
    let out = child.wait_with_output().unwrap();
    let stderr = reader.join().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let j: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(j["action"], "issued", "{j}");
    assert_eq!(pebble_issued(&lab), 2);
    assert_eq!(pebble_orders(&lab), 2);
    let keys = privkeys(&state_dir);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].1 > 0);
}
