//! Work the server does on its own, hourly: the audit chain is verified (a
//! broken link is logged as an error and written to the audit log itself),
//! days past the retention are pruned (never younger than 6 months), and
//! uploads nobody attached within a day are removed, and 已开通 capabilities past their
//! 有效期 are stored as 已到期.

use std::time::Duration;

use app::audit::rules::{retention_cutoff, AuditOutcome, AuditRecord};
use app::context::Ctx;

/// One round of the periodic work; returns the broken link found, if any.
pub async fn run_once(ctx: &Ctx, retention_days: i64) -> Option<app::audit::store::BrokenLink> {
    let now = ctx.clock.now();
    match app::capability::service::expire_due(ctx).await {
        Ok(n) if n > 0 => tracing::info!(n, "capabilities expired"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "expiring capabilities"),
    }
    match app::materials::service::purge_unattached(ctx).await {
        Ok(n) if n > 0 => tracing::info!(n, "unattached uploads removed"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "removing unattached uploads"),
    }
    let broken = match ctx.store.verify_audit().await {
        Ok(v) => {
            if let Some(b) = &v.first_broken {
                tracing::error!(stream = %b.stream, seq = b.seq, id = ?b.id, reason = %b.reason, "AUDIT CHAIN BROKEN");
                let record = AuditRecord::new(now, "系统", "", "审计日志校验", format!("校验链{}第{}条：{}", b.stream, b.seq, b.reason), AuditOutcome::Failure);
                let _ = ctx.store.append_audit(&record).await;
            } else {
                tracing::info!(streams = v.streams, records = v.records, "audit chain verified");
            }
            v.first_broken
        }
        Err(e) => {
            tracing::error!(error = %e, "verifying the audit chain");
            None
        }
    };
    if let Err(e) = ctx.store.prune_audit(retention_cutoff(now, retention_days), now).await {
        tracing::error!(error = %e, "pruning the audit log");
    }
    broken
}

/// Runs [`run_once`] every hour in the background.
pub fn spawn(ctx: Ctx, retention_days: i64) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            run_once(&ctx, retention_days).await;
        }
    });
}
