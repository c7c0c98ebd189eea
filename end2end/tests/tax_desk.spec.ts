import { Browser, expect, Page, test } from '@playwright/test';
import { callServerFn, officerLogin, SHULE } from './helpers';

// The tax console's 已办 and 单位查询 → 单位档案 (issue #13), desktop and 360 px: 锦江受理 gives
// 蜀乐科技 a 提示提醒 on 管理措施 and finds it at the top of 已办 (its kind, unit, decision, time);
// 单位查询 by part of the name opens 单位档案 with the unit's status and the reminder under 管理措施.
// While the province's 暂停使用乐企能力 is in force the status says so; it is restored at once
// (in `finally`), so the other specs find 蜀乐科技 as they expect. A 提示提醒 restricts nothing.

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  return (await browser.newContext({ viewport: viewport ?? undefined })).newPage();
}

test('已办 lists the decision; 单位查询 opens 单位档案 with the status', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const viewport = info.project.use.viewport;
  const note = `已办核对（${info.project.name}-${Date.now()}）`;

  // The officer decides: a 提示提醒 on 管理措施.
  const office = await newPage(browser, viewport);
  await officerLogin(office, 'sc_jj_shouli');
  await office.getByRole('link', { name: '管理措施' }).click();
  await expect(office).toHaveURL(/\/tax\/measures$/);
  await office.getByLabel('统一社会信用代码').fill(SHULE.code);
  await office.getByRole('button', { name: '查询' }).click();
  const file = office.getByTestId('unit-file');
  await expect(file).toContainText(SHULE.name);
  await file.getByLabel('措施', { exact: true }).selectOption({ label: '提示提醒' });
  await file.getByLabel('措施说明').fill(note);
  await file.getByRole('button', { name: '下达' }).click();
  await expect(office.getByTestId('officer-measure').filter({ hasText: note })).toHaveAttribute('data-status', 'issued');

  // 已办, from the console's menu: the reminder first, linking to its case page.
  await office.goto('/tax');
  await office.getByRole('link', { name: '已办', exact: true }).click();
  await expect(office).toHaveURL(/\/tax\/done$/);
  const done = office.getByRole('region', { name: '已办', exact: true });
  const first = done.locator('li.done-item').first();
  await expect(first).toContainText(note);
  await expect(first).toHaveAttribute('data-kind', 'Measure');
  await expect(first).toContainText('管理措施');
  await expect(first).toContainText('提示提醒');
  await expect(first).toContainText('已提醒');
  await expect(first.getByRole('link', { name: SHULE.name })).toHaveAttribute('href', `/tax/measures?code=${SHULE.code}`);

  // 单位查询 by part of the name → 单位档案.
  await office.getByRole('link', { name: '返回待办列表' }).click();
  await office.getByRole('link', { name: '单位查询' }).click();
  await expect(office).toHaveURL(/\/tax\/units$/);
  const search = office.getByRole('region', { name: '单位查询' });
  await search.getByRole('button', { name: '查询' }).click();
  await expect(search.locator('.field-error[data-field="query"]')).toContainText('请输入统一社会信用代码或单位名称');
  await search.getByLabel('统一社会信用代码或单位名称').fill('蜀乐');
  await search.getByRole('button', { name: '查询' }).click();
  await expect(search.locator('li.unit-hit').filter({ hasText: '四川蜀乐物业服务有限公司' })).toBeVisible();
  await expect(search.locator('li.unit-hit').filter({ hasText: '成都蜀乐软件有限公司' }), '高新 is another office').toHaveCount(0);
  await search.getByRole('link', { name: SHULE.name, exact: true }).click();
  await expect(office).toHaveURL(new RegExp(`/tax/units\\?code=${SHULE.code}$`));
  const unitFile = office.getByRole('region', { name: '单位档案' });
  await expect(unitFile).toContainText(SHULE.name);
  await expect(unitFile.locator('.unit-status')).toHaveText('正常');
  await expect(unitFile.locator('.unit-status-line')).toContainText('可申请资格延续');
  const measures = office.getByRole('region', { name: '管理措施', exact: true });
  await expect(measures.locator('li.file-row').first()).toContainText(note);
  await expect(office.getByRole('region', { name: '接入申请', exact: true }).locator('li.file-row').first()).toContainText('确认通过');
  await expect(office.getByRole('region', { name: '发送的消息' }).locator('li.file-row').first()).toContainText('提示提醒');

  // A 暂停 in force is the status (the province takes and restores it).
  const province = await newPage(browser, viewport);
  await officerLogin(province, 'sc_queren');
  const taken = await callServerFn(province, 'measure_take', { json: { credit_code: SHULE.code, kind: 'SuspendCapabilities', months: 1, note: `核对状态（${note}）` } });
  try {
    await office.reload();
    await expect(office.getByRole('region', { name: '单位档案' }).locator('.unit-status')).toHaveText('暂停使用乐企能力');
  } finally {
    const lifted = await callServerFn(province, 'measure_act', { json: { id: taken.id, version: taken.version, action: 'Restore', text: '', deadline: '' } });
    expect(lifted.status).toBe('Lifted');
  }
  await office.reload();
  await expect(office.getByRole('region', { name: '单位档案' }).locator('.unit-status')).toHaveText('正常');

  // A unit outside the jurisdiction: 未找到.
  await office.goto('/tax/units?code=91510100MA6CLQ0125');
  await expect(office.getByRole('region', { name: '单位档案' })).toContainText('未找到');
});
