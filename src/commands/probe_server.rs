//! `direkt probe-server`: the outside vantage point (address echo). The lab runs it inside its
//! internet namespace.

use std::net::SocketAddr;
use std::process::ExitCode;

use crate::commands::block_on;
use crate::error::Result;
use crate::probe::server::{Limits, serve};

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
}

pub fn run(args: &ProbeServerArgs) -> Result<ExitCode> {
    let limits = Limits {
        max_connections: args.max_connections.max(1),
        ..Limits::default()
    };
    block_on(serve(&args.listen, limits))??;
    Ok(ExitCode::SUCCESS)
}
