import { Browser, expect, Page, test } from '@playwright/test';
import { loginByPassword, officerLogin, SHULE } from './helpers';

// 版本升级通知 (issue #13), desktop and 360 px: the provincial bureau publishes in the tax
// console (a missing title is refused next to its field, the typed content survives a reload);
// the direct unit finds it in 【消息中心】 and 【版本升级通知】 with its 30-day 完成期限 and marks
// 【已完成改造】; the console shows the unit as done.

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  return (await browser.newContext({ viewport: viewport ?? undefined })).newPage();
}

test('版本升级通知: 发布 → 通知公告 → 已完成改造 → the console shows it', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const viewport = info.project.use.viewport;
  const title = `乐企接口升级（${info.project.name}-${Date.now()}）`;
  const officer = await newPage(browser, viewport);
  await officerLogin(officer, 'sc_queren');
  await officer.getByRole('link', { name: '版本升级通知' }).click();
  await expect(officer).toHaveURL(/\/tax\/notices$/);
  const form = officer.getByRole('region', { name: '发布版本升级通知' });
  await form.getByLabel('通知内容').fill('发票开具接口新增字段，请于期限内完成系统改造并测试。');
  // Nothing typed is lost: a reload keeps the draft; a missing title is said at its field.
  await officer.reload();
  await expect(form.getByLabel('通知内容')).toHaveValue('发票开具接口新增字段，请于期限内完成系统改造并测试。');
  await form.getByRole('button', { name: '发布' }).click();
  await expect(form.locator('.field-error[data-field="title"]')).toContainText('请填写通知标题');
  await form.getByLabel('通知标题').fill(title);
  await form.getByRole('button', { name: '发布' }).click();
  const row = officer.getByTestId('notice-row').filter({ hasText: title });
  await expect(row).toBeVisible();
  await expect(form.getByLabel('通知标题')).toHaveValue('');

  // The direct unit: a 通知公告 in 【消息中心】, its 【查看】 opens 【版本升级通知】.
  const unit = await newPage(browser, viewport);
  await loginByPassword(unit, SHULE, '王建国', '法定代表人');
  await unit.goto('/leqi/messages');
  await unit.getByLabel('消息类型').selectOption({ label: '通知公告' });
  const message = unit.getByTestId('message').filter({ hasText: title }).first();
  await expect(message).toContainText('前完成系统改造和测试');
  await message.getByRole('button', { name: '查看' }).click();
  await expect(unit).toHaveURL(/\/leqi\/notices$/);
  const card = unit.getByTestId('notice').filter({ hasText: title });
  await expect(card).toHaveAttribute('data-progress', 'pending');
  await expect(card.locator('.progress')).toHaveText('待改造');
  await card.getByRole('button', { name: '已完成改造' }).click();
  await expect(card).toHaveAttribute('data-progress', 'done');
  await expect(card.locator('.progress')).toContainText('已完成改造');
  await expect(card.getByRole('button', { name: '已完成改造' })).toHaveCount(0);

  // The console: the notice's units, this one done.
  await row.getByRole('link', { name: title }).click();
  await expect(officer).toHaveURL(/\/tax\/notices\/\d+$/);
  const line = officer.getByTestId('notice-unit').filter({ hasText: SHULE.code });
  await expect(line).toContainText('已完成改造');
  await expect(line).not.toContainText('逾期');
  await officer.context().close();
  await unit.context().close();
});
