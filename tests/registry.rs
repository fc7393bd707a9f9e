//! The DNS provider registry as the command line shows it: `ddns providers` lists every
//! provider from the registry, and an unknown provider is refused everywhere it can be named
//! (config file, setup's answers file, setup's flag) with the valid names, exit 2, nothing
//! written.

mod support;

use support::Env;

const PROVIDERS: [&str; 5] = ["dyndns2", "rfc2136", "cloudflare", "desec", "duckdns"];

#[test]
fn ddns_providers_json_lists_the_five_providers_with_their_fields() {
    let env = Env::new();
    let run = env.run(&["ddns", "providers", "--json"]);
    run.code(0);
    let list = run.json();
    let list = list.as_array().expect("a list");
    let names: Vec<&str> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
    // The first five in the wizard's order; providers added since follow them.
    assert_eq!(names[..PROVIDERS.len()], PROVIDERS);
    let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for p in list {
        let name = p["name"].as_str().unwrap();
        let kind = p["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no kind"));
        assert!(
            [
                "api",
                "rfc2136",
                "dyndns2",
                "dyndns2-preset",
                "delegation",
                "exec"
            ]
            .contains(&kind),
            "{name}: {kind}"
        );
        let records: Vec<&str> = p["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        // A delegation (acme-dns) only answers the DNS-01 TXT.
        assert!(
            (records.contains(&"A") && records.contains(&"AAAA"))
                || (kind == "delegation" && records == ["TXT"]),
            "{name}"
        );
        assert!(!p["secrets"].as_array().unwrap().is_empty(), "{name}");
        assert!(
            p["docs"].as_str().unwrap().starts_with("https://"),
            "{name}"
        );
    }
    // dyndns2 cannot write TXT (no dns-01); the API providers can.
    let txt = |n: &str| {
        list.iter().find(|p| p["name"] == n).unwrap()["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "TXT")
    };
    assert!(!txt("dyndns2") && txt("cloudflare") && txt("rfc2136"));
    // No config is needed, and none is created.
    assert!(!env.config().exists() && !env.state_dir().exists());
}

#[test]
fn ddns_providers_prints_a_table() {
    let env = Env::new();
    let run = env.run(&["ddns", "providers"]);
    run.code(0).stdout_has("PROVIDER").stdout_has("KIND");
    for name in PROVIDERS {
        run.stdout_has(name);
    }
    run.stdout_has("https://");
}

#[test]
fn an_unknown_provider_in_the_config_names_the_key_and_the_valid_ones() {
    let env = Env::new();
    env.write_config("name = \"box.example.org\"\n[ddns]\nprovider = \"nosuchdns\"\n");
    let run = env.run(&["ddns", "update", "--dry-run"]);
    run.code(2)
        .stderr_has("ddns.provider")
        .stderr_has("nosuchdns");
    for name in PROVIDERS {
        run.stderr_has(name);
    }
}

#[test]
fn setup_refuses_an_unknown_provider_before_anything_is_written() {
    let env = Env::new();
    let answers = env.path("answers.toml");
    std::fs::write(
        &answers,
        "name = \"box.example.org\"\n[ddns]\nprovider = \"nosuchdns\"\ntoken = \"t0ken\"\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let run = env.run(&["setup", "--answers", answers.to_str().unwrap()]);
    // Refused before the network is looked at.
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
    run.code(2)
        .stderr_has("`ddns.provider`")
        .stderr_has("nosuchdns")
        .lacks("t0ken");
    for name in PROVIDERS {
        run.stderr_has(name);
    }
    assert!(!env.config().exists(), "a config was written");
    assert!(!env.path("secrets.toml").exists(), "secrets were written");
    assert!(!env.state_dir().exists(), "state was written");

    // The flag is checked against the same list.
    let run = env.run(&[
        "setup",
        "--yes",
        "--name",
        "box.example.org",
        "--provider",
        "nosuchdns",
    ]);
    run.code(2).stderr_has("nosuchdns");
    for name in PROVIDERS {
        run.stderr_has(name);
    }
    assert!(!env.config().exists() && !env.state_dir().exists());
}

#[test]
fn a_provider_alias_is_accepted_and_written_back_by_its_name() {
    let env = Env::new();
    env.write_config(
        "name = \"box.example.org\"\n[ddns]\nprovider = \"nsupdate\"\nserver = \"192.0.2.53\"\nzone = \"example.org\"\nkey_name = \"k\"\n",
    );
    let run = env.run(&["ddns", "show", "--json"]);
    run.code(0);
    assert_eq!(run.json()["provider"], "rfc2136");
}
