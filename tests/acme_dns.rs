//! acme-dns (DNS-01 delegated through one CNAME) against a local fake acme-dns server written
//! from acme-dns's documented API (https://github.com/joohoi/acme-dns#api): `POST /register` ->
//! 201 `{username, password, fulldomain, subdomain, allowfrom}`; `POST /update` with
//! `X-Api-User` / `X-Api-Key` and `{"subdomain", "txt"}` -> 200 `{"txt"}`, keeping the two newest
//! values; 401 `{"error": "forbidden"}` for wrong credentials, 400 `{"error": "bad_subdomain"}`
//! for a subdomain that is not the user's, 400 `{"error": "bad_txt"}` for a value that is not
//! 43 characters. The lab test (tests/lab_acme_dns.rs) has Pebble validate through the CNAME.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use support::fake::{FakeHttp, Req, Resp};
use support::{Env, Run, chmod};

const USER: &str = "c36f50e8-4632-44f0-83fe-e070fef28a10";
const PASSWORD: &str = "htB9mR9DYgcu9bX_afHF62erXaH2TS7bg9KW3F7Z";
const SUBDOMAIN: &str = "8e5700ea-a4bf-41c7-8a77-e990661dcc6a";
const FULL: &str = "8e5700ea-a4bf-41c7-8a77-e990661dcc6a.auth.example.net";
/// Two DNS-01 values (43 characters, as the CA's always are).
const V1: &str = "LPsIwTo7o8BoG0-vjCyGQGBWSVIPxI-i_X336eUOQZo";
const V2: &str = "gXAGZRNoZcT8HDmUt3VbqBxzBAjkNSNXxyzhuw3rJRs";

/// The fake acme-dns: one account (USER/PASSWORD/SUBDOMAIN) after the first /register; the
/// TXT values it holds; `fail` makes every request answer that instead.
struct Fake {
    http: FakeHttp,
    txt: Arc<Mutex<Vec<String>>>,
    fail: Arc<Mutex<Option<Resp>>>,
}

fn err(status: u16, code: &str) -> Resp {
    Resp::json(status, json!({ "error": code }))
}

fn answer(req: &Req, txt: &Mutex<Vec<String>>, registrations: &Mutex<u32>) -> Resp {
    match (req.method.as_str(), req.path()) {
        ("POST", "/register") => {
            let mut n = registrations.lock().unwrap();
            *n += 1;
            // A second registration gets other credentials, as acme-dns would.
            let (u, p) = if *n == 1 {
                (USER.to_string(), PASSWORD.to_string())
            } else {
                (format!("{USER}-{n}"), format!("{PASSWORD}-{n}"))
            };
            Resp::json(
                201,
                json!({"username": u, "password": p, "fulldomain": FULL,
                       "subdomain": SUBDOMAIN, "allowfrom": []}),
            )
        }
        ("POST", "/update") => {
            if req.header("x-api-user") != Some(USER) || req.header("x-api-key") != Some(PASSWORD) {
                return err(401, "forbidden");
            }
            let body = req.json();
            let Some(t) = body["txt"].as_str() else {
                return err(400, "malformed_json_payload");
            };
            if body["subdomain"] != SUBDOMAIN {
                return err(400, "bad_subdomain");
            }
            if t.len() != 43 {
                return err(400, "bad_txt");
            }
            let mut v = txt.lock().unwrap();
            v.push(t.to_string());
            if v.len() > 2 {
                v.remove(0);
            }
            Resp::json(200, json!({ "txt": t }))
        }
        _ => Resp::text(404, "404 page not found"),
    }
}

fn fake() -> Fake {
    let txt = Arc::new(Mutex::new(vec![]));
    let fail = Arc::new(Mutex::new(None::<Resp>));
    let registrations = Arc::new(Mutex::new(0u32));
    let (t, f) = (txt.clone(), fail.clone());
    let http = FakeHttp::start(move |req| {
        if let Some(r) = f.lock().unwrap().clone() {
            return r;
        }
        answer(req, &t, &registrations)
    });
    Fake { http, txt, fail }
}

fn env_with(fake: &Fake, extra: &str) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "name = \"box.example.test\"\naliases = [\"www.example.test\"]\n\
         [ip]\ngateway = false\nstun = []\necho = []\n{extra}\n\
         [acme_dns]\nserver = \"{}\"\n",
        fake.http.url()
    ));
    env
}

fn settings_of(env: &Env) -> direkt::config::Settings {
    use clap::Parser;
    let cli = direkt::cli::Cli::try_parse_from([
        "direkt",
        "--config",
        env.config().to_str().unwrap(),
        "--state-dir",
        env.state_dir().to_str().unwrap(),
        "status",
    ])
    .unwrap();
    direkt::config::Settings::load(&cli.global).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn acme_dns(env: &Env) -> direkt::ddns::acme_dns::AcmeDns {
    let s = settings_of(env);
    let setup = direkt::ddns::acme_dns::Setup::of(&s).unwrap().unwrap();
    direkt::ddns::acme_dns::AcmeDns::registered(setup, &s).unwrap()
}

fn register(env: &Env) -> Run {
    let r = env.run(&["ddns", "register", "--json"]);
    r.lacks(PASSWORD);
    r
}

#[test]
fn register_stores_the_credentials_privately_and_names_the_one_cname_per_name() {
    let f = fake();
    let env = env_with(&f, "");
    let j = register(&env).code(0).json();
    assert_eq!(j["registered_now"], true);
    assert_eq!(j["fulldomain"], FULL);
    assert_eq!(
        j["cnames"],
        json!([
            {"name": "_acme-challenge.box.example.test", "target": FULL},
            {"name": "_acme-challenge.www.example.test", "target": FULL},
        ])
    );
    let req = f.http.last();
    assert_eq!((req.method.as_str(), req.path()), ("POST", "/register"));
    // Stored in the secrets file, mode 0600, under [acme_dns].
    let secrets = env.path("secrets.toml");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&secrets).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(&secrets).unwrap()).unwrap();
    assert_eq!(table["acme_dns"]["password"].as_str(), Some(PASSWORD));
    assert_eq!(table["acme_dns"]["api_user"].as_str(), Some(USER));
    assert_eq!(table["acme_dns"]["subdomain"].as_str(), Some(SUBDOMAIN));
    assert_eq!(table["acme_dns"]["fulldomain"].as_str(), Some(FULL));

    // Registered: the CNAME again, no second registration; in words too.
    let r = env.run(&["ddns", "register"]);
    r.code(0).lacks(PASSWORD).stdout_has(&format!(
        "_acme-challenge.box.example.test.  CNAME  {FULL}."
    ));
    assert_eq!(f.http.count(), 1);
    // --force registers anew and replaces the stored credentials.
    let j = env
        .run(&["ddns", "register", "--force", "--json"])
        .code(0)
        .json();
    assert_eq!(j["registered_now"], true);
    assert_eq!(f.http.count(), 2);
    let text = std::fs::read_to_string(&secrets).unwrap();
    assert!(text.contains(&format!("{PASSWORD}-2")), "replaced");
}

#[test]
fn txt_values_go_to_the_registration_and_the_server_keeps_two() {
    let f = fake();
    let env = env_with(&f, "");
    register(&env).code(0);
    let p = acme_dns(&env);
    use direkt::ddns::Provider;
    assert_eq!(p.fulldomain(), FULL);
    let rt = rt();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, V1)).unwrap();
    rt.block_on(p.set_txt(fqdn, V2)).unwrap();
    assert_eq!(*f.txt.lock().unwrap(), [V1, V2]);
    let req = f.http.last();
    assert_eq!((req.method.as_str(), req.path()), ("POST", "/update"));
    assert_eq!(req.header("x-api-user"), Some(USER));
    assert_eq!(req.header("x-api-key"), Some(PASSWORD));
    assert_eq!(req.json(), json!({"subdomain": SUBDOMAIN, "txt": V2}));
    // acme-dns has no delete: removing sends nothing, the values roll out.
    let before = f.http.count();
    rt.block_on(p.remove_txt(fqdn, V1)).unwrap();
    assert_eq!(f.http.count(), before);
    assert_eq!(p.requests(), 2);
    // verify: acme-dns has no read-only call; one random 43-character value checks the key.
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains(FULL), "{what}");
    assert_eq!(f.http.last().json()["txt"].as_str().unwrap().len(), 43);
    // It cannot publish an address.
    let e = rt
        .block_on(p.set_address("box.example.test", "203.0.113.2".parse().unwrap()))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Unsupported);
}

#[test]
fn documented_errors_latch_or_back_off_and_never_show_the_key() {
    use direkt::ddns::{Failure, Provider};
    let f = fake();
    let env = env_with(&f, "");
    register(&env).code(0);
    let rt = rt();
    let fqdn = "_acme-challenge.box.example.test";

    // bad_txt: the fake's own check (not 43 characters).
    let e = rt
        .block_on(acme_dns(&env).set_txt(fqdn, "short"))
        .unwrap_err();
    assert_eq!(e.failure, Failure::Latch);
    assert!(e.message.contains("bad_txt"), "{e:?}");

    // bad_subdomain: a registration whose subdomain is not the user's.
    let secrets = env.path("secrets.toml");
    let good = std::fs::read_to_string(&secrets).unwrap();
    std::fs::write(&secrets, good.replace(SUBDOMAIN, "not-mine")).unwrap();
    let e = rt.block_on(acme_dns(&env).set_txt(fqdn, V1)).unwrap_err();
    assert_eq!(e.failure, Failure::Latch);
    assert!(e.message.contains("bad_subdomain"), "{e:?}");

    // forbidden: a wrong key. The key never shows.
    std::fs::write(&secrets, good.replace(PASSWORD, "wrong-key-Zz9")).unwrap();
    let e = rt.block_on(acme_dns(&env).set_txt(fqdn, V1)).unwrap_err();
    assert_eq!(e.failure, Failure::Latch);
    assert!(e.message.contains("forbidden"), "{e:?}");
    assert!(
        e.hint.as_deref().unwrap().contains("ddns register"),
        "{e:?}"
    );
    assert!(!format!("{e:?}").contains("wrong-key-Zz9"));
    std::fs::write(&secrets, &good).unwrap();

    // 5xx and 429: back off, honouring Retry-After.
    *f.fail.lock().unwrap() = Some(Resp::text(503, "unavailable"));
    let e = rt.block_on(acme_dns(&env).set_txt(fqdn, V1)).unwrap_err();
    assert_eq!(e.failure, Failure::Backoff);
    *f.fail.lock().unwrap() = Some(Resp::text(429, "slow down").header("Retry-After", "120"));
    let e = rt.block_on(acme_dns(&env).set_txt(fqdn, V1)).unwrap_err();
    assert_eq!(e.failure, Failure::Backoff);
    assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(120)));
    // A register the server refuses is exit 4 with its words.
    *f.fail.lock().unwrap() = Some(err(400, "invalid_allowfrom_cidr"));
    let r = env.run(&["ddns", "register", "--force"]);
    r.code(4)
        .stderr_has("invalid_allowfrom_cidr")
        .lacks(PASSWORD);
    // The network gone: transient.
    drop(f);
    let e = rt.block_on(acme_dns(&env).set_txt(fqdn, V1)).unwrap_err();
    assert_eq!(e.failure, Failure::Transient);
}

#[test]
fn unregistered_or_unconfigured_is_exit_2_saying_what_to_do() {
    let f = fake();
    let env = env_with(&f, "");
    // DNS-01 before `ddns register`: exit 2, no request.
    let s = settings_of(&env);
    let e = direkt::acme::dns01::DnsChallenge::new(&s).err().unwrap();
    assert_eq!(e.exit_code(), 2);
    assert!(e.message().contains("not registered"), "{}", e.message());
    assert!(e.hint_text().unwrap().contains("direkt ddns register"));
    assert_eq!(f.http.count(), 0);
    // No acme-dns at all: register says how to configure it.
    let plain = Env::new();
    plain.write_config("name = \"box.example.test\"\n");
    plain
        .run(&["ddns", "register"])
        .code(2)
        .stderr_has("[acme_dns]");
}

#[test]
fn dns01_needs_txt_somewhere_and_acme_dns_is_enough() {
    let f = fake();
    // dyndns2 writes no TXT: dns-01 is refused at config load.
    let env = Env::new();
    env.write_config(
        "name = \"box.example.test\"\n[ddns]\nprovider = \"noip\"\nusername = \"u\"\n\
         [cert]\nchallenges = [\"dns-01\"]\n",
    );
    env.run(&["status"])
        .code(2)
        .stderr_has("cert.challenges")
        .stderr_has("acme_dns");
    // The same with acme-dns for the TXT: accepted.
    let env = env_with(&f, "[ddns]\nprovider = \"noip\"\nusername = \"u\"\n");
    let text =
        std::fs::read_to_string(env.config()).unwrap() + "[cert]\nchallenges = [\"dns-01\"]\n";
    env.write_config(&text);
    let r = env.run(&["status"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

#[test]
fn acme_dns_as_the_ddns_provider_only_does_txt() {
    let f = fake();
    let env = Env::new();
    env.write_config(&format!(
        "name = \"box.example.test\"\n[ip]\ngateway = false\nstun = []\necho = []\n\
         [ddns]\nprovider = \"acme-dns\"\nserver = \"{}\"\n",
        f.http.url()
    ));
    // Unregistered: building it names the secret and the command.
    let r = env.run(&["ddns", "register", "--json"]);
    let j = r.code(0).json();
    assert_eq!(j["cnames"][0]["name"], "_acme-challenge.box.example.test");
    let text = std::fs::read_to_string(env.path("secrets.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(table["ddns"]["password"].as_str(), Some(PASSWORD));
    chmod(&env.path("secrets.toml"), 0o600);
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    assert_eq!(p.spec().name, "acme-dns");
    rt().block_on(p.set_txt("_acme-challenge.box.example.test", V1))
        .unwrap();
    assert_eq!(*f.txt.lock().unwrap(), [V1]);
    // `ddns update` cannot publish an address through it: exit 2 saying so, nothing latched.
    let sources = support::fake::FakeSources::saying("203.0.113.2", "203.0.113.2");
    let text = std::fs::read_to_string(env.config()).unwrap().replace(
        "[ip]\ngateway = false\nstun = []\necho = []\n",
        &sources.ip_section(),
    );
    env.write_config(&text);
    let before = f.http.count();
    let r = env.run(&["ddns", "update"]);
    r.code(2).stderr_has("cannot publish").lacks(PASSWORD);
    assert_eq!(f.http.count(), before);
    // The registry lists it as a TXT-only delegation.
    let list = env.run(&["ddns", "providers", "--json"]).code(0).json();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "acme-dns")
        .unwrap()
        .clone();
    assert_eq!(a["kind"], "delegation");
    assert_eq!(a["records"], json!(["TXT"]));
}
