//! One file per subcommand: build settings, call the domain, print.

pub mod cert;
pub mod ddns;
pub mod debug;
pub mod doctor;
pub mod generate;
pub mod lab;
pub mod lab_demo;
pub mod ports;
pub mod probe_server;
pub mod renew;
pub mod report;
pub mod schedule;
pub mod setup;
pub mod status;

use std::future::Future;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::output::Printer;

pub fn run(cli: Cli, printer: &Printer) -> Result<ExitCode> {
    let global = &cli.global;
    match cli.command {
        Command::Status(args) => status::run(global, &args, printer),
        Command::Ports(args) => ports::run(global, &args, printer),
        Command::Doctor(args) => doctor::run(global, &args, printer),
        Command::Setup(args) => setup::run(global, &args, printer),
        Command::Renew(args) => renew::run(global, &args, printer),
        Command::Ddns(args) => ddns::run(global, &args, printer),
        Command::Cert(args) => cert::run(global, &args, printer),
        Command::Lab(args) => lab::run(&args, printer),
        Command::ProbeServer(args) => probe_server::run(&args),
        Command::Report(args) => report::run(global, &args, printer),
        Command::Schedule(args) => schedule::run(global, &args, printer),
        Command::Generate(args) => generate::run(&args, printer),
        Command::Debug(args) => debug::run(global, &args),
    }
}

/// Run a future on a small runtime. Commands are short-lived; one thread keeps start-up and
/// memory low, and all network work is async so it still runs concurrently.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(fut))
}
