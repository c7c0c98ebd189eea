// Two server processes, one PostgreSQL (issue #16): scripts/test.sh starts a pair of servers on
// two ports against the same database (LEQI_PAIR_A, LEQI_PAIR_B). What one process stores the
// other reads: a captcha issued by A is answered (and spent) at B, an SMS code sent through A is
// read from B's outbox and accepted by B, the session B opens is A's session (and logging out at
// A ends it at B within the session cache's 1 s), five wrong passwords at A lock the account at B, and a signed API request
// accepted by A is refused as a replay by B (one nonce store). A browser logs in through A and
// goes on through B. The pair has its own database, so nothing here touches the other specs.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { APIRequestContext, expect, request as pwRequest, test } from '@playwright/test';
import { CAPTCHA, PASSWORD, SHULE, choosePerson, enterEnterprise, expectSignedIn, verifyByPassword } from './helpers';

const A = process.env.LEQI_PAIR_A ?? '';
const B = process.env.LEQI_PAIR_B ?? '';

test.skip(!A || !B, 'the server pair is started by scripts/test.sh (LEQI_PAIR_A, LEQI_PAIR_B)');

async function call(request: APIRequestContext, base: string, name: string, form: Record<string, string> = {}) {
  const res = await request.post(`${base}/api/${name}`, { form });
  return { status: res.status(), ok: res.ok(), text: await res.text() };
}

async function fn<T = any>(request: APIRequestContext, base: string, name: string, form: Record<string, string> = {}): Promise<T> {
  const r = await call(request, base, name, form);
  expect(r.ok, `${base} ${name} answered ${r.status}: ${r.text}`).toBe(true);
  return JSON.parse(r.text) as T;
}

function sign(appId: string, secret: string, method: string, path: string, body = '') {
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex');
  const canonical = [method, path, '', timestamp, nonce, bodyHash].join('\n');
  const signature = createHmac('sha256', secret).update(canonical, 'utf8').digest('base64');
  return { 'X-Leqi-AppId': appId, 'X-Leqi-Timestamp': timestamp, 'X-Leqi-Nonce': nonce, 'X-Leqi-Signature': signature };
}

// Each project (desktop, mobile) works with its own units, so the two runs share nothing.
const UNITS: Record<string, { login: { code: string; name: string; person: string; identity: string; phone: string }; locked: string }> = {
  desktop: { login: { ...SHULE, person: '王建国', identity: 'LegalRepresentative', phone: '13908000001' }, locked: '91510104MA6CLQ0158' },
  mobile: { login: { code: '91150105MA0NCY0024', name: '内蒙古草原云链能源股份有限公司', person: '巴特尔', identity: 'LegalRepresentative', phone: '13904710005' }, locked: '91510100MA6CLQ014B' },
};

test('captcha, SMS code, session and lockout counters are shared by the two servers', async ({}, testInfo) => {
  const u = UNITS[testInfo.project.name] ?? UNITS.desktop;
  const request = await pwRequest.newContext();

  // A captcha issued by A is answered at B, and then it is spent for A too.
  const captcha = await fn(request, A, 'new_captcha');
  const sel = await fn(request, B, 'enterprise_login', { code: u.login.code, password: PASSWORD, captcha_id: captcha.id, captcha: CAPTCHA });
  expect(sel.enterprise_name).toBe(u.login.name);
  const again = await call(request, A, 'enterprise_login', { code: u.login.code, password: PASSWORD, captcha_id: captcha.id, captcha: CAPTCHA });
  expect(again.ok).toBe(false);
  expect(again.text).toContain('图形验证码已');

  // The login flow goes on at A; the SMS code A sends is in B's outbox, and B accepts it.
  const link = sel.people.find((p: any) => p.name === u.login.person && p.identity === u.login.identity);
  expect(link, JSON.stringify(sel.people)).toBeTruthy();
  await fn(request, A, 'send_login_sms', { flow_id: sel.flow_id, link_id: String(link.link_id) });
  const outbox = await fn<{ phone: string; text: string }[]>(request, B, 'sms_outbox');
  const sms = outbox.find((e) => e.phone === u.login.phone && /验证码为\d{6}/.test(e.text));
  expect(sms, JSON.stringify(outbox.slice(0, 3))).toBeTruthy();
  const code = sms!.text.match(/验证码为(\d{6})/)![1];
  const who = await fn(request, B, 'person_login_sms', { flow_id: sel.flow_id, link_id: String(link.link_id), code });
  expect(JSON.stringify(who)).toContain(u.login.person);

  // The session B opened is known to A; logging out at A ends it at A at once, and at B
  // within the session cache's lifetime (LEQI_SESSION_CACHE_MS, 1 s by default; docs/configuration.md).
  expect(JSON.stringify(await fn(request, A, 'current_principal'))).toContain(u.login.person);
  expect(JSON.stringify(await fn(request, B, 'current_principal'))).toContain(u.login.person);
  await fn(request, A, 'logout');
  expect(await fn(request, A, 'current_principal')).toBeNull();
  // (The exact bound is server/tests/login.rs's; here only that it ends, with room for a slow machine.)
  await expect.poll(() => fn(request, B, 'current_principal'), { timeout: 5000, intervals: [100] }).toBeNull();

  // Five wrong passwords at A lock the unit (from this address) at B, even with the right password.
  for (let i = 0; i < 5; i++) {
    const c = await fn(request, A, 'new_captcha');
    const wrong = await call(request, A, 'enterprise_login', { code: u.locked, password: 'Wrong1234', captcha_id: c.id, captcha: CAPTCHA });
    expect(wrong.ok).toBe(false);
  }
  const c = await fn(request, B, 'new_captcha');
  const locked = await call(request, B, 'enterprise_login', { code: u.locked, password: PASSWORD, captcha_id: c.id, captcha: CAPTCHA });
  expect(locked.ok, locked.text).toBe(false);
  expect(locked.text).toContain('Locked');
  await request.dispose();
});

test('a signed API request accepted by one server is refused as a replay by the other', async ({}, testInfo) => {
  const u = UNITS[testInfo.project.name] ?? UNITS.desktop;
  const request = await pwRequest.newContext();
  const captcha = await fn(request, A, 'new_captcha');
  const sel = await fn(request, A, 'enterprise_login', { code: u.login.code, password: PASSWORD, captcha_id: captcha.id, captcha: CAPTCHA });
  const link = sel.people.find((p: any) => p.name === u.login.person && p.identity === u.login.identity);
  await fn(request, B, 'person_login_password', { flow_id: sel.flow_id, link_id: String(link.link_id), password: PASSWORD });
  const issued = await fn(request, B, 'issue_api_credential');

  const headers = sign(issued.app_id, issued.secret, 'GET', '/openapi/v1/invitations');
  const first = await request.get(`${A}/openapi/v1/invitations`, { headers });
  expect(first.status(), await first.text()).toBe(200);
  const replay = await request.get(`${B}/openapi/v1/invitations`, { headers });
  expect(replay.status()).toBe(401);
  expect((await replay.json()).code).toBe('replayed_request');
  // A fresh signature is accepted by B: the refusal was the replay, not the server.
  const fresh = await request.get(`${B}/openapi/v1/invitations`, { headers: sign(issued.app_id, issued.secret, 'GET', '/openapi/v1/invitations') });
  expect(fresh.status()).toBe(200);
  await request.dispose();
});

test('a browser logs in through one server and goes on through the other', async ({ page }, testInfo) => {
  const u = UNITS[testInfo.project.name] ?? UNITS.desktop;
  await page.goto(`${A}/login`);
  await enterEnterprise(page, u.login.code);
  await choosePerson(page, u.login.person, '法定代表人');
  await verifyByPassword(page);
  await expect(page).toHaveURL(/\/leqi$/);
  await expectSignedIn(page, u.login.name, u.login.person, '法定代表人');
  // Same host, another port: the cookie goes along, and B knows the session.
  await page.goto(`${B}/leqi`);
  await expectSignedIn(page, u.login.name, u.login.person, '法定代表人');
  await page.goto(`${B}/jrgl/invite`);
  await expect(page.getByText('邀请列表').first()).toBeVisible();
});
