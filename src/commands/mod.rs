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
pub mod relay;
pub mod renew;
pub mod report;
pub mod schedule;
pub mod setup;
mod setup_end;
pub mod status;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::output::Printer;

pub async fn run(cli: Cli, printer: &Printer) -> Result<ExitCode> {
    let global = &cli.global;
    match cli.command {
        Command::Status(args) => status::run(global, &args, printer).await,
        Command::Ports(args) => ports::run(global, &args, printer).await,
        Command::Doctor(args) => doctor::run(global, &args, printer).await,
        Command::Setup(args) => setup::run(global, &args, printer).await,
        Command::Renew(args) => renew::run(global, &args, printer).await,
        Command::Ddns(args) => ddns::run(global, &args, printer).await,
        Command::Cert(args) => cert::run(global, &args, printer).await,
        Command::Relay(args) => relay::run(global, &args, printer).await,
        Command::Lab(args) => lab::run(&args, printer).await,
        Command::ProbeServer(args) => probe_server::run(&args).await,
        Command::Report(args) => report::run(global, &args, printer).await,
        Command::Schedule(args) => schedule::run(global, &args, printer).await,
        Command::Generate(args) => generate::run(&args, printer).await,
        Command::Debug(args) => debug::run(global, &args).await,
    }
}
