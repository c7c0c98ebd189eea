import { Browser, expect, Page, test } from '@playwright/test';
import { callServerFn, loginByPassword, SHULE, WUYE } from './helpers';

// 【消息中心】 (issue #13), desktop and 360 px: a 邀请通知 reaches the invited unit's open page
// without a reload (the header's 未读 is polled), the count goes down as messages are read —
// on the H5 page (【已读】), with 【标为已读】 and with 【查看】, which opens the item — and the
// direct unit hears of the use unit's 拒绝. The pair ends refused, so the next run can invite again.

const BUREAU = '国家税务总局四川省税务局';
const call = callServerFn;
// The invited unit per project: login.spec's mobile run locks 物业's 陈静 for 15 minutes.
const INVITED = {
  desktop: { unit: WUYE, person: '陈静', relationship: '其他控制关系' },
  mobile: { unit: { code: '91510100MA6CLQ014B', name: '四川天府数字交通投资有限公司' }, person: '杨帆', relationship: '同一监管部门' },
};

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  return (await browser.newContext({ viewport: viewport ?? undefined })).newPage();
}

async function act(page: Page, id: number, action: string, reason = ''): Promise<number> {
  const v = await call(page, 'invitation_detail', { id });
  const acted = await call(page, 'invitation_act', { json: { id, version: v.version, action, reason, invoicer_link_ids: [], period_code: '' } });
  return acted.id as number;
}

test('消息中心: 邀请通知 without a reload, 未读 going down as messages are read (web and H5)', async ({ browser }, info) => {
  test.setTimeout(150_000);
  const viewport = info.project.use.viewport;
  const { unit: invited, person, relationship } = INVITED[info.project.name as 'desktop' | 'mobile'] ?? INVITED.desktop;
  const direct = await newPage(browser, viewport);
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const unit = await newPage(browser, viewport);
  await loginByPassword(unit, invited, person, '法定代表人');

  // 【消息中心】 from the left menu; start from nothing unread.
  await unit.getByRole('link', { name: /^消息中心/ }).first().click();
  await expect(unit).toHaveURL(/\/leqi\/messages$/);
  await expect(unit.getByRole('heading', { name: /消息中心/, level: 2 })).toBeVisible();
  await expect(unit.locator('.messages .loading')).toHaveCount(0);
  const badge = unit.getByTestId('unread');
  const readAll = unit.getByRole('button', { name: '全部标为已读' });
  if (await readAll.isEnabled()) await readAll.click();
  await expect(badge).toHaveCount(0);
  await expect(readAll).toBeDisabled();

  // 发起接入邀请: the open page shows it without a reload.
  const out = await call(direct, 'submit_invitations', { json: { rows: [{ credit_code: invited.code, name: invited.name, province: BUREAU, relationship, pre_authorize: '否' }], proof_material_id: null } });
  expect(out.failed, JSON.stringify(out.failed)).toEqual([]);
  const first = (await call(direct, 'list_invitations', { json: { query: { batch_id: out.batch_id } } })).rows[0].id as number;
  await expect(badge).toHaveText('1', { timeout: 30_000 });
  const items = unit.getByTestId('message');
  await expect(items.first()).toContainText(`${SHULE.name}邀请贵单位成为其使用单位`);
  await expect(items.first()).toContainText('邀请通知');

  // 拒绝 (the unit's own step: no message to itself), 重新发起邀请: a second 邀请通知.
  await act(unit, first, 'Decline', '暂不接入');
  const second = await act(direct, first, 'Reinvite');
  await expect(badge).toHaveText('2', { timeout: 30_000 });

  // The H5 page lists the unread messages; 【已读】 with a tap.
  const h5 = await unit.context().newPage();
  await h5.setViewportSize({ width: 360, height: 740 });
  await h5.goto('/kkjrh5/');
  await expect(h5.getByTestId('h5-unread')).toHaveText('2');
  await expect(h5.getByTestId('h5-message')).toHaveCount(2);
  await h5.getByTestId('h5-message').first().getByRole('button', { name: '已读' }).click();
  await expect(h5.getByTestId('h5-unread')).toHaveText('1');
  await expect(h5.getByTestId('h5-message')).toHaveCount(1);
  await h5.close();

  // The web page follows on its next poll; 仅看未读 shows the one left.
  await expect(badge).toHaveText('1', { timeout: 30_000 });
  await unit.getByLabel('仅看未读').check();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveClass(/unread/);
  // 【查看】 marks it read and opens the invitation under 【响应邀请】 (the H5 read the newer
  // one, so what is left is the first invitation's).
  await items.first().getByRole('button', { name: '查看' }).click();
  await expect(unit).toHaveURL(new RegExp(`/jrgl/respond/${first}$`));
  await expect(unit.getByTestId('who')).toBeVisible();
  await expect(unit.getByTestId('messages-link')).toBeVisible();
  await expect(unit.getByTestId('unread')).toHaveCount(0);
  expect(await call<number>(unit, 'message_unread', {})).toBe(0);

  // The direct unit hears of the 拒绝 (with its reason), and reads it with 【标为已读】.
  await direct.goto('/leqi/messages');
  await direct.getByLabel('消息类型').selectOption({ label: '状态变更' });
  const refusal = direct.getByTestId('message').filter({ hasText: '暂不接入' }).first();
  await expect(refusal).toContainText('接入邀请：已拒绝');
  await expect(refusal).toContainText(invited.name);
  const before = await call<number>(direct, 'message_unread', {});
  expect(before).toBeGreaterThan(0);
  await refusal.getByRole('button', { name: '标为已读' }).click();
  await expect(refusal.getByRole('button', { name: '标为已读' })).toHaveCount(0);
  expect(await call<number>(direct, 'message_unread', {})).toBe(before - 1);
  // The header shows the same count (99+ above 99).
  if (before - 1 === 0) await expect(direct.getByTestId('unread')).toHaveCount(0);
  else await expect(direct.getByTestId('unread')).toHaveText(before - 1 > 99 ? '99+' : String(before - 1));

  // The pair ends refused.
  await act(unit, second, 'Decline', '测试结束');
  await direct.context().close();
  await unit.context().close();
});
