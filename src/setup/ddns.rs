//! The DNS provider's questions, each from the provider's description in the registry
//! ([`crate::ddns::registry`]): which provider, its `[ddns]` keys, its secret (checked with the
//! provider before the wizard goes on).

use super::{Context, Def, SecretEntry, base_config, q};
use crate::config::{DdnsConfig, DomainName, Secret};
use crate::ddns::registry::{self, Builtin, PROVIDERS, ProviderId};
use crate::error::{Error, Result};
use crate::prompt::{Answer, Answers, Choice, Prompter};

/// The provider named in the answers given up front, if any; an unknown one is a usage error
/// naming the key and the providers there are (before anything is detected or written).
pub fn given_provider(given: &Answers) -> Result<Option<ProviderId>> {
    let Some(text) = given.text("ddns.provider") else {
        return Ok(None);
    };
    text.parse::<ProviderId>().map(Some).map_err(|why| {
        Error::usage(format!(
            "the answer for `ddns.provider` is not valid: {why}"
        ))
        .hint("`direkt ddns providers` lists them; nothing was changed")
    })
}

/// The DNS provider, its keys and its secret, each question from the provider's description
/// in the registry; the secret is checked with the provider before going on.
pub(super) fn questions(
    p: &mut dyn Prompter,
    cx: &mut Context,
    def: &Def,
    name: &DomainName,
) -> Result<(DdnsConfig, Vec<SecretEntry>)> {
    let cur = cx.current;
    let cur_provider = cur.and_then(|c| c.ddns.as_ref()).map(|d| d.provider);
    let default = given_provider(cx.given)?
        .or(cur_provider)
        .unwrap_or_else(|| registry::guess(name.as_str()));
    // A delegation (acme-dns) holds only DNS-01's TXT, not the address this question is about:
    // it is set up with an [acme_dns] section and `direkt ddns register`.
    let offered: Vec<&registry::Spec> = PROVIDERS
        .iter()
        .copied()
        .filter(|s| s.kind != registry::Kind::Delegation)
        .collect();
    let choices: Vec<Choice> = offered
        .iter()
        .map(|s| Choice {
            value: s.name,
            label: s.summary,
        })
        .collect();
    let default_index = offered
        .iter()
        .position(|s| s.name == default.name())
        .unwrap_or(0);
    let i = p.select(
        q(
            "ddns.provider",
            "DNS provider",
            "Who serves this name? direkt keeps it pointing at your public address.",
        ),
        &choices,
        default_index,
    )?;
    let spec = offered[i];
    let provider: ProviderId = spec.name.parse().map_err(Error::usage)?;
    let mut ddns = cur
        .and_then(|c| c.ddns.clone())
        .filter(|d| d.provider == provider)
        .unwrap_or_else(|| DdnsConfig::new(provider));
    let parent_zone = name
        .as_str()
        .split_once('.')
        .map(|(_, z)| z.to_string())
        .unwrap_or_default();
    for key in spec.keys {
        let answer_key = format!("ddns.{}", key.name);
        let builtin = match key.default {
            Builtin::None => None,
            Builtin::ParentZone => Some(parent_zone.as_str()),
            Builtin::Text(t) => Some(t),
        };
        let value = p.input(
            q(&answer_key, key.prompt, key.help),
            def(&answer_key, ddns.get(key.name), builtin).as_deref(),
            &key.check,
        )?;
        ddns.set(key.name, value).map_err(Error::usage)?;
    }
    if let Some(suffix) = spec.name_suffix
        && !name.as_str().ends_with(suffix)
    {
        return Err(Error::usage(format!(
            "{name} is not a {} name (they end in {suffix})",
            spec.title
        ))
        .hint(format!(
            "choose another provider, or a name like yourname{suffix}"
        )));
    }
    let secrets = secret_question(p, cx, name, &ddns)?;
    for secret in spec.secrets {
        ddns.clear_secret_file(secret.name);
    }
    Ok((ddns, secrets))
}

/// The provider's secrets, validated with the provider before going on (asked again on a
/// terminal when refused).
fn secret_question(
    p: &mut dyn Prompter,
    cx: &mut Context,
    name: &DomainName,
    ddns: &DdnsConfig,
) -> Result<Vec<SecretEntry>> {
    let keys = ddns.provider.spec().secrets;
    let mut current: Vec<Option<Secret>> = keys
        .iter()
        .map(|k| match cx.given.get(&format!("ddns.{}", k.name)) {
            Some(Answer::Secret(s)) => Some(s.clone()),
            Some(Answer::Text(s)) => Some(Secret::new(s.clone())),
            _ => (cx.current_secret)("ddns", k.name),
        })
        .collect();
    let mut probe = base_config(name, cx.current);
    let mut candidate = ddns.clone();
    for k in keys {
        candidate.clear_secret_file(k.name);
    }
    probe.ddns = Some(candidate);
    loop {
        let mut secrets = vec![];
        for (k, cur) in keys.iter().zip(&current) {
            let answer_key = format!("ddns.{}", k.name);
            let secret = p.password(q(&answer_key, k.prompt, k.help), cur.as_ref())?;
            secrets.push(("ddns".to_string(), k.name.to_string(), secret));
        }
        match (cx.check_credentials)(&probe, &secrets) {
            Ok(()) => return Ok(secrets),
            Err(e) if p.interactive() => {
                eprintln!("The provider did not accept this: {}", e.message());
                if let Some(h) = e.hint_text() {
                    eprintln!("{h}");
                }
                let again = p.confirm(q("ddns.retry", "Enter the credentials again?", ""), true)?;
                if !again {
                    return Err(e);
                }
                current = vec![None; keys.len()];
            }
            Err(e) => return Err(e),
        }
    }
}
