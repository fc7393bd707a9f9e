//! The one way direkt's listeners accept connections.
//!
//! `accept` fails for reasons that pass (EMFILE/ENFILE when file descriptors run out, ENOBUFS,
//! a connection reset before it was taken): a loop that retries at once spins a core until the
//! condition clears, and a loop that ends on the error stops serving. Here the loop waits,
//! 50 ms at first and doubling up to 1 s, and says so once per run of errors.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// The first wait after a failed accept.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The waits after consecutive failed accepts: 50, 100, 200, ... ms up to 1 s.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    failures: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            next: FIRST_BACKOFF,
            failures: 0,
        }
    }
}

impl Backoff {
    /// How long to wait after one more failure.
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(MAX_BACKOFF);
        self.failures += 1;
        wait
    }

    /// Whether the failure just recorded is the first of its run (the one to log).
    pub fn first(&self) -> bool {
        self.failures == 1
    }
}

/// The next connection on `listener`. Errors are waited out (see the module doc), never
/// returned, so an accept loop is `loop { let (s, peer) = accept(&l).await; ... }`.
pub async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut backoff = Backoff::default();
    loop {
        match listener.accept().await {
            Ok(c) => {
                if backoff.failures > 0 {
                    tracing::debug!(failures = backoff.failures, "accepting again");
                }
                return c;
            }
            Err(e) => {
                let wait = backoff.failed();
                if backoff.first() {
                    let addr = listener.local_addr().ok();
                    tracing::warn!(?addr, "cannot accept connections ({e}); retrying");
                } else {
                    tracing::debug!(%e, ?wait, "accept failed again");
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_to_one_second_and_logs_once() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..7).map(|_| b.failed().as_millis() as u64).collect();
        assert_eq!(waits, vec![50, 100, 200, 400, 800, 1000, 1000]);
        let mut b = Backoff::default();
        b.failed();
        assert!(b.first());
        b.failed();
        assert!(!b.first());
    }

    #[tokio::test]
    async fn accept_hands_out_connections() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let client = tokio::spawn(async move { TcpStream::connect(addr).await.unwrap() });
        let (_s, peer) = accept(&l).await;
        let c = client.await.unwrap();
        assert_eq!(peer, c.local_addr().unwrap());
    }
}
