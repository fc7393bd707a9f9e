//! The wizard's last mile: which web server will use the certificate. Setup looks at what
//! listens on TCP 443 and 80 ([`crate::net::listen`]: `/proc` only), names the server (nginx,
//! Apache, Caddy, HAProxy, lighttpd, Traefik, or another program), offers the command that
//! makes it load a renewed certificate as the deploy hook's default, and prints where the
//! certificate files are with a config snippet for that server.
//!
//! The reload command: when the server runs as a systemd service (its cgroup names the unit),
//! `systemctl reload <unit>`, which every one of these servers' packaged units supports;
//! otherwise the server's own documented reload (each named below with its source).

use std::path::PathBuf;

use serde::Serialize;

use crate::acme::store::CertPaths;
use crate::net::listen::{self, Listener};

/// The web servers setup knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Server {
    Nginx,
    Apache,
    Caddy,
    Haproxy,
    Lighttpd,
    Traefik,
}

/// The file Traefik's file provider is pointed at for direkt's certificate (see [`snippet`]).
pub const TRAEFIK_FILE: &str = "/etc/traefik/dynamic/direkt.yml";
/// The combined certificate + key file written for HAProxy by its deploy hook.
pub const HAPROXY_PEM: &str = "/etc/haproxy/certs/$DIREKT_NAME.pem";

impl Server {
    pub const ALL: [Server; 6] = [
        Server::Nginx,
        Server::Apache,
        Server::Caddy,
        Server::Haproxy,
        Server::Lighttpd,
        Server::Traefik,
    ];

    /// The server a program name (`/proc/<pid>/comm` or the executable's file name) is.
    pub fn from_program(program: &str) -> Option<Server> {
        Some(match program {
            "nginx" => Server::Nginx,
            "apache2" | "httpd" | "httpd2" | "apache" => Server::Apache,
            "caddy" => Server::Caddy,
            "haproxy" => Server::Haproxy,
            "lighttpd" => Server::Lighttpd,
            "traefik" => Server::Traefik,
            _ => return None,
        })
    }

    pub fn title(self) -> &'static str {
        match self {
            Server::Nginx => "nginx",
            Server::Apache => "Apache",
            Server::Caddy => "Caddy",
            Server::Haproxy => "HAProxy",
            Server::Lighttpd => "lighttpd",
            Server::Traefik => "Traefik",
        }
    }

    /// Whether a systemd unit is this server's (`nginx.service`, `apache2@x.service`, ...).
    fn owns_unit(self, unit: &str) -> bool {
        let prefixes: &[&str] = match self {
            Server::Nginx => &["nginx"],
            Server::Apache => &["apache2", "httpd", "apache"],
            Server::Caddy => &["caddy"],
            Server::Haproxy => &["haproxy"],
            Server::Lighttpd => &["lighttpd"],
            Server::Traefik => &["traefik"],
        };
        prefixes.iter().any(|p| unit.starts_with(p))
    }
}

/// The program listening on a web port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub port: u16,
    /// The server it is, when setup knows it.
    pub server: Option<Server>,
    /// Its program name (`comm`), or `None` when the socket's process could not be read.
    pub program: Option<String>,
    pub pid: Option<u32>,
    /// The systemd service running it.
    pub unit: Option<String>,
    /// Its command line, joined with spaces (nginx rewrites its own into one string).
    pub cmdline: String,
    pub exe: Option<String>,
}

impl Holder {
    /// `nginx (pid 812, nginx.service)`, `a program setup cannot see`.
    pub fn describe(&self) -> String {
        let name = match (self.server, &self.program) {
            (Some(s), _) => s.title().to_string(),
            (None, Some(p)) => p.clone(),
            (None, None) => return "a program setup cannot see (another user's)".into(),
        };
        match (self.pid, &self.unit) {
            (Some(pid), Some(u)) => format!("{name} (pid {pid}, {u})"),
            (Some(pid), None) => format!("{name} (pid {pid})"),
            _ => name,
        }
    }
}

/// What listens on the web ports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebFinding {
    /// On 443.
    pub https: Option<Holder>,
    /// On 80.
    pub http: Option<Holder>,
}

impl WebFinding {
    /// The server the certificate is for: the one on 443, else a known one on 80 (it serves
    /// plain HTTP now and gets 443 next).
    pub fn server(&self) -> Option<&Holder> {
        self.https
            .as_ref()
            .or(self.http.as_ref().filter(|h| h.server.is_some()))
    }

    /// Something listens on 443.
    pub fn serves_https(&self) -> bool {
        self.https.is_some()
    }

    /// Another program than direkt on port 80 (direkt's own http-01 responder could not bind).
    pub fn foreign_http(&self) -> Option<&Holder> {
        self.http
            .as_ref()
            .filter(|h| h.program.as_deref() != Some("direkt"))
    }

    /// The document root of the server on port 80 as its Debian package sets it up, when that
    /// directory exists: `/var/www/html` for nginx (sites-available/default), Apache
    /// (000-default.conf) and lighttpd (server.document-root); `/usr/share/caddy` for Caddy
    /// (its packaged Caddyfile). HAProxy and Traefik are proxies without one.
    pub fn http_docroot(&self) -> Option<PathBuf> {
        let root = match self.foreign_http()?.server? {
            Server::Nginx | Server::Apache | Server::Lighttpd => "/var/www/html",
            Server::Caddy => "/usr/share/caddy",
            Server::Haproxy | Server::Traefik => return None,
        };
        Some(PathBuf::from(root)).filter(|p| p.is_dir())
    }

    /// The deploy hook to offer: the known server's reload, if any.
    pub fn deploy_hook(&self) -> Option<String> {
        deploy_hook(self.server()?)
    }
}

/// Look at this box's (network namespace's) ports 443 and 80.
pub fn detect() -> WebFinding {
    from_listeners(&listen::listeners(&[443, 80]))
}

/// The finding from the listeners (the first with a readable process wins per port).
pub fn from_listeners(listeners: &[Listener]) -> WebFinding {
    let holder = |port: u16| {
        let on: Vec<&Listener> = listeners.iter().filter(|l| l.port == port).collect();
        let l = on.iter().find(|l| l.process.is_some()).or(on.first())?;
        let p = l.process.as_ref();
        let exe_name = p
            .and_then(|p| p.exe.as_ref())
            .and_then(|e| e.file_name())
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(" (deleted)")
                    .to_string()
            });
        let server = p
            .and_then(|p| Server::from_program(&p.comm))
            .or_else(|| exe_name.as_deref().and_then(Server::from_program));
        Some(Holder {
            port,
            server,
            program: p.map(|p| p.comm.clone()),
            pid: p.map(|p| p.pid),
            unit: p.and_then(|p| p.unit.clone()),
            cmdline: p.map(|p| p.cmdline.join(" ")).unwrap_or_default(),
            exe: p
                .and_then(|p| p.exe.as_ref())
                .map(|e| e.display().to_string())
                .filter(|e| !e.ends_with(" (deleted)")),
        })
    };
    WebFinding {
        https: holder(443),
        http: holder(80),
    }
}

/// The value of `flag` (`-c FILE`, `--config FILE`, `--config=FILE`) in a command line.
fn flag_value(cmdline: &str, flag: &str) -> Option<String> {
    let mut words = cmdline.split_whitespace();
    while let Some(w) = words.next() {
        if w == flag {
            return words.next().map(str::to_string);
        }
        if let Some(v) = w.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
    }
    None
}

/// The command that makes `h`'s server load a renewed certificate, or `None` for a program
/// setup does not know.
pub fn deploy_hook(h: &Holder) -> Option<String> {
    let server = h.server?;
    if server == Server::Traefik {
        // Traefik's file provider watches its files (providers.file.watch, on by default:
        // https://doc.traefik.io/traefik/providers/file/#watch) but not the certificate files
        // they name: touching the file that names them makes it load the new ones, no restart.
        return Some(format!("touch {TRAEFIK_FILE}"));
    }
    let reload = match h.unit.as_deref().filter(|u| server.owns_unit(u)) {
        // The packaged units of all of them have ExecReload (Debian's nginx, apache2, haproxy,
        // lighttpd; Caddy's own caddy.service: https://caddyserver.com/docs/running).
        Some(unit) => format!("systemctl reload {unit}"),
        None => own_reload(server, h),
    };
    Some(match server {
        // HAProxy reads certificate and key from one file (`crt`,
        // https://docs.haproxy.org/2.8/configuration.html#5.1-crt); direkt writes them apart,
        // so the hook joins them (atomically, mode 0600) before the reload.
        Server::Haproxy => format!(
            "umask 077 && mkdir -p /etc/haproxy/certs && cat \"$DIREKT_FULLCHAIN\" \
             \"$DIREKT_PRIVKEY\" > {HAPROXY_PEM}.new && mv {HAPROXY_PEM}.new {HAPROXY_PEM} && \
             {reload}"
        ),
        _ => reload,
    })
}

/// The server's own reload, for one not run by systemd.
fn own_reload(server: Server, h: &Holder) -> String {
    match server {
        // `nginx -s reload` (https://nginx.org/en/docs/beginners_guide.html#control) finds the
        // master through the pid file of the config it is given: the running one's `-c`.
        Server::Nginx => {
            let exe = h.exe.clone().unwrap_or_else(|| "nginx".into());
            match flag_value(&h.cmdline, "-c") {
                Some(conf) => format!("{exe} -c {conf} -s reload"),
                None => format!("{exe} -s reload"),
            }
        }
        // A graceful restart (https://httpd.apache.org/docs/2.4/stopping.html#graceful);
        // Debian's control script is apache2ctl.
        Server::Apache if h.program.as_deref() == Some("apache2") => "apache2ctl graceful".into(),
        Server::Apache => "apachectl -k graceful".into(),
        // https://caddyserver.com/docs/command-line#caddy-reload (through its admin API).
        Server::Caddy => format!(
            "caddy reload --config {}",
            flag_value(&h.cmdline, "--config").unwrap_or_else(|| "/etc/caddy/Caddyfile".into())
        ),
        // The master process reloads on SIGUSR2 in master-worker mode
        // (https://docs.haproxy.org/2.8/management.html#4); the master is the oldest.
        Server::Haproxy => "pkill -USR2 -o -x haproxy".into(),
        // lighttpd restarts gracefully on SIGUSR1 (since 1.4.46; Debian's unit's ExecReload).
        Server::Lighttpd => "pkill -USR1 -o -x lighttpd".into(),
        Server::Traefik => format!("touch {TRAEFIK_FILE}"),
    }
}

/// The lines of a config snippet for `server`; NAME, FULLCHAIN, PRIVKEY and COMBINED stand
/// for the name, the files and HAProxy's combined file.
fn template(server: Server) -> &'static [&'static str] {
    match server {
        // https://nginx.org/en/docs/http/configuring_https_servers.html
        Server::Nginx => &[
            "server {",
            "    listen 443 ssl;",
            "    server_name NAME;",
            "    ssl_certificate     FULLCHAIN;",
            "    ssl_certificate_key PRIVKEY;",
            "}",
        ],
        // https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatefile (the file may
        // hold the chain since 2.4.8); Debian: `a2enmod ssl`.
        Server::Apache => &[
            "<VirtualHost *:443>",
            "    ServerName NAME",
            "    SSLEngine on",
            "    SSLCertificateFile    FULLCHAIN",
            "    SSLCertificateKeyFile PRIVKEY",
            "</VirtualHost>",
        ],
        // https://caddyserver.com/docs/caddyfile/directives/tls (with its own files Caddy gets
        // no certificate of its own for this site).
        Server::Caddy => &["NAME {", "    tls FULLCHAIN PRIVKEY", "}"],
        // https://docs.haproxy.org/2.8/configuration.html#5.1-crt: one PEM file with both.
        Server::Haproxy => &[
            "# HAProxy wants certificate and key in one file; direkt keeps them apart,",
            "# so the deploy hook writes the combined COMBINED after each renewal.",
            "frontend https",
            "    bind :443 ssl crt COMBINED",
        ],
        // https://redmine.lighttpd.net/projects/lighttpd/wiki/Docs_SSL (ssl.privkey: 1.4.53+;
        // "mod_openssl" in server.modules).
        Server::Lighttpd => &[
            "$SERVER[\"socket\"] == \":443\" {",
            "    ssl.engine  = \"enable\"",
            "    ssl.pemfile = \"FULLCHAIN\"",
            "    ssl.privkey = \"PRIVKEY\"",
            "}",
        ],
        // https://doc.traefik.io/traefik/https/tls/#user-defined (file provider, dynamic
        // configuration).
        Server::Traefik => &[
            "# TRAEFIK_FILE, in a directory the file provider reads:",
            "tls:",
            "  certificates:",
            "    - certFile: FULLCHAIN",
            "      keyFile: PRIVKEY",
        ],
    }
}

/// A config snippet for `server` using the certificate files of `name`; without a server, the
/// two files in words.
pub fn snippet(server: Option<Server>, name: &str, paths: &CertPaths) -> String {
    let full = paths.fullchain.display().to_string();
    let key = paths.privkey.display().to_string();
    let Some(server) = server else {
        return format!(
            "certificate (with its chain): {full}\nprivate key:                  {key}"
        );
    };
    let combined = HAPROXY_PEM.replace("$DIREKT_NAME", name);
    template(server)
        .iter()
        .map(|l| {
            l.replace("FULLCHAIN", &full)
                .replace("PRIVKEY", &key)
                .replace("COMBINED", &combined)
                .replace("TRAEFIK_FILE", TRAEFIK_FILE)
                .replace("NAME", name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::listen::Process;
    use std::path::{Path, PathBuf};

    fn paths() -> CertPaths {
        crate::acme::store::CertStore::new(Path::new("/var/lib/direkt")).paths("box.example.org")
    }

    fn listener(port: u16, comm: &str, cmdline: &str, unit: Option<&str>) -> Listener {
        Listener {
            port,
            address: "0.0.0.0".parse().unwrap(),
            process: Some(Process {
                pid: 812,
                comm: comm.into(),
                exe: Some(PathBuf::from(format!("/usr/sbin/{comm}"))),
                cmdline: vec![cmdline.into()],
                unit: unit.map(str::to_string),
            }),
        }
    }

    #[test]
    fn each_server_is_named_by_its_program() {
        for (comm, s) in [
            ("nginx", Server::Nginx),
            ("apache2", Server::Apache),
            ("httpd", Server::Apache),
            ("caddy", Server::Caddy),
            ("haproxy", Server::Haproxy),
            ("lighttpd", Server::Lighttpd),
            ("traefik", Server::Traefik),
        ] {
            let f = from_listeners(&[listener(443, comm, comm, None)]);
            assert_eq!(f.server().unwrap().server, Some(s), "{comm}");
            assert!(f.serves_https());
        }
        let f = from_listeners(&[listener(443, "node", "node server.js", None)]);
        assert_eq!(f.server().unwrap().server, None);
        assert_eq!(f.deploy_hook(), None);
        assert_eq!(f.server().unwrap().describe(), "node (pid 812)");
        // A truncated comm: the executable's name decides.
        let mut l = listener(443, "some-wrapper", "x", None);
        l.process.as_mut().unwrap().exe = Some(PathBuf::from("/usr/local/bin/caddy"));
        assert_eq!(
            from_listeners(&[l]).https.unwrap().server,
            Some(Server::Caddy)
        );
    }

    #[test]
    fn nothing_on_443_a_known_server_on_80_is_the_one() {
        let f = from_listeners(&[]);
        assert_eq!(f, WebFinding::default());
        assert!(f.server().is_none() && f.deploy_hook().is_none());
        let f = from_listeners(&[listener(80, "nginx", "nginx", None)]);
        assert!(!f.serves_https());
        assert_eq!(f.server().unwrap().port, 80);
        // An unknown program on 80 is not the one the certificate is for.
        let f = from_listeners(&[listener(80, "python3", "python3 -m http.server 80", None)]);
        assert!(f.server().is_none());
        // A socket whose process cannot be read still counts as listening.
        let f = from_listeners(&[Listener {
            port: 443,
            address: "::".parse().unwrap(),
            process: None,
        }]);
        assert!(f.serves_https());
        assert!(f.server().unwrap().describe().contains("cannot see"));
    }

    #[test]
    fn hooks_reload_the_unit_or_the_running_server_itself() {
        let hook = |comm: &str, cmd: &str, unit: Option<&str>| {
            from_listeners(&[listener(443, comm, cmd, unit)])
                .deploy_hook()
                .unwrap()
        };
        assert_eq!(
            hook("nginx", "nginx: master", Some("nginx.service")),
            "systemctl reload nginx.service"
        );
        assert_eq!(
            hook("apache2", "x", Some("apache2.service")),
            "systemctl reload apache2.service"
        );
        assert_eq!(
            hook("httpd", "x", Some("httpd.service")),
            "systemctl reload httpd.service"
        );
        assert_eq!(
            hook("caddy", "x", Some("caddy.service")),
            "systemctl reload caddy.service"
        );
        assert_eq!(
            hook("lighttpd", "x", Some("lighttpd.service")),
            "systemctl reload lighttpd.service"
        );
        // Not in its own unit (started by hand, a container): the server's own reload, with
        // the config the running one was started with.
        assert_eq!(
            hook(
                "nginx",
                "nginx: master process nginx -c /srv/web/nginx.conf",
                Some("ssh.service")
            ),
            "/usr/sbin/nginx -c /srv/web/nginx.conf -s reload"
        );
        assert_eq!(
            hook("nginx", "nginx: master process /usr/sbin/nginx", None),
            "/usr/sbin/nginx -s reload"
        );
        assert_eq!(
            hook("apache2", "/usr/sbin/apache2 -k start", None),
            "apache2ctl graceful"
        );
        assert_eq!(hook("httpd", "httpd", None), "apachectl -k graceful");
        assert_eq!(
            hook("caddy", "caddy run --config=/srv/Caddyfile", None),
            "caddy reload --config /srv/Caddyfile"
        );
        assert_eq!(
            hook("caddy", "caddy run", None),
            "caddy reload --config /etc/caddy/Caddyfile"
        );
        assert_eq!(
            hook("lighttpd", "lighttpd -D", None),
            "pkill -USR1 -o -x lighttpd"
        );
        assert_eq!(
            hook("traefik", "traefik", Some("traefik.service")),
            format!("touch {TRAEFIK_FILE}")
        );
        // HAProxy: the combined file first, then the reload.
        let h = hook("haproxy", "haproxy -W", Some("haproxy.service"));
        assert!(h.contains("cat \"$DIREKT_FULLCHAIN\" \"$DIREKT_PRIVKEY\" > /etc/haproxy/certs/$DIREKT_NAME.pem.new"), "{h}");
        assert!(h.ends_with("&& systemctl reload haproxy.service"), "{h}");
        assert!(hook("haproxy", "haproxy", None).ends_with("&& pkill -USR2 -o -x haproxy"));
    }

    #[test]
    fn snippets_name_the_files_in_each_servers_own_words() {
        let p = paths();
        let full = "/var/lib/direkt/certs/live/box.example.org/fullchain.pem";
        let key = "/var/lib/direkt/certs/live/box.example.org/privkey.pem";
        let s = |server| snippet(server, "box.example.org", &p);
        let nginx = s(Some(Server::Nginx));
        assert!(
            nginx.contains(&format!("ssl_certificate     {full};")),
            "{nginx}"
        );
        assert!(
            nginx.contains(&format!("ssl_certificate_key {key};")),
            "{nginx}"
        );
        assert!(
            nginx.contains("listen 443 ssl;") && nginx.contains("server_name box.example.org;")
        );
        let apache = s(Some(Server::Apache));
        assert!(
            apache.contains(&format!("SSLCertificateFile    {full}")),
            "{apache}"
        );
        assert!(
            apache.contains(&format!("SSLCertificateKeyFile {key}")),
            "{apache}"
        );
        assert_eq!(
            s(Some(Server::Caddy)),
            format!("box.example.org {{\n    tls {full} {key}\n}}")
        );
        let haproxy = s(Some(Server::Haproxy));
        assert!(haproxy.contains("one file"), "{haproxy}");
        assert!(
            haproxy.contains("bind :443 ssl crt /etc/haproxy/certs/box.example.org.pem"),
            "{haproxy}"
        );
        let lighttpd = s(Some(Server::Lighttpd));
        assert!(
            lighttpd.contains(&format!("ssl.pemfile = \"{full}\"")),
            "{lighttpd}"
        );
        assert!(
            lighttpd.contains(&format!("ssl.privkey = \"{key}\"")),
            "{lighttpd}"
        );
        let traefik = s(Some(Server::Traefik));
        assert!(traefik.contains("tls:\n  certificates:\n"), "{traefik}");
        assert!(
            traefik.contains(&format!("- certFile: {full}\n      keyFile: {key}")),
            "{traefik}"
        );
        let any = s(None);
        assert!(any.contains(full) && any.contains(key), "{any}");
        for server in Server::ALL {
            assert!(
                Server::from_program(&server.title().to_lowercase()).is_some()
                    || server == Server::Apache
            );
        }
    }
}
