//! 【消息中心】: the signed-in person's messages, unread count and read markers. Only
//! messages of the person's own unit, and of the modules the person uses, are ever
//! read or marked (`Reader`): another unit's message id is simply not found.

use crate::message::rules::{readable_modules, MessageKind, PAGE_SIZE, UNREAD_CAP};
use crate::kernel::TaxpayerSession;
use crate::error::{AppError, AppResult};
use crate::message::model::{MessagePage, MessageRow};
use crate::context::Ctx;
use crate::message::store::{MessageFilter, Reader, StoredMessage};

use crate::accounts::service::require_taxpayer;

fn reader_of(t: &TaxpayerSession) -> AppResult<Reader> {
    let modules = readable_modules(&t.grants).ok_or_else(|| {
        AppError::Refused(format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", crate::kernel::Module::LeqiMessages.label()))
    })?;
    Ok(Reader { enterprise_id: t.enterprise_id, person_id: t.person_id, modules })
}

async fn reader(ctx: &Ctx) -> AppResult<Reader> {
    reader_of(&require_taxpayer(ctx).await?)
}

fn row(m: StoredMessage) -> MessageRow {
    MessageRow { id: m.id, kind: m.kind, title: m.title, body: m.body, link: m.link, at: m.at.beijing_time(), read: m.read }
}

pub async fn list(ctx: &Ctx, kind: Option<MessageKind>, unread_only: bool, before: Option<i64>) -> AppResult<MessagePage> {
    let r = reader(ctx).await?;
    let filter = MessageFilter { kind, unread_only, before_id: before, limit: PAGE_SIZE + 1 };
    let mut rows = ctx.store.messages(&r, &filter).await?;
    let next_before = if rows.len() > PAGE_SIZE as usize {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|m| m.id)
    } else {
        None
    };
    let unread = ctx.store.unread_count(&r, UNREAD_CAP).await?;
    Ok(MessagePage { rows: rows.into_iter().map(row).collect(), unread, next_before })
}

/// The header's count; 0 for a person who does not use 消息中心 (the badge is hidden).
pub async fn unread(ctx: &Ctx) -> AppResult<u32> {
    let t = require_taxpayer(ctx).await?;
    match reader_of(&t) {
        Ok(r) => Ok(ctx.store.unread_count(&r, UNREAD_CAP).await?),
        Err(_) => Ok(0),
    }
}

/// 标为已读 (`ids` at most one page); returns the new unread count.
pub async fn mark_read(ctx: &Ctx, ids: &[i64]) -> AppResult<u32> {
    let r = reader(ctx).await?;
    if ids.is_empty() || ids.len() > 100 {
        return Err(AppError::Refused("请选择 1 至 100 条消息".into()));
    }
    ctx.store.mark_read(&r, ids, ctx.clock.now()).await?;
    Ok(ctx.store.unread_count(&r, UNREAD_CAP).await?)
}

/// 全部标为已读, up to the newest message the page showed; returns the new unread count.
pub async fn mark_all_read(ctx: &Ctx, up_to: i64) -> AppResult<u32> {
    let r = reader(ctx).await?;
    ctx.store.mark_all_read(&r, up_to, ctx.clock.now()).await?;
    Ok(ctx.store.unread_count(&r, UNREAD_CAP).await?)
}

pub async fn h5_lines(ctx: &Ctx) -> AppResult<(u32, Vec<(i64, String)>)> {
    let t = require_taxpayer(ctx).await?;
    let Ok(r) = reader_of(&t) else { return Ok((0, vec![])) };
    let filter = MessageFilter { kind: None, unread_only: true, before_id: None, limit: PAGE_SIZE };
    let rows = ctx.store.messages(&r, &filter).await?;
    let n = ctx.store.unread_count(&r, UNREAD_CAP).await?;
    Ok((n, rows.into_iter().map(|m| (m.id, format!("【{}】{} · {}", m.kind.label(), m.title, m.at.beijing_time()))).collect()))
}
