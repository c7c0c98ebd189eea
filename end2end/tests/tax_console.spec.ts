import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { completeAccessForm, loginByPassword, officerLogin, submitAccessApplication } from './helpers';

// The tax console (manual §3.3.2): 受理 → 复核 → 省级确认 on an application submitted over HTTP
// (no applicant UI is needed). One active application per unit: each project applies for its own
// enterprise; both are at 国家税务总局成都高新技术产业开发区税务局, so sc_gx_shouli / sc_gx_fuhe
// and sc_queren decide both.
const TIANFU_JT = { credit_code: '91510100MA6CLQ014B', name: '四川天府数字交通投资有限公司' };
const APPLICANTS = {
  desktop: {
    ent: { code: '91510100MA6CLQ0301', name: '四川天府数智商贸有限公司' }, person: '高远', identity: '法定代表人', phone: '13908000020',
    useUnits: [{ ...TIANFU_JT, relationship: '同一监管部门' }],
  },
  mobile: {
    // 3000万 / 9000份 alone; with the three use units 15000万 / 52000份 (四川: 5000万, 5万份).
    ent: { code: '91510100MA6CLQ0125', name: '成都蜀乐软件有限公司' }, person: '郑浩', identity: '法定代表人', phone: '13908000011',
    useUnits: [
      { ...TIANFU_JT, relationship: '同一监管部门' },
      { credit_code: '91510104MA6CLQ0132', name: '四川蜀乐物业服务有限公司', relationship: '其他控制关系' },
      { credit_code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司', relationship: '不具有控制关系' },
    ],
  },
};

async function officerPage(browser: Browser, info: TestInfo, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: info.project.use.viewport ?? undefined, isMobile: info.project.use.isMobile, hasTouch: info.project.use.hasTouch });
  const page = await context.newPage();
  await officerLogin(page, username);
  return page;
}

/** From the queue: the unit's row → 【办理】. */
async function openFromQueue(page: Page, ent: { code: string; name: string }, status: string) {
  await page.goto('/tax');
  const row = page.locator(`tr.queue-item[data-credit-code="${ent.code}"]`);
  await expect(row.locator('.name')).toHaveText(ent.name);
  await expect(row.locator('.state')).toHaveText(status);
  await expect(row).toContainText('乐企联用');
  await row.getByRole('link', { name: '办理' }).click();
  await expect(page).toHaveURL(/\/tax\/case\/\d+$/);
  await expect(page.getByTestId('case-status')).toHaveText(status);
}

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no horizontal scrolling').toBeLessThanOrEqual(0);
}

test('受理 → 复核通过 → 确认通过, with a refusal that needs a reason and a conflict between two officers', async ({ browser, page }, info) => {
  test.setTimeout(180_000);
  const a = APPLICANTS[info.project.name as 'desktop' | 'mobile'];

  // The applicant: signed in through the UI, the application through the server fns.
  await loginByPassword(page, a.ent, a.person, a.identity);
  const id = await submitAccessApplication(page, completeAccessForm(a.person, a.phone, a.useUnits));

  // 受理 desk: the queue, then the case file.
  const shouli = await officerPage(browser, info, 'sc_gx_shouli');
  await expect(shouli.getByRole('heading', { name: '受理待办' })).toBeVisible();
  await openFromQueue(shouli, a.ent, '待受理');
  await expect(shouli).toHaveURL(new RegExp(`/tax/case/${id}$`));
  await expect(shouli.locator('.next-actor')).toHaveText('主管税务机关（受理）');
  await expect(shouli.locator('.unit-info')).toContainText(a.ent.code);
  await expect(shouli.locator('.unit-info')).toContainText('国家税务总局成都高新技术产业开发区税务局');
  const checks = shouli.locator('tr.check-line');
  await expect(checks.first()).toBeVisible();
  await expect(shouli.locator('tr.check-line .outcome')).toHaveText(Array(await checks.count()).fill('通过'));
  const form = shouli.locator('.access-form');
  await expect(form).toContainText(a.phone);
  await expect(form).toContainText('直连单位纳税人连续三年纳税信用级别');
  await expect(form).toContainText('长期（一年以上）');
  await expect(form).toContainText('自建');
  await expect(form.locator('tr.use-unit')).toHaveCount(a.useUnits.length);
  await expect(form.locator('tr.use-unit .name').first()).toHaveText(TIANFU_JT.name);
  await expect(shouli.locator('.case-timeline .timeline-entry')).toHaveCount(1);
  // 申请材料: listed with 查看; the officer opens one.
  const files = shouli.locator('.case-materials .material-file');
  await expect(files).toHaveCount(5);
  await expect(files.first()).toContainText('接入信息表');
  const href = await files.first().getByRole('link', { name: '查看' }).getAttribute('href');
  const opened = await shouli.request.get(href!);
  expect(opened.status()).toBe(200);
  expect(opened.headers()['content-type']).toBe('application/pdf');
  expect(opened.headers()['x-content-type-options']).toBe('nosniff');
  expect((await opened.body()).subarray(0, 5).toString()).toBe('%PDF-');
  // An officer of another office gets nothing.
  const jj = await officerPage(browser, info, 'sc_jj_shouli');
  expect((await jj.request.get(href!)).status()).toBe(404);
  await jj.context().close();
  await expect(shouli.getByRole('button', { name: '受理', exact: true })).toBeVisible();
  await noHorizontalScroll(shouli);

  // 【不予受理】 without a reason: said next to the textarea; nothing decided.
  await shouli.getByRole('button', { name: '不予受理' }).click();
  await expect(shouli.locator('.decide [data-field="reason"]')).toHaveText('请填写原因');
  await expect(shouli.getByTestId('case-status')).toHaveText('待受理');

  // A second 受理 officer has the same case open; the first one decides.
  const other = await officerPage(browser, info, 'sc_gx_shouli');
  await other.goto(`/tax/case/${id}`);
  await expect(other.getByTestId('case-status')).toHaveText('待受理');

  await shouli.getByRole('button', { name: '受理', exact: true }).click();
  await expect(shouli.locator('.decided')).toContainText('当前状态：待复核');
  await expect(shouli.getByTestId('case-status')).toHaveText('待复核');
  await expect(shouli.locator('.decide')).toHaveCount(0);
  await expect(shouli.locator('.decided').getByRole('link', { name: '返回待办列表' })).toBeVisible();

  // The second one's decision is refused as a conflict; 【刷新】 shows the new state.
  await other.locator('textarea[name="reason"]').fill('材料不全');
  await other.getByRole('button', { name: '不予受理' }).click();
  await expect(other.locator('.decide .form-error')).toHaveText('该记录已被他人处理，请刷新后查看最新状态');
  await other.getByRole('button', { name: '刷新' }).click();
  await expect(other.getByTestId('case-status')).toHaveText('待复核');
  await expect(other.locator('.decide')).toHaveCount(0);
  await expect(other.locator('.case-timeline .timeline-entry')).toHaveCount(2);

  // 复核 desk.
  const fuhe = await officerPage(browser, info, 'sc_gx_fuhe');
  await expect(fuhe.getByRole('heading', { name: '复核待办' })).toBeVisible();
  await openFromQueue(fuhe, a.ent, '待复核');
  await fuhe.getByRole('button', { name: '复核通过' }).click();
  await expect(fuhe.getByTestId('case-status')).toHaveText('待确认');
  await expect(fuhe.locator('.next-actor')).toHaveText('省级税务机关（确认）');

  // 省级确认 desk.
  const queren = await officerPage(browser, info, 'sc_queren');
  await expect(queren.getByRole('heading', { name: '省级确认待办' })).toBeVisible();
  await openFromQueue(queren, a.ent, '待确认');
  await expect(queren.getByRole('button', { name: '确认不通过' })).toBeVisible();
  await queren.getByRole('button', { name: '确认通过' }).click();
  await expect(queren.getByTestId('case-status')).toHaveText('确认通过');
  const entries = queren.locator('.case-timeline .timeline-entry');
  await expect(entries).toHaveCount(4);
  await expect(entries.locator('.action')).toHaveText(['提交接入申请', '受理', '复核通过', '确认通过']);
  await expect(entries.nth(3)).toContainText('曾伟（四川省局确认）');
  await noHorizontalScroll(queren);

  // Done: out of every queue.
  await queren.goto('/tax');
  await expect(queren.locator(`tr.queue-item[data-credit-code="${a.ent.code}"]`)).toHaveCount(0);

  for (const p of [shouli, other, fuhe, queren]) await p.context().close();
});
