import { Browser, expect, Page, test } from '@playwright/test';
import { FIXTURES, loginByPassword, officerLogin, SHULE } from './helpers';

// 税务管理措施 (issue #13), desktop and 360 px: the 主管税务机关 orders 责令限期改正 in the tax console;
// the unit sees it (and a 管理措施 message) and sends 整改反馈 (an empty one is refused at its
// field) with its 整改情况报告 uploaded; the office finds it in 整改反馈待审核, opens the material, and
// 整改通过 lifts it; the province's 暂停新增使用单位
// shows on the unit's page until 恢复. Every measure ends lifted, so the other specs can invite.

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  return (await browser.newContext({ viewport: viewport ?? undefined })).newPage();
}

async function openUnit(officer: Page) {
  await officer.goto('/tax');
  await officer.getByRole('link', { name: '管理措施' }).click();
  await expect(officer).toHaveURL(/\/tax\/measures$/);
  await officer.getByLabel('统一社会信用代码').fill(SHULE.code);
  await officer.getByRole('button', { name: '查询' }).click();
  await expect(officer.getByTestId('unit-file')).toContainText(SHULE.name);
}

test('管理措施: 责令限期改正 → 整改反馈 → 整改通过; 暂停新增使用单位 → 恢复', async ({ browser }, info) => {
  test.setTimeout(150_000);
  const viewport = info.project.use.viewport;
  const note = `发票交付不及时（${info.project.name}-${Date.now()}）`;

  // The office: 责令限期改正, 1 month.
  const office = await newPage(browser, viewport);
  await officerLogin(office, 'sc_jj_shouli');
  await openUnit(office);
  const file = office.getByTestId('unit-file');
  await file.getByLabel('措施', { exact: true }).selectOption({ label: '责令限期改正' });
  await file.getByLabel('整改期限').selectOption({ label: '1个月' });
  await file.getByRole('button', { name: '下达' }).click();
  await expect(file.locator('.field-error[data-field="note"]')).toBeVisible();
  await file.getByLabel('措施说明').fill(note);
  await file.getByRole('button', { name: '下达' }).click();
  const issued = office.getByTestId('officer-measure').filter({ hasText: note });
  await expect(issued).toHaveAttribute('data-status', 'rectifying');
  await expect(issued).toContainText('整改期限');

  // The unit: told in 消息中心, answers on 【管理措施】.
  const unit = await newPage(browser, viewport);
  await loginByPassword(unit, SHULE, '王建国', '法定代表人');
  await unit.goto('/leqi/messages');
  await unit.getByLabel('消息类型').selectOption({ label: '管理措施' });
  await expect(unit.getByTestId('message').filter({ hasText: note }).first()).toContainText('责令限期改正');
  await unit.getByRole('link', { name: '管理措施' }).first().click();
  await expect(unit).toHaveURL(/\/leqi\/measures$/);
  const card = unit.getByTestId('measure').filter({ hasText: note });
  await expect(card).toHaveAttribute('data-status', 'rectifying');
  await card.getByRole('button', { name: '提交整改反馈' }).click();
  await expect(card.locator('.field-error[data-field="text"]')).toContainText('请填写整改反馈');
  await card.getByLabel('整改反馈', { exact: true }).fill('已建立发票交付复核机制，并完成自查。');
  await card.locator('input[name="materials"]').setInputFiles(FIXTURES.pdf);
  await expect(card.locator('.materials-list.pending .material-file')).toHaveCount(1);
  await card.getByRole('button', { name: '提交整改反馈' }).click();
  const answered = unit.getByTestId('measure').filter({ hasText: note });
  await expect(answered).toHaveAttribute('data-status', 'feedback');
  await expect(answered.locator('.feedback-materials .material-file')).toHaveCount(1);

  // The office: 整改反馈待审核 → 整改通过 → 已解除.
  await office.reload();
  const waiting = office.getByRole('region', { name: '整改反馈待审核' }).getByTestId('officer-measure').filter({ hasText: note });
  await expect(waiting).toContainText('已建立发票交付复核机制');
  // The officer opens the 整改情况报告 before deciding.
  const material = waiting.locator('.feedback-materials .material-file');
  await expect(material).toHaveAttribute('data-kind', 'rectification_report');
  const href = await material.getByRole('link', { name: '查看' }).getAttribute('href');
  const opened = await office.request.get(href!);
  expect(opened.status()).toBe(200);
  expect(opened.headers()['content-type']).toContain('application/pdf');
  await waiting.getByRole('button', { name: '整改通过' }).click();
  await expect(office.getByRole('region', { name: '整改反馈待审核' }).getByTestId('officer-measure').filter({ hasText: note })).toHaveCount(0);
  await openUnit(office);
  await expect(office.getByTestId('officer-measure').filter({ hasText: note })).toHaveAttribute('data-status', 'lifted');
  await unit.reload();
  await expect(unit.getByTestId('measure').filter({ hasText: note })).toHaveAttribute('data-status', 'lifted');

  // The province: 暂停新增使用单位 shows on the unit's page until 恢复.
  const province = await newPage(browser, viewport);
  await officerLogin(province, 'sc_queren');
  await openUnit(province);
  const pfile = province.getByTestId('unit-file');
  await pfile.getByLabel('措施', { exact: true }).selectOption({ label: '暂停新增使用单位' });
  await pfile.getByLabel('措施说明').fill(`投诉未处理（${note}）`);
  await pfile.getByRole('button', { name: '下达' }).click();
  const suspension = province.getByTestId('officer-measure').filter({ hasText: `投诉未处理（${note}）` });
  await expect(suspension).toHaveAttribute('data-status', 'in_force');
  await unit.reload();
  await expect(unit.locator('.restriction')).toContainText('暂停新增使用单位');
  await suspension.getByRole('button', { name: '恢复' }).click();
  await expect(province.getByTestId('officer-measure').filter({ hasText: `投诉未处理（${note}）` })).toHaveAttribute('data-status', 'lifted');
  await unit.reload();
  await expect(unit.getByTestId('measure').first()).toBeVisible();
  await expect(unit.locator('.restriction')).toHaveCount(0);

  for (const p of [office, unit, province]) await p.context().close();
});
