//! The dyndns2 presets (`provider = "noip"`, `"strato"`, ...) through the built binary against
//! a local fake dyndns2 server. The fake follows the dyndns2 update API as Dyn documented it
//! (https://help.dyn.com/remote-access-api/perform-update/ and .../return-codes/): `GET
//! <update path>?hostname=<fqdn>&myip=<address>` with Basic auth; it answers `good <ip>` only to
//! the request each preset must send (its path and query, the host name, the address, the user
//! name its rule gives, the password), `badauth` (HTTP 401) to anything else. `server` is the
//! fake's bare `http://127.0.0.1:port`, so the preset's own path and query are what is checked.

mod support;

use std::sync::{Arc, Mutex};

use base64::Engine;
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::{Env, chmod};

const PASSWORD: &str = "pw-Preset-5ecr3t-77aa";
const NAME: &str = "box.example.test";

/// One preset: its name, the update path (and fixed query) it must use, the `username` line
/// the config gets (None: the preset's rule fills it in) and the Basic-auth user expected.
struct Case {
    provider: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    username: Option<&'static str>,
    user: &'static str,
}

const CASES: &[Case] = &[
    Case {
        provider: "noip",
        path: "/nic/update",
        query: &[],
        username: Some("noip-user"),
        user: "noip-user",
    },
    Case {
        provider: "dynu",
        path: "/nic/update",
        query: &[],
        username: Some("dynu-user"),
        user: "dynu-user",
    },
    Case {
        provider: "strato",
        path: "/nic/update",
        query: &[],
        username: None,
        user: "example.test",
    },
    Case {
        provider: "ovh-dynhost",
        path: "/nic/update",
        query: &[("system", "dyndns")],
        username: Some("example.test-box"),
        user: "example.test-box",
    },
    Case {
        provider: "selfhost",
        path: "/nic/update",
        query: &[],
        username: Some("123456"),
        user: "123456",
    },
    Case {
        provider: "freedns",
        path: "/nic/update",
        query: &[],
        username: Some("afraid-user"),
        user: "afraid-user",
    },
    Case {
        provider: "he",
        path: "/nic/update",
        query: &[],
        username: None,
        user: NAME,
    },
    Case {
        provider: "infomaniak",
        path: "/nic/update",
        query: &[],
        username: Some("ik-dyn"),
        user: "ik-dyn",
    },
    Case {
        provider: "loopia",
        path: "/XDynDNSServer/XDynDNS.php",
        query: &[],
        username: Some("loopia-user"),
        user: "loopia-user",
    },
    Case {
        provider: "dnsomatic",
        path: "/nic/update",
        query: &[],
        username: Some("dom-user"),
        user: "dom-user",
    },
    Case {
        provider: "spdyn",
        path: "/nic/update",
        query: &[],
        username: None,
        user: NAME,
    },
];

/// Why `req` is not the update `case` must send for `ip`, or None.
fn wrong(case: &Case, req: &Req, ip: &str) -> Option<String> {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{PASSWORD}", case.user));
    let checks = [
        (req.method == "GET", format!("method {}", req.method)),
        (req.path() == case.path, format!("path {}", req.path())),
        (
            req.query("hostname").as_deref() == Some(NAME),
            format!("hostname {:?}", req.query("hostname")),
        ),
        (
            req.query("myip").as_deref() == Some(ip),
            format!("myip {:?}", req.query("myip")),
        ),
        (
            req.header("authorization") == Some(format!("Basic {basic}").as_str()),
            format!("authorization {:?}", req.header("authorization")),
        ),
    ];
    let mut bad: Vec<String> = checks
        .into_iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, why)| why)
        .collect();
    for (k, v) in case.query {
        if req.query(k).as_deref() != Some(v) {
            bad.push(format!("{k} {:?}", req.query(k)));
        }
    }
    (!bad.is_empty()).then(|| bad.join(", "))
}

/// The fake: `good <ip>` to exactly the right request (the address it expects can change),
/// `badauth` otherwise; `reply` overrides the answer when set.
struct Fake {
    http: FakeHttp,
    expect_ip: Arc<Mutex<String>>,
    reply: Arc<Mutex<Option<(u16, String)>>>,
    problems: Arc<Mutex<Vec<String>>>,
}

fn fake(case: &'static Case) -> Fake {
    let expect_ip = Arc::new(Mutex::new("203.0.113.2".to_string()));
    let reply = Arc::new(Mutex::new(None::<(u16, String)>));
    let problems = Arc::new(Mutex::new(vec![]));
    let (e, r, p) = (expect_ip.clone(), reply.clone(), problems.clone());
    let http = FakeHttp::start(move |req| {
        let ip = e.lock().unwrap().clone();
        if let Some(why) = wrong(case, req, &ip) {
            p.lock().unwrap().push(why);
            return Resp::text(401, "badauth");
        }
        match r.lock().unwrap().clone() {
            Some((status, body)) => Resp::text(status, &body),
            None => Resp::text(200, &format!("good {ip}")),
        }
    });
    Fake {
        http,
        expect_ip,
        reply,
        problems,
    }
}

fn config(case: &Case, sources: &FakeSources, server: &str) -> String {
    let user = case
        .username
        .map(|u| format!("username = \"{u}\"\n"))
        .unwrap_or_default();
    format!(
        "name = \"{NAME}\"\n{}\n[ddns]\nprovider = \"{}\"\nserver = \"{server}\"\n{user}",
        sources.ip_section(),
        case.provider
    )
}

fn env_for(case: &Case, sources: &FakeSources, server: &str) -> Env {
    let env = Env::new();
    env.write_config(&config(case, sources, server));
    let p = env.path("secrets.toml");
    std::fs::write(&p, format!("[ddns]\npassword = \"{PASSWORD}\"\n")).unwrap();
    chmod(&p, 0o600);
    env
}

fn state(env: &Env) -> serde_json::Value {
    let text = std::fs::read_to_string(env.state_dir().join("state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_preset_creates_changes_and_leaves_an_unchanged_address_alone() {
    let first = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let second = FakeSources::saying("203.0.113.3", "203.0.113.3");
    for case in CASES {
        let f = fake(case);
        let env = env_for(case, &first, &f.http.url());
        let r = env.run(&["ddns", "update", "--json", "-vv"]);
        r.lacks(PASSWORD);
        assert_eq!(r.code, 0, "{}: {}", case.provider, r.stderr);
        let j = r.json();
        assert_eq!(j["families"][0]["action"], "published", "{}", case.provider);
        assert_eq!(j["provider_requests"], 1, "{}", case.provider);
        assert!(
            f.problems.lock().unwrap().is_empty(),
            "{}: {:?}",
            case.provider,
            f.problems.lock().unwrap()
        );

        // Unchanged: no request at all.
        let j = env.run(&["ddns", "update", "--json"]).code(0).json();
        assert_eq!(j["families"][0]["action"], "unchanged", "{}", case.provider);
        assert_eq!(f.http.count(), 1, "{}", case.provider);

        // Changed: one request with the new address.
        *f.expect_ip.lock().unwrap() = "203.0.113.3".into();
        env.write_config(&config(case, &second, &f.http.url()));
        let j = env.run(&["ddns", "update", "--json"]).code(0).json();
        assert_eq!(j["families"][0]["action"], "published", "{}", case.provider);
        assert_eq!(f.http.count(), 2, "{}", case.provider);
        assert_eq!(
            f.http.last().query("myip").as_deref(),
            Some("203.0.113.3"),
            "{}",
            case.provider
        );
        assert!(f.problems.lock().unwrap().is_empty(), "{}", case.provider);
        assert_eq!(state(&env)["ddns"]["ipv4"]["address"], "203.0.113.3");
    }
}

#[test]
fn a_refused_password_latches_with_exit_4_and_is_never_printed() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    for case in CASES {
        let f = fake(case);
        *f.reply.lock().unwrap() = Some((401, "badauth".into()));
        let env = env_for(case, &sources, &f.http.url());
        let r = env.run(&["ddns", "update", "-vv"]);
        assert_eq!(r.code, 4, "{}: {}", case.provider, r.stderr);
        r.lacks(PASSWORD).stderr_has("badauth").stderr_has("hint:");
        assert!(!state(&env)["ddns"]["latch"].is_null(), "{}", case.provider);
        // Latched: the next run asks nothing.
        let r = env.run(&["ddns", "update"]);
        assert_eq!(r.code, 4, "{}", case.provider);
        assert_eq!(f.http.count(), 1, "{}", case.provider);
    }
}

#[test]
fn the_dyndns2_answer_classes_hold_for_a_preset() {
    // (status, body, exit code, latched?, backing off?)
    let cases: &[(u16, &str, i32, bool, bool)] = &[
        (200, "nochg 203.0.113.2", 0, false, false),
        (200, "nohost", 4, true, false),
        (200, "abuse", 4, true, false),
        (200, "!yours", 4, true, false),
        (500, "911", 1, false, true),
        (200, "dnserr", 1, false, true),
        (503, "", 1, false, true),
        (200, "w900", 1, false, true),
    ];
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let strato = CASES.iter().find(|c| c.provider == "strato").unwrap();
    for (status, body, code, latched, backoff) in cases {
        let f = fake(strato);
        *f.reply.lock().unwrap() = Some((*status, body.to_string()));
        let env = env_for(strato, &sources, &f.http.url());
        let r = env.run(&["ddns", "update"]);
        assert_eq!(r.code, *code, "{body:?}: {}", r.stderr);
        r.lacks(PASSWORD);
        let st = state(&env);
        assert_eq!(!st["ddns"]["latch"].is_null(), *latched, "{body:?}: {st}");
        assert_eq!(!st["ddns"]["backoff"].is_null(), *backoff, "{body:?}: {st}");
        assert!(f.problems.lock().unwrap().is_empty(), "{body:?}");
    }
}

#[test]
fn a_network_failure_is_transient_and_retried_next_run() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    // Nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = env_for(&CASES[0], &sources, &format!("http://127.0.0.1:{port}"));
    let r = env.run(&["ddns", "update"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.lacks(PASSWORD);
    let st = state(&env);
    assert!(st["ddns"]["latch"].is_null(), "{st}");
    assert!(st["ddns"]["backoff"].is_null(), "{st}");
}

#[test]
fn a_server_with_a_path_replaces_the_presets_url() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = FakeHttp::start(|_| Resp::text(200, "good 203.0.113.2"));
    let noip = &CASES[0];
    let env = env_for(noip, &sources, &format!("{}/custom/update", f.url()));
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(f.last().path(), "/custom/update");
}

#[test]
fn a_missing_username_or_password_is_exit_2_naming_it_and_sends_nothing() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    // An account preset without `username`.
    let f = fake(&CASES[0]);
    let env = Env::new();
    env.write_config(&format!(
        "name = \"{NAME}\"\n{}\n[ddns]\nprovider = \"noip\"\nserver = \"{}\"\n",
        sources.ip_section(),
        f.http.url()
    ));
    let r = env.run(&["ddns", "update"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.stderr_has("username");
    // A preset whose rule fills the user name in needs only the password.
    let he = CASES.iter().find(|c| c.provider == "he").unwrap();
    let env = Env::new();
    env.write_config(&config(he, &sources, &f.http.url()));
    let r = env.run(&["ddns", "update"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.stderr_has("password");
    // A key another provider reads is refused, naming the keys this one accepts.
    let env = env_for(&CASES[1], &sources, &f.http.url());
    let text = std::fs::read_to_string(env.config()).unwrap() + "key_name = \"k\"\n";
    env.write_config(&text);
    let r = env.run(&["ddns", "update"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.stderr_has("ddns.key_name").stderr_has("username");
    assert_eq!(f.http.count(), 0);
}

#[test]
fn the_presets_are_listed_with_their_kind_and_docs() {
    let env = Env::new();
    let j = env.run(&["ddns", "providers", "--json"]).code(0).json();
    let list = j.as_array().cloned().unwrap_or_else(|| {
        j["providers"]
            .as_array()
            .cloned()
            .expect("a list of providers")
    });
    for case in CASES {
        let p = list
            .iter()
            .find(|p| p["name"] == case.provider)
            .unwrap_or_else(|| panic!("{} not listed", case.provider));
        assert_eq!(p["kind"], "dyndns2-preset", "{}", case.provider);
        assert_eq!(p["records"], serde_json::json!(["A", "AAAA"]));
        assert_eq!(p["secrets"], serde_json::json!(["password"]));
        assert!(p["docs"].as_str().unwrap().starts_with("https://"));
    }
    let presets = list
        .iter()
        .filter(|p| p["kind"] == "dyndns2-preset")
        .count();
    assert!(presets >= 8, "{presets}");
}
