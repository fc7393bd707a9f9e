//! What goes where: data on stdout (human or JSON), status and errors on stderr, colour only
//! when wanted.

use std::io::{IsTerminal, Write};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::error::Error;

/// Decides how to print. Commands print data with [`Printer::data`] / [`Printer::json`] and
/// progress or notes with [`Printer::status`].
#[derive(Debug, Clone)]
pub struct Printer {
    pub color: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// stderr is a terminal (spinners and prompts are allowed).
    pub interactive: bool,
    /// A JSON document went to stdout (shared by clones), so a failure adds no second one.
    json_printed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[derive(Debug, Clone, Copy)]
pub enum Style {
    Bold,
    Dim,
    Green,
    Yellow,
    Red,
    Cyan,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        Printer {
            color,
            quiet: global.quiet,
            verbose: global.verbose,
            interactive: std::io::stderr().is_terminal(),
            json_printed: Default::default(),
        }
    }

    /// A plain printer for tests and library use.
    pub fn plain() -> Printer {
        Printer {
            color: false,
            quiet: false,
            verbose: 0,
            interactive: false,
            json_printed: Default::default(),
        }
    }

    pub fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Cyan => "36",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Data for the user: stdout. Printed even with `-q` (it was asked for).
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
    }

    /// A JSON document on stdout.
    pub fn json<T: serde::Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).expect("JSON encoding of plain data");
        self.json_printed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.data(&text);
    }

    /// The failure as the one JSON document of a `--json` run that ended before printing its
    /// own: `{"error": {"kind", "message", "hint"}, "exit_code"}`.
    pub fn json_failure(&self, err: &Error) {
        if self.json_printed.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        self.json(&serde_json::json!({
            "error": {
                "kind": err.kind(),
                "message": err.message(),
                "hint": err.hint_text(),
            },
            "exit_code": err.exit_code(),
        }));
    }

    /// A status note on stderr; silenced by `-q`.
    pub fn status(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    /// A warning on stderr; silenced by `-q`.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let label = self.paint(Style::Yellow, "warning:");
            let _ = writeln!(std::io::stderr().lock(), "{label} {text}");
        }
    }

    /// An error with its hint (and causes with `-v`), on stderr. Never silenced.
    pub fn error(&self, err: &Error) {
        let mut e = std::io::stderr().lock();
        let label = self.paint(Style::Red, "error:");
        let _ = writeln!(e, "{label} {err}");
        if self.verbose > 0 {
            for cause in err.causes().iter().skip(1) {
                let _ = writeln!(e, "  caused by: {cause}");
            }
        }
        if let Some(h) = err.hint_text() {
            let label = self.paint(Style::Cyan, "hint:");
            let _ = writeln!(e, "{label} {h}");
        }
    }
}
