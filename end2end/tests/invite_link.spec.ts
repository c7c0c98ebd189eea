import { Browser, expect, Page, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { callServerFn, choosePerson, enterEnterprise, loginByPassword, QINGHE, SHULE, verifyByPassword } from './helpers';

// 邀请链接 (issue: the H5 confirmation link reaches the use unit): the SMS from the
// demo outbox opens the H5 login with the unit's code filled in, then the
// invitation; a used link says so and offers 【接入确认】; the direct unit's page
// shows the link as a QR code that decodes to the same link, and 【重新生成】
// kills the old one. Every test leaves its pair free for the next run.

const BUREAU = '国家税务总局四川省税务局';
const SHULE_MY = { code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司' };
const HE_QING_PHONE = '13908000016';
const ZHOU_MIN_PHONE = '13908160009';

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  const ctx = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 800 }, locale: 'zh-CN', hasTouch: true });
  return ctx.newPage();
}

async function invite(direct: Page, unit: { code: string; name: string }, relationship: string): Promise<number> {
  const out = await callServerFn(direct, 'submit_invitations', { json: { rows: [{ credit_code: unit.code, name: unit.name, province: BUREAU, relationship, pre_authorize: '否' }], proof_material_id: null } });
  expect(out.failed, JSON.stringify(out.failed)).toEqual([]);
  const page = await callServerFn(direct, 'list_invitations', { json: { query: { batch_id: out.batch_id } } });
  return page.rows[0].id as number;
}

/** Waits until the demo outbox shows an SMS to `phone` that carries `url` (the notifier sends within seconds). */
async function smsWithLink(page: Page, phone: string, url: string): Promise<string> {
  const outbox = await page.context().newPage();
  let text = '';
  await expect(async () => {
    await outbox.goto('/dev/outbox');
    const texts = await outbox.locator('tr.sms', { has: outbox.locator('td.phone', { hasText: phone }) }).locator('td.text').allInnerTexts();
    text = texts.find((t) => t.includes(url)) ?? '';
    expect(text, `an SMS to ${phone} with ${url}`).not.toBe('');
  }).toPass({ timeout: 30_000 });
  await outbox.close();
  return text;
}

/** The QR code on the page, decoded. */
async function decodeQr(page: Page): Promise<string> {
  const png = PNG.sync.read(await page.locator('.invite-link .qr').screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code, 'a readable QR code').not.toBeNull();
  return code!.data;
}

test('360 px: the SMS link opens the login with the unit filled in, then the invitation; 授权; a used link offers 接入确认', async ({ browser }, info) => {
  test.skip(!info.project.use.isMobile, 'the H5 link is opened on a phone');
  const direct = await newPage(browser, { width: 1280, height: 800 });
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const he = await newPage(browser, { width: 1280, height: 800 });
  await loginByPassword(he, QINGHE, '何青', '法定代表人');
  const users = await callServerFn(he, 'list_users', {});
  const ma = users.find((u: any) => u.name === '马超' && u.identity === 'InvoiceClerk');
  if (!ma.bound) await callServerFn(he, 'set_user_grants', { link_id: ma.link_id, modules: 'leqi_access,leqi_capability,leqi_messages,invoicing,declaration' });

  const id = await invite(direct, QINGHE, '不具有控制关系');
  const link = await callServerFn(direct, 'invitation_link', { id });
  expect(link.url).toMatch(/\/kkjrh5\/i\/[A-Za-z0-9_-]{43}$/);
  const sms = await smsWithLink(direct, HE_QING_PHONE, link.url);
  expect(sms).toContain('四川蜀乐科技集团有限公司邀请贵单位');

  const phone = await newPage(browser, info.project.use.viewport);
  await phone.goto(link.url);
  await expect(phone).toHaveURL(new RegExp(`/kkjrh5/invitation/${id}\\?code=${QINGHE.code}$`));
  await expect(phone.getByRole('heading', { name: '乐企移动端' })).toBeVisible();
  // Before login: the unit's code is filled in, and nothing of the invitation is shown.
  await expect(phone.getByPlaceholder('请输入统一社会信用代码/纳税人识别号')).toHaveValue(QINGHE.code);
  await expect(phone.locator('.h5-invite')).toHaveCount(0);
  await expect(phone.getByText('四川蜀乐科技集团有限公司')).toHaveCount(0);
  await enterEnterprise(phone, QINGHE.code);
  await choosePerson(phone, '何青', '法定代表人');
  await verifyByPassword(phone);
  await expect(phone.locator('.h5-invite .status')).toHaveText('待使用单位授权');
  await phone.getByRole('button', { name: '授权' }).tap();
  const form = phone.getByRole('dialog', { name: '授权' });
  await form.getByLabel('马超').check();
  await form.getByLabel('开票安全验证时间').selectOption({ label: '30天' });
  await form.getByRole('button', { name: '确认授权' }).tap();
  await expect(phone.locator('.h5-invite .status')).toHaveText('确认通过');
  expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

  // The link is spent now: it says so and offers 【接入确认】 (the 待确认 list).
  await phone.goto(link.url);
  await expect(phone).toHaveURL(/\/kkjrh5\/\?link=spent$/);
  const notice = phone.getByRole('alert').filter({ hasText: '该邀请已处理，链接已失效' });
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: '接入确认' }).tap();
  await expect(notice).toHaveCount(0);
  await expect(phone).toHaveURL(/\/kkjrh5\/$/);
  await expect(phone.getByRole('tab', { name: '待确认' })).toBeVisible();

  // An expired link (the server redirects there at expiry: server/tests/invite_link.rs) says so too.
  await phone.goto('/kkjrh5/?link=expired');
  await expect(phone.getByRole('alert').filter({ hasText: '链接已过期' })).toBeVisible();

  // Leave the pair unbound for the next run.
  const v = await callServerFn(he, 'invitation_detail', { id });
  await callServerFn(he, 'invitation_act', { json: { id, version: v.version, action: 'UnbindDirectUnit', reason: '测试结束', invoicer_link_ids: [], period_code: '' } });
});

test('desktop: the invitation page shows the link as a QR code that decodes to it; 复制链接; 重新生成 kills the old link', async ({ browser }, info) => {
  test.skip(!!info.project.use.isMobile, 'the QR code is for a desktop user to go on with the phone');
  const direct = await newPage(browser, { width: 1280, height: 800 });
  await direct.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const id = await invite(direct, SHULE_MY, '总分公司关系');

  await direct.goto(`/jrgl/invite/${id}`);
  const panel = direct.getByTestId('invite-link');
  await expect(panel.getByRole('heading', { name: '邀请链接' })).toBeVisible();
  const first = (await panel.locator('.link-url').innerText()).trim();
  expect(first).toMatch(/\/kkjrh5\/i\/[A-Za-z0-9_-]{43}$/);
  expect(await decodeQr(direct)).toBe(first);
  await panel.getByRole('button', { name: '复制链接' }).click();
  await expect(panel.getByRole('status')).toHaveText('已复制');
  expect(await direct.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await smsWithLink(direct, ZHOU_MIN_PHONE, first);

  await panel.getByRole('button', { name: '重新生成' }).click();
  await expect(panel.getByRole('status')).toHaveText('已重新生成，原链接已失效');
  const second = (await panel.locator('.link-url').innerText()).trim();
  expect(second).not.toBe(first);
  expect(await decodeQr(direct)).toBe(second);

  // The use unit's page shows the same QR code; the old link is dead.
  const zhou = await newPage(browser, { width: 1280, height: 800 });
  await loginByPassword(zhou, SHULE_MY, '周敏', '法定代表人');
  await zhou.goto(`/jrgl/respond/${id}`);
  expect(await decodeQr(zhou)).toBe(second);
  await zhou.goto(first);
  await expect(zhou).toHaveURL(/\/kkjrh5\/\?link=invalid$/);
  await expect(zhou.getByRole('alert').filter({ hasText: '链接无效或已重新生成' })).toBeVisible();

  // Leave the pair free: the use unit refuses.
  const v = await callServerFn(zhou, 'invitation_detail', { id });
  await callServerFn(zhou, 'invitation_act', { json: { id, version: v.version, action: 'Decline', reason: '测试结束', invoicer_link_ids: [], period_code: '' } });
});
