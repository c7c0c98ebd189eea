import { expect, Page, test } from '@playwright/test';
import { CAOYUAN, FIXTURES, callServerFn, enterEnterprise, choosePerson, verifyByPassword, expectSignedIn, loginByPassword, officerLogin } from './helpers';

// Issue 15 (regulatory fidelity) through the pages, at 1280 px (desktop) and 360 px (mobile).

// 呼和浩特市赛罕区草原味道烧麦馆: a 个体工商户 that also logs in with its 20-character 纳税人识别号.
const SHOP = { code: '92150105MA0NCY0513', number: '15010519800808024101', name: '呼和浩特市赛罕区草原味道烧麦馆' };
// Each project asks 草原云链 (乐企自用) with a different use unit (one pending request per pair).
const ASKERS = {
  desktop: { ent: { code: '91150203MA0NCY041D', name: '内蒙古草原云链能源股份有限公司包头分公司' }, person: '额尔敦', relationship: '总分公司关系', office: 'nm_bt_shouli' },
  mobile: { ent: SHOP_ENT(), person: '阿拉坦', relationship: '其他控制关系', office: 'nm_sh_shouli' },
};
function SHOP_ENT() { return { code: '92150105MA0NCY0513', name: '呼和浩特市赛罕区草原味道烧麦馆' }; }

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

const fieldMsg = (page: Page, field: string) => page.locator(`[data-field="${field}"]`);

test('login by a 20-character 纳税人识别号', async ({ page }) => {
  await page.goto('/login');
  await enterEnterprise(page, SHOP.number);
  await choosePerson(page, '阿拉坦', '法定代表人');
  await verifyByPassword(page);
  await expect(page).toHaveURL(/\/leqi$/);
  await expectSignedIn(page, SHOP.name, '阿拉坦', '法定代表人');
  await noHorizontalScroll(page);
});

test('the sample pack\'s invalid credit codes are refused on the login page', async ({ page }) => {
  await page.goto('/login');
  await enterEnterprise(page, '9161252LQ1136652JR');
  await expect(fieldMsg(page, 'code')).toHaveText('统一社会信用代码第3至8位（行政区划码）应为数字');
  await enterEnterprise(page, '916155ZL22511194LQ');
  await expect(fieldMsg(page, 'code')).toContainText('非法字符“Z”');
  // What was typed stays.
  await expect(page.getByPlaceholder('请输入统一社会信用代码/纳税人识别号')).toHaveValue('916155ZL22511194LQ');
  await noHorizontalScroll(page);
});

test('the sample pack\'s invalid ID number is refused in 自然人注册', async ({ page }) => {
  await page.goto('/register');
  await page.locator('form.register-person [name="id_number"]').fill('315268198025995201');
  await page.getByRole('button', { name: '注册', exact: true }).click();
  await expect(fieldMsg(page, 'id_number')).toBeVisible();
  await expect(fieldMsg(page, 'id_number')).toContainText('出生日期');
  await expect(page.locator('form.register-person [name="id_number"]')).toHaveValue('315268198025995201');
  await noHorizontalScroll(page);
});

test('乐企联用 接入申请单 has no 被授权单位 fields, and the sample pack\'s invalid values are refused next to their fields', async ({ page }) => {
  // The shop's own draft (both projects: the second finds the first's draft).
  await loginByPassword(page, SHOP_ENT(), '阿拉坦', '法定代表人');
  await page.goto('/leqi/access/apply');
  const overview = await callServerFn(page, 'access_overview', {});
  if (!overview.current) {
    await page.getByRole('button', { name: '我要申请' }).click();
    await page.getByLabel('乐企联用').check();
    await page.getByLabel('我已确认单位信息').check();
    await page.getByRole('button', { name: '下一步' }).click();
  }
  await expect(page.getByRole('heading', { name: /接入申请单/ })).toBeVisible();
  const form = page.locator('.application-form');
  // 填表说明 1: 乐企联用 does not fill in the 被授权单位, and no 授权委托书 is asked.
  await expect(form.locator('[name="built_by_authorized"]')).toHaveCount(0);
  await expect(form.locator('[name="builder_code"]')).toHaveCount(0);
  await expect(page.locator('.materials .material[data-kind="power_of_attorney"]')).toHaveCount(0);
  await form.locator('[name="test_ips"]').fill('10.90.661.910');
  await form.locator('[name="production_ips"]').fill('10.90.661.911');
  if (await form.locator('[name="use_units.0.credit_code"]').count() === 0) await page.getByRole('button', { name: '添加使用单位' }).click();
  await form.locator('[name="use_units.0.credit_code"]').fill('9161252LQ1136652JR');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(fieldMsg(page, 'test_ips')).toContainText('10.90.661.910');
  await expect(fieldMsg(page, 'production_ips')).toContainText('10.90.661.911');
  await expect(fieldMsg(page, 'use_units.0.credit_code')).toHaveText('统一社会信用代码第3至8位（行政区划码）应为数字');
  // Nothing entered is lost.
  await expect(form.locator('[name="test_ips"]')).toHaveValue('10.90.661.910');
  await expect(form.locator('[name="use_units.0.credit_code"]')).toHaveValue('9161252LQ1136652JR');
  await noHorizontalScroll(page);
});

test('授权申请: the use unit asks, the direct unit 同意s, the invitation waits at the use unit\'s tax office', async ({ browser, page }, info) => {
  test.setTimeout(120_000);
  const a = ASKERS[info.project.name as 'desktop' | 'mobile'];
  await loginByPassword(page, a.ent, a.person, '法定代表人');
  await page.goto('/jrgl/respond');
  await page.getByRole('link', { name: '申请授权' }).click();
  await expect(page.getByRole('heading', { name: '申请授权' })).toBeVisible();
  // The pack's invalid code is refused next to the field.
  await page.locator('[name="direct_code"]').fill('9161252LQ1136652JR');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(fieldMsg(page, 'direct_code')).toHaveText('统一社会信用代码第3至8位（行政区划码）应为数字');
  await page.locator('[name="direct_code"]').fill('916155ZL22511194LQ');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(fieldMsg(page, 'direct_code')).toContainText('非法字符“Z”');
  await page.locator('[name="direct_code"]').fill(CAOYUAN.code);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.direct-unit')).toContainText(CAOYUAN.name);
  await expect(page.locator('.direct-unit')).toContainText('乐企自用');
  // A 乐企自用 direct unit offers only the four control relationships.
  await expect(page.locator('select[name="relationship"] option')).toHaveCount(4);
  await page.locator('select[name="relationship"]').selectOption(a.relationship);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(fieldMsg(page, 'proof')).toHaveText('请上传单位关系证明材料');
  await page.getByLabel('单位关系证明材料').setInputFiles(FIXTURES.pdf);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('授权申请已提交，当前状态：待直连单位同意');
  const mine = page.locator('table.auth-requests tr', { hasText: CAOYUAN.name }).first();
  await expect(mine.locator('.status')).toHaveText('待直连单位同意');
  await noHorizontalScroll(page);

  // 草原云链 (巴特尔) on its 【接入邀请】→【授权申请】.
  const direct = await (await browser.newContext(info.project.use)).newPage();
  await loginByPassword(direct, CAOYUAN, '巴特尔', '法定代表人');
  await direct.goto('/jrgl/invite');
  await direct.getByRole('link', { name: '授权申请' }).click();
  const row = direct.locator(`table.auth-requests tr[data-code="${a.ent.code}"]`);
  await expect(row.locator('.status')).toHaveText('待直连单位同意');
  await noHorizontalScroll(direct);
  await row.getByRole('link', { name: '查看详情' }).click();
  await expect(direct.getByRole('heading', { name: '授权申请详情' })).toBeVisible();
  await expect(direct.locator('ul.checks')).toContainText('（要求：');
  await expect(direct.getByRole('link', { name: '查看' })).toBeVisible();
  // 拒绝 needs a reason (cancelled here), then 同意.
  await direct.getByRole('button', { name: '拒绝', exact: true }).click();
  await direct.getByRole('button', { name: '确认拒绝' }).click();
  await expect(fieldMsg(direct, 'reason')).toHaveText('请填写原因');
  await direct.getByRole('button', { name: '取消' }).click();
  await direct.getByRole('button', { name: '同意', exact: true }).click();
  await expect(direct.getByRole('status')).toContainText('同意成功，当前状态：已同意');
  await noHorizontalScroll(direct);
  await direct.getByRole('link', { name: '查看邀请' }).click();
  await expect(direct.locator('.facts .status')).toHaveText('待受理');
  await expect(direct.locator('.timeline li').first()).toContainText('同意授权申请');
  await direct.context().close();

  // The use unit's office sees it in its queue, with the use-unit conditions.
  const officer = await (await browser.newContext(info.project.use)).newPage();
  await officerLogin(officer, a.office);
  await expect(officer.locator(`tr.invitation-item[data-credit-code="${a.ent.code}"]`)).toBeVisible();
  await officer.context().close();

  // The requester's list shows 已同意.
  await page.reload();
  await expect(mine.locator('.status')).toHaveText('已同意');
});
