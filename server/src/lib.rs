//! Leqi Portal server: axum serving the trunk-built SPAs and the Leptos
//! server fns, with sqlx storage and the SMS / captcha adapters.

pub mod adapters;
pub mod captcha;
pub mod config;
pub mod demo;
pub mod store;
pub mod web;

use std::sync::Arc;

use app::ports::{Ctx, Mode, SmsGateway};

use crate::adapters::{CommandSms, OsSecrets, OutboxSmsGateway, PngCaptcha, SystemClock};
use crate::config::Config;
use crate::store::SqlStore;

/// Connects storage, loads demo data in demo mode, and wires the ports.
pub async fn build_ctx(config: &Config) -> Result<(Ctx, SqlStore), Box<dyn std::error::Error>> {
    if config.database_url.starts_with("sqlite") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let store = SqlStore::connect(&config.database_url).await?;
    let secrets = Arc::new(OsSecrets::new());
    let clock = Arc::new(SystemClock);
    if config.mode == Mode::Demo {
        use app::ports::Clock;
        if demo::seed(&store, secrets.as_ref(), clock.now().0).await? {
            tracing::info!("demo data loaded");
        }
    }
    let shared = Arc::new(store.clone());
    let sms: Arc<dyn SmsGateway> = match (&config.mode, &config.sms_command) {
        (Mode::Production, Some(program)) => Arc::new(CommandSms { program: program.clone() }),
        _ => Arc::new(OutboxSmsGateway { store: shared.clone() }),
    };
    let ctx = Ctx {
        store: shared,
        sms,
        captcha: Arc::new(PngCaptcha { fixed_answer: config.fixed_captcha.clone() }),
        secrets,
        clock,
        real_person: Arc::new(adapters::ConfiguredRealPerson { demo: config.mode == Mode::Demo }),
        mode: config.mode,
        secure_cookies: config.secure_cookies,
    };
    Ok((ctx, store))
}
