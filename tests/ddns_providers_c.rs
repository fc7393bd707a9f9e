//! Providers `exec`, `dynv6`, `vultr`, `bunny` and `ipv64`, driven through the built binary
//! (`direkt ddns update`) and through the library (TXT for DNS-01, the credentials check).
//! The exec provider runs scripts this test writes into a temp dir; the API providers talk to
//! local fakes (tests/support/fake.rs) written from each provider's public API documentation,
//! named at each fake. Nothing here contacts a real provider.

mod support;

use std::path::{Path, PathBuf};

use support::fake::FakeSources;
use support::{Env, Run, chmod};

fn secrets(env: &Env, key: &str, value: &str) {
    let p = env.path("secrets.toml");
    std::fs::write(&p, format!("[ddns]\n{key} = \"{value}\"\n")).unwrap();
    chmod(&p, 0o600);
}

fn state(env: &Env) -> serde_json::Value {
    let text = std::fs::read_to_string(env.state_dir().join("state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
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

fn provider(env: &Env) -> Box<dyn direkt::ddns::Provider> {
    direkt::ddns::provider_from_settings(&settings_of(env)).unwrap()
}

/// Point the env's config at other address sources (a changed address).
fn swap_sources(env: &Env, sources: &FakeSources) {
    let text = std::fs::read_to_string(env.config()).unwrap();
    let start = text.find("[ip]").unwrap();
    let end = text.find("[ddns]").unwrap();
    env.write_config(&format!(
        "{}{}\n{}",
        &text[..start],
        sources.ip_section(),
        &text[end..]
    ));
}

fn latched(env: &Env) -> bool {
    !state(env)["ddns"]["latch"].is_null()
}

fn backing_off(env: &Env) -> bool {
    !state(env)["ddns"]["backoff"].is_null()
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
    secrets(&env, "secret", SECRET);
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
    let env = exec_env(Some(&sources), &script.path, "timeout = \"300ms\"\n");
    let start = std::time::Instant::now();
    let r = exec_update(&env, &[]);
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    r.code(1).stderr_has("ran longer than 300 ms");
    assert!(!latched(&env));
    assert!(!backing_off(&env));
    // Transient: the next run starts it again.
    script.exit("0");
    exec_update(&env, &[]).code(0);
    assert_eq!(script.calls().len(), 2);
}

#[test]
fn exec_txt_and_verify_through_the_library() {
    let script = Script::new();
    let env = exec_env(None, &script.path, "");
    let p = provider(&env);
    let rt = rt();
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
