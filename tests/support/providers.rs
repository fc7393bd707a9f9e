//! Scaffolding for the DNS provider tests (tests/ddns*.rs): a config pointing a provider at a
//! local fake, the secrets file, the state written, and the library's view of the config.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::fake::{FakeHttp, FakeSources};
use super::{Env, chmod};

/// State a fake and its test share.
pub type Shared<T> = Arc<Mutex<T>>;

pub fn shared<T>(v: T) -> Shared<T> {
    Arc::new(Mutex::new(v))
}

/// `secrets.toml` (0600) with these `[ddns]` secrets.
pub fn write_secrets(env: &Env, pairs: &[(&str, &str)]) {
    let p = env.path("secrets.toml");
    let mut text = "[ddns]\n".to_string();
    for (k, v) in pairs {
        text.push_str(&format!("{k} = \"{v}\"\n"));
    }
    std::fs::write(&p, text).unwrap();
    chmod(&p, 0o600);
}

/// A config for `name` with `provider` at the fake `server`, the address sources from
/// `sources` (none for library calls), and `keys` (more `[ddns]` lines).
pub fn api_config(
    name: &str,
    sources: Option<&FakeSources>,
    provider: &str,
    server: &str,
    keys: &str,
) -> String {
    let ip = sources.map(|s| s.ip_section()).unwrap_or_default();
    format!(
        "name = \"{name}\"\n{ip}\n[ddns]\nprovider = \"{provider}\"\nserver = \"{server}\"\n{keys}"
    )
}

/// Point the env's config at other address sources (the box's address changed).
pub fn swap_sources(env: &Env, sources: &FakeSources) {
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

/// The state file as JSON.
pub fn state(env: &Env) -> Value {
    let text = std::fs::read_to_string(env.state_dir().join("state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The DDNS state has a latch.
pub fn latched(env: &Env) -> bool {
    !state(env)["ddns"]["latch"].is_null()
}

/// The DDNS state has a backoff.
pub fn backing_off(env: &Env) -> bool {
    !state(env)["ddns"]["backoff"].is_null()
}

/// The settings the binary would load for this env.
pub fn settings_of(env: &Env) -> direkt::config::Settings {
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

/// The configured provider, through the library.
pub fn provider(env: &Env) -> Box<dyn direkt::ddns::Provider> {
    direkt::ddns::provider_from_settings(&settings_of(env)).unwrap()
}

/// A runtime for the library's async calls.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Wrong credentials, already in the secrets file: the provider's refusal latches (exit 4,
/// saying `says`), none of `hidden` is printed, and the next run sends `http` nothing.
pub fn refused_and_latched(env: &Env, http: &FakeHttp, says: &str, hidden: &[&str]) {
    let before = http.count();
    let r = env.run(&["ddns", "update", "--force", "-vvv"]);
    r.code(4).stderr_has(says);
    for h in hidden {
        r.lacks(h);
    }
    assert!(latched(env), "not latched");
    let sent = http.count();
    assert!(sent > before, "nothing was sent");
    let r = env.run(&["ddns", "update"]);
    r.code(4).stderr_has("--force");
    for h in hidden {
        r.lacks(h);
    }
    assert_eq!(http.count(), sent, "a request while latched");
}
