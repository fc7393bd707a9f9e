//! The API providers hetzner, porkbun, ionos, netcup and inwx driven through the built binary
//! (`direkt ddns update` with `[ddns] server` pointing at a local fake) and through the library
//! (TXT for DNS-01, `verify`). Each fake is written from the provider's public API document
//! named above it: it checks method, path, credentials and body, and answers with the
//! documented bodies, error bodies included. Nothing here contacts a real provider.

mod support;

use serde_json::{Value, json};
use support::Env;
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::providers::{
    Shared, api_config, provider, refused_and_latched, runtime, shared, state, swap_sources,
    write_secrets,
};

const TOKEN: &str = "tok-Sekr1t-0a1b2c3d";
const NAME: &str = "box.example.test";

fn api_env(sources: &FakeSources, provider: &str, server: &str, keys: &str) -> Env {
    let env = Env::new();
    env.write_config(&api_config(NAME, Some(sources), provider, server, keys));
    env
}

/// One documented error answer and what direkt must make of it.
struct Case {
    what: &'static str,
    resp: Resp,
    exit: i32,
    latched: bool,
    backoff: bool,
    says: &'static str,
}

/// Run `ddns update --force` against each case (the fake answers `fail` to every request) and
/// check exit code, latch/backoff state, the message and that no secret is printed.
fn check_cases(env: &Env, fail: &Shared<Option<Resp>>, cases: Vec<Case>, hidden: &[&str]) {
    for c in cases {
        *fail.lock().unwrap() = Some(c.resp.clone());
        let r = env.run(&["ddns", "update", "--force", "-vv"]);
        assert_eq!(r.code, c.exit, "{}: {}", c.what, r.stderr);
        r.stderr_has(c.says);
        for h in hidden {
            r.lacks(h);
        }
        let st = state(env);
        assert_eq!(
            !st["ddns"]["latch"].is_null(),
            c.latched,
            "{}: {st}",
            c.what
        );
        assert_eq!(
            !st["ddns"]["backoff"].is_null(),
            c.backoff,
            "{}: {st}",
            c.what
        );
    }
    *fail.lock().unwrap() = None;
}

fn case(what: &'static str, resp: Resp, exit: i32, says: &'static str) -> Case {
    Case {
        what,
        resp,
        exit,
        latched: exit == 4,
        backoff: false,
        says,
    }
}

fn backoff(what: &'static str, resp: Resp, says: &'static str) -> Case {
    Case {
        what,
        resp,
        exit: 1,
        latched: false,
        backoff: true,
        says,
    }
}

// ---------------------------------------------------------------------------------------------
// Hetzner Cloud API, zones and RRSets:
// https://docs.hetzner.cloud/reference/cloud#zone-rrsets and #zone-rrset-actions (Bearer token;
// changes answer an `action` that is `running` and is polled at GET /zones/actions/{id};
// errors `{"error": {"code", "message", "details"}}`).

struct FakeHetzner {
    http: FakeHttp,
    /// RRSets: `{"name", "type", "ttl", "records": [{"value"}]}`.
    sets: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
    /// The status an action reaches when polled.
    action_ends: Shared<&'static str>,
}

fn h_error(status: u16, code: &str, message: &str) -> Resp {
    Resp::json(
        status,
        json!({"error": {"code": code, "message": message, "details": {}}}),
    )
}

fn h_action(id: usize, command: &str, status: &str) -> Value {
    let error = if status == "error" {
        json!({"code": "action_failed", "message": "Action failed"})
    } else {
        Value::Null
    };
    json!({"id": id, "command": command, "status": status, "progress": 0,
           "started": "2026-01-01T00:00:00+00:00", "finished": null,
           "resources": [{"id": 42, "type": "zone"}], "error": error})
}

fn hetzner() -> FakeHetzner {
    let sets = shared(Vec::<Value>::new());
    let fail = shared(None::<Resp>);
    let action_ends = shared("success");
    let (s, f, ends) = (sets.clone(), fail.clone(), action_ends.clone());
    let actions = shared(Vec::<String>::new());
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return h_error(401, "unauthorized", "unable to authenticate");
        }
        hetzner_route(
            r,
            &mut s.lock().unwrap(),
            &mut actions.lock().unwrap(),
            *ends.lock().unwrap(),
        )
    });
    FakeHetzner {
        http,
        sets,
        fail,
        action_ends,
    }
}

fn hetzner_route(r: &Req, sets: &mut Vec<Value>, actions: &mut Vec<String>, ends: &str) -> Resp {
    let zone = "/v1/zones/example.test";
    let path = r.path().to_string();
    let mut new_action = |command: &str| {
        actions.push(command.to_string());
        h_action(actions.len(), command, "running")
    };
    if r.method == "GET" && path == zone {
        return Resp::json(
            200,
            json!({"zone": {"id": 42, "name": "example.test", "mode": "primary", "ttl": 3600, "status": "ok"}}),
        );
    }
    if let Some(id) = path.strip_prefix("/v1/zones/actions/") {
        let id: usize = id.parse().unwrap();
        let command = actions[id - 1].clone();
        return Resp::json(200, json!({"action": h_action(id, &command, ends)}));
    }
    if r.method == "POST" && path == format!("{zone}/rrsets") {
        let body = r.json();
        assert!(
            body["name"].is_string() && body["type"].is_string() && body["ttl"].is_u64(),
            "{body}"
        );
        if sets
            .iter()
            .any(|x| x["name"] == body["name"] && x["type"] == body["type"])
        {
            return h_error(409, "uniqueness_error", "rrset already exists");
        }
        sets.push(body.clone());
        return Resp::json(
            201,
            json!({"rrset": body, "action": new_action("create_rrset")}),
        );
    }
    let Some(rest) = path.strip_prefix(&format!("{zone}/rrsets/")) else {
        return h_error(404, "not_found", "not found");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let (name, rtype) = (parts[0], parts[1]);
    let idx = sets
        .iter()
        .position(|x| x["name"] == name && x["type"] == rtype);
    match (r.method.as_str(), &parts[2..], idx) {
        ("GET", [], Some(i)) => Resp::json(200, json!({"rrset": sets[i]})),
        ("GET", [], None) => h_error(404, "not_found", "rrset not found"),
        ("POST", ["actions", "set_records"], Some(i)) => {
            sets[i]["records"] = r.json()["records"].clone();
            Resp::json(201, json!({"action": new_action("set_rrset_records")}))
        }
        ("POST", ["actions", "add_records"], Some(i)) => {
            for x in r.json()["records"].as_array().unwrap() {
                sets[i]["records"].as_array_mut().unwrap().push(x.clone());
            }
            Resp::json(201, json!({"action": new_action("add_rrset_records")}))
        }
        ("POST", ["actions", "remove_records"], Some(i)) => {
            let gone = r.json()["records"].clone();
            let recs = sets[i]["records"].as_array_mut().unwrap();
            recs.retain(|x| !gone.as_array().unwrap().contains(x));
            if recs.is_empty() {
                sets.remove(i);
            }
            Resp::json(201, json!({"action": new_action("remove_rrset_records")}))
        }
        _ => h_error(404, "not_found", "rrset not found"),
    }
}

fn hetzner_server(f: &FakeHetzner) -> String {
    format!("{}/v1", f.http.url())
}

#[test]
fn hetzner_creates_changes_waits_for_actions_and_leaves_the_other_family() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let h = hetzner();
    // An AAAA set that must stay as it is.
    h.sets.lock().unwrap().push(
        json!({"name": "box", "type": "AAAA", "ttl": 300, "records": [{"value": "2001:db8::1"}]}),
    );
    let env = api_env(
        &sources,
        "hetzner",
        &hetzner_server(&h),
        "zone = \"example.test\"\n",
    );
    write_secrets(&env, &[("token", TOKEN)]);
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let reqs = h.http.all();
    let what: Vec<String> = reqs
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        what,
        [
            "GET /v1/zones/example.test/rrsets/box/A",
            "POST /v1/zones/example.test/rrsets",
            "GET /v1/zones/actions/1",
        ]
    );
    assert_eq!(
        reqs[1].json(),
        json!({"name": "box", "type": "A", "ttl": 300, "records": [{"value": "203.0.113.2"}]})
    );
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));

    // Unchanged: no request at all.
    let j = env.run(&["ddns", "update", "--json"]).code(0).json();
    assert_eq!(j["families"][0]["action"], "unchanged");
    assert_eq!(h.http.count(), 3);

    // A new address: set_records on the existing set, then the action is polled.
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    let last = &h.http.all()[3..];
    assert_eq!(last[1].method, "POST");
    assert_eq!(
        last[1].path(),
        "/v1/zones/example.test/rrsets/box/A/actions/set_records"
    );
    assert_eq!(
        last[1].json(),
        json!({"records": [{"value": "203.0.113.7"}]})
    );
    assert_eq!(last[2].path(), "/v1/zones/actions/2");
    let sets = h.sets.lock().unwrap().clone();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["records"], json!([{"value": "2001:db8::1"}]));
    assert_eq!(sets[1]["records"], json!([{"value": "203.0.113.7"}]));
}

#[test]
fn hetzner_txt_for_dns01_and_verify_through_the_library() {
    let h = hetzner();
    let env = Env::new();
    env.write_config(&api_config(
        NAME,
        None,
        "hetzner",
        &hetzner_server(&h),
        "zone = \"example.test\"\n",
    ));
    write_secrets(&env, &[("token", TOKEN)]);
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    let set = h.sets.lock().unwrap()[0].clone();
    assert_eq!(set["name"], "_acme-challenge.box");
    assert_eq!(set["ttl"], 60);
    assert_eq!(
        set["records"],
        json!([{"value": "\"token-one\""}, {"value": "\"token-two\""}])
    );
    let n = h.http.count();
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    let reqs = &h.http.all()[n..];
    assert_eq!(
        reqs[1].path(),
        "/v1/zones/example.test/rrsets/_acme-challenge.box/TXT/actions/remove_records"
    );
    assert_eq!(
        reqs[1].json(),
        json!({"records": [{"value": "\"token-one\""}]})
    );
    assert_eq!(
        h.sets.lock().unwrap()[0]["records"],
        json!([{"value": "\"token-two\""}])
    );
    rt.block_on(p.remove_txt(fqdn, "token-two")).unwrap();
    assert!(h.sets.lock().unwrap().is_empty());

    // verify reads the zone, nothing else.
    let n = h.http.count();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("zone example.test"), "{what}");
    assert_eq!(h.http.count(), n + 1);
    assert_eq!(h.http.last().method, "GET");
    assert_eq!(h.http.last().path(), "/v1/zones/example.test");

    // A refused token: latch, and the message never holds it.
    write_secrets(&env, &[("token", "wrong-token-value")]);
    let e = rt
        .block_on(provider(&env).verify("box.example.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("unable to authenticate"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-token-value"));
}

#[test]
fn hetzner_maps_every_documented_error() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let h = hetzner();
    let env = api_env(
        &sources,
        "hetzner",
        &hetzner_server(&h),
        "zone = \"example.test\"\n",
    );
    write_secrets(&env, &[("token", TOKEN)]);
    let cases = vec![
        backoff(
            "rate limit",
            h_error(
                429,
                "rate_limit_exceeded",
                "limit of 3600 requests per hour reached",
            )
            .header("RateLimit-Reset", "1767225600"),
            "rate_limit_exceeded",
        ),
        backoff(
            "maintenance",
            h_error(503, "maintenance", "maintenance"),
            "maintenance",
        ),
        backoff(
            "server error",
            h_error(500, "server_error", "error within the API backend"),
            "server_error",
        ),
        case(
            "locked",
            h_error(423, "locked", "another action is running"),
            1,
            "locked",
        ),
        case(
            "zone mode",
            h_error(
                422,
                "incorrect_zone_mode",
                "This operation is not supported for this Zone's mode.",
            ),
            4,
            "not supported for this Zone's mode",
        ),
        case(
            "invalid",
            h_error(400, "invalid_input", "invalid input in field 'ttl'"),
            4,
            "invalid input in field",
        ),
        case(
            "read-only token",
            h_error(
                403,
                "token_readonly",
                "The token is only allowed to perform GET requests",
            ),
            4,
            "Read & Write",
        ),
        case(
            "no zone",
            h_error(404, "not_found", "zone not found"),
            4,
            "no zone example.test",
        ),
        case(
            "refused token",
            h_error(401, "unauthorized", "unable to authenticate"),
            4,
            "unable to authenticate",
        ),
    ];
    check_cases(&env, &h.fail, cases, &[TOKEN]);
}

#[test]
fn hetzner_waits_until_the_rate_limit_resets_and_backs_off_on_a_failed_action() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let h = hetzner();
    let env = api_env(
        &sources,
        "hetzner",
        &hetzner_server(&h),
        "zone = \"example.test\"\n",
    );
    write_secrets(&env, &[("token", TOKEN)]);
    // The rate limit's RateLimit-Reset (two hours ahead) sets the backoff.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    *h.fail.lock().unwrap() = Some(
        h_error(429, "rate_limit_exceeded", "limit reached")
            .header("RateLimit-Reset", &(now + 7200).to_string()),
    );
    env.run(&["ddns", "update", "--force"]).code(1);
    let until = state(&env)["ddns"]["backoff"]["until"].as_u64().unwrap();
    assert!(
        until >= now + 7200 - 5,
        "backoff until {until}, reset at {}",
        now + 7200
    );
    *h.fail.lock().unwrap() = None;

    // A change whose action ends in `error` backs off.
    *h.action_ends.lock().unwrap() = "error";
    env.run(&["ddns", "update", "--force"])
        .code(1)
        .stderr_has("action failed: action_failed");
    *h.action_ends.lock().unwrap() = "success";

    // A wrong token in the secrets: exit 4, latched, never printed; the next run sends nothing.
    write_secrets(&env, &[("token", "wrong-token-value")]);
    refused_and_latched(
        &env,
        &h.http,
        "refused the API token",
        &["wrong-token-value"],
    );
}

// ---------------------------------------------------------------------------------------------
// Porkbun API v3: https://porkbun.com/api/json/v3/documentation (every call a POST with
// `apikey` and `secretapikey` in the JSON body; `{"status": "SUCCESS", ..}`, errors with an HTTP
// error status and `{"status": "ERROR", "message": ..}`).

const PB_KEY: &str = "pk1_Sekr1t-4f3e2d1c";
const PB_SECRET: &str = "sk1_Sekr1t-9a8b7c6d";

struct FakePorkbun {
    http: FakeHttp,
    /// Records as Porkbun lists them: `{"id", "name" (full name), "type", "content", "ttl"}`.
    records: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
}

fn pb_error(status: u16, message: &str) -> Resp {
    Resp::json(status, json!({"status": "ERROR", "message": message}))
}

fn porkbun() -> FakePorkbun {
    let records = shared(Vec::<Value>::new());
    let fail = shared(None::<Resp>);
    let (rec, f) = (records.clone(), fail.clone());
    let next = shared(106926650u64);
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        let body = r.json();
        if r.method != "POST" || body["apikey"] != PB_KEY || body["secretapikey"] != PB_SECRET {
            return pb_error(400, "Invalid API key. (002)");
        }
        let mut next = next.lock().unwrap();
        porkbun_route(r.path(), &body, &mut rec.lock().unwrap(), &mut next)
    });
    FakePorkbun {
        http,
        records,
        fail,
    }
}

fn porkbun_route(path: &str, body: &Value, recs: &mut Vec<Value>, next: &mut u64) -> Resp {
    let ok = |extra: Value| {
        let mut v = json!({"status": "SUCCESS"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Resp::json(200, v)
    };
    let Some(rest) = path.strip_prefix("/api/json/v3/") else {
        return pb_error(404, "Invalid endpoint.");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let full = |domain: &str, sub: Option<&&str>| match sub {
        Some(s) if !s.is_empty() => format!("{s}.{domain}"),
        _ => domain.to_string(),
    };
    if parts.get(2).is_some_and(|d| *d != "example.test") {
        return pb_error(400, "Domain is not opted in to API access.");
    }
    match parts.as_slice() {
        ["ping"] => ok(json!({"yourIp": "203.0.113.2"})),
        ["dns", "retrieveByNameType", d, t, sub @ ..] => {
            let name = full(d, sub.first());
            let list: Vec<Value> = recs
                .iter()
                .filter(|x| x["name"] == name.as_str() && x["type"] == *t)
                .cloned()
                .collect();
            ok(json!({"cloudflare": "enabled", "records": list}))
        }
        ["dns", "create", d] => {
            assert!(
                body["ttl"].is_string() && body["content"].is_string(),
                "{body}"
            );
            *next += 1;
            let name = full(d, body["name"].as_str().as_ref());
            recs.push(json!({"id": next.to_string(), "name": name, "type": body["type"],
                             "content": body["content"], "ttl": body["ttl"], "prio": "0", "notes": ""}));
            ok(json!({"id": *next}))
        }
        ["dns", "editByNameType", d, t, sub @ ..] => {
            let name = full(d, sub.first());
            for x in recs
                .iter_mut()
                .filter(|x| x["name"] == name.as_str() && x["type"] == *t)
            {
                x["content"] = body["content"].clone();
                x["ttl"] = body["ttl"].clone();
            }
            ok(json!({}))
        }
        ["dns", "deleteByNameType", d, t, sub @ ..] => {
            let name = full(d, sub.first());
            recs.retain(|x| !(x["name"] == name.as_str() && x["type"] == *t));
            ok(json!({}))
        }
        ["dns", "delete", _, id] => {
            recs.retain(|x| x["id"] != *id);
            ok(json!({}))
        }
        _ => pb_error(404, "Invalid endpoint."),
    }
}

fn porkbun_env(sources: Option<&FakeSources>, p: &FakePorkbun) -> Env {
    let env = Env::new();
    let server = format!("{}/api/json/v3", p.http.url());
    env.write_config(&api_config(
        NAME,
        sources,
        "porkbun",
        &server,
        "zone = \"example.test\"\n",
    ));
    write_secrets(&env, &[("api_key", PB_KEY), ("secret_api_key", PB_SECRET)]);
    env
}

#[test]
fn porkbun_creates_edits_and_leaves_the_other_family() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let p = porkbun();
    p.records.lock().unwrap().push(
        json!({"id": "1", "name": "box.example.test", "type": "AAAA",
        "content": "2001:db8::1", "ttl": "600", "prio": "0", "notes": ""}),
    );
    let env = porkbun_env(Some(&sources), &p);
    env.run(&["ddns", "update", "-vvv"])
        .code(0)
        .lacks(PB_KEY)
        .lacks(PB_SECRET);
    let reqs = p.http.all();
    let paths: Vec<&str> = reqs.iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/api/json/v3/dns/retrieveByNameType/example.test/A/box",
            "/api/json/v3/dns/create/example.test",
        ]
    );
    assert_eq!(
        reqs[1].json(),
        json!({"apikey": PB_KEY, "secretapikey": PB_SECRET, "name": "box", "type": "A",
               "content": "203.0.113.2", "ttl": "600"})
    );

    // Unchanged: nothing sent.
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(p.http.count(), 2);

    // Changed: editByNameType with the new content.
    let moved = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &moved);
    env.run(&["ddns", "update"]).code(0);
    let last = p.http.last();
    assert_eq!(
        last.path(),
        "/api/json/v3/dns/editByNameType/example.test/A/box"
    );
    assert_eq!(last.json()["content"], "203.0.113.7");
    let recs = p.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["content"], "2001:db8::1");
    assert_eq!(recs[1]["content"], "203.0.113.7");

    // Two A records (left by hand): both go, one with the address is created.
    p.records
        .lock()
        .unwrap()
        .push(json!({"id": "9", "name": "box.example.test", "type": "A",
        "content": "198.51.100.9", "ttl": "600"}));
    env.run(&["ddns", "update", "--force"]).code(0);
    let a: Vec<Value> = p
        .records
        .lock()
        .unwrap()
        .iter()
        .filter(|x| x["type"] == "A")
        .cloned()
        .collect();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["content"], "203.0.113.7");
}

#[test]
fn porkbun_txt_for_dns01_and_verify_through_the_library() {
    let p = porkbun();
    let env = porkbun_env(None, &p);
    let prov = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(prov.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(prov.set_txt(fqdn, "token-two")).unwrap();
    rt.block_on(prov.set_txt(fqdn, "token-two")).unwrap();
    assert_eq!(p.records.lock().unwrap().len(), 2);
    let create = p.http.all()[1].json();
    assert_eq!(create["name"], "_acme-challenge.box");
    assert_eq!(create["type"], "TXT");
    assert_eq!(create["content"], "token-one");
    rt.block_on(prov.remove_txt(fqdn, "token-one")).unwrap();
    assert_eq!(
        p.http.last().path(),
        "/api/json/v3/dns/delete/example.test/106926651"
    );
    let recs = p.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["content"], "token-two");

    // verify: /ping and a read, nothing written.
    let n = p.http.count();
    let what = rt.block_on(prov.verify("box.example.test")).unwrap();
    assert!(what.contains("example.test"), "{what}");
    let paths: Vec<String> = p.http.all()[n..]
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/json/v3/ping",
            "/api/json/v3/dns/retrieveByNameType/example.test/A/box"
        ]
    );
    assert_eq!(p.records.lock().unwrap().len(), 1);

    // Wrong keys: latch, never in the error.
    write_secrets(
        &env,
        &[
            ("api_key", "pk1_wrong"),
            ("secret_api_key", "sk1_wrong-secret"),
        ],
    );
    let e = rt
        .block_on(provider(&env).verify("box.example.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("Invalid API key"), "{e:?}");
    assert!(!format!("{e:?}").contains("sk1_wrong-secret"));
}

#[test]
fn porkbun_maps_every_documented_error() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let p = porkbun();
    let env = porkbun_env(Some(&sources), &p);
    let cases = vec![
        backoff(
            "rate limit",
            pb_error(429, "Too many requests.").header("Retry-After", "60"),
            "Too many requests.",
        ),
        backoff(
            "unavailable",
            pb_error(503, "Service unavailable."),
            "Service unavailable.",
        ),
        case(
            "not opted in",
            pb_error(400, "Domain is not opted in to API access."),
            4,
            "API ACCESS",
        ),
        case(
            "invalid",
            pb_error(400, "Invalid type."),
            4,
            "Invalid type.",
        ),
        case(
            "bad keys",
            pb_error(400, "Invalid API key. (002)"),
            4,
            "Invalid API key. (002)",
        ),
    ];
    check_cases(&env, &p.fail, cases, &[PB_KEY, PB_SECRET]);

    // Refused keys from the secrets: exit 4, latched, never printed; the next run sends nothing.
    write_secrets(
        &env,
        &[
            ("api_key", "pk1_wrong"),
            ("secret_api_key", "sk1_wrong-secret"),
        ],
    );
    refused_and_latched(&env, &p.http, "refused the API keys", &["sk1_wrong-secret"]);
}

// ---------------------------------------------------------------------------------------------
// IONOS DNS API: https://developer.hosting.ionos.de/docs/dns (header `X-API-Key: prefix.secret`;
// GET /v1/zones, GET /v1/zones/{zoneId}?recordName=&recordType=, PATCH /v1/zones/{zoneId}
// replaces the records of each name and type given, DELETE /v1/zones/{zoneId}/records/{id};
// errors `[{"code", "message"}]`).

const IONOS_KEY: &str = "a1b2c3d4prefix.Sekr1t-ionos-secret";
const IONOS_ZONE: &str = "f6821d2f-2ff3-4762-99bd-711733624a77";

struct FakeIonos {
    http: FakeHttp,
    records: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
}

fn ionos_error(status: u16, code: &str, message: &str) -> Resp {
    Resp::json(status, json!([{"code": code, "message": message}]))
}

fn ionos() -> FakeIonos {
    let records = shared(Vec::<Value>::new());
    let fail = shared(None::<Resp>);
    let (rec, f) = (records.clone(), fail.clone());
    let next = shared(0u32);
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        if r.header("x-api-key") != Some(IONOS_KEY) {
            return ionos_error(
                401,
                "UNAUTHORIZED",
                "The customer is not authorized to do this operation.",
            );
        }
        let mut recs = rec.lock().unwrap();
        let zone = format!("/dns/v1/zones/{IONOS_ZONE}");
        match (r.method.as_str(), r.path()) {
            ("GET", "/dns/v1/zones") => Resp::json(
                200,
                json!([{"id": "11af3414-ebba-11e9-8df5-66fbe8a334b4", "name": "other.test", "type": "NATIVE"},
                       {"id": IONOS_ZONE, "name": "example.test", "type": "NATIVE"}]),
            ),
            ("GET", p) if p == zone => {
                let name = r.query("recordName");
                let rtype = r.query("recordType");
                let list: Vec<Value> = recs
                    .iter()
                    .filter(|x| name.as_deref().is_none_or(|n| x["name"] == n))
                    .filter(|x| rtype.as_deref().is_none_or(|t| x["type"] == t))
                    .cloned()
                    .collect();
                Resp::json(
                    200,
                    json!({"id": IONOS_ZONE, "name": "example.test", "type": "NATIVE", "records": list}),
                )
            }
            ("PATCH", p) if p == zone => {
                let body = r.json();
                let list = body.as_array().expect("a list of records");
                for x in list {
                    recs.retain(|y| !(y["name"] == x["name"] && y["type"] == x["type"]));
                }
                for x in list {
                    assert!(
                        x["name"].is_string() && x["content"].is_string() && x["ttl"].is_u64(),
                        "{x}"
                    );
                    let mut x = x.clone();
                    *next.lock().unwrap() += 1;
                    x["id"] = json!(format!("rec-{}", next.lock().unwrap()));
                    x["rootName"] = json!("example.test");
                    recs.push(x);
                }
                Resp::text(200, "")
            }
            ("DELETE", p) if p.starts_with(&format!("{zone}/records/")) => {
                let id = p.rsplit('/').next().unwrap();
                let before = recs.len();
                recs.retain(|x| x["id"] != id);
                if recs.len() == before {
                    return ionos_error(404, "RECORD_NOT_FOUND", "Record does not exist.");
                }
                Resp::text(200, "")
            }
            _ => ionos_error(404, "ZONE_NOT_FOUND", "Zone does not exist."),
        }
    });
    FakeIonos {
        http,
        records,
        fail,
    }
}

fn ionos_env(sources: Option<&FakeSources>, f: &FakeIonos) -> Env {
    let env = Env::new();
    let server = format!("{}/dns", f.http.url());
    env.write_config(&api_config(
        NAME,
        sources,
        "ionos",
        &server,
        "zone = \"example.test\"\n",
    ));
    write_secrets(&env, &[("api_key", IONOS_KEY)]);
    env
}

#[test]
fn ionos_replaces_the_records_of_the_name_and_leaves_the_other_family() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = ionos();
    f.records.lock().unwrap().push(
        json!({"id": "rec-aaaa", "name": "box.example.test", "type": "AAAA",
        "content": "2001:db8::1", "ttl": 300, "disabled": false}),
    );
    let env = ionos_env(Some(&sources), &f);
    env.run(&["ddns", "update", "-vvv"])
        .code(0)
        .lacks(IONOS_KEY);
    let reqs = f.http.all();
    let what: Vec<String> = reqs
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    let zone = format!("/dns/v1/zones/{IONOS_ZONE}");
    assert_eq!(
        what,
        [
            "GET /dns/v1/zones".to_string(),
            format!("GET {zone}"),
            format!("PATCH {zone}")
        ]
    );
    assert_eq!(
        reqs[1].query("recordName").as_deref(),
        Some("box.example.test")
    );
    assert_eq!(reqs[1].query("recordType").as_deref(), Some("A"));
    assert_eq!(
        reqs[2].json(),
        json!([{"name": "box.example.test", "type": "A", "content": "203.0.113.2", "ttl": 300, "disabled": false}])
    );

    env.run(&["ddns", "update"]).code(0);
    assert_eq!(f.http.count(), 3, "unchanged: nothing sent");

    let moved = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &moved);
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(f.http.last().method, "PATCH");
    let recs = f.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["content"], "2001:db8::1");
    assert_eq!(recs[1]["content"], "203.0.113.7");
}

#[test]
fn ionos_txt_for_dns01_and_verify_through_the_library() {
    let f = ionos();
    let env = ionos_env(None, &f);
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    assert_eq!(
        f.http.last().method,
        "GET",
        "a value already there is not sent again"
    );
    let txt: Vec<Value> = f
        .records
        .lock()
        .unwrap()
        .iter()
        .map(|x| x["content"].clone())
        .collect();
    assert_eq!(txt, [json!("token-one"), json!("token-two")]);
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    assert_eq!(f.http.last().method, "DELETE");
    let recs = f.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["content"], "token-two");

    let n = f.http.count();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("zone example.test"), "{what}");
    assert!(f.http.all()[n..].iter().all(|r| r.method == "GET"));
    assert_eq!(f.records.lock().unwrap().len(), 1);

    write_secrets(&env, &[("api_key", "prefix.wrong-secret")]);
    let e = rt
        .block_on(provider(&env).verify("box.example.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("UNAUTHORIZED"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-secret"));
}

#[test]
fn ionos_maps_every_documented_error() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = ionos();
    let env = ionos_env(Some(&sources), &f);
    let cases = vec![
        backoff(
            "rate limit",
            ionos_error(429, "TOO_MANY_REQUESTS", "Too many requests.").header("Retry-After", "30"),
            "TOO_MANY_REQUESTS",
        ),
        backoff(
            "server error",
            Resp::json(500, json!([{"code": "INTERNAL_SERVER_ERROR"}])),
            "INTERNAL_SERVER_ERROR",
        ),
        case(
            "invalid",
            ionos_error(400, "INVALID_RECORD", "Record is invalid."),
            4,
            "INVALID_RECORD: Record is invalid.",
        ),
        case(
            "no zone",
            ionos_error(404, "ZONE_NOT_FOUND", "Zone does not exist."),
            4,
            "ZONE_NOT_FOUND",
        ),
        case(
            "refused key",
            ionos_error(
                401,
                "UNAUTHORIZED",
                "The customer is not authorized to do this operation.",
            ),
            4,
            "UNAUTHORIZED",
        ),
    ];
    check_cases(&env, &f.fail, cases, &[IONOS_KEY]);
    write_secrets(&env, &[("api_key", "prefix.wrong-secret")]);
    refused_and_latched(&env, &f.http, "refused the API key", &["wrong-secret"]);
}

// ---------------------------------------------------------------------------------------------
// netcup CCP DNS API: https://ccp.netcup.net/run/webservice/servers/endpoint.php (JSON variant
// `endpoint.php?JSON`: POST `{"action", "param"}`; login -> apisessionid, infoDnsRecords,
// updateDnsRecords with `dnsrecordset.dnsrecords` (id to change, deleterecord to delete),
// logout; answers `{"status", "statuscode" (2000 ok), "shortmessage", "longmessage",
// "responsedata"}`; 4001 when the session id is no longer valid).

const NC_CUSTOMER: &str = "12345";
const NC_KEY: &str = "nc-key-Sekr1t-7e6d5c";
const NC_PASSWORD: &str = "nc-pass-Sekr1t-1a2b3c";

struct FakeNetcup {
    http: FakeHttp,
    records: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
    /// Forget the session at the next this many infoDnsRecords (netcup ends sessions early).
    expire_next: Shared<u32>,
    /// Sessions still open.
    sessions: Shared<Vec<String>>,
}

fn nc_answer(action: &str, status: &str, code: u32, short: &str, long: &str, data: Value) -> Resp {
    Resp::json(
        200,
        json!({"serverrequestid": "YxTr4EzdbJ101T211zR4yzUEMVE", "clientrequestid": "",
               "action": action, "status": status, "statuscode": code,
               "shortmessage": short, "longmessage": long, "responsedata": data}),
    )
}

fn nc_error(action: &str, code: u32, short: &str, long: &str) -> Resp {
    nc_answer(action, "error", code, short, long, json!(""))
}

fn netcup() -> FakeNetcup {
    let records = shared(Vec::<Value>::new());
    let fail = shared(None::<Resp>);
    let expire_next = shared(0u32);
    let sessions = shared(Vec::<String>::new());
    let (rec, f, exp, ses) = (
        records.clone(),
        fail.clone(),
        expire_next.clone(),
        sessions.clone(),
    );
    let next = shared(0u32);
    let http = FakeHttp::start(move |r: &Req| {
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("POST", "/run/webservice/servers/endpoint.php?JSON")
        );
        let body = r.json();
        let action = body["action"].as_str().unwrap_or("").to_string();
        let p = &body["param"];
        // A failure answers the action it names (an HTTP error answers every action).
        let failing = f.lock().unwrap().clone().filter(|resp| {
            let named = serde_json::from_str::<Value>(&resp.body)
                .ok()
                .map(|v| v["action"].clone());
            named.is_none_or(|a| a == action.as_str())
        });
        if action == "login" {
            if let Some(resp) = failing {
                return resp;
            }
            return netcup_login(p, &mut ses.lock().unwrap(), &mut next.lock().unwrap());
        }
        let sid = p["apisessionid"].as_str().unwrap_or("").to_string();
        let mut expire = exp.lock().unwrap();
        if !ses.lock().unwrap().contains(&sid) || (*expire > 0 && action == "infoDnsRecords") {
            *expire = expire.saturating_sub(1);
            ses.lock().unwrap().retain(|s| *s != sid);
            return nc_error(
                &action,
                4001,
                "Api session id in invalid format",
                "The session id is not in a valid format.",
            );
        }
        assert_eq!(
            (p["customernumber"].as_str(), p["apikey"].as_str()),
            (Some(NC_CUSTOMER), Some(NC_KEY))
        );
        assert!(
            p.get("apipassword").is_none(),
            "the API password is sent at login only"
        );
        if action == "logout" {
            ses.lock().unwrap().retain(|s| *s != sid);
            return nc_answer(
                "logout",
                "success",
                2000,
                "Logout successful",
                "Session has been terminated successful.",
                json!(""),
            );
        }
        if let Some(resp) = failing {
            return resp;
        }
        netcup_records(
            &action,
            p,
            &sid,
            &mut rec.lock().unwrap(),
            &mut next.lock().unwrap(),
        )
    });
    FakeNetcup {
        http,
        records,
        fail,
        expire_next,
        sessions,
    }
}

/// `login`: a new session for the right customer number, API key and API password.
fn netcup_login(p: &Value, sessions: &mut Vec<String>, next: &mut u32) -> Resp {
    if p["customernumber"] != NC_CUSTOMER
        || p["apikey"] != NC_KEY
        || p["apipassword"] != NC_PASSWORD
    {
        return nc_error(
            "login",
            4013,
            "Validation Error.",
            "The api key is invalid.",
        );
    }
    *next += 1;
    let sid = format!("api-session-{next}");
    sessions.push(sid.clone());
    nc_answer(
        "login",
        "success",
        2000,
        "Login successful",
        "Session has been created successful.",
        json!({"apisessionid": sid}),
    )
}

/// infoDnsRecords and updateDnsRecords of a logged-in session.
fn netcup_records(
    action: &str,
    p: &Value,
    sid: &str,
    recs: &mut Vec<Value>,
    next: &mut u32,
) -> Resp {
    if p["domainname"] != "example.test" {
        return nc_error(
            action,
            5029,
            "Can not get DNS records for zone.",
            "Domain not found.",
        );
    }
    if action == "updateDnsRecords" {
        netcup_update(recs, &p["dnsrecordset"]["dnsrecords"], next);
    } else if action != "infoDnsRecords" {
        return nc_error(action, 4013, "Validation Error.", "Unknown action.");
    }
    nc_answer(
        action,
        "success",
        2000,
        "DNS records found",
        "DNS Records for this zone were found.",
        json!({"apisessionid": sid, "dnsrecords": recs.clone()}),
    )
}

fn netcup_update(recs: &mut Vec<Value>, changes: &Value, next: &mut u32) {
    for c in changes.as_array().expect("dnsrecords") {
        for k in ["hostname", "type", "destination"] {
            assert!(c[k].is_string(), "{k} missing in {c}");
        }
        match c.get("id").and_then(|i| i.as_str()) {
            Some(id) if c["deleterecord"] == true => recs.retain(|x| x["id"] != id),
            Some(id) => {
                let x = recs.iter_mut().find(|x| x["id"] == id).expect("a known id");
                x["destination"] = c["destination"].clone();
            }
            None => {
                *next += 1;
                recs.push(
                    json!({"id": format!("{}", 1000 + *next), "hostname": c["hostname"],
                    "type": c["type"], "priority": "0", "destination": c["destination"],
                    "deleterecord": false, "state": "yes"}),
                );
            }
        }
    }
}

fn netcup_env(sources: Option<&FakeSources>, f: &FakeNetcup) -> Env {
    let env = Env::new();
    let server = format!("{}/run/webservice/servers/endpoint.php?JSON", f.http.url());
    env.write_config(&api_config(
        NAME,
        sources,
        "netcup",
        &server,
        &format!("zone = \"example.test\"\ncustomer_number = \"{NC_CUSTOMER}\"\n"),
    ));
    write_secrets(&env, &[("api_key", NC_KEY), ("api_password", NC_PASSWORD)]);
    env
}

fn actions(f: &FakeNetcup, from: usize) -> Vec<String> {
    f.http.all()[from..]
        .iter()
        .map(|r| r.json()["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn netcup_logs_in_changes_logs_out_and_leaves_the_other_family() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = netcup();
    f.records.lock().unwrap().push(
        json!({"id": "1", "hostname": "box", "type": "AAAA", "priority": "0",
        "destination": "2001:db8::1", "deleterecord": false, "state": "yes"}),
    );
    let env = netcup_env(Some(&sources), &f);
    env.run(&["ddns", "update", "-vvv"])
        .code(0)
        .lacks(NC_KEY)
        .lacks(NC_PASSWORD);
    assert_eq!(
        actions(&f, 0),
        ["login", "infoDnsRecords", "updateDnsRecords", "logout"]
    );
    let update = f.http.all()[2].json();
    assert_eq!(
        update["param"]["dnsrecordset"]["dnsrecords"],
        json!([{"hostname": "box", "type": "A", "priority": "", "destination": "203.0.113.2", "deleterecord": false}])
    );
    assert_eq!(update["param"]["domainname"], "example.test");
    assert!(f.sessions.lock().unwrap().is_empty(), "logged out");

    env.run(&["ddns", "update"]).code(0);
    assert_eq!(f.http.count(), 4, "unchanged: nothing sent");

    let moved = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &moved);
    env.run(&["ddns", "update"]).code(0);
    let change = &f.http.all()[6].json()["param"]["dnsrecordset"]["dnsrecords"][0];
    assert_eq!(change["id"], "1002");
    assert_eq!(change["destination"], "203.0.113.7");
    let recs = f.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["destination"], "2001:db8::1");
    assert_eq!(recs[1]["destination"], "203.0.113.7");

    // netcup forgets the session midway (4001): one new login, then it goes through.
    *f.expire_next.lock().unwrap() = 1;
    let n = f.http.count();
    env.run(&["ddns", "update", "--force"]).code(0);
    assert_eq!(
        actions(&f, n),
        [
            "login",
            "infoDnsRecords",
            "login",
            "infoDnsRecords",
            "logout"
        ]
    );
}

#[test]
fn netcup_txt_for_dns01_and_verify_through_the_library() {
    let f = netcup();
    let env = netcup_env(None, &f);
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    let n = f.http.count();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    assert_eq!(actions(&f, n), ["login", "infoDnsRecords", "logout"]);
    let values: Vec<Value> = f
        .records
        .lock()
        .unwrap()
        .iter()
        .map(|x| x["destination"].clone())
        .collect();
    assert_eq!(values, [json!("token-one"), json!("token-two")]);
    assert_eq!(
        f.records.lock().unwrap()[0]["hostname"],
        "_acme-challenge.box"
    );
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    let del = &f.http.all()[f.http.count() - 2].json()["param"]["dnsrecordset"]["dnsrecords"][0];
    assert_eq!(del["deleterecord"], true);
    let values: Vec<Value> = f
        .records
        .lock()
        .unwrap()
        .iter()
        .map(|x| x["destination"].clone())
        .collect();
    assert_eq!(values, [json!("token-two")]);

    let n = f.http.count();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("example.test"), "{what}");
    assert_eq!(actions(&f, n), ["login", "infoDnsRecords", "logout"]);

    write_secrets(
        &env,
        &[("api_key", NC_KEY), ("api_password", "wrong-password")],
    );
    let e = rt
        .block_on(provider(&env).verify("box.example.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("4013"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-password"));
}

#[test]
fn netcup_maps_every_documented_status() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = netcup();
    let env = netcup_env(Some(&sources), &f);
    let cases = vec![
        backoff(
            "http 503",
            Resp::text(503, "Service Unavailable"),
            "HTTP 503",
        ),
        backoff(
            "internal",
            nc_error(
                "infoDnsRecords",
                5000,
                "Internal error.",
                "Please try again later.",
            ),
            "5000",
        ),
        case(
            "validation",
            nc_error(
                "infoDnsRecords",
                4013,
                "Validation Error.",
                "Value in field domainname does not match requirements of type: domainname.",
            ),
            4,
            "does not match requirements",
        ),
        case(
            "no domain",
            nc_error(
                "infoDnsRecords",
                5029,
                "Can not get DNS records for zone.",
                "Domain not found.",
            ),
            4,
            "Domain not found.",
        ),
    ];
    check_cases(&env, &f.fail, cases, &[NC_KEY, NC_PASSWORD]);
    // The session expires twice in a row: transient (exit 1), neither latched nor backing off.
    *f.expire_next.lock().unwrap() = 2;
    env.run(&["ddns", "update", "--force"])
        .code(1)
        .stderr_has("status 4001");
    let st = state(&env);
    assert!(
        st["ddns"]["latch"].is_null() && st["ddns"]["backoff"].is_null(),
        "{st}"
    );
    write_secrets(
        &env,
        &[("api_key", NC_KEY), ("api_password", "wrong-password")],
    );
    refused_and_latched(
        &env,
        &f.http,
        "netcup refused the login",
        &["wrong-password", NC_KEY],
    );
}

// ---------------------------------------------------------------------------------------------
// INWX DomRobot JSON-RPC API: https://www.inwx.de/en/help/apidoc (POST `{"method", "params"}`
// to /jsonrpc/; account.login sets the `domrobot` session cookie, account.unlock takes the TOTP
// `tan` of an account with 2FA (`resData.tfa` is then "GOOGLE-AUTH"), nameserver.info /
// createRecord / updateRecord / deleteRecord, account.logout (1500); answers
// `{"code", "msg", "resData"}`, 1000 ok, 2200 authentication error, 2303 object does not exist,
// 2502 session limit exceeded).

const INWX_USER: &str = "box-dns";
const INWX_PASSWORD: &str = "inwx-pass-Sekr1t-5d4c3b";
/// RFC 6238's SHA-1 test key, base32.
const INWX_TOTP: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

struct FakeInwx {
    http: FakeHttp,
    records: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
    /// The account has 2FA.
    tfa: Shared<bool>,
}

fn inwx_answer(code: u32, msg: &str, data: Value) -> Resp {
    Resp::json(
        200,
        json!({"code": code, "msg": msg, "resData": data, "svTRID": "20260101-1234"}),
    )
}

fn totp_now(offset: i64) -> String {
    let key = totp_rs::Secret::Encoded(INWX_TOTP.into())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, key);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate((now as i64 + offset) as u64)
}

fn inwx() -> FakeInwx {
    let records = shared(Vec::<Value>::new());
    let fail = shared(None::<Resp>);
    let tfa = shared(false);
    let (rec, f, t) = (records.clone(), fail.clone(), tfa.clone());
    // Session id -> unlocked?
    let sessions = shared(Vec::<(String, bool)>::new());
    let next = shared(0u32);
    let http = FakeHttp::start(move |r: &Req| {
        assert_eq!((r.method.as_str(), r.path()), ("POST", "/jsonrpc/"));
        let body = r.json();
        let method = body["method"].as_str().unwrap_or("").to_string();
        let p = &body["params"];
        let mut ses = sessions.lock().unwrap();
        if method == "account.login" {
            if p["user"] != INWX_USER || p["pass"] != INWX_PASSWORD {
                return inwx_answer(2200, "Authentication error", json!({}));
            }
            *next.lock().unwrap() += 1;
            let sid = format!("sess{}", next.lock().unwrap());
            let has_tfa = *t.lock().unwrap();
            ses.push((sid.clone(), !has_tfa));
            let tfa = if has_tfa { "GOOGLE-AUTH" } else { "0" };
            return inwx_answer(
                1000,
                "Command completed successfully",
                json!({"customerId": 12345, "accountId": 6789, "tfa": tfa}),
            )
            .header("Set-Cookie", &format!("domrobot={sid}; path=/; HttpOnly"));
        }
        let sid = r
            .header("cookie")
            .and_then(|c| c.strip_prefix("domrobot="))
            .unwrap_or("")
            .to_string();
        let Some(i) = ses.iter().position(|(s, _)| *s == sid) else {
            return inwx_answer(2200, "Authentication error", json!({}));
        };
        if method == "account.unlock" {
            let tan = p["tan"].as_str().unwrap_or("");
            if tan != totp_now(0) && tan != totp_now(-30) {
                return inwx_answer(2200, "Authentication error", json!({}));
            }
            ses[i].1 = true;
            return inwx_answer(1000, "Command completed successfully", json!({}));
        }
        if !ses[i].1 {
            return inwx_answer(2200, "Authentication error", json!({}));
        }
        if method == "account.logout" {
            ses.remove(i);
            return inwx_answer(
                1500,
                "Command completed successfully; ending session",
                json!({}),
            );
        }
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        inwx_route(
            &method,
            p,
            &mut rec.lock().unwrap(),
            &mut next.lock().unwrap(),
        )
    });
    FakeInwx {
        http,
        records,
        fail,
        tfa,
    }
}

fn inwx_route(method: &str, p: &Value, recs: &mut Vec<Value>, next: &mut u32) -> Resp {
    let done = |data: Value| inwx_answer(1000, "Command completed successfully", data);
    match method {
        "nameserver.info" => {
            if p["domain"] != "example.test" {
                return inwx_answer(2303, "Object does not exist", json!({}));
            }
            let list: Vec<Value> = recs
                .iter()
                .filter(|x| p.get("name").is_none_or(|n| x["name"] == *n))
                .filter(|x| p.get("type").is_none_or(|t| x["type"] == *t))
                .cloned()
                .collect();
            done(
                json!({"roId": 777, "domain": "example.test", "count": list.len(), "record": list}),
            )
        }
        "nameserver.createRecord" => {
            assert_eq!(p["domain"], "example.test");
            assert!(p["ttl"].as_u64().unwrap() >= 300, "{p}");
            *next += 1;
            let id = 10000 + *next;
            recs.push(json!({"id": id, "name": p["name"], "type": p["type"], "content": p["content"], "ttl": p["ttl"], "prio": 0}));
            done(json!({"id": id}))
        }
        "nameserver.updateRecord" => match recs.iter_mut().find(|x| x["id"] == p["id"]) {
            Some(x) => {
                x["content"] = p["content"].clone();
                done(json!({}))
            }
            None => inwx_answer(2303, "Object does not exist", json!({})),
        },
        "nameserver.deleteRecord" => {
            recs.retain(|x| x["id"] != p["id"]);
            done(json!({}))
        }
        _ => inwx_answer(2000, "Unknown command", json!({})),
    }
}

fn inwx_env(sources: Option<&FakeSources>, f: &FakeInwx) -> Env {
    let env = Env::new();
    let server = format!("{}/jsonrpc/", f.http.url());
    env.write_config(&api_config(
        NAME,
        sources,
        "inwx",
        &server,
        &format!("zone = \"example.test\"\nusername = \"{INWX_USER}\"\n"),
    ));
    write_secrets(&env, &[("password", INWX_PASSWORD)]);
    env
}

fn methods(f: &FakeInwx, from: usize) -> Vec<String> {
    f.http.all()[from..]
        .iter()
        .map(|r| r.json()["method"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn inwx_logs_in_creates_updates_logs_out_and_leaves_the_other_family() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = inwx();
    f.records
        .lock()
        .unwrap()
        .push(json!({"id": 1, "name": "box.example.test", "type": "AAAA",
        "content": "2001:db8::1", "ttl": 300, "prio": 0}));
    let env = inwx_env(Some(&sources), &f);
    env.run(&["ddns", "update", "-vvv"])
        .code(0)
        .lacks(INWX_PASSWORD);
    assert_eq!(
        methods(&f, 0),
        [
            "account.login",
            "nameserver.info",
            "nameserver.createRecord",
            "account.logout"
        ]
    );
    let reqs = f.http.all();
    assert_eq!(
        reqs[0].json()["params"],
        json!({"user": INWX_USER, "pass": INWX_PASSWORD, "lang": "en"})
    );
    assert_eq!(reqs[1].header("cookie"), Some("domrobot=sess1"));
    assert_eq!(
        reqs[1].json()["params"],
        json!({"domain": "example.test", "name": "box.example.test", "type": "A"})
    );
    assert_eq!(
        reqs[2].json()["params"],
        json!({"domain": "example.test", "name": "box.example.test", "type": "A", "content": "203.0.113.2", "ttl": 300})
    );

    env.run(&["ddns", "update"]).code(0);
    assert_eq!(f.http.count(), 4, "unchanged: nothing sent");

    let moved = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &moved);
    env.run(&["ddns", "update"]).code(0);
    let update = f.http.all()[6].json();
    assert_eq!(update["method"], "nameserver.updateRecord");
    assert_eq!(
        update["params"],
        json!({"id": 10002, "content": "203.0.113.7", "ttl": 300})
    );
    let recs = f.records.lock().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["content"], "2001:db8::1");
    assert_eq!(recs[1]["content"], "203.0.113.7");
}

#[test]
fn inwx_txt_for_dns01_and_verify_through_the_library() {
    let f = inwx();
    let env = inwx_env(None, &f);
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    let n = f.http.count();
    rt.block_on(p.set_txt(fqdn, "token-two")).unwrap();
    assert_eq!(
        methods(&f, n),
        ["account.login", "nameserver.info", "account.logout"]
    );
    let values: Vec<Value> = f
        .records
        .lock()
        .unwrap()
        .iter()
        .map(|x| x["content"].clone())
        .collect();
    assert_eq!(values, [json!("token-one"), json!("token-two")]);
    let one = f.records.lock().unwrap()[0]["id"].clone();
    let n = f.http.count();
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    assert_eq!(
        methods(&f, n),
        [
            "account.login",
            "nameserver.info",
            "nameserver.deleteRecord",
            "account.logout"
        ]
    );
    assert_eq!(f.http.all()[n + 2].json()["params"], json!({ "id": one }));
    let values: Vec<Value> = f
        .records
        .lock()
        .unwrap()
        .iter()
        .map(|x| x["content"].clone())
        .collect();
    assert_eq!(values, [json!("token-two")]);

    let n = f.http.count();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("example.test"), "{what}");
    assert_eq!(
        methods(&f, n),
        ["account.login", "nameserver.info", "account.logout"]
    );

    write_secrets(&env, &[("password", "wrong-password")]);
    let e = rt
        .block_on(provider(&env).verify("box.example.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("2200 Authentication error"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-password"));
}

#[test]
fn inwx_two_factor_login_unlocks_with_the_totp_of_the_shared_secret() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = inwx();
    *f.tfa.lock().unwrap() = true;
    let env = inwx_env(Some(&sources), &f);
    // Without the shared secret: latched, saying what to do.
    env.run(&["ddns", "update"])
        .code(4)
        .stderr_has("two-factor")
        .stderr_has("sub-account");
    assert_eq!(methods(&f, 0), ["account.login", "account.logout"]);
    // With it: account.unlock with the current code, then the change.
    write_secrets(
        &env,
        &[("password", INWX_PASSWORD), ("shared_secret", INWX_TOTP)],
    );
    let n = f.http.count();
    env.run(&["ddns", "update", "-vvv"])
        .code(0)
        .lacks(INWX_TOTP)
        .lacks(INWX_PASSWORD);
    assert_eq!(
        methods(&f, n),
        [
            "account.login",
            "account.unlock",
            "nameserver.info",
            "nameserver.createRecord",
            "account.logout"
        ]
    );
    let tan = f.http.all()[n + 1].json()["params"]["tan"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(tan == totp_now(0) || tan == totp_now(-30), "{tan}");
    assert_eq!(f.records.lock().unwrap().len(), 1);
    // A shared secret that is not base32: latched, saying so.
    write_secrets(
        &env,
        &[
            ("password", INWX_PASSWORD),
            ("shared_secret", "not base32 at all!"),
        ],
    );
    env.run(&["ddns", "update", "--force"])
        .code(4)
        .stderr_has("not a base32 TOTP secret")
        .lacks("not base32 at all!");
}

#[test]
fn inwx_maps_every_documented_result_code() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = inwx();
    let env = inwx_env(Some(&sources), &f);
    let cases = vec![
        backoff(
            "session limit",
            inwx_answer(
                2502,
                "Session limit exceeded; server closing connection",
                json!({}),
            ),
            "2502",
        ),
        backoff(
            "command failed",
            inwx_answer(2400, "Command failed", json!({})),
            "2400 Command failed",
        ),
        backoff(
            "http 503",
            Resp::text(503, "Service Unavailable"),
            "HTTP 503",
        ),
        case(
            "no domain",
            inwx_answer(2303, "Object does not exist", json!({})),
            4,
            "2303 Object does not exist",
        ),
        case(
            "syntax",
            Resp::json(
                200,
                json!({"code": 2005, "msg": "Parameter value syntax error", "reason": "content"}),
            ),
            4,
            "2005 Parameter value syntax error (content)",
        ),
        case(
            "authorization",
            inwx_answer(2201, "Authorization failed", json!({})),
            4,
            "2201 Authorization failed",
        ),
    ];
    check_cases(&env, &f.fail, cases, &[INWX_PASSWORD]);
    write_secrets(&env, &[("password", "wrong-password")]);
    refused_and_latched(&env, &f.http, "INWX refused the login", &["wrong-password"]);
}

// ---------------------------------------------------------------------------------------------
// The registry and bad input

#[test]
fn ddns_providers_lists_the_five_with_records_secrets_and_docs() {
    let env = Env::new();
    let list = env.run(&["ddns", "providers", "--json"]).code(0).json();
    let want: [(&str, &[&str]); 5] = [
        ("hetzner", &["token"]),
        ("porkbun", &["api_key", "secret_api_key"]),
        ("ionos", &["api_key"]),
        ("netcup", &["api_key", "api_password"]),
        ("inwx", &["password", "shared_secret"]),
    ];
    for (name, secrets) in want {
        let p = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert_eq!(p["kind"], "api", "{name}");
        assert_eq!(p["records"], json!(["A", "AAAA", "TXT"]), "{name}");
        assert_eq!(p["secrets"], json!(secrets), "{name}");
        assert!(
            p["docs"].as_str().unwrap().starts_with("https://"),
            "{name}"
        );
    }
}

#[test]
fn a_missing_key_or_secret_or_a_foreign_key_is_exit_2_naming_it_and_nothing_is_sent() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let f = netcup();
    let server = format!("{}/run/webservice/servers/endpoint.php?JSON", f.http.url());
    // No customer number.
    let env = api_env(&sources, "netcup", &server, "zone = \"example.test\"\n");
    write_secrets(&env, &[("api_key", NC_KEY), ("api_password", NC_PASSWORD)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("customer_number");
    // No API password.
    let env = netcup_env(Some(&sources), &f);
    write_secrets(&env, &[("api_key", NC_KEY)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("ddns.api_password")
        .lacks(NC_KEY);
    // A customer number that is not one.
    let env = api_env(
        &sources,
        "netcup",
        &server,
        "zone = \"example.test\"\ncustomer_number = \"abc\"\n",
    );
    write_secrets(&env, &[("api_key", NC_KEY), ("api_password", NC_PASSWORD)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("customer_number");
    // netcup's key given to Hetzner: refused, naming it and Hetzner's keys.
    let env = api_env(
        &sources,
        "hetzner",
        &server,
        "zone = \"example.test\"\ncustomer_number = \"12345\"\n",
    );
    write_secrets(&env, &[("token", TOKEN)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("customer_number")
        .stderr_has("zone");
    // Porkbun without its secret key.
    let env = api_env(&sources, "porkbun", &server, "zone = \"example.test\"\n");
    write_secrets(&env, &[("api_key", PB_KEY)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("ddns.secret_api_key");
    assert_eq!(f.http.count(), 0);
}
