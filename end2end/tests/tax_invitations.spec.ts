import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { invitationFn, loginByPassword, officerLogin, SHULE } from './helpers';

// 使用单位接入邀请 at the use unit's 主管税务机关 (manual §3.4.1.4): 蜀乐科技 invites a 自用类
// use unit over HTTP (server fns), the use unit 确认s the invitation, then the officers of its
// 主管税务机关 (国家税务总局成都高新技术产业开发区税务局: sc_gx_shouli / sc_gx_fuhe) 受理 and
// 确认通过 in the tax console. Desktop and mobile share one database in a run, so each project
// invites its own use unit: desktop 天府数字交通 (full path, unbound at the end), mobile
// 蜀乐软件 (the queue and the case page at 360 px, then 不予受理).
const UNITS = {
  desktop: { code: '91510100MA6CLQ014B', name: '四川天府数字交通投资有限公司', relationship: '同一监管部门', person: '杨帆' },
  mobile: { code: '91510100MA6CLQ0125', name: '成都蜀乐软件有限公司', relationship: '母子公司关系', person: '郑浩' },
};
const OFFICE = '国家税务总局成都高新技术产业开发区税务局';

/** Calls a server fn of app::invitation::api with the page's session. */

async function newPage(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ viewport: info.project.use.viewport ?? undefined, isMobile: info.project.use.isMobile, hasTouch: info.project.use.hasTouch });
  return context.newPage();
}

async function officerPage(browser: Browser, info: TestInfo, username: string): Promise<Page> {
  const page = await newPage(browser, info);
  await officerLogin(page, username);
  return page;
}

/** 蜀乐科技 invites the unit; the unit's 法定代表人 确认s. Returns the invitation id (待受理). */
async function inviteAndRespond(browser: Browser, info: TestInfo, direct: Page, unit: typeof UNITS.desktop): Promise<number> {
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const out = await invitationFn(direct, 'submit_invitations', {
    json: { rows: [{ credit_code: unit.code, name: unit.name, province: '国家税务总局四川省税务局', relationship: unit.relationship, pre_authorize: '否' }], proof_material_id: null },
  });
  expect(out.failed, JSON.stringify(out.failed)).toEqual([]);
  expect(out.invited).toBe(1);
  const page = await invitationFn(direct, 'list_invitations', { json: { query: { status: '', search: unit.code } } });
  const id = page.rows[0].id as number;
  expect(page.rows[0].status).toBe('待使用单位响应');

  const user = await newPage(browser, info);
  await loginByPassword(user, unit, unit.person, '法定代表人');
  const v = await invitationFn(user, 'invitation_detail', { id });
  expect(v.actions).toEqual(['Confirm', 'Decline']);
  const answered = await invitationFn(user, 'invitation_act', { json: { id, version: v.version, action: 'Confirm', reason: '', invoicer_link_ids: [], period_code: '' } });
  expect(answered.status).toBe('待受理');
  await user.context().close();
  return id;
}

/** From the 使用单位接入邀请 queue: the unit's row → 【办理】. */
async function openFromQueue(page: Page, unit: { code: string; name: string }, status: string, id: number) {
  await page.goto('/tax');
  const queue = page.locator('.invitation-queue');
  await expect(queue.getByRole('heading', { name: '使用单位接入邀请' })).toBeVisible();
  const row = queue.locator(`tr.invitation-item[data-credit-code="${unit.code}"]`);
  await expect(row.locator('.name')).toHaveText(unit.name);
  await expect(row.locator('.direct')).toHaveText(SHULE.name);
  await expect(row.locator('.category')).toHaveText('自用类');
  await expect(row.locator('.state')).toHaveText(status);
  await row.getByRole('link', { name: '办理' }).click();
  await expect(page).toHaveURL(new RegExp(`/tax/invitation/${id}$`));
  await expect(page.locator('.facts .status')).toHaveText(status);
}

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no horizontal scrolling').toBeLessThanOrEqual(0);
}

test('受理 → 确认通过 of a 自用类 invitation, a refusal that needs a reason, two officers at once', async ({ browser, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'the full path runs once (desktop); mobile views the queue');
  test.setTimeout(180_000);
  const unit = UNITS.desktop;
  const id = await inviteAndRespond(browser, info, page, unit);

  // 受理 desk: the invitation queue beside the access applications, then the invitation.
  const shouli = await officerPage(browser, info, 'sc_gx_shouli');
  await expect(shouli.getByRole('heading', { name: '受理待办' })).toBeVisible();
  await expect(shouli.getByRole('heading', { name: '接入申请' })).toBeVisible();
  await openFromQueue(shouli, unit, '待受理', id);
  await expect(shouli.getByRole('heading', { name: `使用单位接入邀请 · ${unit.name}` })).toBeVisible();
  const facts = shouli.locator('.facts');
  await expect(facts).toContainText(SHULE.code);
  await expect(facts).toContainText(unit.code);
  await expect(facts).toContainText(OFFICE);
  await expect(facts).toContainText('同一监管部门（自用类）');
  await expect(shouli.getByText('待办理：使用单位主管税务机关（受理）')).toBeVisible();
  await expect(shouli.locator('.case-timeline .timeline li')).toHaveCount(2);
  await expect(shouli.locator('.case-timeline .timeline li').nth(1)).toContainText('确认邀请');
  await expect(shouli.locator('.decide h3')).toHaveText('受理办理');

  // 【不予受理】 without a reason: said next to the textarea; nothing decided.
  await shouli.getByRole('button', { name: '不予受理' }).click();
  await expect(shouli.locator('.decide [data-field="reason"]')).toHaveText('请填写原因');
  await expect(shouli.locator('.facts .status')).toHaveText('待受理');

  // A second 受理 officer has it open; the first one decides.
  const other = await officerPage(browser, info, 'sc_gx_shouli');
  await other.goto(`/tax/invitation/${id}`);
  await expect(other.locator('.facts .status')).toHaveText('待受理');

  await shouli.getByRole('button', { name: '受理', exact: true }).click();
  await expect(shouli.locator('.decided')).toContainText('当前状态：待确认');
  await expect(shouli.locator('.facts .status')).toHaveText('待确认');
  await expect(shouli.locator('.decide')).toHaveCount(0);

  // The second one's decision is refused as a conflict; 【刷新】 shows the new state.
  await other.locator('textarea[name="reason"]').fill('材料不全');
  await other.getByRole('button', { name: '不予受理' }).click();
  await expect(other.locator('.decide .form-error')).toHaveText('该记录已被他人处理，请刷新后查看最新状态');
  await other.getByRole('button', { name: '刷新' }).click();
  await expect(other.locator('.facts .status')).toHaveText('待确认');
  await expect(other.locator('.decide')).toHaveCount(0);
  await expect(other.locator('.case-timeline .timeline li')).toHaveCount(3);

  // 确认 by the same office's 复核 post.
  const fuhe = await officerPage(browser, info, 'sc_gx_fuhe');
  await expect(fuhe.getByRole('heading', { name: '复核待办' })).toBeVisible();
  await openFromQueue(fuhe, unit, '待确认', id);
  await expect(fuhe.locator('.decide h3')).toHaveText('确认办理');
  await expect(fuhe.getByRole('button', { name: '确认不通过' })).toBeVisible();
  await fuhe.getByRole('button', { name: '确认通过', exact: true }).click();
  await expect(fuhe.locator('.decided')).toContainText('当前状态：确认通过');
  await expect(fuhe.locator('.facts .status')).toHaveText('确认通过');
  const entries = fuhe.locator('.case-timeline .timeline li');
  await expect(entries).toHaveCount(4);
  await expect(entries.locator('.what')).toHaveText(['发起邀请 → 待使用单位响应', '确认邀请 → 待受理', '受理 → 待确认', '确认通过 → 确认通过']);
  await expect(entries.nth(3)).toContainText('谢婷（高新复核）');

  // Done: out of the queues; bound for the direct unit, which unbinds it to leave the data as found.
  await fuhe.goto('/tax');
  await expect(fuhe.locator('.invitation-queue .empty, .invitation-queue table').first()).toBeVisible();
  await expect(fuhe.locator(`tr.invitation-item[data-credit-code="${unit.code}"]`)).toHaveCount(0);
  const bound = await invitationFn(page, 'invitation_detail', { id });
  expect(bound.status).toBe('Confirmed');
  expect(await invitationFn(page, 'unbind_use_units', { json: { ids: [id], reason: '端到端测试结束' } })).toEqual([]);

  for (const p of [shouli, other, fuhe]) await p.context().close();
});

test('the invitation queue and the case page at 360 px', async ({ browser, page }, info) => {
  test.skip(info.project.name !== 'mobile', 'the 360 px layout');
  test.setTimeout(120_000);
  const unit = UNITS.mobile;
  const id = await inviteAndRespond(browser, info, page, unit);

  const shouli = await officerPage(browser, info, 'sc_gx_shouli');
  await openFromQueue(shouli, unit, '待受理', id);
  await shouli.goto('/tax');
  await expect(shouli.locator(`tr.invitation-item[data-credit-code="${unit.code}"]`)).toBeVisible();
  await noHorizontalScroll(shouli);
  await shouli.locator(`tr.invitation-item[data-credit-code="${unit.code}"]`).getByRole('link', { name: '办理' }).click();
  await expect(shouli.locator('.facts .status')).toHaveText('待受理');
  await expect(shouli.getByRole('button', { name: '受理', exact: true })).toBeVisible();
  await noHorizontalScroll(shouli);
  // The refusal's reason is asked for next to the field here too; the invitation stays 待受理.
  await shouli.getByRole('button', { name: '不予受理' }).click();
  await expect(shouli.locator('.decide [data-field="reason"]')).toHaveText('请填写原因');
  await expect(shouli.locator('.facts .status')).toHaveText('待受理');
  // With a reason it is 不予受理 (and 蜀乐科技 may invite the unit again: the run leaves nothing open).
  await shouli.locator('textarea[name="reason"]').fill('单位关系证明材料不全');
  await shouli.getByRole('button', { name: '不予受理' }).click();
  await expect(shouli.locator('.decided')).toContainText('当前状态：不予受理');
  await expect(shouli.locator('.facts .status')).toHaveText('不予受理');
  await expect(shouli.locator('.invitation-case .reason')).toHaveText('原因：单位关系证明材料不全');
  await noHorizontalScroll(shouli);
  await shouli.context().close();
});

test('联用类, 接入备案不通过: 待受理 → 受理 → 确认不通过 → 重新发起邀请 → 受理 → 确认通过 → 待使用单位授权', async ({ browser, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'the path runs once per database (desktop)');
  test.setTimeout(180_000);
  // 包头草原云链储运: credit grade C, so 内蒙古's 接入备案 (A/B/M) fails and its office (昆都仑) decides.
  const BT = { code: '91150203MA0NCY021B', name: '包头草原云链储运有限公司' };
  await loginByPassword(page, SHULE, '王建国', '法定代表人');
  const out = await invitationFn(page, 'submit_invitations', { json: { rows: [{ credit_code: BT.code, name: BT.name, province: '国家税务总局内蒙古自治区税务局', relationship: '不具有控制关系', pre_authorize: '是' }], proof_material_id: null } });
  expect(out.failed).toEqual([]);
  const list = await invitationFn(page, 'list_invitations', { json: { query: { search: BT.code } } });
  const id: number = list.rows[0].id;
  expect(list.rows[0].status).toBe('待受理');

  // The direct unit sees why: the 接入备案 lines.
  await page.goto(`/jrgl/invite/${id}`);
  await expect(page.locator('ul.checks li.fail')).toContainText('C级');

  const decide = async (username: string, button: string, reason = '') => {
    const o = await officerPage(browser, info, username);
    await o.goto(`/tax/invitation/${id}`);
    await expect(o.locator('.facts')).toContainText('不具有控制关系（联用类）');
    if (reason) await o.locator('textarea[name="reason"]').fill(reason);
    await o.getByRole('button', { name: button, exact: true }).click();
    await expect(o.locator('.decided')).toBeVisible();
    // The notice comes first; the case is loaded again behind it.
    const status = (await o.locator('.decided .notice').innerText()).replace('已办理，当前状态：', '');
    await expect(o.locator('.facts .status')).toHaveText(status);
    await o.context().close();
    return status;
  };
  expect(await decide('nm_bt_shouli', '受理')).toBe('待确认');
  expect(await decide('nm_bt_fuhe', '确认不通过', '信用等级不符合要求')).toBe('确认不通过');

  // 重新发起邀请 from the invitation page; the new invitation runs the desks again.
  await page.reload();
  await expect(page.locator('.reason').first()).toContainText('信用等级不符合要求');
  await page.getByRole('button', { name: '重新发起邀请' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/jrgl/invite/${id}$`));
  await expect(page.locator('.facts .status')).toHaveText('待受理');
  await expect(page.locator('.timeline li').first()).toContainText('重新发起邀请');
  const again = Number(page.url().split('/').pop());
  const decideAgain = async (username: string, button: string) => {
    const o = await officerPage(browser, info, username);
    await o.goto(`/tax/invitation/${again}`);
    await o.getByRole('button', { name: button, exact: true }).click();
    await expect(o.locator('.decided')).toBeVisible();
    // The notice comes first; the case is loaded again behind it.
    const status = (await o.locator('.decided .notice').innerText()).replace('已办理，当前状态：', '');
    await expect(o.locator('.facts .status')).toHaveText(status);
    await o.context().close();
    return status;
  };
  expect(await decideAgain('nm_bt_shouli', '受理')).toBe('待确认');
  expect(await decideAgain('nm_bt_fuhe', '确认通过')).toBe('待使用单位授权');
  await page.reload();
  await expect(page.locator('.facts .status')).toHaveText('待使用单位授权');
});
