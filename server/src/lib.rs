//! Leqi Portal server: axum serving the trunk-built SPAs and the Leptos
//! server fns, with sqlx storage and the SMS / captcha adapters.

pub mod adapters;
pub mod http;
pub mod store;
pub mod captcha;
pub mod config;
pub mod demo;
pub mod invite_xlsx;
pub mod jobs;

use std::sync::Arc;

use app::context::{Ctx, Mode};
use app::context::outside::SmsGateway;

use crate::adapters::{CommandSms, OsSecrets, OutboxSmsGateway, PngCaptcha, SystemClock};
use crate::config::Config;
use crate::store::SqlStore;

/// Connects storage, loads demo data in demo mode, and wires the adapters into `Ctx`.
pub async fn build_ctx(config: &Config) -> Result<(Ctx, SqlStore), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&config.data_dir)?;
    let store = SqlStore::connect(&config.database_url).await?.with_session_cache(std::time::Duration::from_millis(config.session_cache_ms));
    let secrets = Arc::new(OsSecrets::new());
    let clock = Arc::new(SystemClock);
    if config.mode == Mode::Demo {
        use app::context::outside::Clock;
        if demo::seed(&store, secrets.as_ref(), clock.now().0).await? {
            tracing::info!("demo data loaded");
        }
    }
    load_province_rules(&store, &config.rules_dir).await?;
    let shared = Arc::new(store.clone());
    let sms: Arc<dyn SmsGateway> = match (&config.mode, &config.sms_command) {
        (Mode::Production, Some(program)) => Arc::new(CommandSms { program: program.clone() }),
        _ => Arc::new(OutboxSmsGateway { store: shared.clone() }),
    };
    let blobs = store::materials::ObjectBlobStore::local(&config.data_dir.join("materials"))?;
    let ctx = Ctx {
        store: shared,
        blobs: Arc::new(blobs),
        sms,
        captcha: Arc::new(PngCaptcha { fixed_answer: config.fixed_captcha.clone() }),
        secrets,
        clock,
        real_person: Arc::new(adapters::ConfiguredRealPerson { demo: config.mode == Mode::Demo }),
        mode: config.mode,
        secure_cookies: config.secure_cookies,
        api: app::api_credentials::store::ApiSettings { master_key: config.api_master_key.as_bytes().into(), trust_forwarded_for: config.trust_proxy },
        links: app::invite_link::store::LinkSettings { public_url: config.public_url.as_str().into(), ttl_days: config.invite_link_days },
    };
    Ok((ctx, store))
}

/// Runs the notifier (邀请链接 and their SMS, `app::invite_link::service`) every
/// `every` in the background. Safe with several server processes: a lease in the
/// database lets one of them run a pass at a time.
pub fn spawn_notifier(ctx: Ctx, every: std::time::Duration) {
    let holder = format!("{}-{}", std::process::id(), ctx.secrets.random_token());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::invite_link::service::notifier_pass(&ctx, &holder).await {
                Ok(p) if p.links_issued + p.sms_sent + p.sms_failed > 0 => {
                    tracing::info!(links = p.links_issued, queued = p.sms_queued, sent = p.sms_sent, failed = p.sms_failed, "notifier pass")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "notifier pass failed"),
            }
        }
    });
}

/// Runs the lifecycle scheduler (`app::lifecycle::service::scheduler_pass`:
/// reminders before 资格有效期至, 限制并发, 到期终止, the end of 终止服务备案) every
/// `every`. Safe with several server processes: a lease in the database lets one
/// of them run a pass at a time, and every step is guarded in the database.
pub fn spawn_lifecycle(ctx: Ctx, every: std::time::Duration) {
    let holder = format!("{}-{}", std::process::id(), ctx.secrets.random_token());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::lifecycle::service::scheduler_pass(&ctx, &holder).await {
                Ok(p) if p.reminders + p.throttled + p.terminated + p.ended > 0 => {
                    tracing::info!(reminders = p.reminders, throttled = p.throttled, terminated = p.terminated, ended = p.ended, "lifecycle pass")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "lifecycle pass failed"),
            }
        }
    });
}

/// Loads every `province-*.json` of the rules folder into the database, so the
/// rules are data: edit the file (or the table) to change a province's conditions.
pub async fn load_province_rules(store: &SqlStore, dir: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    use app::context::outside::Clock;
    use app::access::province_store::RulesStore;
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        tracing::warn!(dir = %dir.display(), "no province rules folder: rules already in the database are used");
        return Ok(0);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_rules = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("province-") && n.ends_with(".json"));
        if !is_rules {
            continue;
        }
        let rules: app::access::rules::ProvinceRules = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        store.put_province_rules(&rules, adapters::SystemClock.now()).await?;
        n += 1;
    }
    Ok(n)
}
