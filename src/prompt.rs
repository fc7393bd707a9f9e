//! The one prompting seam. Every question `setup` asks goes through [`Prompter`], each with a
//! stable key (the key in an answers file), a default and a help text. Three implementations:
//! a terminal one (dialoguer), an unattended one (`--yes` / `--answers FILE` / flags) that never
//! prompts, and a scripted one for unit tests. Because there is only this seam, `--yes` cannot
//! miss a prompt.

#[cfg(test)]
use std::collections::VecDeque;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Secret;
use crate::error::{Error, Result};

/// One question: its answer key, what the user sees, and why it is asked.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// The key in an answers file (`name`, `ddns.provider`, ...).
    pub key: &'a str,
    pub prompt: &'a str,
    /// One or two plain sentences shown before the prompt on a terminal.
    pub help: &'a str,
}

/// A choice in a [`Prompter::select`]: the value written in answers files, and its label.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    pub value: &'a str,
    pub label: &'a str,
}

/// A validator for free-text answers: `Err` carries the message shown to the user.
pub type Validate<'a> = &'a dyn Fn(&str) -> std::result::Result<(), String>;

/// Where answers come from.
pub trait Prompter {
    /// Free text; `default` is taken on an empty answer.
    fn input(&mut self, q: Question, default: Option<&str>, validate: Validate) -> Result<String>;
    /// Yes or no.
    fn confirm(&mut self, q: Question, default: bool) -> Result<bool>;
    /// One of `choices`; returns its index.
    fn select(&mut self, q: Question, choices: &[Choice], default: usize) -> Result<usize>;
    /// A secret, never echoed. `current` (from an earlier setup) is kept on an empty answer.
    fn password(&mut self, q: Question, current: Option<&Secret>) -> Result<Secret>;
    /// Whether a person is answering (decides spinners and wording).
    fn interactive(&self) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Terminal

/// Prompts on the terminal (stderr) with dialoguer.
pub struct TerminalPrompter {
    theme: Box<dyn dialoguer::theme::Theme>,
    color: bool,
}

impl TerminalPrompter {
    pub fn new(color: bool) -> TerminalPrompter {
        restore_terminal_on_interrupt();
        let theme: Box<dyn dialoguer::theme::Theme> = if color {
            Box::new(dialoguer::theme::ColorfulTheme::default())
        } else {
            Box::new(dialoguer::theme::SimpleTheme)
        };
        TerminalPrompter { theme, color }
    }

    fn help(&self, q: &Question) {
        if q.help.is_empty() {
            return;
        }
        let text = if self.color {
            format!("\x1b[2m{}\x1b[0m", q.help)
        } else {
            q.help.to_string()
        };
        eprintln!("{text}");
    }
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::failed(format!("cannot read the answer from the terminal: {e}"))
        .hint("run setup in a terminal, or unattended with --yes / --answers FILE")
}

impl Prompter for TerminalPrompter {
    fn input(&mut self, q: Question, default: Option<&str>, validate: Validate) -> Result<String> {
        self.help(&q);
        let mut input = dialoguer::Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(q.prompt)
            .allow_empty(default.is_some())
            .validate_with(|s: &String| -> std::result::Result<(), String> {
                if s.is_empty() && default.is_some() {
                    return Ok(());
                }
                validate(s)
            });
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        let answer = input.interact_text().map_err(prompt_error)?;
        Ok(match (answer.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => answer.trim().to_string(),
        })
    }

    fn confirm(&mut self, q: Question, default: bool) -> Result<bool> {
        self.help(&q);
        dialoguer::Confirm::with_theme(self.theme.as_ref())
            .with_prompt(q.prompt)
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    fn select(&mut self, q: Question, choices: &[Choice], default: usize) -> Result<usize> {
        self.help(&q);
        let labels: Vec<&str> = choices.iter().map(|c| c.label).collect();
        dialoguer::Select::with_theme(self.theme.as_ref())
            .with_prompt(q.prompt)
            .items(&labels)
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    fn password(&mut self, q: Question, current: Option<&Secret>) -> Result<Secret> {
        self.help(&q);
        let prompt = if current.is_some() {
            format!("{} (Enter keeps the current one)", q.prompt)
        } else {
            q.prompt.to_string()
        };
        loop {
            let answer = dialoguer::Password::with_theme(self.theme.as_ref())
                .with_prompt(&prompt)
                .allow_empty_password(true)
                .interact()
                .map_err(prompt_error)?;
            match (answer.is_empty(), current) {
                (true, Some(c)) => return Ok(c.clone()),
                (true, None) => eprintln!("An answer is needed here."),
                (false, _) => return Ok(Secret::new(answer.trim())),
            }
        }
    }

    fn interactive(&self) -> bool {
        true
    }
}

/// Ctrl-C during a prompt: console restores the terminal mode and raises SIGINT; dialoguer may
/// have hidden the cursor. Show it again and leave with 130. Nothing is half-written because
/// setup writes the config and secrets only at its very end.
fn restore_terminal_on_interrupt() {
    extern "C" fn on_interrupt(_: libc::c_int) {
        const MSG: &[u8] = b"\x1b[?25h\ninterrupted: nothing was written\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; MSG is a static buffer.
        unsafe {
            libc::write(2, MSG.as_ptr().cast(), MSG.len());
            libc::_exit(130);
        }
    }
    // SAFETY: installing a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Unattended

/// Answers given up front: an answers file, flags, the environment.
#[derive(Debug, Clone, Default)]
pub struct Answers(BTreeMap<String, Answer>);

/// One given answer.
#[derive(Debug, Clone)]
pub enum Answer {
    Text(String),
    Bool(bool),
    Secret(Secret),
}

impl Answers {
    /// Read a TOML answers file: keys as in the README (`name = "..."`, `[ddns] provider = ...`).
    /// Nested tables become dotted keys. Keys not in `known` are refused (a typo must not be
    /// silently ignored); values of `secret_keys` become [`Secret`]s.
    pub fn from_file(path: &Path, known: &[&str], secret_keys: &[&str]) -> Result<Answers> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!("cannot read answers file {}: {e}", path.display()))
                .hint("check the path given to --answers")
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            // The message may quote a line holding a secret: give only the position.
            let at = e
                .span()
                .map(|s| format!(" at byte {}", s.start))
                .unwrap_or_default();
            Error::usage(format!(
                "answers file {} is not valid TOML{at}",
                path.display()
            ))
            .hint("write `key = value` lines, e.g. name = \"box.example.org\"")
        })?;
        let mut answers = Answers::default();
        let mut flat = vec![];
        flatten("", &table, &mut flat);
        for (key, value) in flat {
            if !known.contains(&key.as_str()) {
                return Err(Error::usage(format!(
                    "answers file {}: unknown key `{key}`",
                    path.display()
                ))
                .hint(format!("known keys: {}", known.join(", "))));
            }
            let answer = match value {
                toml::Value::String(s) if secret_keys.contains(&key.as_str()) => {
                    Answer::Secret(Secret::new(s))
                }
                toml::Value::String(s) => Answer::Text(s),
                toml::Value::Boolean(b) => Answer::Bool(b),
                toml::Value::Integer(n) => Answer::Text(n.to_string()),
                toml::Value::Array(items) => Answer::Text(
                    items
                        .iter()
                        .map(|v| match v {
                            toml::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                other => {
                    return Err(Error::usage(format!(
                        "answers file {}: `{key}` has an unsupported value {other}",
                        path.display()
                    ))
                    .hint("use a string, a number, true/false or a list"));
                }
            };
            answers.0.insert(key, answer);
        }
        Ok(answers)
    }

    /// Add an answer (from a flag or the environment); later calls win.
    pub fn set(&mut self, key: &str, answer: Answer) {
        self.0.insert(key.to_string(), answer);
    }

    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.0.get(key)
    }

    /// The answer as text (secrets excepted).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Answer::Text(s) => Some(s.clone()),
            Answer::Bool(b) => Some(b.to_string()),
            Answer::Secret(_) => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }
}

/// The unattended prompter: `--yes`, `--answers FILE`, flags and environment. Never prompts: an
/// answer given wins, else the question's default; a question with neither is a usage error
/// naming its key.
#[derive(Debug, Default)]
pub struct AnswersPrompter {
    answers: Answers,
    /// Which keys were asked (for `--dry-run` and tests).
    asked: BTreeSet<String>,
}

impl AnswersPrompter {
    pub fn new(answers: Answers) -> AnswersPrompter {
        AnswersPrompter {
            answers,
            asked: BTreeSet::new(),
        }
    }

    fn take(&mut self, key: &str) -> Option<Answer> {
        self.asked.insert(key.to_string());
        self.answers.get(key).cloned()
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            other => out.push((key, other.clone())),
        }
    }
}

fn no_answer(key: &str) -> Error {
    Error::usage(format!(
        "setup needs an answer for `{key}` and there is no default"
    ))
    .hint(format!(
        "give it in the answers file (`{key} = ...`), or as the matching flag (see `direkt setup \
         --help`)"
    ))
}

fn bad_answer(key: &str, why: &str) -> Error {
    Error::usage(format!("the answer for `{key}` is not valid: {why}"))
        .hint("fix it in the answers file or the flag and run again; nothing was changed")
}

impl Prompter for AnswersPrompter {
    fn input(&mut self, q: Question, default: Option<&str>, validate: Validate) -> Result<String> {
        let value = match self.take(q.key) {
            Some(Answer::Text(s)) => s,
            Some(Answer::Bool(b)) => b.to_string(),
            Some(Answer::Secret(_)) => return Err(bad_answer(q.key, "expected plain text")),
            None => default.ok_or_else(|| no_answer(q.key))?.to_string(),
        };
        validate(&value).map_err(|why| bad_answer(q.key, &why))?;
        Ok(value)
    }

    fn confirm(&mut self, q: Question, default: bool) -> Result<bool> {
        match self.take(q.key) {
            Some(Answer::Bool(b)) => Ok(b),
            Some(Answer::Text(s)) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" => Ok(true),
                "false" | "no" | "n" | "0" => Ok(false),
                _ => Err(bad_answer(q.key, "expected true or false")),
            },
            Some(Answer::Secret(_)) => Err(bad_answer(q.key, "expected true or false")),
            None => Ok(default),
        }
    }

    fn select(&mut self, q: Question, choices: &[Choice], default: usize) -> Result<usize> {
        match self.take(q.key) {
            Some(Answer::Text(s)) => choices
                .iter()
                .position(|c| c.value.eq_ignore_ascii_case(s.trim()))
                .ok_or_else(|| {
                    let values: Vec<&str> = choices.iter().map(|c| c.value).collect();
                    bad_answer(q.key, &format!("`{s}` is not one of {}", values.join(", ")))
                }),
            Some(_) => Err(bad_answer(q.key, "expected one of the listed values")),
            None => Ok(default),
        }
    }

    fn password(&mut self, q: Question, current: Option<&Secret>) -> Result<Secret> {
        match self.take(q.key) {
            Some(Answer::Secret(s)) => Ok(s),
            Some(Answer::Text(s)) => Ok(Secret::new(s)),
            Some(Answer::Bool(_)) => Err(bad_answer(q.key, "expected text")),
            None => current.cloned().ok_or_else(|| {
                let env = q
                    .key
                    .split_once('.')
                    .map(|(s, k)| crate::config::env_name(s, k))
                    .unwrap_or_default();
                Error::usage(format!(
                    "setup needs the secret `{}` and none is set",
                    q.key
                ))
                .hint(format!(
                    "set the environment variable {env}, or put `{} = \"...\"` in the answers \
                     file (keep that file private)",
                    q.key
                ))
            }),
        }
    }

    fn interactive(&self) -> bool {
        false
    }
}

// ---------------------------------------------------------------------------------------------
// Scripted (unit tests)

/// Answers given in order, each naming the key it expects; a question out of order fails the
/// test with both keys. `None` takes the default.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    script: VecDeque<(String, Option<String>)>,
    pub asked: Vec<String>,
}

#[cfg(test)]
impl ScriptedPrompter {
    pub fn new<'a>(script: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        ScriptedPrompter {
            script: script
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect(),
            asked: vec![],
        }
    }

    fn next(&mut self, key: &str) -> Result<Option<String>> {
        self.asked.push(key.to_string());
        let (want, answer) = self
            .script
            .pop_front()
            .ok_or_else(|| Error::failed(format!("script ended, but `{key}` was asked")))?;
        if want != key {
            return Err(Error::failed(format!(
                "script expected `{want}`, but `{key}` was asked"
            )));
        }
        Ok(answer)
    }

    /// Whether every scripted answer was used.
    pub fn finished(&self) -> bool {
        self.script.is_empty()
    }
}

#[cfg(test)]
impl Prompter for ScriptedPrompter {
    fn input(&mut self, q: Question, default: Option<&str>, validate: Validate) -> Result<String> {
        let v = match self.next(q.key)? {
            Some(v) => v,
            None => default.ok_or_else(|| no_answer(q.key))?.to_string(),
        };
        validate(&v).map_err(|why| bad_answer(q.key, &why))?;
        Ok(v)
    }
    fn confirm(&mut self, q: Question, default: bool) -> Result<bool> {
        Ok(match self.next(q.key)? {
            Some(v) => v == "true" || v == "yes",
            None => default,
        })
    }
    fn select(&mut self, q: Question, choices: &[Choice], default: usize) -> Result<usize> {
        match self.next(q.key)? {
            Some(v) => choices
                .iter()
                .position(|c| c.value == v)
                .ok_or_else(|| bad_answer(q.key, &format!("`{v}` is not a choice"))),
            None => Ok(default),
        }
    }
    fn password(&mut self, q: Question, current: Option<&Secret>) -> Result<Secret> {
        match self.next(q.key)? {
            Some(v) => Ok(Secret::new(v)),
            None => current.cloned().ok_or_else(|| no_answer(q.key)),
        }
    }
    fn interactive(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(key: &str) -> Question<'_> {
        Question {
            key,
            prompt: "?",
            help: "",
        }
    }

    #[test]
    fn unattended_takes_defaults_and_names_a_missing_key() {
        let mut p = AnswersPrompter::default();
        let ok = |_: &str| Ok(());
        assert_eq!(p.input(q("ports"), Some("443"), &ok).unwrap(), "443");
        assert!(p.confirm(q("schedule"), true).unwrap());
        let e = p.input(q("name"), None, &ok).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("`name`"), "{}", e.message());
        let e = p.password(q("ddns.token"), None).unwrap_err();
        assert!(e.message().contains("`ddns.token`"), "{}", e.message());
    }

    #[test]
    fn answers_file_is_flattened_validated_and_typed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.toml");
        std::fs::write(
            &f,
            "name = \"box.example.org\"\nschedule = false\n[ddns]\nprovider = \"duckdns\"\ntoken = \"s3cret\"\n[ports]\nforward = [443, \"80\"]\n",
        )
        .unwrap();
        let known = [
            "name",
            "schedule",
            "ddns.provider",
            "ddns.token",
            "ports.forward",
        ];
        let mut p = AnswersPrompter::new(Answers::from_file(&f, &known, &["ddns.token"]).unwrap());
        let ok = |_: &str| Ok(());
        assert_eq!(p.input(q("name"), None, &ok).unwrap(), "box.example.org");
        assert!(!p.confirm(q("schedule"), true).unwrap());
        let choices = [
            Choice {
                value: "rfc2136",
                label: "a",
            },
            Choice {
                value: "duckdns",
                label: "b",
            },
        ];
        assert_eq!(p.select(q("ddns.provider"), &choices, 0).unwrap(), 1);
        assert_eq!(
            p.password(q("ddns.token"), None).unwrap().expose(),
            "s3cret"
        );
        assert_eq!(p.input(q("ports.forward"), None, &ok).unwrap(), "443,80");

        std::fs::write(&f, "nmae = \"x\"\n").unwrap();
        let e = Answers::from_file(&f, &known, &[]).unwrap_err();
        assert!(
            e.message().contains("unknown key `nmae`"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn a_bad_answer_is_a_usage_error_with_the_key() {
        let mut a = Answers::default();
        a.set("name", Answer::Text("bad..name".into()));
        let mut p = AnswersPrompter::new(a);
        let validate = |s: &str| {
            s.parse::<crate::config::DomainName>()
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        let e = p.input(q("name"), None, &validate).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("`name`"));
    }

    #[test]
    fn scripted_prompter_checks_the_order() {
        let mut p = ScriptedPrompter::new([("name", Some("box.example.org")), ("schedule", None)]);
        let ok = |_: &str| Ok(());
        assert_eq!(p.input(q("name"), None, &ok).unwrap(), "box.example.org");
        let e = p.confirm(q("other"), true).unwrap_err();
        assert!(e.message().contains("expected `schedule`"));
    }
}
