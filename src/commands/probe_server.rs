//! `direkt probe-server`: the outside vantage point. Answers "what is my address" and, on
//! request, connects back to the requester's own address (never anywhere else). The lab runs
//! it inside its internet namespace.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::HumanDuration;
use crate::error::{Error, Result};
use crate::probe::server::{Limits, PortSet, serve, tls_acceptor};

#[derive(Debug, clap::Args)]
pub struct ProbeServerArgs {
    /// Address to listen on (repeat for several, e.g. an IPv4 and an IPv6 one)
    #[arg(
        long,
        value_name = "ADDR",
        required = true,
        default_value = "0.0.0.0:8080"
    )]
    pub listen: Vec<SocketAddr>,

    /// At most this many connections at once (further ones wait)
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,

    /// At most this many connections at once from one source address (IPv6: its /64); more
    /// are answered 429 and closed at once
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub max_connections_per_source: usize,

    /// Ports a connect-back check may target, e.g. 80,443,1024-65535
    #[arg(long, default_value_t = PortSet::default(), value_name = "PORTS")]
    pub allow_ports: PortSet,

    /// Requests one source address (IPv6: its /64) may make per minute
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub rate: u32,

    /// Requests one source may make at once before the per-minute rate applies
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub burst: u32,

    /// Connect-back checks running at once, over all sources
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_checks: usize,

    /// Timeout of each connect-back (connect plus exchange)
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub check_timeout: HumanDuration,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key for --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

pub async fn run(args: &ProbeServerArgs) -> Result<ExitCode> {
    if args.check_timeout.0.is_zero() || args.check_timeout.0.as_secs() > 30 {
        return Err(Error::usage("--check-timeout must be between 1ms and 30s")
            .hint("the default 2s suits most networks"));
    }
    let limits = Limits {
        max_connections: args.max_connections.max(1),
        max_connections_per_source: args.max_connections_per_source.max(1),
        allowed_ports: args.allow_ports.clone(),
        per_minute: args.rate.max(1),
        burst: args.burst.max(1),
        max_checks: args.max_checks.max(1),
        check_timeout: args.check_timeout.0,
        ..Limits::default()
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some(tls_acceptor(c, k)?),
        _ => None,
    };
    serve(&args.listen, limits, tls).await?;
    Ok(ExitCode::SUCCESS)
}
