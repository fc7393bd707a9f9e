//! The async runtime. `main_entry` builds one per process, before any command runs, and every
//! command and job below it is async on that runtime.
//!
//! It is a current-thread runtime: commands are short-lived and mostly wait on the network, so
//! one thread keeps start-up time and memory low (a cron no-op stays cheap) while independent
//! network work (renew's parts, doctor's checks) still overlaps.

use std::future::Future;

use crate::error::{Error, Result};

/// The one place a runtime is built.
pub fn build() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))
}

/// Run `fut` on a fresh runtime on the calling thread, which must not already run one.
///
/// Only for threads the process runtime cannot serve: a lab helper thread entered into a
/// network namespace (`setns` is per thread, so a socket opened by the main runtime's thread
/// would live in the wrong namespace).
pub fn block_on_here<F: Future>(fut: F) -> Result<F::Output> {
    Ok(build()?.block_on(fut))
}

/// Run the future `make` builds on a fresh runtime in a scoped helper thread, and wait for it.
///
/// For synchronous code that is itself called from inside the process runtime and needs one
/// async answer (setup's wizard asks for the credentials check through a plain callback):
/// blocking the runtime's own thread on it would deadlock, so the work gets its own thread.
pub fn block_on_thread<F, M>(make: M) -> Result<F::Output>
where
    M: FnOnce() -> F + Send,
    F: Future,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| block_on_here(make()))
            .join()
            .unwrap_or_else(|_| Err(Error::failed("the helper thread panicked")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_callback_inside_the_runtime_gets_its_answer() {
        let rt = build().unwrap();
        let got = rt.block_on(async {
            // What setup's wizard does: a plain function, called from async code.
            block_on_thread(|| async {
                tokio::task::yield_now().await;
                42
            })
            .unwrap()
        });
        assert_eq!(got, 42);
    }
}
