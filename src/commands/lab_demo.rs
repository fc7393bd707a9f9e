//! `direkt lab demo`: the whole mission in one command on a machine with no router and no
//! domain. Bring up a lab, run the unattended `setup` inside its box (name, DNS, port mapping,
//! certificate), show doctor's verdict and the certificate, tear the lab down.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::config::Config;
use crate::error::{Context, Error, ExitStatus, Result};
use crate::lab::{self, LabInfo, Scenario, UpOptions};
use crate::output::{Printer, Style};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Lab name (prefix of its namespaces)
    #[arg(long, default_value = "demo", value_name = "NAME")]
    pub name: String,
    /// Network condition to run the demo in
    #[arg(long, value_enum, default_value_t = Scenario::Direct, value_name = "NAME")]
    pub scenario: Scenario,
    /// Leave the lab up afterwards (tear it down with `direkt lab down --name NAME`)
    #[arg(long)]
    pub keep: bool,
    /// Install missing Debian packages with apt-get first, without asking (on a terminal
    /// direkt asks; without one and without this flag it exits 2 with the command to run)
    #[arg(long)]
    pub install: bool,
}

pub fn run(a: &DemoArgs, p: &Printer) -> Result<ExitCode> {
    lab::validate_name(&a.name)?;
    lab::preflight()?;
    crate::commands::lab::ensure_packages("direkt lab demo", a.install, p)?;
    let bold = |s: &str| p.paint(Style::Bold, s);
    let start = Instant::now();
    p.status(&bold(&format!(
        "[1/5] Building a home network in namespaces (scenario {})",
        a.scenario.name()
    )));
    let info = lab::up(&UpOptions {
        name: a.name.clone(),
        scenario: a.scenario,
        nonce_reject: 0,
        ca: lab::LabCa::Pebble,
        box_settings: lab::BoxSettings::default(),
        from_report: None,
    })?;
    p.status(&format!(
        "      router {} (NAT, UPnP/NAT-PMP/PCP), box {}, DNS {} (zone {}), ACME CA {}: up in {:.1} s",
        info.router.wan,
        info.box_.ipv4,
        info.dns.server,
        info.dns.zone,
        info.acme.directory,
        start.elapsed().as_secs_f64()
    ));
    let result = demo(&info, p);
    if a.keep {
        p.status(&format!(
            "The lab stays up: direkt lab exec --name {0} -- direkt --config {1} status; \
             direkt lab down --name {0}",
            a.name,
            info.run_dir.join("demo/direkt.toml").display()
        ));
    } else {
        match lab::down(&a.name) {
            Ok(_) => p.status(&format!("Lab {} torn down.", a.name)),
            Err(e) => p.warn(&format!(
                "tearing the lab down failed: {e}; run `direkt lab down --name {}`",
                a.name
            )),
        }
    }
    let code = result?;
    if code == 0 {
        p.status(&format!(
            "{} The box is reachable as {} with a valid certificate ({:.1} s in all).",
            p.paint(Style::Green, "✓"),
            info.dns.name,
            start.elapsed().as_secs_f64()
        ));
    }
    Ok(ExitCode::from(code))
}

/// Steps 2-4 inside the lab; the worst exit code.
fn demo(info: &LabInfo, p: &Printer) -> Result<u8> {
    let bold = |s: &str| p.paint(Style::Bold, s);
    let dir = info.run_dir.join("demo");
    crate::fsutil::create_dir(&dir, 0o700)?;
    let config = dir.join("direkt.toml");
    let answers = dir.join("answers.toml");
    crate::fsutil::write_atomic(&answers, answers_for(info, &dir)?.as_bytes(), 0o600)
        .failed(|| format!("cannot write {}", answers.display()))?;

    p.status(&bold(
        "[2/5] direkt setup --answers FILE, inside the box (unattended: no questions)",
    ));
    let setup = in_box(
        info,
        &config,
        &["setup", "--answers", &answers.display().to_string()],
    )?;
    if setup != 0 {
        return Ok(setup);
    }
    p.status(&bold(
        "[3/5] The box's web server (openssl s_server) serves the new certificate on port 443",
    ));
    let live = dir.join("state/certs/live").join(&info.dns.name);
    let mut server = WebServer::start(info, &live)?;
    p.status(&bold("[4/5] direkt doctor, inside the box"));
    let doctor = in_box(info, &config, &["doctor"])?;
    p.status(&bold("[5/5] direkt cert show, inside the box"));
    let cert = in_box(info, &config, &["cert", "show"])?;
    server.stop();
    let worst = ExitStatus::worst_of([setup, doctor, cert].map(ExitStatus::from));
    Ok(worst.code())
}

/// A stand-in for the box's own web server: `openssl s_server` with the issued certificate,
/// so doctor can see the service and the certificate served from outside. Ended by its PID.
struct WebServer {
    child: Option<std::process::Child>,
}

impl WebServer {
    fn start(info: &LabInfo, live: &Path) -> Result<WebServer> {
        let child = Command::new("ip")
            .args(["netns", "exec", &info.box_.namespace, "openssl", "s_server"])
            .args(["-accept", "443", "-www", "-quiet", "-cert"])
            .arg(live.join("fullchain.pem"))
            .arg("-key")
            .arg(live.join("privkey.pem"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .failed(|| "cannot start openssl s_server in the box".into())?;
        let mut server = WebServer { child: Some(child) };
        let addr: std::net::SocketAddr = format!("{}:443", info.box_.ipv4)
            .parse()
            .map_err(|_| Error::failed("the lab's box address is not an IP address"))?;
        let start = Instant::now();
        loop {
            let up = lab::netns::run_in(&info.box_.namespace, move || {
                Ok(std::net::TcpStream::connect_timeout(
                    &addr,
                    std::time::Duration::from_millis(200),
                )
                .is_ok())
            })?;
            if up {
                return Ok(server);
            }
            if start.elapsed() > std::time::Duration::from_secs(5) {
                server.stop();
                return Err(Error::failed(
                    "openssl s_server did not start listening on 443",
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The answers for this lab: its DNS server and TSIG key, its CA, its address sources.
fn answers_for(info: &LabInfo, dir: &Path) -> Result<String> {
    let lab_config = Config::load(&info.box_.config)?;
    let secret = std::fs::read_to_string(&info.dns.tsig_secret_file)
        .failed(|| "cannot read the lab's TSIG secret".into())?;
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let list = |v: &[String]| {
        toml::Value::Array(v.iter().map(|s| toml::Value::String(s.clone())).collect()).to_string()
    };
    let prefixes: Vec<String> = lab_config
        .ip
        .public_prefixes
        .iter()
        .map(|n| n.to_string())
        .collect();
    Ok(format!(
        "# Answers for `direkt setup` in lab {name} (written by `direkt lab demo`).\n\
         name = {name_q}\n\
         schedule = false\n\
         state_dir = {state}\n\
         ip.stun = {stun}\n\
         ip.probe = {probe}\n\
         ip.echo = {echo}\n\
         ip.public_prefixes = {prefixes}\n\
         ddns.provider = \"rfc2136\"\n\
         ddns.server = {server}\n\
         ddns.zone = {zone}\n\
         ddns.key_name = {key}\n\
         ddns.tsig_secret = {secret}\n\
         ports.forward = \"443,80\"\n\
         cert.ca = {ca}\n\
         cert.ca_bundle = {bundle}\n\
         cert.email = \"owner@example.test\"\n\
         cert.accept_tos = true\n",
        name = info.name,
        name_q = q(&info.dns.name),
        state = q(&dir.join("state").display().to_string()),
        stun = list(&lab_config.ip.stun),
        probe = list(&lab_config.ip.probe),
        echo = list(&lab_config.ip.echo),
        prefixes = list(&prefixes),
        server = q(&info.dns.server),
        zone = q(&info.dns.zone),
        key = q(&info.dns.tsig_key_name),
        secret = q(secret.trim()),
        ca = q(&info.acme.directory),
        bundle = q(&info.acme.ca_bundle.display().to_string()),
    ))
}

/// `direkt --config CONFIG args` in the lab's box (through `lab exec`, for the lab's resolver),
/// output straight to the terminal.
fn in_box(info: &LabInfo, config: &Path, args: &[&str]) -> Result<u8> {
    let exe = std::env::current_exe().failed(|| "cannot find the direkt binary".into())?;
    let status = Command::new(&exe)
        .args([
            "lab", "exec", "--name", &info.name, "--", "direkt", "--config",
        ])
        .arg(config)
        .args(args)
        .env_remove("DIREKT_CONFIG")
        .env_remove("DIREKT_STATE_DIR")
        .status()
        .failed(|| "cannot run direkt in the lab".into())?;
    match status.code() {
        Some(c) => Ok(c.clamp(0, 255) as u8),
        None => Err(Error::failed(format!(
            "direkt {} was killed",
            args.join(" ")
        ))),
    }
}
