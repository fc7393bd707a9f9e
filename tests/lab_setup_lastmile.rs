//! The wizard's last mile in the namespace lab (`direct` scenario), unattended (`setup --yes`):
//! - a real nginx (Debian's) listens on 443 in the box: setup names it, takes the reload of
//!   that very nginx as the deploy hook's default and records it, runs it after the
//!   certificate (nginx logs the reload), prints the certificate paths with an nginx snippet
//!   naming fullchain.pem, and (nginx serving plain HTTP on 443) ends with the next step; that
//!   snippet put into nginx's config and the hook run, doctor sees the certificate served;
//! - nothing listens on 443: setup's last lines say what is done and the one next step (start
//!   the web server on 443 with fullchain.pem and privkey.pem), and there is no "set up" ✓
//!   next to doctor's ✗. The name is not given: the lab's own name is the default.
//!
//! Both show the CA's own terms of service (Pebble's, from its directory's meta). Needs root,
//! the lab's packages and nginx (ignored without them, never ignored under CI).

mod support;

use std::path::{Path, PathBuf};

use support::lab::Lab;

/// Pebble's `meta.termsOfService`.
const PEBBLE_TERMS: &str = "data:text/plain,Do%20what%20thou%20wilt";

/// Answers for an unattended setup in the lab (the lab's address sources, CA and TSIG key; the
/// state under `dir`), with `name` when given.
fn answers(lab: &Lab, dir: &Path, name: Option<&str>) -> String {
    let text = std::fs::read_to_string(lab.config()).unwrap();
    let cfg: toml::Table = toml::from_str(&text).unwrap();
    let ip = cfg["ip"].as_table().unwrap();
    let list = |k: &str| ip.get(k).map(|v| v.to_string()).unwrap_or("[]".into());
    let name = name.map(|n| format!("name = {n:?}\n")).unwrap_or_default();
    format!(
        "{name}state_dir = {:?}\nip.stun = {}\nip.probe = {}\nip.echo = {}\n\
         ip.public_prefixes = {}\ncert.ca_bundle = {:?}\nschedule = false\n\
         ddns.provider = \"rfc2136\"\nddns.server = \"198.51.100.53:53\"\n\
         ddns.zone = \"example.test\"\nddns.key_name = \"ddns-key\"\nddns.tsig_secret = {:?}\n\
         cert.ca = {:?}\ncert.accept_tos = true\n",
        dir.join("state").display().to_string(),
        list("stun"),
        list("probe"),
        list("echo"),
        list("public_prefixes"),
        lab.ca_bundle().display().to_string(),
        lab.tsig_secret(),
        lab.acme_directory(),
    )
}

/// Run `direkt setup --yes --answers` in the lab's box with a fresh config under `dir`;
/// returns the run and the config file.
fn setup(lab: &Lab, dir: &Path, name: Option<&str>) -> (support::Run, PathBuf) {
    let answers_file = dir.join("answers.toml");
    std::fs::write(&answers_file, answers(lab, dir, name)).unwrap();
    let config = dir.join("etc/direkt.toml");
    let r = lab.exec(
        "box",
        &[
            "direkt",
            "--config",
            config.to_str().unwrap(),
            "--color",
            "never",
            "setup",
            "--yes",
            "--answers",
            answers_file.to_str().unwrap(),
        ],
    );
    (r, config)
}

/// Debian's nginx, started in the box with a config of its own (plain HTTP on 443: what
/// matters here is who listens), stopped on drop.
struct Nginx {
    conf: PathBuf,
    dir: PathBuf,
    ns: String,
}

impl Nginx {
    fn start(lab: &Lab, dir: &Path) -> Nginx {
        Nginx::start_with(lab, dir, "server { listen 443; return 200 \"box\\n\"; }")
    }

    /// nginx with `server` (one or more server blocks) as its only configuration.
    fn start_with(lab: &Lab, dir: &Path, server: &str) -> Nginx {
        let d = dir.join("nginx");
        std::fs::create_dir_all(&d).unwrap();
        let p = |f: &str| d.join(f).display().to_string();
        let conf = d.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "pid {pid};\nerror_log {log} notice;\nevents {{ worker_connections 64; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {t}/body;\n  \
                 proxy_temp_path {t}/proxy;\n  fastcgi_temp_path {t}/fastcgi;\n  \
                 uwsgi_temp_path {t}/uwsgi;\n  scgi_temp_path {t}/scgi;\n  \
                 {server}\n}}\n",
                pid = p("nginx.pid"),
                log = p("error.log"),
                t = d.display(),
            ),
        )
        .unwrap();
        let r = lab.exec("box", &["nginx", "-c", conf.to_str().unwrap()]);
        assert_eq!(
            r.code, 0,
            "nginx did not start:\n{}\n{}",
            r.stdout, r.stderr
        );
        Nginx {
            conf,
            dir: d,
            ns: lab.ns("box"),
        }
    }

    /// Replace the plain server with `server` (a config snippet) and wait for nothing: the
    /// reload is the deploy hook's.
    fn serve(&self, server: &str) {
        let conf = std::fs::read_to_string(&self.conf).unwrap();
        let plain = "server { listen 443; return 200 \"box\\n\"; }";
        assert!(conf.contains(plain), "{conf}");
        std::fs::write(&self.conf, conf.replace(plain, server)).unwrap();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["netns", "exec", &self.ns, "nginx", "-c"])
            .arg(&self.conf)
            .args(["-s", "quit"])
            .output();
    }
}

#[test]
#[cfg_attr(
    not(all(has_lab, has_nginx)),
    ignore = "needs root, the lab's packages and nginx (tests/run)"
)]
fn nginx_on_443_gets_its_reload_as_the_hook_and_an_nginx_snippet() {
    let lab = Lab::up("direct");
    let dir = tempfile::tempdir().unwrap();
    let nginx = Nginx::start(&lab, dir.path());
    let (r, config) = setup(&lab, dir.path(), Some("box.example.test"));
    let out = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 0, "setup:\n{out}\nnginx:\n{}", nginx.log());

    // Found, by name, before the questions.
    assert!(out.contains("Port 443 is served by nginx (pid "), "{out}");
    // The CA's own terms, not a hard-coded link.
    assert!(
        out.contains(&format!("The CA's terms of service: {PEBBLE_TERMS}")),
        "{out}"
    );
    assert!(!out.contains("letsencrypt.org"), "{out}");

    // The hook recorded is the reload of this very nginx (its own -c, no systemd here) ...
    let conf = nginx.conf.display().to_string();
    let written: toml::Table = toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let hook = written["cert"]["deploy_hook"].as_str().unwrap_or_default();
    assert!(
        hook.ends_with(&format!("nginx -c {conf} -s reload")),
        "hook: {hook:?}\n{out}"
    );
    // ... and it ran after the certificate: nginx logged the reload.
    assert!(
        nginx.log().contains("reconfiguring"),
        "nginx:\n{}",
        nginx.log()
    );

    // The paths, with an nginx snippet naming them.
    let live = dir.path().join("state/certs/live/box.example.test");
    let full = live.join("fullchain.pem").display().to_string();
    let key = live.join("privkey.pem").display().to_string();
    assert!(Path::new(&full).exists());
    assert!(
        out.contains("For nginx (found on port 443), in its configuration:"),
        "{out}"
    );
    assert!(
        out.contains(&format!("ssl_certificate     {full};")),
        "{out}"
    );
    assert!(
        out.contains(&format!("ssl_certificate_key {key};")),
        "{out}"
    );
    assert!(out.contains(&format!("deploy hook: {hook}")), "{out}");
    // nginx answers on 443 but not with this certificate (plain HTTP): not "set up", but the
    // one next step.
    assert!(
        out.lines().last().unwrap_or_default().starts_with(
            "Next step: nginx (pid "
        ) && out.contains("on port 443 does not serve this certificate yet: give it fullchain.pem and privkey.pem"),
        "{out}"
    );
    assert!(!out.contains("is set up"), "{out}");

    // Taking that step: the snippet as printed goes into nginx's configuration, the recorded
    // hook reloads it, and doctor sees the certificate served on 443.
    let snippet: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("For nginx (found on port 443)"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| &l[4..])
        .collect();
    assert!(snippet.len() >= 5, "{out}");
    nginx.serve(&snippet.join("\n"));
    let r = lab.exec("box", &["sh", "-c", hook]);
    assert_eq!(r.code, 0, "the hook:\n{}\n{}", r.stdout, r.stderr);
    // The reload is a signal: the new workers come a moment later.
    let cfg = config.to_str().unwrap();
    let mut served = serde_json::Value::Null;
    for _ in 0..20 {
        let doctor = lab
            .exec("box", &["direkt", "--config", cfg, "doctor", "--json"])
            .json();
        served = doctor["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "cert.served")
            .cloned()
            .unwrap_or_default();
        if served["status"] == "pass" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(
        served["status"],
        "pass",
        "{served:#}\nnginx:\n{}",
        nginx.log()
    );
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn nothing_on_443_ends_with_what_is_done_and_the_one_next_step() {
    let lab = Lab::up("direct");
    let dir = tempfile::tempdir().unwrap();
    // No name given: inside the lab its own name is the default.
    let (r, config) = setup(&lab, dir.path(), None);
    let out = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 0, "setup:\n{out}");
    assert!(
        out.contains("Nothing listens on port 443 or 80 yet"),
        "{out}"
    );
    assert!(
        out.contains(&format!("The CA's terms of service: {PEBBLE_TERMS}")),
        "{out}"
    );
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.contains("name = \"box.example.test\""), "{written}");
    // No server: no hook taken by default.
    let table: toml::Table = toml::from_str(&written).unwrap();
    assert!(table["cert"].get("deploy_hook").is_none(), "{written}");

    let full = dir
        .path()
        .join("state/certs/live/box.example.test/fullchain.pem");
    assert!(full.exists());
    assert!(out.contains(&full.display().to_string()), "{out}");
    let last: Vec<&str> = out.lines().rev().take(2).collect();
    assert!(
        last[0].starts_with(
            "Next step: start your web server on port 443 with fullchain.pem and privkey.pem"
        ),
        "{out}"
    );
    assert!(
        last[1].starts_with("Done: box.example.test points at this box, the router forwards 443/tcp, 80/tcp, the certificate is issued"),
        "{out}"
    );
    assert!(!out.contains("is set up"), "{out}");
    assert!(!out.contains('✓') || !out.contains("set up"), "{out}");
}

/// nginx already on port 80 (its own document root): setup cannot listen there itself, takes
/// the document root answered as the webroot, and the CA validates http-01 through nginx.
#[test]
#[cfg_attr(
    not(all(has_lab, has_nginx)),
    ignore = "needs root, the lab's packages and nginx (tests/run)"
)]
fn nginx_on_port_80_serves_the_challenge_from_its_webroot() {
    let lab = Lab::up("direct");
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let nginx = Nginx::start_with(
        &lab,
        dir.path(),
        &format!("server {{ listen 80; root {}; }}", www.display()),
    );
    let answers_file = dir.path().join("answers.toml");
    let text = answers(&lab, dir.path(), Some("box.example.test"))
        + &format!(
            "cert.challenges = \"http-01\"\ncert.webroot = {:?}\n",
            www.display().to_string()
        );
    std::fs::write(&answers_file, text).unwrap();
    let config = dir.path().join("etc/direkt.toml");
    let r = lab.exec(
        "box",
        &[
            "direkt",
            "--config",
            config.to_str().unwrap(),
            "--color",
            "never",
            "setup",
            "--yes",
            "--answers",
            answers_file.to_str().unwrap(),
        ],
    );
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(out.contains("port 80 is served by nginx (pid "), "{out}");
    let live = dir.path().join("state/certs/live/box.example.test");
    assert!(
        live.join("fullchain.pem").exists(),
        "no certificate through nginx's webroot:\n{out}\nnginx:\n{}",
        nginx.log()
    );
    let written: toml::Table = toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(
        written["cert"]["webroot"].as_str(),
        Some(www.to_str().unwrap()),
        "{written:#?}"
    );
}
