//! 邀请链接 on the server: the token (a MAC over the stored link, see
//! `invite_link::rules`), the QR code, 【重新生成】, the landing check of
//! `/kkjrh5/i/TOKEN`, and the notifier pass that issues links for new
//! waiting invitations and sends their queued SMS.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::invite_link::model::InviteLinkView;
use crate::audit::rules::AuditOutcome;
use crate::invite_link::rules::{self as link, InviteLink, LinkRefusal};
use crate::kernel::{MobilePhone, Timestamp};
use crate::error::{AppError, AppResult};
use crate::context::Ctx;
use crate::invitation::store::StoredInvitation;

use crate::auth::service::audit;
use crate::invitation::service::{inviter_from_session, visible, Viewer};

/// The lease name of the notifier job.
pub const NOTIFIER_JOB: &str = "invite-link-notifier";
/// Sending gives up on an SMS after this many failed tries.
pub const MAX_SMS_ATTEMPTS: u32 = 5;

fn token_of(ctx: &Ctx, l: &InviteLink) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&ctx.api.master_key).expect("HMAC takes any key length");
    mac.update(l.mac_message().as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn url_of(ctx: &Ctx, token: &str) -> String {
    format!("{}/kkjrh5/i/{token}", ctx.links.public_url.trim_end_matches('/'))
}

/// The link as an SVG QR code (drawn on the server: no external service).
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Queues the SMS with this link for the use unit's 法定代表人 and 财务负责人
/// (each phone at most once per invitation per day). Returns how many were queued.
async fn queue_sms(ctx: &Ctx, i: &StoredInvitation, l: &InviteLink, token: &str, now: Timestamp) -> AppResult<u32> {
    let people = ctx.store.bound_people(i.use_enterprise_id).await?;
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let text = link::sms_text(&direct, &url_of(ctx, token), l.expires_at);
    let mut queued = 0;
    for phone in link::recipients(people.iter().filter(|p| p.bound).map(|p| (p.identity, p.phone.as_str()))) {
        if ctx.store.queue_invite_sms(i.id, &phone, link::sms_day(now), &text, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Issues the link of `i` for its current step unless one exists (another
/// process may have got there first) and queues its SMS: the link, its token
/// and how many SMS were queued, or None.
async fn issue_if_absent(ctx: &Ctx, i: &StoredInvitation, now: Timestamp) -> AppResult<Option<(InviteLink, String, u32)>> {
    let Ok(l) = InviteLink::issue(i.id, &i.status, ctx.secrets.random_token(), now, ctx.links.ttl_days) else { return Ok(None) };
    let token = token_of(ctx, &l);
    if !ctx.store.add_invite_link(&l, &ctx.secrets.hash_token(&token)).await? {
        return Ok(None);
    }
    let queued = queue_sms(ctx, i, &l, &token, now).await?;
    Ok(Some((l, token, queued)))
}

/// A fresh link for `i` (a new salt), stored in place of any older one.
async fn put_new(ctx: &Ctx, i: &StoredInvitation, now: Timestamp) -> AppResult<(InviteLink, String)> {
    let l = InviteLink::issue(i.id, &i.status, ctx.secrets.random_token(), now, ctx.links.ttl_days).map_err(|r| AppError::Refused(r.message().into()))?;
    let token = token_of(ctx, &l);
    ctx.store.put_invite_link(&l, &ctx.secrets.hash_token(&token)).await?;
    Ok((l, token))
}

/// The current link of `i`, issuing one (and queuing its SMS) when it has none for this step.
async fn current(ctx: &Ctx, i: &StoredInvitation, now: Timestamp) -> AppResult<Option<(InviteLink, String)>> {
    if !link::needs_use_unit(&i.status) {
        return Ok(None);
    }
    if let Some(l) = ctx.store.invite_link(i.id).await? {
        if l.for_status == i.status.code() {
            let token = token_of(ctx, &l);
            return Ok(Some((l, token)));
        }
    }
    if let Some(issued) = issue_if_absent(ctx, i, now).await? {
        return Ok(Some((issued.0, issued.1)));
    }
    // Another process issued it a moment ago: take that one.
    Ok(ctx.store.invite_link(i.id).await?.map(|l| {
        let token = token_of(ctx, &l);
        (l, token)
    }))
}

fn view_of(ctx: &Ctx, l: &InviteLink, token: &str, now: Timestamp) -> InviteLinkView {
    let url = url_of(ctx, token);
    InviteLinkView { qr_svg: qr_svg(&url), url, expires_at: l.expires_at.beijing_time(), expired: now >= l.expires_at }
}

/// The link of an invitation for its direct unit or its use unit (None once the
/// invitation no longer waits for the use unit). Others: not found.
pub async fn invitation_link(ctx: &Ctx, id: i64) -> AppResult<Option<InviteLinkView>> {
    let (i, viewer) = visible(ctx, id).await?;
    if matches!(viewer, Viewer::Officer(_)) {
        return Err(AppError::NotFound);
    }
    let now = ctx.clock.now();
    Ok(current(ctx, &i, now).await?.map(|(l, token)| view_of(ctx, &l, &token, now)))
}

/// 【重新生成】 by the direct unit: a new link (new expiry); the old one stops working.
/// The new link is sent by SMS unless the person already got one today for this invitation.
pub async fn regenerate(ctx: &Ctx, id: i64) -> AppResult<InviteLinkView> {
    let (i, viewer) = visible(ctx, id).await?;
    if !matches!(viewer, Viewer::Direct) {
        return Err(AppError::NotFound);
    }
    let (by, _) = inviter_from_session(ctx).await?;
    if !link::needs_use_unit(&i.status) {
        return Err(AppError::Refused(format!("当前状态为{}，无需邀请链接", i.status.label())));
    }
    let now = ctx.clock.now();
    let (l, token) = put_new(ctx, &i, now).await?;
    queue_sms(ctx, &i, &l, &token, now).await?;
    audit(ctx, &by.actor, &by.credit_code, "重新生成邀请链接", format!("{}（{}）的接入邀请，有效期至{}", i.use_name, i.use_code, l.expires_at.beijing_time()), AuditOutcome::Success).await?;
    Ok(view_of(ctx, &l, &token, now))
}

/// Where `/kkjrh5/i/TOKEN` leads: the invitation and the use unit's credit code
/// (to pre-fill the login), or why not. `client` is the caller's address:
/// unknown tokens are counted per address and hour, and refused past the limit.
pub async fn open(ctx: &Ctx, token: &str, client: &str) -> AppResult<Result<(i64, String), LinkRefusal>> {
    let now = ctx.clock.now();
    let hour = now.0.div_euclid(3_600_000);
    let key = format!("invite-link:{client}:{hour}");
    let well_formed = token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let found = if well_formed { ctx.store.invite_link_by_hash(&ctx.secrets.hash_token(token)).await? } else { None };
    let Some(l) = found else {
        let misses = ctx.store.count_link_miss(&key, now).await?;
        return Ok(Err(if misses > link::MAX_UNKNOWN_PER_HOUR { LinkRefusal::TooMany } else { LinkRefusal::Unknown }));
    };
    let Some(i) = ctx.store.invitation(l.invitation_id).await? else { return Ok(Err(LinkRefusal::Unknown)) };
    Ok(l.check(&i.status, now).map(|id| (id, i.use_code)))
}

/// What one notifier pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NotifierPass {
    pub ran: bool,
    pub links_issued: u32,
    pub sms_queued: u32,
    pub sms_sent: u32,
    pub sms_failed: u32,
}

/// One pass of the notifier, under a lease so one server process runs it at a
/// time: issues links for invitations that newly wait for their use unit (form,
/// import and API alike, so an import of 10,000 rows stays fast) and queues their
/// SMS, then sends what is queued. Idempotent: a second pass finds nothing to do.
pub async fn notifier_pass(ctx: &Ctx, holder: &str) -> AppResult<NotifierPass> {
    let now = ctx.clock.now();
    let mut pass = NotifierPass::default();
    if !ctx.store.take_lease(NOTIFIER_JOB, holder, now, now.plus_secs(60)).await? {
        return Ok(pass);
    }
    pass.ran = true;
    for id in ctx.store.invitations_without_link(500).await? {
        let Some(i) = ctx.store.invitation(id).await? else { continue };
        if let Some((_, _, queued)) = issue_if_absent(ctx, &i, now).await? {
            pass.links_issued += 1;
            pass.sms_queued += queued;
        }
    }
    for sms in ctx.store.queued_sms(200, MAX_SMS_ATTEMPTS).await? {
        let sent = match MobilePhone::parse(&sms.phone) {
            Ok(phone) => ctx.sms.send(&phone, &sms.text, now).await.is_ok(),
            Err(_) => false,
        };
        if sent {
            ctx.store.sms_sent(sms.id, now).await?;
            pass.sms_sent += 1;
        } else {
            ctx.store.sms_failed(sms.id, now).await?;
            pass.sms_failed += 1;
        }
    }
    Ok(pass)
}
