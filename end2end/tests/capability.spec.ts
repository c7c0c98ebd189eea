// 能力中心 (issue #12; guideline-sichuan 第四章): a confirmed direct unit sees every capability with
// 开通状态 and 有效期, 【订阅】s 蓝字发票开具, its own system (a script signing with Node's crypto, as a
// customer's would) runs the 测试中心's cases — a bad request fails its case with the field error,
// good ones pass — while the page updates; 【生成测试报告】 → 【提交税务机关确认】 with 有效期; the
// unit's 主管税务机关 【确认通过】 in the tax console; the capability is 已开通.
// Both projects share one database: desktop runs as 四川蜀乐科技 (锦江 office), mobile as
// 内蒙古草原云链 (赛罕 office), so each run starts from 未订阅.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { APIRequestContext, Browser, Page, expect, test } from '@playwright/test';
import { CAOYUAN, SHULE, callServerFn, choosePerson, enterEnterprise, loginByPassword, officerLogin, verifyByPassword } from './helpers';

const UNITS = {
  desktop: { ent: SHULE, person: '王建国', officer: 'sc_jj_shouli', buyer: '91510100MA6CLQ0125' },
  mobile: { ent: CAOYUAN, person: '巴特尔', officer: 'nm_sh_shouli', buyer: '91150203MA0NCY021B' },
};

/** The unit's system calling the 测试中心 (see /openapi/v1/openapi.json). */
async function sandbox(request: APIRequestContext, appId: string, secret: string, capability: string, kase: string, req: unknown) {
  const path = '/openapi/v1/sandbox/cases';
  const body = JSON.stringify({ capability, case: kase, request: req });
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const canonical = ['POST', path, '', timestamp, nonce, createHash('sha256').update(body, 'utf8').digest('hex')].join('\n');
  const signature = createHmac('sha256', secret).update(canonical, 'utf8').digest('base64');
  return request.post(path, {
    headers: { 'content-type': 'application/json', 'X-Leqi-AppId': appId, 'X-Leqi-Timestamp': timestamp, 'X-Leqi-Nonce': nonce, 'X-Leqi-Signature': signature },
    data: body,
  });
}

function blue(buyer: string, lines: { name: string; amount: string; tax_rate: string; tax: string }[], total: string, tax: string) {
  return { buyer_credit_code: buyer, buyer_name: '购买方', items: lines, total_amount: total, total_tax: tax };
}

test('能力中心: subscribe, the 测试中心 updates as the system runs the cases, report, officer confirms', async ({ page, browser, request }, testInfo) => {
  const u = UNITS[testInfo.project.name as 'desktop' | 'mobile'] ?? UNITS.desktop;
  await loginByPassword(page, u.ent, u.person, '法定代表人');

  // 【能力中心】 from the Leqi home: its own app.
  await expect(page.locator('nav.menus a', { hasText: '能力中心' })).toHaveAttribute('href', '/nlzx');
  await page.goto('/leqi/capability');
  await expect(page).toHaveURL(/\/nlzx$/);
  await expect(page.locator('section.capability-center h2')).toHaveText('能力中心');
  const blueRow = page.locator('tr.capability-row[data-code="blue_invoice"]');
  await expect(blueRow.locator('td.status')).toHaveText('未订阅');
  const queryRow = page.locator('tr.capability-row[data-code="invoice_query"]');
  await expect(queryRow.locator('td.status')).toHaveText('已开通');
  await expect(queryRow).toContainText('公用基础能力');
  await expect(queryRow).toContainText(/\d{4}-\d{2}-\d{2}/); // the unit's 乐企资格有效期至

  // 【订阅】 → 待测试.
  await blueRow.getByRole('button', { name: '订阅' }).click();
  await expect(blueRow.locator('td.status')).toHaveText('待测试');
  await blueRow.getByRole('link', { name: '能力说明文档' }).click();
  await expect(page.getByRole('heading', { name: '蓝字发票开具' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '测试中心' })).toBeVisible();
  const single = page.locator('li.case[data-case="blue_single_line"]');
  const multi = page.locator('li.case[data-case="blue_multi_rate"]');
  await expect(single.locator('.case-status')).toHaveText('未测试');

  // The unit's system: its signed credential (the page's session issues it).
  const issued = await callServerFn(page, 'issue_api_credential', {});
  const bad = await sandbox(request, issued.app_id, issued.secret, 'blue_invoice', 'blue_single_line',
    blue('91510100MA6CLQ012X', [{ name: '软件服务', amount: '100.00', tax_rate: '0.06', tax: '6.00' }], '100.00', '6.00'));
  expect(bad.status()).toBe(422);
  const failed = await bad.json();
  expect(failed.code).toBe('case_failed');
  expect(failed.fields[0].field).toBe('buyer_credit_code');
  // The page shows it without a reload.
  await expect(single.locator('.case-status')).toHaveText('未通过');
  await expect(single.locator('.case-errors')).toContainText('buyer_credit_code');

  const ok1 = await sandbox(request, issued.app_id, issued.secret, 'blue_invoice', 'blue_single_line',
    blue(u.buyer, [{ name: '软件服务', amount: '100.00', tax_rate: '0.06', tax: '6.00' }], '100.00', '6.00'));
  expect(ok1.status(), await ok1.text()).toBe(200);
  const ok2 = await sandbox(request, issued.app_id, issued.secret, 'blue_invoice', 'blue_multi_rate',
    blue(u.buyer, [{ name: '设备', amount: '200.00', tax_rate: '0.13', tax: '26.00' }, { name: '运维', amount: '50.00', tax_rate: '0.06', tax: '3.00' }], '250.00', '29.00'));
  expect(ok2.status(), await ok2.text()).toBe(200);
  await expect(single.locator('.case-status')).toHaveText('通过');
  await expect(multi.locator('.case-status')).toHaveText('通过');

  // 【生成测试报告】 → the report; 【提交税务机关确认】 with 有效期.
  await page.getByRole('button', { name: '生成测试报告' }).click();
  await expect(page.getByRole('heading', { name: '能力测试报告' })).toBeVisible();
  await expect(page.locator('.capability-detail .status').first()).toHaveText('测试通过');
  // Printed (A4, or PDF through the browser), only the report shows.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: '能力测试报告' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '测试中心' })).toBeHidden();
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  const validity = page.locator('input[name="valid_until"]');
  const last = await validity.getAttribute('max');
  expect(last).toMatch(/^\d{4}-\d{2}-\d{2}$/); // the unit's 乐企资格有效期至
  await page.getByRole('button', { name: '提交税务机关确认' }).click();
  await expect(page.locator('.capability-detail .status').first()).toHaveText('待确认');

  // The unit's 主管税务机关 confirms in the tax console.
  const ctx = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const officer = await ctx.newPage();
  await officerLogin(officer, u.officer);
  const review = officer.locator('li.capability-review', { hasText: u.ent.name });
  await expect(review).toContainText('蓝字发票开具');
  await expect(review).toContainText(`申请有效期至${last}`);
  // 退回 without a reason: the message stays next to the field, nothing is sent.
  await review.getByRole('button', { name: '退回' }).click();
  await officer.getByRole('dialog', { name: '退回' }).getByRole('button', { name: '退回' }).click();
  await expect(officer.getByText('请填写退回原因')).toBeVisible();
  await officer.getByRole('dialog', { name: '退回' }).getByRole('button', { name: '取消' }).click();
  await review.getByRole('button', { name: '确认通过' }).click();
  await expect(review).toHaveCount(0);
  await ctx.close();

  // 已开通 with the chosen 有效期.
  await page.goto('/nlzx');
  await expect(blueRow.locator('td.status')).toHaveText('已开通');
  await expect(blueRow).toContainText(last!);
});

// 能力授权 (guideline-sichuan 第四章 四): the direct unit grants 发票查询下载 (a 公用基础能力, open for
// it) to a bound use unit on 【能力中心】→【能力授权】; the use unit 【确认授权】 on the H5 page and sees
// it on the web as 已授权 through that direct unit; the direct unit 【撤销授权】. Each project binds
// its own pair (desktop 蜀乐科技 → 天府数字交通, mobile 草原云链 → 包头分公司) and unbinds it at the end,
// so the invitation specs that follow can invite the pair afresh.
const GRANT_PAIRS = {
  desktop: { direct: SHULE, person: '王建国', use: { code: '91510100MA6CLQ014B', name: '四川天府数字交通投资有限公司' }, usePerson: '杨帆',
    province: '国家税务总局四川省税务局', relationship: '同一监管部门', desks: ['sc_gx_shouli', 'sc_gx_fuhe'] },
  mobile: { direct: CAOYUAN, person: '巴特尔', use: { code: '91150203MA0NCY041D', name: '内蒙古草原云链能源股份有限公司包头分公司' }, usePerson: '额尔敦',
    province: '国家税务总局内蒙古自治区税务局', relationship: '总分公司关系', desks: ['nm_bt_shouli', 'nm_bt_fuhe'] },
};

async function act(page: Page, id: number, action: string) {
  const v = await callServerFn(page, 'invitation_detail', { id });
  return callServerFn(page, 'invitation_act', { json: { id, version: v.version, action, reason: '', invoicer_link_ids: [], period_code: '' } });
}

/** The pair bound (确认通过): invited afresh, or an open invitation driven through its remaining steps. */
async function ensureBound(browser: Browser, direct: Page, p: typeof GRANT_PAIRS.desktop): Promise<number> {
  let list = await callServerFn(direct, 'list_invitations', { json: { query: { search: p.use.code } } });
  const open = ['待使用单位响应', '待受理', '待确认', '确认通过'];
  if (!list.rows.length || !open.includes(list.rows[0].status)) {
    const out = await callServerFn(direct, 'submit_invitations', { json: { rows: [{ credit_code: p.use.code, name: p.use.name, province: p.province, relationship: p.relationship, pre_authorize: '否' }], proof_material_id: null } });
    expect(out.failed).toEqual([]);
    list = await callServerFn(direct, 'list_invitations', { json: { query: { search: p.use.code } } });
  }
  const id: number = list.rows[0].id;
  const steps: Record<string, [string, string]> = { '待使用单位响应': ['use', 'Confirm'], '待受理': [p.desks[0], 'Accept'], '待确认': [p.desks[1], 'ConfirmPass'] };
  for (let i = 0; i < 3; i++) {
    const status = (await callServerFn(direct, 'list_invitations', { json: { query: { search: p.use.code } } })).rows[0].status;
    const step = steps[status];
    if (!step) break;
    const ctx = await browser.newContext();
    const who = await ctx.newPage();
    if (step[0] === 'use') await loginByPassword(who, p.use, p.usePerson, '法定代表人');
    else await officerLogin(who, step[0]);
    await act(who, id, step[1]);
    await ctx.close();
  }
  const now = await callServerFn(direct, 'list_invitations', { json: { query: { search: p.use.code } } });
  expect(now.rows[0].status).toBe('确认通过');
  return id;
}

test('能力授权: grant to a bound use unit, its H5 确认授权, revoke', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const p = GRANT_PAIRS[testInfo.project.name as 'desktop' | 'mobile'] ?? GRANT_PAIRS.desktop;
  await loginByPassword(page, p.direct, p.person, '法定代表人');
  const invitation = await ensureBound(browser, page, p);

  // 【能力中心】→【能力授权】: choose the capability and the bound use unit, 【授权】.
  await page.goto('/nlzx');
  await page.getByRole('link', { name: '能力授权', exact: true }).first().click();
  await expect(page.locator('section.grant-center h2')).toHaveText('能力授权');
  await page.locator('select[name="capability"]').selectOption('invoice_query');
  // Nothing chosen: the message next to the field.
  await page.getByRole('button', { name: '授权', exact: true }).click();
  await expect(page.getByText('请至少选择一家使用单位')).toBeVisible();
  await page.getByLabel(new RegExp(p.use.code)).check();
  await page.getByRole('button', { name: '授权', exact: true }).click();
  await expect(page.locator('ul.grant-results')).toContainText(`${p.use.name}：已授权，待使用单位确认`);
  const made = page.locator(`tr.grant-row[data-code="invoice_query"][data-unit="${p.use.code}"]`).first();
  await expect(made.locator('.status')).toHaveText('待确认');
  // The same again while it waits: refused with the reason.
  await page.getByLabel(new RegExp(p.use.code)).check();
  await page.getByRole('button', { name: '授权', exact: true }).click();
  await expect(page.locator('ul.grant-results .form-error')).toContainText('已向该使用单位授权发票查询下载');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The use unit on its phone (H5): 能力授权 → 【确认授权】.
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })).newPage();
  await phone.goto('/kkjrh5/');
  await enterEnterprise(phone, p.use.code);
  await choosePerson(phone, p.usePerson, '法定代表人');
  await verifyByPassword(phone);
  const line = phone.locator('li.h5-grant', { hasText: `发票查询下载 · ${p.direct.name}` }).first();
  await expect(line.locator('.status')).toHaveText('待确认');
  await line.getByRole('button', { name: '确认授权' }).click();
  await expect(line.locator('.status')).toHaveText('已授权');
  await expect(line.getByRole('button', { name: '确认授权' })).toHaveCount(0);

  // On the web the use unit sees what it may use through which direct unit.
  await phone.goto('/nlzx/grants');
  const mine = phone.locator(`tr.grant-row[data-code="invoice_query"][data-unit="${p.direct.code}"]`).first();
  await expect(mine).toContainText(p.direct.name);
  await expect(mine).toContainText('已授权 · 可使用');
  await phone.context().close();

  // The direct unit sees 已授权 and 【撤销授权】.
  await page.reload();
  await expect(made.locator('.status')).toHaveText('已授权');
  await made.getByRole('button', { name: '撤销授权' }).click();
  await expect(made.locator('.status')).toHaveText('已撤销');

  // Back to no binding, for the specs that invite this pair.
  const failed = await callServerFn(page, 'unbind_use_units', { json: { ids: [invitation], reason: '测试结束' } });
  expect(failed).toEqual([]);
});
