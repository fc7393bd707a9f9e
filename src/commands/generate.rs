//! `direkt generate`: refresh `completions/` and `man/` from the clap definitions.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::{Context, Result};
use crate::output::Printer;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Directory that receives completions/ and man/
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

pub async fn run(args: &GenerateArgs, p: &Printer) -> Result<ExitCode> {
    for (rel, bytes) in crate::generate::files() {
        let path = args.out.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).failed(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).failed(|| format!("writing {}", path.display()))?;
        p.status(&format!("wrote {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}
