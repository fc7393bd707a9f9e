//! The credentials check `setup` runs before it writes anything: one harmless change at the
//! provider that proves the secret works.

use super::Failure;
use crate::config::Settings;
use crate::error::Result;

/// Check the DNS provider's credentials before setup goes on: add and remove a TXT value at
/// `_acme-challenge.<name>` (what DNS-01 needs anyway; the A record is not touched). Providers
/// without TXT support (dyndns2) are checked by publishing the address itself.
pub async fn check(settings: &Settings) -> Result<()> {
    let config = settings.require()?;
    let provider = super::provider_from_settings(settings)?;
    let fqdn = format!("_acme-challenge.{}", config.name);
    let value = "direkt-setup-credentials-check";
    let result = async {
        match provider.set_txt(&fqdn, value).await {
            Ok(()) => provider.remove_txt(&fqdn, value).await.map(|_| true),
            Err(e) if e.failure == Failure::Unsupported => Ok(false),
            Err(e) => Err(e),
        }
    }
    .await;
    match result {
        Ok(true) => Ok(()),
        Ok(false) => {
            let lock = crate::state::StateDir::new(&settings.paths.state_dir)
                .lock(crate::state::DEFAULT_LOCK_WAIT)?;
            let mut state = lock.load()?;
            let opts = super::UpdateOptions {
                force: true,
                dry_run: false,
            };
            let report = super::update(settings, &lock, &mut state, &opts).await?;
            report.result()
        }
        Err(e) => Err(e.into()),
    }
}
