//! Providers `exec`, `dynv6`, `vultr`, `bunny` and `ipv64`, driven through the built binary
//! (`direkt ddns update`) and through the library (TXT for DNS-01, the credentials check).
//! The exec provider runs scripts this test writes into a temp dir; the API providers talk to
//! local fakes (tests/support/fake.rs) written from each provider's public API documentation,
//! named at each fake. Nothing here contacts a real provider.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::providers::{
    Shared, api_config, backing_off, latched, now, provider, refused_and_latched, runtime, shared,
    state, swap_sources, write_secrets,
};
use support::{Env, Run, chmod};

const TOKEN: &str = "tok-Sekr1t-7c6b5a49";

/// A config for an API provider at `server`, with `keys` under `[ddns]` and the token `TOKEN`.
fn api_env(sources: &FakeSources, provider: &str, server: &str, keys: &str, name: &str) -> Env {
    let env = Env::new();
    env.write_config(&api_config(name, Some(sources), provider, server, keys));
    write_secrets(&env, &[("token", TOKEN)]);
    env
}

/// The same config without address sources (for library calls).
fn library_env(provider: &str, server: &str, keys: &str, name: &str) -> Env {
    let env = Env::new();
    env.write_config(&api_config(name, None, provider, server, keys));
    write_secrets(&env, &[("token", TOKEN)]);
    env
}

/// A fake API: its state as JSON, and an answer that replaces every answer while set.
struct Fake {
    http: FakeHttp,
    store: Shared<Value>,
    fail: Shared<Option<Resp>>,
}

impl Fake {
    fn start(initial: Value, handler: fn(&Req, &mut Value) -> Resp) -> Fake {
        let store = shared(initial);
        let fail = shared(None::<Resp>);
        let (s, f) = (store.clone(), fail.clone());
        let http = FakeHttp::start(move |r: &Req| {
            if let Some(resp) = f.lock().unwrap().clone() {
                return resp;
            }
            handler(r, &mut s.lock().unwrap())
        });
        Fake { http, store, fail }
    }

    fn get(&self, key: &str) -> Value {
        self.store.lock().unwrap()[key].clone()
    }

    fn methods(&self) -> Vec<String> {
        self.http.all().iter().map(|r| r.method.clone()).collect()
    }
}

/// Each documented error answer, from a fresh state: direkt's exit code, latch or backoff, the
/// provider's words in the message, a Retry-After honoured, and never the token.
fn error_classes(env: &Env, fake: &Fake, cases: &[(Resp, i32, &str)]) {
    for (resp, code, needle) in cases {
        let _ = std::fs::remove_dir_all(env.state_dir());
        *fake.fail.lock().unwrap() = Some(resp.clone());
        let r = env.run(&["ddns", "update", "-vv"]);
        assert_eq!(r.code, *code, "HTTP {}: {}", resp.status, r.stderr);
        r.lacks(TOKEN).stderr_has(needle).stderr_has("hint:");
        assert_eq!(latched(env), *code == 4, "HTTP {}", resp.status);
        assert_eq!(backing_off(env), *code == 1, "HTTP {}", resp.status);
        let asked = resp
            .headers
            .iter()
            .find(|(k, _)| k == "Retry-After")
            .map(|(_, v)| v.parse::<i64>().unwrap());
        if let Some(secs) = asked {
            let until = state(env)["ddns"]["backoff"]["until"].as_i64().unwrap();
            assert!(until >= now() + secs - 5, "Retry-After {secs} not honoured");
        }
    }
    *fake.fail.lock().unwrap() = None;
    let _ = std::fs::remove_dir_all(env.state_dir());
}

/// A wrong token: refused (exit 4), latched (the next run sends nothing), never printed.
fn refused_token(env: &Env, fake: &Fake, needle: &str) {
    let _ = std::fs::remove_dir_all(env.state_dir());
    write_secrets(env, &[("token", "wrong-Sekr1t-token")]);
    refused_and_latched(env, &fake.http, needle, &["wrong-Sekr1t-token"]);
    write_secrets(env, &[("token", TOKEN)]);
}

// ---------------------------------------------------------------------------------------------
// exec

const SECRET: &str = "exec-Sekr1t-5e4d3c2b";

/// A program in a directory whose path has a space and a `;` (a shell would split it and run
/// `touch`), that appends its `DIREKT_*` environment to `calls.log`, prints the secret on
/// stdout and stderr, and exits with the code in `code` (or sleeps when it says `sleep`).
struct Script {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Script {
    fn new() -> Script {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("my dir; touch PWNED");
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join("dns update");
        let d = dir.path().display();
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\n\
                 env | grep '^DIREKT_' | sort >> '{d}/calls.log'\n\
                 echo '--' >> '{d}/calls.log'\n\
                 echo \"stdout has $DIREKT_SECRET\"\n\
                 echo \"refused with $DIREKT_SECRET here\" >&2\n\
                 echo \"second line $DIREKT_SECRET\" >&2\n\
                 code=$(cat '{d}/code')\n\
                 if [ \"$code\" = sleep ]; then sleep 20; fi\n\
                 exit $code\n"
            ),
        )
        .unwrap();
        chmod(&path, 0o755);
        let s = Script { dir, path };
        s.exit("0");
        s
    }

    fn exit(&self, code: &str) -> &Script {
        std::fs::write(self.dir.path().join("code"), code).unwrap();
        self
    }

    /// Each call's environment, as `KEY=value` lines.
    fn calls(&self) -> Vec<Vec<String>> {
        let log = std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default();
        log.split("--\n")
            .filter(|c| !c.trim().is_empty())
            .map(|c| c.lines().map(str::to_string).collect())
            .collect()
    }

    fn last(&self) -> Vec<String> {
        self.calls().pop().expect("the program was not run")
    }
}

fn has(call: &[String], kv: &str) {
    assert!(call.iter().any(|l| l == kv), "{kv} not in {call:?}");
}

fn exec_env(sources: Option<&FakeSources>, script: &Path, extra: &str) -> Env {
    let env = Env::new();
    let ip = sources.map(|s| s.ip_section()).unwrap_or_default();
    env.write_config(&format!(
        "name = \"box.example.test\"\n{ip}\n[ddns]\nprovider = \"exec\"\ncommand = \"{}\"\n{extra}",
        script.display()
    ));
    write_secrets(&env, &[("secret", SECRET)]);
    env
}

fn exec_update(env: &Env, args: &[&str]) -> Run {
    // A DIREKT_* variable of direkt's own environment must not reach the program.
    let mut cmd = env.cmd();
    cmd.env("DIREKT_LOG", "direkt=debug")
        .args(["ddns", "update", "-vv"])
        .args(args);
    let run = Run::from(cmd.output().unwrap());
    run.lacks(SECRET);
    run
}

#[test]
fn exec_runs_the_program_without_a_shell_with_the_documented_environment() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let script = Script::new();
    let env = exec_env(Some(&sources), &script.path, "ttl = 120\n");
    exec_update(&env, &[]).code(0);
    let call = script.last();
    has(&call, "DIREKT_ACTION=set");
    has(&call, "DIREKT_NAME=box.example.test");
    has(&call, "DIREKT_TYPE=A");
    has(&call, "DIREKT_VALUE=203.0.113.2");
    has(&call, "DIREKT_TTL=120");
    has(&call, &format!("DIREKT_SECRET={SECRET}"));
    assert_eq!(call.len(), 6, "only the contract's variables: {call:?}");
    // No shell: the `;` in the path was not a command separator.
    assert!(!Path::new("PWNED").exists());
    assert!(!script.dir.path().join("my dir").exists());

    // Unchanged: the program is not run again.
    let j = Run::from(
        env.cmd()
            .args(["ddns", "update", "--json"])
            .output()
            .unwrap(),
    );
    j.code(0);
    assert_eq!(j.json()["families"][0]["action"], "unchanged");
    assert_eq!(script.calls().len(), 1);

    // A new address runs it with the new value.
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    exec_update(&env, &[]).code(0);
    assert_eq!(script.calls().len(), 2);
    has(&script.last(), "DIREKT_VALUE=203.0.113.7");
}

#[test]
fn exec_exit_codes_map_to_ok_backoff_latch_and_unsupported() {
    // (exit code, direkt's exit, latched, backing off)
    let cases: &[(&str, i32, bool, bool)] = &[
        ("0", 0, false, false),
        ("75", 1, false, true),
        ("1", 1, false, true),
        ("77", 4, true, false),
        ("78", 4, true, false),
        ("64", 2, false, false),
    ];
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    for (code, exit, latch, backoff) in cases {
        let script = Script::new();
        script.exit(code);
        let env = exec_env(Some(&sources), &script.path, "");
        let r = exec_update(&env, &[]);
        assert_eq!(r.code, *exit, "exit {code}: {}", r.stderr);
        assert_eq!(latched(&env), *latch, "exit {code}: {}", state(&env));
        assert_eq!(backing_off(&env), *backoff, "exit {code}: {}", state(&env));
        assert!(
            !r.stdout.contains("stdout has"),
            "stdout echoed: {}",
            r.stdout
        );
        assert!(
            !r.stderr.contains("second line"),
            "stderr echoed: {}",
            r.stderr
        );
        if *exit != 0 {
            // The first stderr line, the secret masked.
            r.stderr_has("refused with *** here")
                .stderr_has(&format!("exit {code}"))
                .stderr_has("hint:");
        }
        if *latch {
            // Latched: the next run does not start the program.
            exec_update(&env, &[]).code(4);
            assert_eq!(script.calls().len(), 1, "exit {code}");
        }
    }
}

#[test]
fn exec_timeout_kills_the_program_and_the_next_run_retries() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let script = Script::new();
    script.exit("sleep");
    let env = exec_env(Some(&sources), &script.path, "timeout = \"1s\"\n");
    let start = std::time::Instant::now();
    let r = exec_update(&env, &[]);
    // The program sleeps 20 s; it was killed after 1 s.
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    r.code(1).stderr_has("ran longer than 1000 ms");
    assert!(!latched(&env));
    assert!(!backing_off(&env));
    // Transient: the next run starts it again, and this time it succeeds.
    script.exit("0");
    exec_update(&env, &[]).code(0);
    has(&script.last(), "DIREKT_ACTION=set");
}

#[test]
fn exec_txt_and_verify_through_the_library() {
    let script = Script::new();
    let env = exec_env(None, &script.path, "");
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "token-one")).unwrap();
    let call = script.last();
    has(&call, "DIREKT_ACTION=set");
    has(&call, "DIREKT_TYPE=TXT");
    has(&call, &format!("DIREKT_NAME={fqdn}"));
    has(&call, "DIREKT_VALUE=token-one");
    rt.block_on(p.remove_txt(fqdn, "token-one")).unwrap();
    has(&script.last(), "DIREKT_ACTION=remove");
    has(&script.last(), "DIREKT_VALUE=token-one");
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("no record changed"), "{what}");
    has(&script.last(), "DIREKT_ACTION=verify");
    has(&script.last(), "DIREKT_TYPE=");
    // A program that cannot check without a write says 64.
    script.exit("64");
    let e = rt.block_on(p.verify("box.example.test")).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Unsupported);
    assert!(!format!("{e:?}").contains(SECRET));
    assert_eq!(p.requests(), 4);
}

#[test]
fn exec_bad_input_is_a_usage_error_naming_the_key() {
    let script = Script::new();
    // No command.
    let env = Env::new();
    env.write_config("name = \"box.example.test\"\n[ddns]\nprovider = \"exec\"\n");
    env.run(&["ddns", "update"]).code(2).stderr_has("command");
    // A relative command (would be looked up in PATH).
    let env = Env::new();
    env.write_config(
        "name = \"box.example.test\"\n[ddns]\nprovider = \"exec\"\ncommand = \"dns-update\"\n",
    );
    env.run(&["ddns", "update"]).code(2).stderr_has("command");
    // A bad timeout.
    let env = exec_env(None, &script.path, "timeout = \"soon\"\n");
    env.run(&["ddns", "update"]).code(2).stderr_has("timeout");
    // A program that does not exist: exit 2, nothing latched.
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let env = exec_env(Some(&sources), Path::new("/nonexistent/dns-update"), "");
    exec_update(&env, &[])
        .code(2)
        .stderr_has("cannot start the exec program");
    assert!(script.calls().is_empty());
    // Without the optional secret the program runs without DIREKT_SECRET.
    let env = exec_env(Some(&sources), &script.path, "");
    std::fs::remove_file(env.path("secrets.toml")).unwrap();
    exec_update(&env, &[]).code(0);
    assert!(!script.last().iter().any(|l| l.starts_with("DIREKT_SECRET")));
}

// ---------------------------------------------------------------------------------------------
// dynv6

/// A fake of dynv6's REST API v2 from its OpenAPI document (https://dynv6.github.io/api-spec/,
/// github.com/dynv6/api-spec): `GET /zones/by-name/{name}`, `PATCH /zones/{id}`,
/// `GET|POST /zones/{id}/records`, `PATCH|DELETE /zones/{id}/records/{recordID}` (204), Bearer
/// token, errors as `ErrorResponse` `{"error": {"name", "message", "fields"}}`.
fn dynv6() -> Fake {
    Fake::start(
        json!({"zone": {"id": 4711, "name": "example.dynv6.net", "ipv4address": "", "ipv6prefix": ""},
               "records": [], "next": 1}),
        |r, st| {
            let err = |status: u16, name: &str, message: &str| {
                Resp::json(status, json!({"error": {"name": name, "message": message}}))
            };
            if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
                return err(401, "Unauthorized", "invalid or missing token");
            }
            let base = "/api/v2/zones/4711";
            let path = r.path().to_string();
            match (r.method.as_str(), path.as_str()) {
                ("GET", "/api/v2/zones/by-name/example.dynv6.net") => {
                    Resp::json(200, st["zone"].clone())
                }
                ("GET", p) if p.starts_with("/api/v2/zones/by-name/") => {
                    err(404, "NotFound", "zone not found")
                }
                ("PATCH", p) if p == base => {
                    for (k, v) in r.json().as_object().unwrap() {
                        st["zone"][k] = v.clone();
                    }
                    Resp::json(200, st["zone"].clone())
                }
                ("GET", p) if p == format!("{base}/records") => {
                    Resp::json(200, st["records"].clone())
                }
                ("POST", p) if p == format!("{base}/records") => {
                    let mut x = r.json();
                    let t = x["type"].as_str().unwrap_or("");
                    if !["A", "AAAA", "CNAME", "MX", "SPF", "TXT"].contains(&t)
                        || x["name"].is_null()
                        || x["data"].is_null()
                    {
                        return Resp::json(
                            422,
                            json!({"error": {"name": "ValidationError", "message": "validation failed",
                                             "fields": [{"name": "type", "message": "is invalid"}]}}),
                        );
                    }
                    x["id"] = st["next"].clone();
                    x["zoneID"] = json!(4711);
                    st["next"] = json!(st["next"].as_i64().unwrap() + 1);
                    st["records"].as_array_mut().unwrap().push(x.clone());
                    Resp::json(200, x)
                }
                (m, p) if p.starts_with(&format!("{base}/records/")) => {
                    let id: i64 = p.rsplit('/').next().unwrap().parse().unwrap();
                    let recs = st["records"].as_array_mut().unwrap();
                    let Some(i) = recs.iter().position(|x| x["id"] == id) else {
                        return err(404, "NotFound", "record not found");
                    };
                    match m {
                        "DELETE" => {
                            recs.remove(i);
                            Resp::text(204, "")
                        }
                        "PATCH" => {
                            for (k, v) in r.json().as_object().unwrap() {
                                recs[i][k] = v.clone();
                            }
                            Resp::json(200, recs[i].clone())
                        }
                        _ => Resp::json(200, recs[i].clone()),
                    }
                }
                _ => err(404, "NotFound", "not found"),
            }
        },
    )
}

fn of_type(records: &Value, name: &str, t: &str) -> Vec<Value> {
    records
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["name"] == name && x["type"] == t)
        .cloned()
        .collect()
}

#[test]
fn dynv6_creates_changes_and_leaves_unchanged_records_alone() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = dynv6();
    // Another family's record that must survive.
    fake.store.lock().unwrap()["records"] =
        json!([{"id": 900, "name": "box", "type": "AAAA", "data": "2001:db8::1"}]);
    let env = api_env(
        &sources,
        "dynv6",
        &format!("{}/api/v2", fake.http.url()),
        "zone = \"example.dynv6.net\"\n",
        "box.example.dynv6.net",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let post = fake.http.last();
    assert_eq!(post.method, "POST");
    assert_eq!(post.path(), "/api/v2/zones/4711/records");
    assert_eq!(
        post.json(),
        json!({"name": "box", "type": "A", "data": "203.0.113.2"})
    );
    assert_eq!(
        post.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // Unchanged: nothing sent.
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.http.count(), n);
    // A stray second A record, and a new address: the first is patched, the stray deleted.
    fake.store.lock().unwrap()["records"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 901, "name": "box", "type": "A", "data": "198.51.100.9"}));
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    let recs = fake.get("records");
    let a = of_type(&recs, "box", "A");
    assert_eq!(a.len(), 1, "{recs}");
    assert_eq!(a[0]["data"], "203.0.113.7");
    assert_eq!(of_type(&recs, "box", "AAAA")[0]["data"], "2001:db8::1");
    assert!(fake.methods().contains(&"PATCH".to_string()));
    assert!(fake.methods().contains(&"DELETE".to_string()));
}

#[test]
fn dynv6_the_zone_name_itself_is_the_zone_address() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = dynv6();
    let env = api_env(
        &sources,
        "dynv6",
        &format!("{}/api/v2", fake.http.url()),
        "zone = \"example.dynv6.net\"\n",
        "example.dynv6.net",
    );
    env.run(&["ddns", "update"]).code(0);
    let req = fake.http.last();
    assert_eq!(
        (req.method.as_str(), req.path()),
        ("PATCH", "/api/v2/zones/4711")
    );
    assert_eq!(req.json(), json!({"ipv4address": "203.0.113.2"}));
    assert_eq!(fake.get("zone")["ipv4address"], "203.0.113.2");
    assert_eq!(fake.get("zone")["ipv6prefix"], "");
}

#[test]
fn dynv6_txt_verify_and_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = dynv6();
    let server = format!("{}/api/v2", fake.http.url());
    let keys = "zone = \"example.dynv6.net\"\n";
    let env = library_env("dynv6", &server, keys, "box.example.dynv6.net");
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.dynv6.net";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    let txt = of_type(&fake.get("records"), "_acme-challenge.box", "TXT");
    assert_eq!(txt.len(), 1);
    assert_eq!(txt[0]["data"], "two");
    // verify: one GET, nothing written.
    let (n, before) = (fake.http.count(), fake.get("records"));
    let what = rt.block_on(p.verify("box.example.dynv6.net")).unwrap();
    assert!(what.contains("example.dynv6.net"), "{what}");
    assert_eq!(fake.http.count(), n + 1);
    assert_eq!(fake.http.last().method, "GET");
    assert_eq!(fake.get("records"), before);
    // A zone the token cannot see.
    let other = library_env(
        "dynv6",
        &server,
        "zone = \"other.dynv6.net\"\n",
        "box.other.dynv6.net",
    );
    let e = rt
        .block_on(provider(&other).verify("box.other.dynv6.net"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);

    let env = api_env(&sources, "dynv6", &server, keys, "box.example.dynv6.net");
    let e =
        |s: u16, name: &str, m: &str| Resp::json(s, json!({"error": {"name": name, "message": m}}));
    error_classes(
        &env,
        &fake,
        &[
            (e(401, "Unauthorized", "invalid token"), 4, "invalid token"),
            (
                e(403, "Forbidden", "token not valid for zone"),
                4,
                "not valid for zone",
            ),
            (e(404, "NotFound", "zone not found"), 4, "zone not found"),
            (
                Resp::json(
                    422,
                    json!({"error": {"name": "ValidationError", "message": "validation failed",
                    "fields": [{"name": "data", "message": "is not a valid address"}]}}),
                ),
                4,
                "data: is not a valid address",
            ),
            (
                e(429, "TooManyRequests", "slow down").header("Retry-After", "7200"),
                1,
                "slow down",
            ),
            (Resp::text(503, "<html>maintenance</html>"), 1, "HTTP 503"),
        ],
    );
    refused_token(&env, &fake, "invalid or missing token");
}

// ---------------------------------------------------------------------------------------------
// Vultr

/// A fake of Vultr API v2 DNS from https://www.vultr.com/api/#tag/dns: `GET /v2/domains/{d}`
/// (`{"domain": {..}}`), `GET /v2/domains/{d}/records` (`{"records": [..], "meta": {"total",
/// "links": {"next", "prev"}}}`, paged by cursor; this fake pages 2 records at a time whatever
/// `per_page` says, so the cursor is followed), `POST` (201 `{"record": {..}}`), `PATCH` and
/// `DELETE /records/{id}` (204); errors `{"error": "..", "status": N}`.
fn vultr() -> Fake {
    Fake::start(json!({"records": [], "next": 1}), |r, st| {
        let err = |status: u16, m: &str| Resp::json(status, json!({"error": m, "status": status}));
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return err(401, "Invalid API token.");
        }
        let base = "/v2/domains/example.test";
        let path = r.path().to_string();
        match (r.method.as_str(), path.as_str()) {
            ("GET", p) if p == base => Resp::json(
                200,
                json!({"domain": {"domain": "example.test", "date_created": "2024-01-01T00:00:00+00:00", "dns_sec": "disabled"}}),
            ),
            ("GET", p) if p == format!("{base}/records") => {
                assert_eq!(r.query("per_page").as_deref(), Some("500"));
                let all = st["records"].as_array().unwrap().clone();
                let from: usize = r
                    .query("cursor")
                    .map(|c| c.trim_start_matches('c').parse().unwrap())
                    .unwrap_or(0);
                let page: Vec<Value> = all.iter().skip(from).take(2).cloned().collect();
                let next = if from + 2 < all.len() {
                    format!("c{}", from + 2)
                } else {
                    String::new()
                };
                Resp::json(
                    200,
                    json!({"records": page, "meta": {"total": all.len(), "links": {"next": next, "prev": ""}}}),
                )
            }
            ("POST", p) if p == format!("{base}/records") => {
                let mut x = r.json();
                if x["name"].is_null() || x["type"].is_null() || x["data"].is_null() {
                    return err(400, "Missing name, type or data");
                }
                x["id"] = json!(format!("rec-{}", st["next"]));
                x["priority"] = json!(0);
                st["next"] = json!(st["next"].as_i64().unwrap() + 1);
                st["records"].as_array_mut().unwrap().push(x.clone());
                Resp::json(201, json!({"record": x}))
            }
            (m, p) if p.starts_with(&format!("{base}/records/")) => {
                let id = p.rsplit('/').next().unwrap().to_string();
                let recs = st["records"].as_array_mut().unwrap();
                let Some(i) = recs.iter().position(|x| x["id"] == id.as_str()) else {
                    return err(404, "Invalid record.");
                };
                match m {
                    "DELETE" => {
                        recs.remove(i);
                        Resp::text(204, "")
                    }
                    "PATCH" => {
                        for (k, v) in r.json().as_object().unwrap() {
                            recs[i][k] = v.clone();
                        }
                        Resp::text(204, "")
                    }
                    _ => err(405, "Method not allowed"),
                }
            }
            _ => err(404, "Invalid domain."),
        }
    })
}

#[test]
fn vultr_creates_changes_pages_and_leaves_unchanged_records_alone() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = vultr();
    // Other records, more than a page, incl. the other family at the same name.
    fake.store.lock().unwrap()["records"] = json!([
        {"id": "mx1", "type": "MX", "name": "", "data": "mail.example.test", "priority": 10, "ttl": 300},
        {"id": "www", "type": "A", "name": "www", "data": "198.51.100.1", "priority": 0, "ttl": 300},
        {"id": "six", "type": "AAAA", "name": "box", "data": "2001:db8::1", "priority": 0, "ttl": 300},
    ]);
    let server = format!("{}/v2", fake.http.url());
    let env = api_env(
        &sources,
        "vultr",
        &server,
        "zone = \"example.test\"\nttl = 600\n",
        "box.example.test",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let post = fake.http.last();
    assert_eq!(
        (post.method.as_str(), post.path()),
        ("POST", "/v2/domains/example.test/records")
    );
    assert_eq!(
        post.json(),
        json!({"name": "box", "type": "A", "data": "203.0.113.2", "ttl": 600})
    );
    // Both pages were read before deciding.
    assert!(
        fake.http
            .all()
            .iter()
            .any(|r| r.query("cursor").as_deref() == Some("c2"))
    );
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.http.count(), n, "unchanged sends nothing");

    // A stray second A at the name, and a new address.
    fake.store.lock().unwrap()["records"].as_array_mut().unwrap().push(
        json!({"id": "stray", "type": "A", "name": "box", "data": "198.51.100.9", "priority": 0, "ttl": 300}),
    );
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    let recs = fake.get("records");
    let a = of_type(&recs, "box", "A");
    assert_eq!(a.len(), 1, "{recs}");
    assert_eq!(a[0]["data"], "203.0.113.7");
    assert_eq!(of_type(&recs, "box", "AAAA").len(), 1);
    assert_eq!(of_type(&recs, "www", "A")[0]["data"], "198.51.100.1");
    let patch = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(patch.json(), json!({"data": "203.0.113.7", "ttl": 600}));
}

#[test]
fn vultr_txt_verify_and_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = vultr();
    let server = format!("{}/v2", fake.http.url());
    let keys = "zone = \"example.test\"\n";
    let env = library_env("vultr", &server, keys, "box.example.test");
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    let txt = of_type(&fake.get("records"), "_acme-challenge.box", "TXT");
    assert_eq!(txt.len(), 1);
    assert_eq!(txt[0]["data"], "\"two\"");
    let (n, before) = (fake.http.count(), fake.get("records"));
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("example.test"), "{what}");
    assert_eq!(fake.http.count(), n + 1);
    let last = fake.http.last();
    assert_eq!(
        (last.method.as_str(), last.path()),
        ("GET", "/v2/domains/example.test")
    );
    assert_eq!(fake.get("records"), before);
    let other = library_env(
        "vultr",
        &server,
        "zone = \"other.test\"\n",
        "box.other.test",
    );
    let e = rt
        .block_on(provider(&other).verify("box.other.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("Invalid domain."), "{e:?}");

    let env = api_env(&sources, "vultr", &server, keys, "box.example.test");
    let e = |s: u16, m: &str| Resp::json(s, json!({"error": m, "status": s}));
    error_classes(
        &env,
        &fake,
        &[
            (
                e(401, "Unauthorized IP address: 203.0.113.2"),
                4,
                "Unauthorized IP address",
            ),
            (e(403, "Forbidden"), 4, "Forbidden"),
            (e(404, "Invalid domain."), 4, "Invalid domain."),
            (
                e(400, "Unable to create record: invalid data"),
                4,
                "invalid data",
            ),
            (
                e(429, "Rate limit reached").header("Retry-After", "3600"),
                1,
                "Rate limit reached",
            ),
            (e(500, "Internal server error"), 1, "Internal server error"),
            (Resp::text(503, "Service Unavailable"), 1, "HTTP 503"),
        ],
    );
    refused_token(&env, &fake, "Invalid API token.");
}

// ---------------------------------------------------------------------------------------------
// Bunny DNS

/// A fake of the bunny.net DNS zone API from https://docs.bunny.net/reference/dnszonepublic_index
/// (list: `GET /dnszone?page&perPage&search` → `{"Items": [zone with "Records"], "CurrentPage",
/// "TotalItems", "HasMoreItems"}`; add record `PUT /dnszone/{id}/records` → 201 record; update
/// `POST /dnszone/{id}/records/{rid}` → 204; delete `DELETE` → 204; header `AccessKey`; record
/// types as numbers; errors `{"ErrorKey", "Field", "Message"}`, 401 for a bad key). This fake
/// lists one zone per page, so the paging is followed.
fn bunny() -> Fake {
    Fake::start(
        json!({"zones": [
            {"Id": 1, "Domain": "aexample.test", "Records": []},
            {"Id": 2, "Domain": "example.test", "Records": []},
        ], "next": 100}),
        |r, st| {
            if r.header("accesskey") != Some(TOKEN) {
                return Resp::text(401, "Unauthorized");
            }
            let bad = |m: &str| {
                Resp::json(
                    400,
                    json!({"ErrorKey": "dnszone.record.invalid", "Field": "Value", "Message": m}),
                )
            };
            let path = r.path().to_string();
            match (r.method.as_str(), path.as_str()) {
                ("GET", "/dnszone") => {
                    let search = r.query("search").unwrap_or_default();
                    let page: usize = r.query("page").unwrap().parse().unwrap();
                    let hits: Vec<Value> = st["zones"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|z| z["Domain"].as_str().unwrap().contains(&search))
                        .cloned()
                        .collect();
                    let item: Vec<Value> = hits.iter().skip(page - 1).take(1).cloned().collect();
                    Resp::json(
                        200,
                        json!({"Items": item, "CurrentPage": page, "TotalItems": hits.len(),
                               "HasMoreItems": page < hits.len()}),
                    )
                }
                ("PUT", "/dnszone/2/records") => {
                    let mut x = r.json();
                    if x["Type"].as_i64().is_none() || x["Value"].as_str().is_none() {
                        return bad("The record value is invalid.");
                    }
                    x["Id"] = st["next"].clone();
                    st["next"] = json!(st["next"].as_i64().unwrap() + 1);
                    st["zones"][1]["Records"]
                        .as_array_mut()
                        .unwrap()
                        .push(x.clone());
                    Resp::json(201, x)
                }
                (m, p) if p.starts_with("/dnszone/2/records/") => {
                    let id: i64 = p.rsplit('/').next().unwrap().parse().unwrap();
                    let recs = st["zones"][1]["Records"].as_array_mut().unwrap();
                    let Some(i) = recs.iter().position(|x| x["Id"] == id) else {
                        return Resp::json(
                            404,
                            json!({"ErrorKey": "dnszone.record.not_found", "Field": "Id", "Message": "The record was not found."}),
                        );
                    };
                    match m {
                        "DELETE" => {
                            recs.remove(i);
                            Resp::text(204, "")
                        }
                        "POST" => {
                            for (k, v) in r.json().as_object().unwrap() {
                                recs[i][k] = v.clone();
                            }
                            Resp::text(204, "")
                        }
                        _ => Resp::text(405, ""),
                    }
                }
                _ => Resp::json(
                    404,
                    json!({"ErrorKey": "not_found", "Field": "", "Message": "Not found"}),
                ),
            }
        },
    )
}

fn bunny_records(fake: &Fake, name: &str, t: i64) -> Vec<Value> {
    fake.store.lock().unwrap()["zones"][1]["Records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["Name"] == name && x["Type"] == t)
        .cloned()
        .collect()
}

#[test]
fn bunny_creates_changes_and_leaves_unchanged_records_alone() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = bunny();
    fake.store.lock().unwrap()["zones"][1]["Records"] =
        json!([{"Id": 50, "Type": 1, "Name": "box", "Value": "2001:db8::1", "Ttl": 300}]);
    let env = api_env(
        &sources,
        "bunny",
        &fake.http.url(),
        "zone = \"example.test\"\n",
        "box.example.test",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let put = fake.http.last();
    assert_eq!(
        (put.method.as_str(), put.path()),
        ("PUT", "/dnszone/2/records")
    );
    assert_eq!(
        put.json(),
        json!({"Type": 0, "Name": "box", "Value": "203.0.113.2", "Ttl": 300})
    );
    assert_eq!(put.header("accesskey"), Some(TOKEN));
    assert!(
        fake.http
            .all()
            .iter()
            .any(|r| r.query("page").as_deref() == Some("2"))
    );
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.http.count(), n, "unchanged sends nothing");

    fake.store.lock().unwrap()["zones"][1]["Records"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Id": 51, "Type": 0, "Name": "box", "Value": "198.51.100.9", "Ttl": 300}));
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    let a = bunny_records(&fake, "box", 0);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0]["Value"], "203.0.113.7");
    assert_eq!(bunny_records(&fake, "box", 1).len(), 1);
    let post = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.path(), format!("/dnszone/2/records/{}", a[0]["Id"]));
    assert!(fake.methods().contains(&"DELETE".to_string()));
}

#[test]
fn bunny_txt_verify_and_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = bunny();
    let keys = "zone = \"example.test\"\n";
    let env = library_env("bunny", &fake.http.url(), keys, "box.example.test");
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.example.test";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    let txt = bunny_records(&fake, "_acme-challenge.box", 3);
    assert_eq!(txt.len(), 1);
    assert_eq!(txt[0]["Value"], "two");
    let before = fake.store.lock().unwrap().clone();
    let n = fake.http.count();
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("example.test"), "{what}");
    assert!(fake.http.all()[n..].iter().all(|r| r.method == "GET"));
    assert_eq!(*fake.store.lock().unwrap(), before);
    let other = library_env(
        "bunny",
        &fake.http.url(),
        "zone = \"other.test\"\n",
        "box.other.test",
    );
    let e = rt
        .block_on(provider(&other).verify("box.other.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("no DNS zone other.test"), "{e:?}");

    let env = api_env(
        &sources,
        "bunny",
        &fake.http.url(),
        keys,
        "box.example.test",
    );
    let e = |s: u16, key: &str, m: &str| {
        Resp::json(s, json!({"ErrorKey": key, "Field": "Value", "Message": m}))
    };
    error_classes(
        &env,
        &fake,
        &[
            (Resp::text(401, "Unauthorized"), 4, "refused the API key"),
            (e(403, "forbidden", "Access denied"), 4, "Access denied"),
            (
                e(
                    400,
                    "dnszone.record.invalid",
                    "The record value is invalid.",
                ),
                4,
                "The record value is invalid.",
            ),
            (
                e(
                    404,
                    "dnszone.not_found",
                    "The requested DNS zone was not found",
                ),
                4,
                "was not found",
            ),
            (
                e(429, "rate_limit", "Too many requests").header("Retry-After", "5400"),
                1,
                "Too many requests",
            ),
            (Resp::text(500, ""), 1, "HTTP 500"),
        ],
    );
    refused_token(&env, &fake, "refused the API key");
}

// ---------------------------------------------------------------------------------------------
// ipv64

/// A form body's field, decoded.
fn form_field(r: &Req, key: &str) -> Option<String> {
    Req {
        method: String::new(),
        target: format!("/?{}", r.body),
        headers: vec![],
        body: String::new(),
    }
    .query(key)
}

/// A fake of the ipv64.net API from https://ipv64.net/dyndns_updater_api and
/// https://apidoc.ipv64.net: everything at `/api` with `Authorization: Bearer`; `GET
/// ?get_domains` → `{"subdomains": {"<domain>": {"records": [{"record_id", "content", "ttl",
/// "type", "praefix", ..}]}}, "info": "success", "status": "200 OK"}`; `POST` form
/// `add_record=<domain>&praefix&type&content` → 201 `{"info": "success", "status": "201
/// Created", "add_record": "<domain>"}` (400 "dns record already there"); `DELETE` form
/// `del_record=..` → 202; a bad key → 401 `{"status": "401 Unauthorized", "info":
/// "Unauthorized"}`.
fn ipv64() -> Fake {
    Fake::start(
        json!({"subdomains": {"me.ipv64.net": {"updates": 0, "wildcard": 1, "domain_update_hash": "hash", "records": []},
                              "other.home64.de": {"records": []}}, "next": 1}),
        |r, st| {
            if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
                return Resp::json(
                    401,
                    json!({"status": "401 Unauthorized", "info": "Unauthorized"}),
                );
            }
            if r.path() != "/api" {
                return Resp::json(404, json!({"status": "404 Not Found", "info": "error"}));
            }
            match r.method.as_str() {
                "GET" if r.target.ends_with("?get_domains") => {
                    let mut v = json!({"subdomains": st["subdomains"].clone()});
                    v["info"] = json!("success");
                    v["status"] = json!("200 OK");
                    v["add_domain"] = json!("get_domains");
                    Resp::json(200, v)
                }
                m @ ("POST" | "DELETE") => {
                    assert_eq!(
                        r.header("content-type"),
                        Some("application/x-www-form-urlencoded")
                    );
                    let call = if m == "POST" {
                        "add_record"
                    } else {
                        "del_record"
                    };
                    let domain = form_field(r, call).unwrap_or_default();
                    let (p, t, c) = (
                        form_field(r, "praefix").unwrap_or_default(),
                        form_field(r, "type").unwrap_or_default(),
                        form_field(r, "content").unwrap_or_default(),
                    );
                    let Some(recs) = st["subdomains"][&domain]["records"].as_array_mut() else {
                        return Resp::json(
                            403,
                            json!({"info": "error", "status": "403 Forbidden", call: call}),
                        );
                    };
                    let at = recs.iter().position(|x| {
                        x["praefix"] == p.as_str()
                            && x["type"] == t.as_str()
                            && x["content"] == c.as_str()
                    });
                    match (m, at) {
                        ("POST", Some(_)) => Resp::json(
                            400,
                            json!({"info": "error", "status": "400 Bad Request", "add_record": "dns record already there"}),
                        ),
                        ("POST", None) => {
                            recs.push(json!({"record_id": recs.len() + 100, "content": c, "ttl": 60, "type": t, "praefix": p}));
                            Resp::json(
                                201,
                                json!({"info": "success", "status": "201 Created", "add_record": domain}),
                            )
                        }
                        (_, Some(i)) => {
                            recs.remove(i);
                            Resp::json(
                                202,
                                json!({"info": "success", "status": "202 Accepted", "del_record": "del_record"}),
                            )
                        }
                        (_, None) => Resp::json(
                            400,
                            json!({"info": "error", "status": "400 Bad Request", "del_record": "dns record not found"}),
                        ),
                    }
                }
                _ => Resp::json(400, json!({"info": "error", "status": "400 Bad Request"})),
            }
        },
    )
}

fn ipv64_records(fake: &Fake, praefix: &str, t: &str) -> Vec<String> {
    fake.store.lock().unwrap()["subdomains"]["me.ipv64.net"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["praefix"] == praefix && x["type"] == t)
        .map(|x| x["content"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ipv64_adds_before_it_removes_and_leaves_unchanged_records_alone() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = ipv64();
    fake.store.lock().unwrap()["subdomains"]["me.ipv64.net"]["records"] = json!([
        {"record_id": 1, "content": "2001:db8::1", "ttl": 60, "type": "AAAA", "praefix": ""},
        {"record_id": 2, "content": "198.51.100.9", "ttl": 60, "type": "A", "praefix": ""},
    ]);
    let env = api_env(
        &sources,
        "ipv64",
        &fake.http.url(),
        "zone = \"me.ipv64.net\"\n",
        "me.ipv64.net",
    );
    env.run(&["ddns", "update", "-vv"]).code(0).lacks(TOKEN);
    let calls: Vec<(String, Option<String>, Option<String>)> = fake
        .http
        .all()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                form_field(r, "content"),
                form_field(r, "type"),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("GET".to_string(), None, None),
            (
                "POST".to_string(),
                Some("203.0.113.2".into()),
                Some("A".into())
            ),
            (
                "DELETE".to_string(),
                Some("198.51.100.9".into()),
                Some("A".into())
            ),
        ]
    );
    let post = &fake.http.all()[1];
    assert_eq!(
        form_field(post, "add_record").as_deref(),
        Some("me.ipv64.net")
    );
    assert_eq!(form_field(post, "praefix").as_deref(), Some(""));
    assert_eq!(ipv64_records(&fake, "", "A"), ["203.0.113.2"]);
    assert_eq!(ipv64_records(&fake, "", "AAAA"), ["2001:db8::1"]);
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.http.count(), n, "unchanged sends nothing");
    // A new address: added, the old one removed.
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(ipv64_records(&fake, "", "A"), ["203.0.113.7"]);
}

#[test]
fn ipv64_txt_verify_and_errors() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = ipv64();
    let keys = "zone = \"me.ipv64.net\"\n";
    let env = library_env("ipv64", &fake.http.url(), keys, "box.me.ipv64.net");
    let p = provider(&env);
    let rt = runtime();
    let fqdn = "_acme-challenge.box.me.ipv64.net";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    assert_eq!(ipv64_records(&fake, "_acme-challenge.box", "TXT"), ["two"]);
    let before = fake.store.lock().unwrap().clone();
    let n = fake.http.count();
    let what = rt.block_on(p.verify("box.me.ipv64.net")).unwrap();
    assert!(what.contains("me.ipv64.net"), "{what}");
    assert_eq!(fake.http.count(), n + 1);
    assert_eq!(fake.http.last().method, "GET");
    assert_eq!(*fake.store.lock().unwrap(), before);
    let other = library_env(
        "ipv64",
        &fake.http.url(),
        "zone = \"not-mine.ipv64.net\"\n",
        "not-mine.ipv64.net",
    );
    let e = rt
        .block_on(provider(&other).verify("not-mine.ipv64.net"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("no domain not-mine.ipv64.net"), "{e:?}");

    let env = api_env(
        &sources,
        "ipv64",
        &fake.http.url(),
        keys,
        "box.me.ipv64.net",
    );
    let e =
        |s: u16, status: &str, info: &str| Resp::json(s, json!({"info": info, "status": status}));
    error_classes(
        &env,
        &fake,
        &[
            (
                e(401, "401 Unauthorized", "Unauthorized"),
                4,
                "401 Unauthorized",
            ),
            (
                Resp::json(
                    403,
                    json!({"info": "error", "status": "403 Forbidden", "del_record": "del_record"}),
                ),
                4,
                "403 Forbidden",
            ),
            (
                Resp::json(
                    400,
                    json!({"info": "error", "status": "400 Bad Request", "add_record": "dns record already there"}),
                ),
                4,
                "dns record already there",
            ),
            (
                e(429, "429 Too Many Requests", "API limit reached").header("Retry-After", "86400"),
                1,
                "API limit reached",
            ),
            // The status in the body counts when the HTTP status is 200.
            (
                e(200, "429 Too Many Requests", "Updateintervall overcommited"),
                1,
                "overcommited",
            ),
            (Resp::text(502, "Bad Gateway"), 1, "HTTP 502"),
        ],
    );
    refused_token(&env, &fake, "Unauthorized");
}

// ---------------------------------------------------------------------------------------------
// Bad input, for every API provider here: exit 2 naming the field, nothing sent.

#[test]
fn api_providers_refuse_a_missing_zone_or_token_and_a_foreign_key() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = FakeHttp::start(|_| Resp::text(500, "no request may arrive"));
    for provider in ["dynv6", "vultr", "bunny", "ipv64"] {
        let base = format!(
            "name = \"box.example.test\"\n{}\n[ddns]\nprovider = \"{provider}\"\nserver = \"{}\"\n",
            sources.ip_section(),
            fake.url()
        );
        // No zone.
        let env = Env::new();
        env.write_config(&base);
        write_secrets(&env, &[("token", TOKEN)]);
        env.run(&["ddns", "update"])
            .code(2)
            .stderr_has("zone")
            .lacks(TOKEN);
        // No token.
        let env = Env::new();
        env.write_config(&format!("{base}zone = \"example.test\"\n"));
        env.run(&["ddns", "update"]).code(2).stderr_has("token");
        // A key of another provider.
        let env = Env::new();
        env.write_config(&format!(
            "{base}zone = \"example.test\"\ncommand = \"/bin/true\"\n"
        ));
        write_secrets(&env, &[("token", TOKEN)]);
        env.run(&["ddns", "update"])
            .code(2)
            .stderr_has("command")
            .stderr_has(provider);
    }
    assert_eq!(fake.count(), 0);
}
