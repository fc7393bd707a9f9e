//! The last lines of `direkt setup`: where the certificate files are, a config snippet for the
//! web server found on 443/80 (and the deploy hook that reloads it), then one closing verdict
//! that never contradicts what was printed before it: "set up" only when every step worked and
//! doctor passed; with nothing on 443 yet, what is done and the one next step.

use std::path::Path;

use crate::acme::store::CertStore;
use crate::config::Config;
use crate::output::Printer;
use crate::setup::webserver::{self, Server, WebFinding};

/// What setup did, for its last lines.
pub(super) struct End<'a> {
    pub config: &'a Config,
    pub state_dir: &'a Path,
    pub web: &'a WebFinding,
    /// The apply step ran (not `--no-apply`).
    pub applied: bool,
    /// The worst exit code of the apply steps.
    pub exit: u8,
    /// What doctor saw; None when it did not run.
    pub doctor: Option<DoctorSaw>,
    /// This box's port 443 serves the live certificate ([`served_here`]); None: not looked.
    pub served_here: Option<bool>,
}

/// Whether this box's port 443 (asked on 127.0.0.1) serves the live certificate of `name`:
/// for when doctor could not tell (no TLS answered it, which is the answer too).
pub(super) async fn served_here(name: &str, state_dir: &Path) -> Option<bool> {
    let pem = std::fs::read(CertStore::new(state_dir).paths(name).fullchain).ok()?;
    let leaf = rustls_pemfile::certs(&mut pem.as_slice()).next()?.ok()?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 443));
    let t = std::time::Duration::from_secs(3);
    Some(
        match crate::probe::tlsgrab::grab_chain(addr, Some(name), t).await {
            Ok(g) => g
                .chain
                .first()
                .is_some_and(|c| c.as_slice() == leaf.as_ref()),
            Err(_) => false,
        },
    )
}

/// What setup's last lines need of doctor's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DoctorSaw {
    pub passed: bool,
    /// `cert.served`: the certificate is what 443 serves (None: not checked).
    pub cert_served: Option<bool>,
}

impl DoctorSaw {
    /// From doctor's overall verdict and its report as JSON.
    pub fn from_report(passed: bool, json: &serde_json::Value) -> DoctorSaw {
        let cert_served = json["checks"]
            .as_array()
            .and_then(|checks| checks.iter().find(|c| c["id"] == "cert.served"))
            .and_then(|c| c["status"].as_str())
            .filter(|s| *s != "skip")
            .map(|s| s == "pass");
        DoctorSaw {
            passed,
            cert_served,
        }
    }
}

/// How setup ends.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Closing {
    /// Everything worked and doctor passed (or did not run).
    SetUp,
    /// A step failed.
    StepFailed,
    /// Everything applied, but no web server serves 443 yet: what is done, and the next step.
    NextStep,
    /// A server is on 443 but does not serve the certificate yet: the snippet is the next step.
    ServeCert,
    /// Applied, but doctor found a problem.
    DoctorFailed,
}

impl End<'_> {
    pub fn closing(&self) -> Closing {
        if self.exit != 0 {
            Closing::StepFailed
        } else if self.applied && self.config.cert.is_some() && !self.web.serves_https() {
            Closing::NextStep
        } else if self.applied
            && self.config.cert.is_some()
            && self.doctor.and_then(|d| d.cert_served).or(self.served_here) == Some(false)
        {
            Closing::ServeCert
        } else if self.doctor.is_some_and(|d| !d.passed) {
            Closing::DoctorFailed
        } else {
            Closing::SetUp
        }
    }

    pub fn print(&self, p: &Printer) {
        if self.config.cert.is_some() {
            for l in self.certificate_lines() {
                p.status(&l);
            }
        }
        let name = &self.config.name;
        match self.closing() {
            Closing::SetUp => p.status(&format!(
                "{} {name} is set up. `direkt status` shows it; `direkt renew` keeps it working.",
                super::setup::ok_mark(p)
            )),
            Closing::StepFailed => p.status(
                "Setup is saved, but not everything worked: see the errors above. `direkt renew` \
                 retries; `direkt doctor` explains.",
            ),
            Closing::NextStep => {
                p.status(&format!("Done: {}.", self.done().join(", ")));
                p.status(
                    "Next step: start your web server on port 443 with fullchain.pem and \
                     privkey.pem (as above); then `direkt doctor` checks it from outside.",
                );
            }
            Closing::ServeCert => {
                let server = self
                    .web
                    .server()
                    .map(|h| h.describe())
                    .unwrap_or_else(|| "the web server".into());
                p.status(&format!("Done: {}.", self.done().join(", ")));
                p.status(&format!(
                    "Next step: {server} on port 443 does not serve this certificate yet: give \
                     it fullchain.pem and privkey.pem (as above) and reload it; then `direkt \
                     doctor` checks it from outside."
                ));
            }
            Closing::DoctorFailed => p.status(
                "Setup is saved and applied, but doctor found a problem (above): `direkt doctor` \
                 explains it and how to fix it; `direkt renew` keeps the rest working.",
            ),
        }
    }

    /// What is in place, in words.
    fn done(&self) -> Vec<String> {
        let c = self.config;
        let mut done = vec![];
        if c.ddns.is_some() {
            done.push(format!("{} points at this box", c.name));
        }
        if let Some(ports) = c.ports.as_ref().filter(|p| !p.forward.is_empty()) {
            let f: Vec<String> = ports.forward.iter().map(|s| s.to_string()).collect();
            done.push(format!("the router forwards {}", f.join(", ")));
        }
        if c.cert.is_some() {
            done.push("the certificate is issued and renewed on time".into());
        }
        done.push("the config is saved".into());
        done
    }

    /// The certificate's files, the snippet for the server found and its deploy hook.
    pub fn certificate_lines(&self) -> Vec<String> {
        let name = self.config.name.as_str();
        let paths = CertStore::new(self.state_dir).paths(name);
        let issued = paths.fullchain.exists();
        let mut out = vec![
            format!(
                "Certificate files for {name}{} (the same paths after every renewal):",
                if issued { "" } else { ", once issued" }
            ),
            format!(
                "  {}  the certificate with its chain",
                paths.fullchain.display()
            ),
            format!("  {}  its private key (mode 0600)", paths.privkey.display()),
            format!("  (cert.pem and chain.pem beside them, for servers that want the two apart)"),
        ];
        let holder = self.web.server();
        let server = holder.and_then(|h| h.server);
        out.push(match (holder, server) {
            (Some(h), Some(s)) => format!(
                "For {} (found on port {}), in its configuration:",
                s.title(),
                h.port
            ),
            (Some(h), None) => format!(
                "{} serves port {}: give it these two files. For nginx, for one:",
                h.describe(),
                h.port
            ),
            (None, _) => "No web server found on 443 or 80. For nginx, for one:".into(),
        });
        let shown = server.unwrap_or(Server::Nginx);
        out.extend(
            webserver::snippet(Some(shown), name, &paths)
                .lines()
                .map(|l| format!("    {l}")),
        );
        if let Some(hook) = self
            .config
            .cert
            .as_ref()
            .and_then(|c| c.deploy_hook.as_deref())
        {
            out.push(format!(
                "After each renewal direkt runs the deploy hook: {hook}"
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::listen::{Listener, Process};

    fn config(hook: Option<&str>) -> Config {
        let mut c = Config::parse(
            "name = \"box.example.org\"\n[ddns]\nprovider = \"rfc2136\"\nserver = \"192.0.2.53\"\nzone = \"example.org\"\nkey_name = \"k\"\n[ports]\nforward = [443, 80]\n[cert]\naccept_tos = true\n",
            Path::new("x.toml"),
        )
        .unwrap();
        c.cert.as_mut().unwrap().deploy_hook = hook.map(str::to_string);
        c
    }

    fn nginx_on_443() -> WebFinding {
        webserver::from_listeners(&[Listener {
            port: 443,
            address: "0.0.0.0".parse().unwrap(),
            process: Some(Process {
                pid: 812,
                comm: "nginx".into(),
                exe: None,
                cmdline: vec![],
                unit: Some("nginx.service".into()),
            }),
        }])
    }

    fn end<'a>(c: &'a Config, web: &'a WebFinding, exit: u8, doctor: Option<bool>) -> End<'a> {
        let doctor = doctor.map(|passed| DoctorSaw {
            passed,
            cert_served: None,
        });
        End {
            config: c,
            state_dir: Path::new("/var/lib/direkt"),
            web,
            applied: true,
            exit,
            doctor,
            served_here: None,
        }
    }

    #[test]
    fn never_set_up_next_to_a_failure() {
        let c = config(None);
        let nothing = WebFinding::default();
        let nginx = nginx_on_443();
        // Nothing on 443: the next step, whatever doctor said about it.
        assert_eq!(
            end(&c, &nothing, 0, Some(false)).closing(),
            Closing::NextStep
        );
        assert_eq!(
            end(&c, &nothing, 0, Some(true)).closing(),
            Closing::NextStep
        );
        assert_eq!(
            end(&c, &nginx, 0, Some(false)).closing(),
            Closing::DoctorFailed
        );
        assert_eq!(
            end(&c, &nginx, 1, Some(true)).closing(),
            Closing::StepFailed
        );
        assert_eq!(end(&c, &nginx, 0, Some(true)).closing(), Closing::SetUp);
        // A server on 443 that does not serve the certificate yet (a warning or a failure).
        let report = serde_json::json!({"checks": [
            {"id": "reach.tcp.443", "status": "pass"},
            {"id": "cert.served", "status": "warn"}
        ]});
        let mut e = end(&c, &nginx, 0, None);
        e.doctor = Some(DoctorSaw::from_report(true, &report));
        assert_eq!(e.doctor.unwrap().cert_served, Some(false));
        assert_eq!(e.closing(), Closing::ServeCert);
        let report = serde_json::json!({"checks": [{"id": "cert.served", "status": "pass"}]});
        e.doctor = Some(DoctorSaw::from_report(true, &report));
        assert_eq!(e.closing(), Closing::SetUp);
        let report = serde_json::json!({"checks": [{"id": "cert.served", "status": "skip"}]});
        assert_eq!(DoctorSaw::from_report(true, &report).cert_served, None);
        // Doctor could not tell (no TLS on 443): this box's own look decides.
        e.doctor = Some(DoctorSaw::from_report(true, &report));
        assert_eq!(e.closing(), Closing::SetUp);
        e.served_here = Some(false);
        assert_eq!(e.closing(), Closing::ServeCert);
        let e = end(&c, &nothing, 0, None);
        assert_eq!(
            e.done(),
            [
                "box.example.org points at this box",
                "the router forwards 443/tcp, 80/tcp",
                "the certificate is issued and renewed on time",
                "the config is saved"
            ]
        );
        // Without a certificate there is nothing to serve on 443 for setup to point at.
        let mut no_cert = config(None);
        no_cert.cert = None;
        assert_eq!(end(&no_cert, &nothing, 0, None).closing(), Closing::SetUp);
    }

    #[test]
    fn the_files_the_snippet_and_the_hook() {
        let c = config(Some("systemctl reload nginx.service"));
        let web = nginx_on_443();
        let text = end(&c, &web, 0, Some(true)).certificate_lines().join("\n");
        let full = "/var/lib/direkt/certs/live/box.example.org/fullchain.pem";
        assert!(
            text.contains(&format!("  {full}  the certificate with its chain")),
            "{text}"
        );
        assert!(text.contains("For nginx (found on port 443)"), "{text}");
        assert!(
            text.contains(&format!("        ssl_certificate     {full};")),
            "{text}"
        );
        assert!(
            text.contains("deploy hook: systemctl reload nginx.service"),
            "{text}"
        );
        assert!(text.contains("once issued"), "{text}");
        let nothing = WebFinding::default();
        let text = end(&config(None), &nothing, 0, None)
            .certificate_lines()
            .join("\n");
        assert!(text.contains("No web server found on 443 or 80"), "{text}");
        assert!(text.contains("ssl_certificate_key"), "{text}");
        assert!(!text.contains("deploy hook"), "{text}");
    }
}
