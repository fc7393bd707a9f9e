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
    const ALL: [ErrorKind; 4] = [
        ErrorKind::Failed,
        ErrorKind::Usage,
        ErrorKind::CheckFailed,
        ErrorKind::NeedsUser,
    ];

    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::CheckFailed => 3,
            ErrorKind::NeedsUser => 4,
        }
    }

    /// How bad this is when several results make one exit code ("worst wins"): a latch that
    /// needs the user over a failing doctor check over a usage error over a failure that the
    /// next run may fix. (It is the exit codes' order, written out so no one relies on it.)
    pub fn severity(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::CheckFailed => 3,
            ErrorKind::NeedsUser => 4,
        }
    }

    pub fn from_exit_code(code: u8) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.exit_code() == code)
    }
}

/// A command's (or one part's) exit code: 0, the code of an [`ErrorKind`], or a code direkt
/// does not give itself (a child that crashed). Combined with [`ExitStatus::worst`]; JSON
/// shows the number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExitStatus(u8);

impl ExitStatus {
    pub const SUCCESS: ExitStatus = ExitStatus(0);

    pub fn code(self) -> u8 {
        self.0
    }

    pub fn is_success(self) -> bool {
        self.0 == 0
    }

    /// (rank, code): success lowest, then the kinds by severity, then foreign codes (a crash
    /// is worse than anything direkt reports), the higher of two foreign codes winning.
    fn rank(self) -> (u8, u8) {
        match (self.0, ErrorKind::from_exit_code(self.0)) {
            (0, _) => (0, 0),
            (_, Some(k)) => (k.severity(), self.0),
            (c, None) => (u8::MAX, c),
        }
    }

    /// The worse of the two; on a tie, `self`.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The worst of all, or success when there are none.
    pub fn worst_of(all: impl IntoIterator<Item = ExitStatus>) -> ExitStatus {
        all.into_iter().fold(ExitStatus::SUCCESS, ExitStatus::worst)
    }
}

impl From<ErrorKind> for ExitStatus {
    fn from(k: ErrorKind) -> Self {
        ExitStatus(k.exit_code())
    }
}

/// A child's exit code (the lab runs direkt in a namespace).
impl From<u8> for ExitStatus {
    fn from(code: u8) -> Self {
        ExitStatus(code)
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.0)
    }
}

impl PartialEq<u8> for ExitStatus {
    fn eq(&self, other: &u8) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for ExitStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
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
    pub fn exit_status(&self) -> ExitStatus {
        self.kind.into()
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
    fn the_worst_exit_wins_by_severity() {
        let s = |c: u8| ExitStatus::from(c);
        let needs_user = ExitStatus::from(ErrorKind::NeedsUser);
        let failed = ExitStatus::from(ErrorKind::Failed);
        let doctor = ExitStatus::from(ErrorKind::CheckFailed);
        assert_eq!(needs_user.worst(failed), needs_user);
        assert_eq!(failed.worst(needs_user), needs_user);
        assert_eq!(failed.worst(ExitStatus::SUCCESS), failed);
        assert_eq!(ExitStatus::SUCCESS.worst(failed), failed);
        // A failing doctor check outranks a failure and a usage error, not a latch.
        assert_eq!(failed.worst(doctor), doctor);
        assert_eq!(s(2).worst(doctor), doctor);
        assert_eq!(doctor.worst(needs_user), needs_user);
        assert_eq!(ExitStatus::worst_of([s(1), s(4), s(2), s(0)]).code(), 4);
        assert_eq!(ExitStatus::worst_of([]), ExitStatus::SUCCESS);
        // A code direkt never gives itself (a crashed child) is worse than any it gives.
        assert_eq!(needs_user.worst(s(101)).code(), 101);
        assert_eq!(s(101).worst(s(130)).code(), 130);
    }

    #[test]
    fn severity_is_the_exit_codes_order_and_codes_round_trip() {
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_exit_code(k.exit_code()), Some(k));
            for j in ErrorKind::ALL {
                assert_eq!(
                    k.severity() > j.severity(),
                    k.exit_code() > j.exit_code(),
                    "{k:?} vs {j:?}"
                );
            }
        }
        assert_eq!(ErrorKind::from_exit_code(0), None);
        assert_eq!(serde_json::to_string(&ExitStatus::from(4)).unwrap(), "4");
    }

    #[test]
    fn context_keeps_the_cause() {
        let r: std::result::Result<(), std::io::Error> = Err(std::io::Error::other("disk full"));
        let e = r.failed(|| "writing state".into()).unwrap_err();
        assert_eq!(e.message(), "writing state: disk full");
        assert_eq!(e.causes(), vec!["disk full".to_string()]);
    }
}
