import * as fs from 'node:fs';
import { test, expect, Page, Browser } from '@playwright/test';
import ExcelJS from 'exceljs';
import { FIXTURES, invitationFn, loginAs, officerLogin } from './helpers';

// 【接入管理】→【接入邀请】 as the direct unit (manual §3.4–3.5): 新增邀请 with the
// 50-row limit and per-row failures, the draft kept across a reload, 导入邀请 with
// the template and the failure file read cell by cell, 邀请列表 filters, a bound
// use unit unbound from the list. Units: 蜀乐科技 invites 成都蜀乐软件 (母子公司关系)
// only; each test leaves the pair free again, so the 360 px run repeats it.

const SHULE = { code: '91510104MA6CLQ001T', name: '四川蜀乐科技集团有限公司' };
const SOFT = { code: '91510100MA6CLQ0125', name: '成都蜀乐软件有限公司' };
const SC = '国家税务总局四川省税务局';

const call = invitationFn;

async function signIn(page: Page, ent: { code: string; name: string }, person: string, identity: string) {
  await loginAs(page, ent, person, identity);
  await expect(page).toHaveURL(/\/leqi$/);
}

/** The newest invitation of 蜀乐软件 in 蜀乐科技's list. */
async function softInvitation(page: Page) {
  const p = await call(page, 'list_invitations', { json: { query: { search: SOFT.code } } });
  return p.rows[0];
}

/** 蜀乐软件 (郑浩) answers, then its tax office (高新) 受理 and 确认: bound. */
async function bindSoft(browser: Browser, id: number) {
  const ctx = await browser.newContext();
  const use = await ctx.newPage();
  await signIn(use, SOFT, '郑浩', '法定代表人');
  let v = await call(use, 'invitation_detail', { id });
  const answered = await call(use, 'invitation_act', { json: { id, version: v.version, action: 'Confirm', reason: '', invoicer_link_ids: [], period_code: '' } });
  expect(answered.status).toBe('待受理');
  for (const officer of ['sc_gx_shouli', 'sc_gx_fuhe']) {
    const o = await ctx.newPage();
    await o.context().clearCookies();
    await officerLogin(o, officer);
    const cur = await call(o, 'invitation_detail', { id });
    expect(cur.actions.length).toBe(2);
    await call(o, 'invitation_act', { json: { id, version: cur.version, action: cur.actions[0], reason: '', invoicer_link_ids: [], period_code: '' } });
    await o.close();
  }
  await ctx.close();
}

test('新增邀请: rows checked one by one, the 51st row refused, the draft kept', async ({ page, browser }) => {
  await signIn(page, SHULE, '王建国', '法定代表人');
  await page.getByRole('link', { name: '接入邀请' }).first().click();
  await expect(page).toHaveURL(/\/jrgl\/invite$/);
  await page.getByRole('link', { name: '新增邀请' }).click();
  await expect(page.getByText(/本单位为乐企联用直连单位/)).toBeVisible();

  // Row 1: a good row; typed, then the page reloaded: the draft is still there.
  await page.getByLabel('第1行统一社会信用代码').fill(SOFT.code);
  await page.getByLabel('第1行单位名称').fill(SOFT.name);
  await page.getByLabel('第1行省级税务机关').selectOption(SC);
  await page.getByLabel('第1行单位关系').selectOption('母子公司关系');
  await page.reload();
  await expect(page.getByLabel('第1行统一社会信用代码')).toHaveValue(SOFT.code);
  await expect(page.getByLabel('第1行单位关系')).toHaveValue('母子公司关系');

  // Row 2: a wrong check character.
  await page.getByRole('button', { name: '添加使用单位' }).click();
  await page.getByLabel('第2行统一社会信用代码').fill('91510100MA6CLQ0126');
  await page.getByLabel('第2行单位名称').fill('成都某某有限公司');
  await page.getByLabel('第2行省级税务机关').selectOption(SC);
  await page.getByLabel('第2行单位关系').selectOption('总分公司关系');
  // One relationship proof for the whole batch.
  await page.getByLabel('单位关系证明材料').setInputFiles(FIXTURES.pdf);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByText('邀请发起成功1家，失败1家。')).toBeVisible();
  const failed = page.locator('table.failures tbody tr');
  await expect(failed).toHaveCount(1);
  await expect(failed.first()).toContainText('91510100MA6CLQ0126');
  await expect(failed.first().locator('td.reason')).toContainText('统一社会信用代码');
  // The failed row stays in the form to be corrected; the invited one is gone.
  await expect(page.getByLabel('第1行统一社会信用代码')).toHaveValue('91510100MA6CLQ0126');

  // At most 50 rows: the 51st is refused with a message.
  for (let i = 1; i < 50; i++) await page.getByRole('button', { name: '添加使用单位' }).click();
  await expect(page.getByText('已填写50家')).toBeVisible();
  await page.getByRole('button', { name: '添加使用单位' }).click();
  await expect(page.locator('[data-field="rows"]')).toHaveText('每次提交最多添加50家使用单位');
  await expect(page.getByText('已填写50家')).toBeVisible();

  // 邀请列表: the new invitation, found by 邀请状态 and by search.
  await page.getByRole('link', { name: '邀请列表' }).click();
  await page.getByLabel('邀请状态').selectOption('awaiting_response');
  // Newest first: the earlier project's invitations of the same unit sit below.
  const row = page.locator('table.invitations tbody tr', { hasText: SOFT.code }).first();
  await expect(row).toContainText('待使用单位响应');
  await page.getByLabel('邀请状态').selectOption('confirmed');
  await expect(page.locator('table.invitations tbody tr', { hasText: SOFT.code })).toHaveCount(0);
  await expect(page.getByTestId('total')).toHaveText(/^共\d+条$/);
  await page.getByLabel('邀请状态').selectOption('');
  await page.getByLabel('搜索使用单位').fill('蜀乐软件');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('table.invitations tbody tr').first()).toContainText(SOFT.name);
  await expect(page.locator('table.invitations tbody tr', { hasNotText: SOFT.name })).toHaveCount(0);

  // Bound through the use unit and its tax office, then unbound from the list (batch unbind).
  const inv = await softInvitation(page);
  await bindSoft(browser, inv.id);
  // Bound: the direct unit replaces the relationship proof.
  await page.goto(`/jrgl/invite/${inv.id}`);
  await page.getByLabel('单位关系证明材料').setInputFiles(FIXTURES.png);
  await page.getByRole('button', { name: '上传并变更' }).click();
  await expect(page.locator('.timeline')).toContainText('变更关系证明材料');
  await page.goto('/jrgl/invite');
  await page.getByLabel('搜索使用单位').fill('蜀乐软件');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(row).toContainText('确认通过');
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: /解除绑定（已选1家）/ }).click();
  const dialog = page.getByRole('dialog', { name: '确认解除绑定' });
  await expect(dialog).toContainText('确定解除与所选1家使用单位的绑定关系吗');
  await dialog.getByRole('button', { name: '确认解除' }).click();
  await expect(page.getByText('已解除绑定1家')).toBeVisible();
  await expect(row).toContainText('已解除绑定');

  // The invitation page shows the proof and the whole timeline.
  await row.getByRole('link', { name: '查看详情' }).click();
  await expect(page.locator('.timeline li')).toHaveCount(6);
  await expect(page.locator('.timeline')).toContainText('变更关系证明材料');
  await expect(page.locator('.timeline')).toContainText('直连单位解除绑定');
  const proofHref = await page.getByRole('link', { name: '查看', exact: true }).first().getAttribute('href');
  const proofRes = await page.request.get(proofHref!);
  expect(proofRes.headers()['content-type']).toBe('image/png');
});

test('导入邀请: template, an import with good and bad rows, the failure file cell by cell', async ({ page }, testInfo) => {
  await signIn(page, SHULE, '王建国', '法定代表人');
  await page.goto('/jrgl/invite/import');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载模版' }).click()]);
  const tplPath = testInfo.outputPath('template.xlsx');
  await download.saveAs(tplPath);
  const tpl = new ExcelJS.Workbook();
  await tpl.xlsx.readFile(tplPath);
  const sheet = tpl.getWorksheet('邀请信息')!;
  expect(sheet.getRow(1).values).toEqual([undefined, '统一社会信用代码', '单位名称', '省级税务机关', '单位关系', '能力预授权', '备注']);
  expect(String(sheet.getCell('D2').dataValidation?.formulae?.[0] ?? '')).toContain('母子公司关系');

  // Fill it as a user would: the example row stays (ignored), three rows added.
  sheet.getRow(3).values = [SOFT.code, SOFT.name, SC, '母子公司关系', '否'];
  sheet.getRow(4).values = ['91510100MA6CLQ0126', '错误校验码公司', SC, '母子公司关系', '否'];
  sheet.getRow(5).values = ['91510104MA6CLQ0158', '成都青禾（名称不符）', SC, '不具有控制关系', '是'];
  const filled = testInfo.outputPath('邀请名单.xlsx');
  await tpl.xlsx.writeFile(filled);

  // A wrong file type is refused next to the field and changes nothing.
  const before = (await call(page, 'invitation_batches', {})).length;
  const txt = testInfo.outputPath('名单.xlsx');
  fs.writeFileSync(txt, 'not a workbook');
  await page.getByLabel('选择导入文件').setInputFiles(txt);
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await expect(page.locator('[data-field="file"]')).toHaveText('仅支持Excel（.xlsx）文件');
  expect((await call(page, 'invitation_batches', {})).length).toBe(before);

  await page.getByLabel('选择导入文件').setInputFiles(filled);
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await expect(page.getByText('邀请发起成功1家，失败2家。')).toBeVisible();
  const record = page.locator('table.batches tbody tr').first();
  await expect(record).toContainText('邀请名单.xlsx');
  await expect(record).toContainText('部分成功');

  const [failDl] = await Promise.all([page.waitForEvent('download'), page.locator('.outcome').getByRole('link', { name: '下载邀请失败记录' }).click()]);
  const failPath = testInfo.outputPath('failures.xlsx');
  await failDl.saveAs(failPath);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(failPath);
  const ws = wb.worksheets[0];
  expect(ws.getRow(1).values).toEqual([undefined, '行号', '统一社会信用代码', '单位名称', '省级税务机关', '单位关系', '能力预授权', '备注', '失败原因']);
  expect(ws.actualRowCount).toBe(3);
  const cell = (ref: string) => String(ws.getCell(ref).value ?? '');
  expect(['A2', 'B2', 'C2', 'D2', 'E2', 'F2'].map(cell)).toEqual(['4', '91510100MA6CLQ0126', '错误校验码公司', SC, '母子公司关系', '否']);
  expect(cell('H2')).toContain('统一社会信用代码');
  expect(cell('A3')).toBe('5');
  expect(String(ws.getCell('B3').value)).toBe('91510104MA6CLQ0158');
  expect(String(ws.getCell('H3').value)).toBe('单位名称与统一社会信用代码登记信息不一致');

  // Leave 蜀乐软件 free again: it declines (已拒绝 is closed, so it can be invited again).
  const inv = await softInvitation(page);
  expect(inv.status).toBe('待使用单位响应');
  const use = await page.context().browser()!.newContext();
  const up = await use.newPage();
  await signIn(up, SOFT, '郑浩', '法定代表人');
  await call(up, 'invitation_act', { json: { id: inv.id, version: inv.version, action: 'Decline', reason: '', invoicer_link_ids: [], period_code: '' } });
  await use.close();
  await page.goto(`/jrgl/invite/${inv.id}`);
  await expect(page.locator('.status').first()).toHaveText('已拒绝');
  await expect(page.getByRole('button', { name: '重新发起邀请' })).toBeVisible();
});

test('接口凭证: issued in the portal, the secret shown once, 重置密钥 and 停用 with a confirmation', async ({ page }) => {
  await signIn(page, SHULE, '王建国', '法定代表人');
  await page.goto('/jrgl/invite');
  await page.getByRole('link', { name: '接口凭证' }).click();
  await expect(page.getByRole('link', { name: 'OpenAPI 文档' })).toHaveAttribute('href', '/openapi/v1/openapi.json');
  await page.getByRole('button', { name: '申请凭证' }).click();
  const secretBox = page.getByRole('alertdialog', { name: '接口密钥' });
  await expect(secretBox).toContainText('密钥只显示这一次');
  const appId = (await secretBox.getByTestId('issued-app-id').innerText()).trim();
  const secret = (await secretBox.getByTestId('issued-secret').innerText()).trim();
  expect(secret.length).toBeGreaterThanOrEqual(40);
  await secretBox.getByRole('button', { name: '我已保存' }).click();
  await expect(secretBox).toHaveCount(0);
  const row = page.locator(`tr.credential[data-app-id="${appId}"]`);
  await expect(row.locator('td.state')).toHaveText('启用');
  // Never shown again: not in the list, not after a reload.
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  // 重置密钥 shows a new secret once; 停用 asks first, and cancelling keeps it.
  page.once('dialog', d => d.accept());
  await row.getByRole('button', { name: '重置密钥' }).click();
  await expect(secretBox.getByTestId('issued-secret')).not.toHaveText(secret);
  await secretBox.getByRole('button', { name: '我已保存' }).click();
  page.once('dialog', d => d.dismiss());
  await row.getByRole('button', { name: '停用' }).click();
  await expect(row.locator('td.state')).toHaveText('启用');
  page.once('dialog', d => { expect(d.message()).toContain(appId); d.accept(); });
  await row.getByRole('button', { name: '停用' }).click();
  await expect(row.locator('td.state')).toContainText('已停用');
});
