//! acme-dns and wildcard certificates end to end in the namespace lab: Pebble validates DNS-01
//! through the `_acme-challenge` CNAME that Knot holds. The "acme-dns server" is a fake of its
//! documented API (https://github.com/joohoi/acme-dns#api) listening on an inet service address
//! (198.51.100.53:8053, inside the inet namespace); its `/update` writes the TXT value into
//! Knot's zone (through Knot's control socket, as a real acme-dns serves it from its own DNS),
//! at `<subdomain>.acme.example.test`, keeping the two newest values as acme-dns does. Needs
//! root (ignored without it, see tests/support/lab.rs).

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::Run;
use support::fake::{FakeHttp, Resp};
use support::lab::Lab;

const NAME: &str = "box.example.test";
const USER: &str = "5b1e7a52-lab-user";
const KEY: &str = "lab-acme-dns-key-9Zq";
const SUB: &str = "d420c923-bbd7-4056-ab64-c3ca54c9b3cf";
const ACME_DNS: &str = "198.51.100.53:8053";

fn full() -> String {
    format!("{SUB}.acme.example.test")
}

fn knotc(lab: &Lab, args: &[&str]) -> Run {
    let sock = lab.run_dir().join("knot/knot.sock");
    Run::from(
        std::process::Command::new("knotc")
            .arg("-s")
            .arg(&sock)
            .args(args)
            .output()
            .unwrap(),
    )
}

/// Replace `owner`'s `rtype` records in the lab zone with `data` (Knot's control socket).
fn zone_set(lab: &Lab, owner: &str, rtype: &str, data: &[String]) {
    knotc(lab, &["zone-begin", "example.test"]).code(0);
    let _ = knotc(lab, &["zone-unset", "example.test", owner, rtype]);
    for d in data {
        knotc(lab, &["zone-set", "example.test", owner, "1", rtype, d]).code(0);
    }
    knotc(lab, &["zone-commit", "example.test"]).code(0);
}

/// The fake acme-dns, in the inet namespace. Returns it and the TXT values it holds.
fn acme_dns(lab: &Lab) -> (FakeHttp, Arc<Mutex<Vec<String>>>) {
    let txt = Arc::new(Mutex::new(Vec::<String>::new()));
    let t = txt.clone();
    let sock = lab.run_dir().join("knot/knot.sock");
    let fake = lab.in_ns("inet", move || {
        FakeHttp::start_at(ACME_DNS, move |req| {
            match (req.method.as_str(), req.path()) {
                ("POST", "/register") => Resp::json(
                    201,
                    json!({"username": USER, "password": KEY, "subdomain": SUB,
                       "fulldomain": full(), "allowfrom": []}),
                ),
                ("POST", "/update") => {
                    if req.header("x-api-user") != Some(USER)
                        || req.header("x-api-key") != Some(KEY)
                    {
                        return Resp::json(401, json!({"error": "forbidden"}));
                    }
                    let body = req.json();
                    if body["subdomain"] != SUB {
                        return Resp::json(400, json!({"error": "bad_subdomain"}));
                    }
                    let value = body["txt"].as_str().unwrap_or("").to_string();
                    if value.len() != 43 {
                        return Resp::json(400, json!({"error": "bad_txt"}));
                    }
                    let mut v = t.lock().unwrap();
                    v.push(value.clone());
                    if v.len() > 2 {
                        v.remove(0);
                    }
                    let data: Vec<String> = v.iter().map(|x| format!("\"{x}\"")).collect();
                    let owner = format!("{SUB}.acme");
                    let k = |args: &[&str]| {
                        std::process::Command::new("knotc")
                            .arg("-s")
                            .arg(&sock)
                            .args(args)
                            .output()
                            .map(|o| o.status.success())
                            .unwrap_or(false)
                    };
                    let mut ok = k(&["zone-begin", "example.test"]);
                    let _ = k(&["zone-unset", "example.test", &owner, "TXT"]);
                    for d in &data {
                        ok &= k(&["zone-set", "example.test", &owner, "1", "TXT", d]);
                    }
                    ok &= k(&["zone-commit", "example.test"]);
                    if !ok {
                        let _ = k(&["zone-abort", "example.test"]);
                        return Resp::text(500, "knot refused the TXT");
                    }
                    Resp::json(200, json!({ "txt": value }))
                }
                _ => Resp::text(404, "404 page not found"),
            }
        })
    });
    (fake, txt)
}

/// Publish the box's A record (what `ddns update` does through rfc2136).
fn publish(lab: &Lab) {
    zone_set(lab, "box", "A", &["203.0.113.2".to_string()]);
}

/// The lab's box config plus `cert` keys and an `[acme_dns]` section, beside it.
fn config(lab: &Lab, file: &str, top: &str, cert: &str) -> PathBuf {
    let base = std::fs::read_to_string(lab.config()).unwrap();
    let path = lab.config().with_file_name(file);
    std::fs::write(
        &path,
        format!("{top}\n{base}\n{cert}\n\n[acme_dns]\nserver = \"http://{ACME_DNS}\"\n"),
    )
    .unwrap();
    path
}

fn direkt(lab: &Lab, config: &Path, args: &[&str]) -> Run {
    let bin = support::bin();
    let mut argv = vec![bin.to_str().unwrap(), "--config", config.to_str().unwrap()];
    argv.extend_from_slice(args);
    Run::from(lab.exec_cmd("box", &argv).output().unwrap())
}

/// The live certificate's DNS names (openssl).
fn sans(lab: &Lab) -> Vec<String> {
    let cert = lab
        .state_dir()
        .join("certs/live")
        .join(NAME)
        .join("cert.pem");
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-ext", "subjectAltName", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut names: Vec<String> = text
        .split([',', '\n'])
        .filter_map(|p| p.trim().strip_prefix("DNS:").map(str::to_string))
        .collect();
    names.sort();
    names
}

fn check<'a>(doctor: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {doctor}"))
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn pebble_validates_dns01_through_the_acme_dns_cname() {
    let lab = Lab::up("direct");
    publish(&lab);
    let (fake, txt) = acme_dns(&lab);
    let cfg = config(&lab, "acme-dns.toml", "", "challenges = [\"dns-01\"]");

    // Before registering: exit 2 saying so, nothing sent.
    direkt(&lab, &cfg, &["cert", "issue"])
        .code(2)
        .stderr_has("direkt ddns register");

    // Register: the one CNAME to create, the key never printed.
    let r = direkt(&lab, &cfg, &["ddns", "register"]);
    r.code(0)
        .lacks(KEY)
        .stdout_has(&format!("_acme-challenge.{NAME}.  CNAME  {}.", full()));

    // doctor names the missing CNAME, then passes once the owner created it.
    let d = direkt(&lab, &cfg, &["doctor", "--json"]).json();
    let c = check(&d, "dns.acme_challenge_cname");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["fix"].as_str().unwrap().contains(&full()), "{c}");
    zone_set(
        &lab,
        "_acme-challenge.box",
        "CNAME",
        &[format!("{}.", full())],
    );
    let d = direkt(&lab, &cfg, &["doctor", "--json"]).json();
    assert_eq!(
        check(&d, "dns.acme_challenge_cname")["status"],
        "pass",
        "{d}"
    );

    // Pebble validates through the CNAME; the TXT went to acme-dns, not to Knot's own name.
    let r = direkt(&lab, &cfg, &["cert", "issue", "--json"]);
    r.lacks(KEY);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["challenge"], "dns-01");
    assert_eq!(sans(&lab), [NAME]);
    assert_eq!(txt.lock().unwrap().len(), 1);
    let via = lab.exec(
        "inet",
        &[
            "dig",
            "+short",
            "@198.51.100.53",
            &format!("_acme-challenge.{NAME}"),
            "TXT",
        ],
    );
    let out = via.code(0).stdout.clone();
    assert!(out.contains(&full()), "the CNAME leads to acme-dns: {out}");
    lab.in_ns("inet", move || drop(fake));
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn pebble_issues_a_wildcard_with_its_base_through_knot() {
    let lab = Lab::up("direct");
    // The box's own name and the wildcard under it.
    publish(&lab);
    zone_set(&lab, "*.box", "CNAME", &[format!("{NAME}.")]);
    // DNS-01 through Knot (rfc2136): both authorizations put their TXT at
    // _acme-challenge.box.example.test.
    let base = std::fs::read_to_string(lab.config()).unwrap();
    let cfg = lab.config().with_file_name("wildcard.toml");
    std::fs::write(
        &cfg,
        format!("aliases = [\"*.{NAME}\"]\n{base}\nchallenges = [\"dns-01\"]\n"),
    )
    .unwrap();
    let r = direkt(&lab, &cfg, &["cert", "issue", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["challenge"], "dns-01");
    assert_eq!(sans(&lab), [format!("*.{NAME}"), NAME.to_string()]);
    // doctor resolves a random name under the wildcard to the box.
    let d = direkt(&lab, &cfg, &["doctor", "--json"]).json();
    let c = check(&d, "dns.alias");
    assert_eq!(c["status"], "pass", "{c}");

    // Without dns-01 the wildcard is refused before anything is sent.
    let http = lab.config().with_file_name("wildcard-http.toml");
    std::fs::write(&http, format!("aliases = [\"*.{NAME}\"]\n{base}\n")).unwrap();
    direkt(&lab, &http, &["cert", "issue"])
        .code(2)
        .stderr_has("dns-01");
}
