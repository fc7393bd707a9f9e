//! One error type for the whole tool. It owns the exit codes of design.md and the plain hint
//! shown under every error, so every command maps failures the same way.

use std::fmt;

/// What kind of failure this is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// An operation failed (network, provider, CA, I/O). Exit 1.
    Failed,
    /// Usage or configuration error; nothing was changed. Exit 2.
    Usage,
    /// `doctor` found a failing check. Exit 3.
    CheckFailed,
    /// A provider or CA refused in a way retrying cannot fix; latched. Exit 4.
    NeedsUser,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::CheckFailed => 3,
            ErrorKind::NeedsUser => 4,
        }
    }
}

/// An error with a message for the user, an optional hint saying what to do next, and the
/// underlying cause (shown with `-v`).
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    source: Option<anyhow::Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }
    /// Exit 1: an operation failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }
    /// Exit 2: bad usage or configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    /// Exit 4: needs the user (bad credentials, abuse block, unauthorized name).
    pub fn needs_user(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NeedsUser, message)
    }
    /// Exit 3: a doctor check failed.
    pub fn check_failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::CheckFailed, message)
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn source(mut self, source: impl Into<anyhow::Error>) -> Self {
        self.source = Some(source.into());
        self
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
    /// The cause chain, outermost first, for `-v` and JSON output.
    pub fn causes(&self) -> Vec<String> {
        self.source
            .as_ref()
            .map(|s| s.chain().map(|c| c.to_string()).collect())
            .unwrap_or_default()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        for c in self.causes() {
            write!(f, "\n  caused by: {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::failed(e.to_string()).source(e)
    }
}

/// Attach a message to a lower-level error, keeping it as the cause.
pub trait Context<T> {
    fn failed(self, message: impl FnOnce() -> String) -> Result<T>;
    fn usage(self, message: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E> Context<T> for std::result::Result<T, E>
where
    E: Into<anyhow::Error>,
{
    fn failed(self, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| {
            let e: anyhow::Error = e.into();
            Error::failed(format!("{}: {e}", message())).source(e)
        })
    }
    fn usage(self, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| {
            let e: anyhow::Error = e.into();
            Error::usage(format!("{}: {e}", message())).source(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_design_contract() {
        assert_eq!(Error::failed("x").exit_code(), 1);
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::check_failed("x").exit_code(), 3);
        assert_eq!(Error::needs_user("x").exit_code(), 4);
    }

    #[test]
    fn context_keeps_the_cause() {
        let r: std::result::Result<(), std::io::Error> = Err(std::io::Error::other("disk full"));
        let e = r.failed(|| "writing state".into()).unwrap_err();
        assert_eq!(e.message(), "writing state: disk full");
        assert_eq!(e.causes(), vec!["disk full".to_string()]);
    }
}
