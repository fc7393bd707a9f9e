//! `direkt ddns update|show` driven through the built binary against local fakes of the closed
//! provider APIs (written from their public documentation, error bodies included) and fake
//! address sources, all on 127.0.0.1. The RFC 2136 provider is tested against a real Knot in the
//! lab (tests/lab_ddns.rs).

mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::providers::{Shared, settings_of, state, write_secrets};
use support::{Env, Run};

const PASSWORD: &str = "pw-Sekr1t-9f8e7d";
const TOKEN: &str = "tok-Sekr1t-0a1b2c3d";

fn dyndns2_env(sources: &FakeSources, server: &FakeHttp, extra: &str) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "name = \"box.example.test\"\n{}\n[ddns]\nprovider = \"dyndns2\"\nserver = \"{}/nic/update\"\nusername = \"user1\"\n{extra}",
        sources.ip_section(),
        server.url()
    ));
    write_secrets(&env, &[("password", PASSWORD)]);
    env
}

/// A dyndns2 server whose answer can be changed between runs.
fn dyndns2_server(initial: (u16, &str)) -> (FakeHttp, Arc<Mutex<(u16, String)>>) {
    let reply = Arc::new(Mutex::new((initial.0, initial.1.to_string())));
    let r = reply.clone();
    let server = FakeHttp::start(move |_| {
        let (s, b) = r.lock().unwrap().clone();
        Resp::text(s, &b)
    });
    (server, reply)
}

#[test]
fn dyndns2_request_is_exactly_as_specified_and_a_second_run_sends_nothing() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, _) = dyndns2_server((200, "good 203.0.113.2"));
    let env = dyndns2_env(&sources, &server, "");
    let r = env.run(&["ddns", "update", "--json"]);
    r.code(0);
    let j = r.json();
    assert_eq!(j["families"][0]["action"], "published");
    assert_eq!(j["families"][0]["address"], "203.0.113.2");
    assert_eq!(j["provider_requests"], 1);
    let req = server.last();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path(), "/nic/update");
    assert_eq!(req.query("hostname").as_deref(), Some("box.example.test"));
    assert_eq!(req.query("myip").as_deref(), Some("203.0.113.2"));
    assert_eq!(
        req.header("user-agent"),
        Some(concat!("direkt/", env!("CARGO_PKG_VERSION")))
    );
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user1:{PASSWORD}"));
    assert_eq!(
        req.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );

    // Unchanged: no provider request (counted at the server and in the state).
    let r = env.run(&["ddns", "update", "--json"]);
    r.code(0);
    let j = r.json();
    assert_eq!(j["families"][0]["action"], "unchanged");
    assert_eq!(j["provider_requests"], 0);
    assert_eq!(server.count(), 1);
    assert_eq!(state(&env)["ddns"]["requests"], 1);
    assert_eq!(state(&env)["ddns"]["ipv4"]["address"], "203.0.113.2");

    // show reads the state without any network.
    let j = env.run(&["ddns", "show", "--json"]).code(0).json();
    assert_eq!(j["state"]["ipv4"]["address"], "203.0.113.2");
    assert_eq!(j["latched"], false);
    env.run(&["ddns", "show"])
        .code(0)
        .stdout_has("A    203.0.113.2");

    // --force sends again although nothing changed.
    env.run(&["ddns", "update", "--force"]).code(0);
    assert_eq!(server.count(), 2);
}

#[test]
fn dyndns2_every_code_has_the_right_outcome() {
    // (body, HTTP status, exit code, latched?, backing off?)
    let cases: &[(&str, u16, i32, bool, bool)] = &[
        ("good 203.0.113.2", 200, 0, false, false),
        ("nochg 203.0.113.2", 200, 0, false, false),
        ("badauth", 401, 4, true, false),
        ("!donator", 200, 4, true, false),
        ("notfqdn", 200, 4, true, false),
        ("nohost", 200, 4, true, false),
        ("numhost", 200, 4, true, false),
        ("abuse", 200, 4, true, false),
        ("badagent", 200, 4, true, false),
        ("badsys", 200, 4, true, false),
        ("!yours", 200, 4, true, false),
        ("911", 500, 1, false, true),
        ("dnserr", 200, 1, false, true),
        ("", 503, 1, false, true),
        ("w900", 200, 1, false, true),
    ];
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    for (body, status, code, latched, backoff) in cases {
        let (server, _) = dyndns2_server((*status, body));
        let env = dyndns2_env(&sources, &server, "");
        let r = env.run(&["ddns", "update", "-vv"]);
        assert_eq!(r.code, *code, "{body:?}: {}", r.stderr);
        r.lacks(PASSWORD);
        if *code != 0 {
            r.stderr_has("hint:");
        }
        let st = state(&env);
        assert_eq!(!st["ddns"]["latch"].is_null(), *latched, "{body:?}: {st}");
        assert_eq!(!st["ddns"]["backoff"].is_null(), *backoff, "{body:?}: {st}");
        if *backoff {
            let until = st["ddns"]["backoff"]["until"].as_i64().unwrap();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            assert!(until >= now + 30 * 60 - 5, "{body:?}: backoff under 30 min");
            // The next run does not ask the provider again.
            env.run(&["ddns", "update"])
                .code(1)
                .stderr_has("backing off");
            assert_eq!(server.count(), 1, "{body:?}: request during backoff");
        }
    }
}

#[test]
fn dyndns2_latch_survives_runs_and_force_or_a_config_change_lifts_it() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, reply) = dyndns2_server((401, "badauth"));
    let env = dyndns2_env(&sources, &server, "");
    env.run(&["ddns", "update"])
        .code(4)
        .stderr_has("badauth")
        .stderr_has("hint:");
    // Across runs: exit 4 again, and no request reaches the provider.
    for _ in 0..2 {
        env.run(&["ddns", "update"])
            .code(4)
            .stderr_has("stopped")
            .stderr_has("--force");
    }
    assert_eq!(server.count(), 1);
    assert_eq!(
        env.run(&["ddns", "show", "--json"]).code(0).json()["latched"],
        true
    );
    // --force clears it.
    *reply.lock().unwrap() = (200, "good 203.0.113.2".into());
    env.run(&["ddns", "update", "--force"]).code(0);
    assert_eq!(server.count(), 2);
    assert!(state(&env)["ddns"]["latch"].is_null());

    // A latch is also lifted by a changed config (here: the password).
    *reply.lock().unwrap() = (200, "nohost".into());
    env.run(&["ddns", "update", "--force"]).code(4);
    env.run(&["ddns", "update"]).code(4);
    assert_eq!(server.count(), 3);
    *reply.lock().unwrap() = (200, "good 203.0.113.2".into());
    write_secrets(&env, &[("password", "a-new-password")]);
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(server.count(), 4);
}

#[test]
fn dry_run_sends_nothing_and_writes_nothing() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, _) = dyndns2_server((200, "good"));
    let env = dyndns2_env(&sources, &server, "");
    let j = env
        .run(&["ddns", "update", "--dry-run", "--json"])
        .code(0)
        .json();
    assert_eq!(j["families"][0]["action"], "would-publish");
    assert_eq!(server.count(), 0);
    assert!(!env.state_dir().join("state.json").exists());
}

#[test]
fn disagreeing_sources_publish_nothing_and_name_both_answers() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.9");
    let (server, _) = dyndns2_server((200, "good"));
    let env = dyndns2_env(&sources, &server, "");
    env.run(&["ddns", "update"])
        .code(1)
        .stderr_has("warning:")
        .stderr_has("disagree")
        .stderr_has("203.0.113.2")
        .stderr_has("203.0.113.9");
    assert_eq!(server.count(), 0);
}

#[test]
fn private_or_too_few_answers_publish_nothing() {
    let sources = FakeSources::saying("192.168.1.7", "203.0.113.2");
    let (server, _) = dyndns2_server((200, "good"));
    let env = dyndns2_env(&sources, &server, "");
    let r = env.run(&["ddns", "update", "--json"]);
    r.code(1);
    let j = r.json();
    assert_eq!(j["families"][0]["action"], "not-published");
    assert_eq!(j["families"][0]["detection"]["verdict"], "no-quorum");
    assert_eq!(server.count(), 0);
}

#[test]
fn missing_secret_is_a_usage_error_naming_where_it_goes() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, _) = dyndns2_server((200, "good"));
    let env = dyndns2_env(&sources, &server, "");
    std::fs::remove_file(env.path("secrets.toml")).unwrap();
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("ddns.password")
        .stderr_has("DIREKT_DDNS_PASSWORD");
    assert_eq!(server.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Cloudflare (API v4)

struct FakeCloudflare {
    http: FakeHttp,
    records: Arc<Mutex<Vec<serde_json::Value>>>,
    fail: Arc<Mutex<Option<Resp>>>,
}

fn cloudflare() -> FakeCloudflare {
    let records = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let fail = Arc::new(Mutex::new(None::<Resp>));
    let (rec, f) = (records.clone(), fail.clone());
    let ok = |result: serde_json::Value| {
        Resp::json(
            200,
            json!({"success": true, "errors": [], "messages": [], "result": result}),
        )
    };
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Resp::json(
                403,
                json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [], "result": null}),
            );
        }
        let mut recs = rec.lock().unwrap();
        match (r.method.as_str(), r.path()) {
            ("GET", "/client/v4/zones") => {
                if r.query("name").as_deref() == Some("example.test") {
                    ok(json!([{"id": "zone0001", "name": "example.test", "status": "active"}]))
                } else {
                    ok(json!([]))
                }
            }
            ("GET", "/client/v4/zones/zone0001/dns_records") => {
                let t = r.query("type").unwrap_or_default();
                let n = r.query("name").unwrap_or_default();
                ok(json!(
                    recs.iter()
                        .filter(|x| x["type"] == t.as_str() && x["name"] == n.as_str())
                        .cloned()
                        .collect::<Vec<_>>()
                ))
            }
            ("POST", "/client/v4/zones/zone0001/dns_records") => {
                let mut x = r.json();
                x["id"] = json!(format!("rec{:04}", recs.len() + 1));
                recs.push(x.clone());
                ok(x)
            }
            ("PATCH", p) if p.starts_with("/client/v4/zones/zone0001/dns_records/") => {
                let id = p.rsplit('/').next().unwrap();
                let patch = r.json();
                match recs.iter_mut().find(|x| x["id"] == id) {
                    Some(x) => {
                        for (k, v) in patch.as_object().unwrap() {
                            x[k] = v.clone();
                        }
                        ok(x.clone())
                    }
                    None => Resp::json(
                        404,
                        json!({"success": false, "errors": [{"code": 81044, "message": "Record does not exist."}]}),
                    ),
                }
            }
            ("DELETE", p) if p.starts_with("/client/v4/zones/zone0001/dns_records/") => {
                let id = p.rsplit('/').next().unwrap().to_string();
                recs.retain(|x| x["id"] != id.as_str());
                ok(json!({"id": id}))
            }
            _ => Resp::json(
                404,
                json!({"success": false, "errors": [{"code": 7003, "message": "Could not route to the path"}]}),
            ),
        }
    });
    FakeCloudflare {
        http,
        records,
        fail,
    }
}

fn api_env(sources: &FakeSources, provider: &str, server: &str, zone: &str, name: &str) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "name = \"{name}\"\n{}\n[ddns]\nprovider = \"{provider}\"\nserver = \"{server}\"\n{zone}",
        sources.ip_section()
    ));
    write_secrets(&env, &[("token", TOKEN)]);
    env
}

#[test]
fn cloudflare_creates_then_patches_and_maps_its_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let cf = cloudflare();
    let env = api_env(
        &sources,
        "cloudflare",
        &format!("{}/client/v4", cf.http.url()),
        "zone = \"example.test\"\n",
        "box.example.test",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    {
        let recs = cf.records.lock().unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0]["type"], "A");
        assert_eq!(recs[0]["content"], "203.0.113.2");
        assert_eq!(recs[0]["proxied"], false);
    }
    // A new address patches the same record.
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    env.write_config(
        &std::fs::read_to_string(env.config())
            .unwrap()
            .replace(&ip_urls_of(&env), &format!("{}\n", sources.ip_section())),
    );
    env.run(&["ddns", "update"]).code(0);
    {
        let recs = cf.records.lock().unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0]["content"], "203.0.113.7");
    }
    assert!(cf.http.all().iter().any(|r| r.method == "PATCH"));

    // 429: back off (exit 1), no latch.
    *cf.fail.lock().unwrap() = Some(
        Resp::json(
            429,
            json!({"success": false, "errors": [{"code": 971, "message": "Please wait and consider throttling your request speed"}]}),
        )
        .header("Retry-After", "60"),
    );
    env.run(&["ddns", "update", "--force"])
        .code(1)
        .stderr_has("971");
    assert!(!state(&env)["ddns"]["backoff"].is_null());

    // A wrong token: 403 with code 10000 latches (exit 4).
    *cf.fail.lock().unwrap() = None;
    write_secrets(&env, &[("token", "wrong-token-value")]);
    env.run(&["ddns", "update", "--force", "-vv"])
        .code(4)
        .stderr_has("10000 Authentication error")
        .lacks("wrong-token-value");
}

/// The `[ip]` section currently in the env's config (to swap fake sources).
fn ip_urls_of(env: &Env) -> String {
    let text = std::fs::read_to_string(env.config()).unwrap();
    let start = text.find("[ip]").unwrap();
    let end = text.find("[ddns]").unwrap();
    text[start..end].to_string()
}

/// A config for the fake Cloudflare, without address sources (for library calls), and its token.
fn cloudflare_env(cf: &FakeCloudflare) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "name = \"box.example.test\"\n[ddns]\nprovider = \"cloudflare\"\nserver = \"{}/client/v4\"\nzone = \"example.test\"\n",
        cf.http.url()
    ));
    write_secrets(&env, &[("token", TOKEN)]);
    env
}

#[test]
fn cloudflare_txt_for_dns01_through_the_library() {
    let cf = cloudflare();
    let env = cloudflare_env(&cf);
    let settings = settings_of(&env);
    let p = direkt::ddns::provider_from_settings(&settings).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    assert_eq!(cf.records.lock().unwrap().len(), 2);
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    let recs = cf.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["content"], "\"token-two\"");
}

#[test]
fn cloudflare_verify_reads_only_and_names_a_refused_token() {
    let cf = cloudflare();
    let env = cloudflare_env(&cf);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("zone example.test"), "{what}");
    let methods: Vec<String> = cf.http.all().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "GET"]);
    assert!(cf.records.lock().unwrap().is_empty());
    // A zone the token cannot see, and a wrong token: both latch, neither shows the token.
    env.write_config(
        &std::fs::read_to_string(env.config())
            .unwrap()
            .replace("zone = \"example.test\"", "zone = \"other.test\"")
            .replace("box.example.test", "box.other.test"),
    );
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let e = rt.block_on(p.verify("box.other.test")).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("no zone other.test"), "{e:?}");
    write_secrets(&env, &[("token", "wrong-token-value")]);
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let e = rt.block_on(p.verify("box.other.test")).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("10000"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-token-value"));
}

// ---------------------------------------------------------------------------------------------
// deSEC

fn desec() -> (
    FakeHttp,
    Shared<Vec<serde_json::Value>>,
    Shared<Option<Resp>>,
) {
    let sets = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let fail = Arc::new(Mutex::new(None::<Resp>));
    let (s, f) = (sets.clone(), fail.clone());
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        if r.header("authorization") != Some(&format!("Token {TOKEN}")) {
            return Resp::json(401, json!({"detail": "Invalid token."}));
        }
        let mut sets = s.lock().unwrap();
        let base = "/api/v1/domains/example.dedyn.io/rrsets/";
        match r.method.as_str() {
            "GET" if r.path() == "/api/v1/domains/example.dedyn.io/" => Resp::json(
                200,
                json!({"name": "example.dedyn.io", "minimum_ttl": 3600, "keys": []}),
            ),
            "PATCH" if r.path() == base => {
                for item in r.json().as_array().unwrap() {
                    sets.retain(|x| {
                        !(x["subname"] == item["subname"] && x["type"] == item["type"])
                    });
                    if !item["records"].as_array().unwrap().is_empty() {
                        sets.push(item.clone());
                    }
                }
                Resp::json(200, json!(sets.clone()))
            }
            "GET" if r.path().starts_with(base) => {
                let rest: Vec<&str> = r.path()[base.len()..]
                    .trim_end_matches('/')
                    .split('/')
                    .collect();
                let sub = if rest[0] == "@" { "" } else { rest[0] };
                match sets
                    .iter()
                    .find(|x| x["subname"] == sub && x["type"] == rest[1])
                {
                    Some(x) => Resp::json(200, x.clone()),
                    None => Resp::json(404, json!({"detail": "Not found."})),
                }
            }
            _ => Resp::json(404, json!({"detail": "Not found."})),
        }
    });
    (http, sets, fail)
}

#[test]
fn desec_replaces_the_rrset_and_maps_its_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (http, sets, fail) = desec();
    let env = api_env(
        &sources,
        "desec",
        &format!("{}/api/v1", http.url()),
        "zone = \"example.dedyn.io\"\nttl = 3600\n",
        "box.example.dedyn.io",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let req = http.last();
    assert_eq!(req.method, "PATCH");
    assert_eq!(
        req.json(),
        json!([{"subname": "box", "type": "A", "ttl": 3600, "records": ["203.0.113.2"]}])
    );
    assert_eq!(sets.lock().unwrap().len(), 1);

    // TXT through the library keeps other values and removes exactly one.
    let settings = settings_of(&env);
    let p = direkt::ddns::provider_from_settings(&settings).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fqdn = "_acme-challenge.box.example.dedyn.io";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    let txt = sets
        .lock()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "TXT")
        .cloned()
        .unwrap();
    assert_eq!(txt["records"], json!(["\"two\""]));

    // Credentials checked with a read: one GET, nothing changed.
    let before = (http.count(), sets.lock().unwrap().clone());
    let what = rt.block_on(p.verify("box.example.dedyn.io")).unwrap();
    assert!(what.contains("example.dedyn.io"), "{what}");
    assert_eq!(http.count(), before.0 + 1);
    assert_eq!(http.last().method, "GET");
    assert_eq!(*sets.lock().unwrap(), before.1);

    *fail.lock().unwrap() = Some(
        Resp::json(
            429,
            json!({"detail": "Request was throttled. Expected available in 7 seconds."}),
        )
        .header("Retry-After", "7"),
    );
    env.run(&["ddns", "update", "--force"])
        .code(1)
        .stderr_has("throttled");
    *fail.lock().unwrap() = Some(Resp::json(401, json!({"detail": "Invalid token."})));
    env.run(&["ddns", "update", "--force", "-vv"])
        .code(4)
        .stderr_has("Invalid token.")
        .lacks(TOKEN);
}

// ---------------------------------------------------------------------------------------------
// DuckDNS

#[test]
fn duckdns_sends_one_family_and_latches_on_ko() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let reply = Arc::new(Mutex::new("OK".to_string()));
    let r2 = reply.clone();
    let http = FakeHttp::start(move |r: &Req| {
        if r.path() != "/update" || r.query("token").as_deref() != Some(TOKEN) {
            return Resp::text(200, "KO");
        }
        Resp::text(200, &r2.lock().unwrap())
    });
    let env = api_env(&sources, "duckdns", &http.url(), "", "box.duckdns.org");
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let req = http.last();
    assert_eq!(req.query("domains").as_deref(), Some("box"));
    assert_eq!(req.query("ip").as_deref(), Some("203.0.113.2"));
    // Only the IPv4 parameter: the AAAA record is not touched.
    assert_eq!(req.query("ipv6"), None);

    *reply.lock().unwrap() = "KO".into();
    env.run(&["ddns", "update", "--force", "-vvv"])
        .code(4)
        .stderr_has("KO")
        .lacks(TOKEN);
    env.run(&["ddns", "update"]).code(4);
    assert_eq!(http.count(), 2);
    // DuckDNS has no call that checks a token without changing a record: verify says so and
    // sends nothing (doctor then falls back to a TXT value added and cleared).
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let e = rt.block_on(p.verify("box.duckdns.org")).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Unsupported);
    assert_eq!(http.count(), 2);
}

#[test]
fn update_without_ddns_section_is_a_usage_error() {
    let env = Env::new();
    env.write_config("name = \"box.example.test\"\n");
    let r: Run = env.run(&["ddns", "update"]);
    r.code(2).stderr_has("[ddns]");
    assert!(!env.state_dir().exists());
}

#[test]
fn a_long_unchanged_address_is_refreshed_and_a_backoff_with_nothing_due_exits_0() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, reply) = dyndns2_server((200, "good 203.0.113.2"));
    let env = dyndns2_env(&sources, &server, "refresh = \"3s\"\n");
    env.run(&["ddns", "update"]).code(0);
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let j = env.run(&["ddns", "update", "--json"]).code(0).json();
    assert_eq!(j["families"][0]["action"], "published");
    assert!(
        j["families"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("refresh"),
        "{j}"
    );
    assert_eq!(server.count(), 2);

    // The provider fails: backoff. A later run with the address unchanged has nothing due
    // (exit 0) but still does not ask the provider; the backoff stays.
    *reply.lock().unwrap() = (500, "911".into());
    env.run(&["ddns", "update", "--force"]).code(1);
    assert_eq!(server.count(), 3);
    let r = env.run(&["ddns", "update", "--json"]);
    r.code(0);
    let j = r.json();
    assert_eq!(j["families"][0]["action"], "unchanged", "{j}");
    assert!(!j["backoff"].is_null(), "{j}");
    assert_eq!(server.count(), 3);
    // Once the refresh is due again, the backoff holds it back: exit 1, nothing sent.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let r = env.run(&["ddns", "update", "--json"]);
    r.code(1);
    assert_eq!(r.json()["families"][0]["action"], "skipped");
    assert_eq!(server.count(), 3);
}

/// A back-off written while the clock was days ahead is clamped to a day from the first run
/// after the clock was put right (and anchored there), not kept until the wrong date.
#[test]
fn a_backoff_from_a_clock_days_ahead_waits_at_most_a_day() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, reply) = dyndns2_server((500, "911"));
    let env = dyndns2_env(&sources, &server, "");
    env.run(&["ddns", "update"]).code(1);
    assert_eq!(server.count(), 1);
    // Move the stored back-off 3 days out, as a clock 3 days ahead would have written it.
    let path = env.state_dir().join("state.json");
    let mut st = state(&env);
    let until = st["ddns"]["backoff"]["until"].as_i64().unwrap();
    st["ddns"]["backoff"]["until"] = json!(until + 3 * 86_400);
    std::fs::write(&path, serde_json::to_vec(&st).unwrap()).unwrap();
    *reply.lock().unwrap() = (200, "good 203.0.113.2".into());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let j = env.run(&["ddns", "update", "--json"]).json();
    assert_eq!(server.count(), 1, "asked the provider while backing off");
    let shown = j["backoff"]["until"].as_i64().unwrap();
    assert!(shown <= now + 86_400 + 5, "shown {shown}, now {now}: {j}");
    let stored = state(&env)["ddns"]["backoff"]["until"].as_i64().unwrap();
    assert!(stored <= now + 86_400 + 5, "stored {stored}, now {now}");
}

/// A cron `renew` that finds nothing due does not rewrite state.json (no fsync'd write every
/// few minutes); its time still reaches `status` and the part's last success.
#[test]
fn a_renew_with_nothing_due_leaves_state_json_alone_and_status_still_sees_it() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let (server, reply) = dyndns2_server((200, "good 203.0.113.2"));
    let env = dyndns2_env(&sources, &server, "");
    env.run(&["renew"]).code(0).stdout_has("203.0.113.2");
    let path = env.state_dir().join("state.json");
    let written = std::fs::read(&path).unwrap();
    let first = state(&env)["last_run"]["at"].as_i64().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = env.run(&["renew"]);
    r.code(0);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    assert_eq!(server.count(), 1);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        written,
        "state.json was rewritten"
    );
    let st = env.run(&["status", "--json"]).code(0).json();
    let at = st["state"]["last_run"]["at"].as_i64().unwrap();
    assert!(at > first, "last run {at} not after {first}: {st}");
    assert_eq!(st["state"]["last_run"]["ok"], true);
    assert_eq!(st["state"]["renew"]["parts"]["dns"]["last_success"], at);
    // A run that changes something writes state.json again, the stamp's time included.
    *reply.lock().unwrap() = (200, "good 203.0.113.3".into());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    env.run(&["renew", "--force"]).code(0);
    assert_ne!(std::fs::read(&path).unwrap(), written);
    assert!(state(&env)["last_run"]["at"].as_i64().unwrap() > at);
}
