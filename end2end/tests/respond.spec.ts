import { Browser, expect, Page, test } from '@playwright/test';
import { callServerFn, choosePerson, enterEnterprise, loginByPassword, officerLogin, PASSWORD, QINGHE, serverFnPath, SHULE, verifyByPassword } from './helpers';

// The use unit's side of invitations (manual ch. 4): 【响应邀请】, 【授权】,
// 解除绑定, 【开票人员登记及管理】 on the web (desktop and 360 px), and the H5
// 【接入确认】 (360 px: deep link, offline). Desktop and mobile share one database:
// every test ends with its pair unbound, refused or not accepted, so the next run
// can invite the same pair again.

const SHULE_MY = { code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司' };
const BUREAU = '国家税务总局四川省税务局';

const call = callServerFn;

async function newPage(browser: Browser, viewport: { width: number; height: number } | null | undefined): Promise<Page> {
  return (await browser.newContext({ viewport: viewport ?? undefined })).newPage();
}

/** 王建国 (蜀乐科技) invites one unit through submit_invitations; returns the invitation id. */
async function invite(direct: Page, unit: { code: string; name: string }, relationship: string): Promise<number> {
  const out = await call(direct, 'submit_invitations', { json: { rows: [{ credit_code: unit.code, name: unit.name, province: BUREAU, relationship, pre_authorize: '否' }], proof_material_id: null } });
  expect(out.failed, JSON.stringify(out.failed)).toEqual([]);
  const page = await call(direct, 'list_invitations', { json: { query: { batch_id: out.batch_id } } });
  return page.rows[0].id as number;
}

/** An officer of the use unit's tax office decides (the tax console's queue is built elsewhere). */
async function officerDecides(browser: Browser, username: string, id: number, approve: boolean, reason = '') {
  const page = await newPage(browser, { width: 1280, height: 800 });
  await officerLogin(page, username);
  const v = await call(page, 'invitation_detail', { id });
  expect(v.actions.length).toBe(2);
  // The desk's two actions, as the server offers them: [approve, refuse].
  await call(page, 'invitation_act', { json: { id, version: v.version, action: v.actions[approve ? 0 : 1], reason, invoicer_link_ids: [], period_code: '' } });
  await page.context().close();
}

/** The direct unit's 邀请列表: the newest row of that use unit shows `status`. */
async function directSees(direct: Page, code: string, status: string, reason?: string) {
  await direct.goto('/jrgl/invite');
  const row = direct.locator(`tr[data-code="${code}"]`).first();
  await expect(row.locator('.status')).toHaveText(status);
  if (reason) await expect(row).toContainText(reason);
}

/** 马超 (开票员) at 青禾 must be bound: another spec takes his permissions away. */
async function ensureInvoiceClerk(boss: Page) {
  const users = await call(boss, 'list_users', {});
  const ma = users.find((u: any) => u.name === '马超' && u.identity === 'InvoiceClerk');
  expect(ma).toBeTruthy();
  if (!ma.bound || !ma.grants.includes?.('LeqiAccess')) {
    await call(boss, 'set_user_grants', { link_id: ma.link_id, modules: 'leqi_access,leqi_capability,leqi_messages,invoicing,declaration' });
  }
}

test('自用类: 响应邀请 → 确认 (主管税务机关 and relationship shown) → 受理 → 确认通过 → 解除绑定', async ({ browser }, info) => {
  const viewport = info.project.use.viewport;
  const direct = await newPage(browser, viewport);
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const id = await invite(direct, SHULE_MY, '总分公司关系');

  const zhou = await newPage(browser, viewport);
  await loginByPassword(zhou, SHULE_MY, '周敏', '法定代表人');
  await zhou.getByRole('link', { name: '响应邀请' }).first().click();
  await expect(zhou).toHaveURL(/\/jrgl\/respond$/);
  const row = zhou.locator(`tr[data-id="${id}"]`);
  await expect(row.locator('.status')).toHaveText('待使用单位响应');
  await row.getByRole('link', { name: '查看详情' }).click();
  await expect(zhou).toHaveURL(new RegExp(`/jrgl/respond/${id}$`));
  await expect(zhou.locator('.facts .status')).toHaveText('待使用单位响应');
  await expect(zhou.getByText('直连单位未上传单位关系证明材料。')).toBeVisible();

  await zhou.getByRole('button', { name: '确认', exact: true }).click();
  const dialog = zhou.getByRole('dialog', { name: '确认接入邀请' });
  await expect(dialog.getByTestId('confirm-office')).toHaveText('国家税务总局绵阳市涪城区税务局');
  await expect(dialog.getByTestId('confirm-relationship')).toContainText('总分公司关系');
  await dialog.getByRole('button', { name: '确认提交' }).click();
  await expect(zhou.getByRole('status')).toContainText('确认成功，当前状态：待受理');
  await expect(zhou.locator('.facts .status')).toHaveText('待受理');
  await expect(zhou.getByRole('button', { name: '确认', exact: true })).toHaveCount(0);
  await directSees(direct, SHULE_MY.code, '待受理');

  await officerDecides(browser, 'sc_my_shouli', id, true);
  await zhou.reload();
  await expect(zhou.locator('.facts .status')).toHaveText('待确认');
  await officerDecides(browser, 'sc_my_fuhe', id, true);
  await zhou.reload();
  await expect(zhou.locator('.facts .status')).toHaveText('确认通过');
  await directSees(direct, SHULE_MY.code, '确认通过');
  // A 自用类 unit has no 开票人员登记: the page explains.
  await zhou.goto('/jrgl/invoicers');
  await expect(zhou.locator('.refused .form-error')).toContainText('仅适用于已与直连单位建立绑定关系的联用类使用单位');

  // 解除与直连单位绑定关系: a reason, then a confirmation.
  await zhou.goto(`/jrgl/respond/${id}`);
  await zhou.getByRole('button', { name: '解除绑定' }).click();
  const unbind = zhou.getByRole('dialog', { name: '确认解除绑定' });
  await unbind.getByRole('button', { name: '确认解除' }).click();
  await expect(unbind.locator('[data-field="reason"]')).toHaveText('请填写原因');
  await unbind.getByLabel('解除原因').fill('分公司业务调整');
  await unbind.getByRole('button', { name: '确认解除' }).click();
  await expect(zhou.locator('.facts .status')).toHaveText('已解除绑定');
  await expect(zhou.locator('.timeline')).toContainText('使用单位解除绑定');
  await directSees(direct, SHULE_MY.code, '已解除绑定', '分公司业务调整');
  const overflow = await zhou.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('联用类: 授权 with 开票人员 and 验证时间, 开票人员登记 and 解除登记, 解除绑定; others kept out', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const viewport = info.project.use.viewport;
  const he = await newPage(browser, viewport);
  await loginByPassword(he, QINGHE, '何青', '法定代表人');
  await ensureInvoiceClerk(he);
  const direct = await newPage(browser, viewport);
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const id = await invite(direct, QINGHE, '不具有控制关系');
  await directSees(direct, QINGHE.code, '待使用单位授权');

  // The 开票员 sees the invitation but is offered no 授权, and the server refuses it.
  const ma = await newPage(browser, viewport);
  await loginByPassword(ma, QINGHE, '马超', '开票员');
  await ma.goto(`/jrgl/respond/${id}`);
  await expect(ma.locator('.facts .status')).toHaveText('待使用单位授权');
  await expect(ma.getByRole('button', { name: '授权' })).toHaveCount(0);
  const v = await call(ma, 'invitation_detail', { id });
  const denied = await ma.request.post(serverFnPath('invitation_act'), { data: JSON.stringify({ id, version: v.version, action: 'Authorize', reason: '', invoicer_link_ids: [1], period_code: '7d' }), headers: { 'content-type': 'application/json' } });
  expect(denied.ok()).toBe(false);
  expect(await denied.text()).toContain('仅法定代表人或财务负责人可以授权');
  // Another unit does not find it.
  const zhou = await newPage(browser, viewport);
  await loginByPassword(zhou, SHULE_MY, '周敏', '法定代表人');
  await zhou.goto(`/jrgl/respond/${id}`);
  await expect(zhou.locator('.form-error')).toHaveText('未找到相关记录');
  await zhou.context().close();

  // 授权: both configurations are required, each message next to its field.
  await he.goto(`/jrgl/respond/${id}`);
  await he.getByRole('button', { name: '授权' }).click();
  const form = he.getByRole('dialog', { name: '授权' });
  await form.getByRole('button', { name: '确认授权' }).click();
  await expect(form.locator('[data-field="invoicers"]')).toHaveText('请至少选择一名开票人员');
  await form.getByLabel('马超').check();
  await form.getByRole('button', { name: '确认授权' }).click();
  await expect(form.locator('[data-field="period"]')).toHaveText('请选择开票安全验证时间');
  await form.getByLabel('开票安全验证时间').selectOption({ label: '7天' });
  await form.getByRole('button', { name: '确认授权' }).click();
  await expect(he.locator('.facts .status')).toHaveText('确认通过');
  await expect(he.getByText('开票人员：马超')).toBeVisible();
  await expect(he.getByText(/开票安全验证时间：7天/)).toBeVisible();
  await directSees(direct, QINGHE.code, '确认通过');

  // The authorized 开票员 is registered.
  await he.goto('/jrgl/invoicers');
  const active = he.locator('tr.registration[data-name="马超"][data-active="true"]');
  await expect(active).toHaveCount(1);
  await expect(active).toContainText('已登记');
  await expect(active).toContainText(SHULE.name);

  // The 开票员 ends their own registration, with a required reason.
  await ma.goto('/jrgl/invoicers');
  const own = ma.locator('tr.registration[data-active="true"]');
  await expect(own).toHaveCount(1);
  await expect(ma.getByRole('button', { name: '新增登记' })).toHaveCount(0);
  await own.getByRole('button', { name: '解除登记' }).click();
  const end = ma.getByRole('dialog', { name: '解除登记' });
  await end.getByRole('button', { name: '确认解除' }).click();
  await expect(end.locator('[data-field="reason"]')).toHaveText('请填写解除原因');
  await end.getByLabel('解除原因').fill('调岗');
  await end.getByRole('button', { name: '确认解除' }).click();
  await expect(ma.getByRole('status')).toHaveText('已解除马超的登记');
  await expect(ma.locator('tr.registration[data-active="true"]')).toHaveCount(0);
  await expect(ma.locator('tr.registration').first()).toContainText('原因：调岗');

  // The 法定代表人 registers him again (person and platform), then ends it.
  await he.reload();
  await he.getByRole('button', { name: '新增登记' }).click();
  const add = he.getByRole('dialog', { name: '新增登记' });
  await add.getByRole('button', { name: '确定' }).click();
  await expect(add.locator('[data-field="link_id"]')).toHaveText('请选择开票人员');
  await add.getByLabel('开票人员').selectOption({ label: '马超' });
  await add.getByLabel('绑定直连平台').selectOption({ index: 1 });
  await add.getByRole('button', { name: '确定' }).click();
  await expect(he.getByRole('status')).toHaveText('登记成功');
  await expect(active).toHaveCount(1);
  await expect(active).toContainText('何青（法定代表人）');
  await active.getByRole('button', { name: '解除登记' }).click();
  await he.getByRole('dialog', { name: '解除登记' }).getByRole('button', { name: '确认解除' }).click();
  await expect(active).toHaveCount(0);

  // 解除绑定: the page closes with the binding; the direct unit sees it at once.
  await he.goto(`/jrgl/respond/${id}`);
  await he.getByRole('button', { name: '解除绑定' }).click();
  const unbind = he.getByRole('dialog', { name: '确认解除绑定' });
  await unbind.getByLabel('解除原因').fill('合作结束');
  await unbind.getByRole('button', { name: '确认解除' }).click();
  await expect(he.locator('.facts .status')).toHaveText('已解除绑定');
  await directSees(direct, QINGHE.code, '已解除绑定', '合作结束');

  // 关系变化报告 (issue #13): the direct unit owes it within 3 days and 【报告】s it on 【资格管理】.
  await direct.goto('/zgzl');
  const owed = direct.locator('li.report[data-status="pending"]', { hasText: QINGHE.name }).first();
  await expect(owed).toContainText('使用单位解除绑定：合作结束');
  await expect(owed.locator('.due')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await owed.getByRole('button', { name: '报告' }).click();
  await owed.getByRole('button', { name: '提交报告' }).click();
  await expect(owed.locator('.field-error[data-field="reason"]')).toContainText('请填写关系变化情况及原因');
  const reported = `与青禾餐饮合作结束，已停止为其开具发票（${info.project.name}）`;
  await owed.getByLabel('关系变化情况及原因').fill(reported);
  await owed.getByRole('button', { name: '提交报告' }).click();
  await expect(direct.locator('li.report[data-status="reported"]', { hasText: reported })).toContainText('已报告');
  await he.goto('/jrgl/invoicers');
  await expect(he.locator('.refused .form-error')).toContainText('仅适用于');
});

test('联用类: 拒绝 with a reason → 已拒绝 on both sides', async ({ browser }, info) => {
  const viewport = info.project.use.viewport;
  const direct = await newPage(browser, viewport);
  await loginByPassword(direct, SHULE, '王建国', '法定代表人');
  const id = await invite(direct, QINGHE, '不具有控制关系');
  const luo = await newPage(browser, viewport);
  // login.spec locks 罗琳 for 15 minutes (five wrong passwords) early in the run: the 法定代表人 refuses.
  await loginByPassword(luo, QINGHE, '何青', '法定代表人');
  await luo.goto('/jrgl/respond');
  await luo.locator(`tr[data-id="${id}"]`).getByRole('link', { name: '查看详情' }).click();
  await luo.getByRole('button', { name: '拒绝' }).click();
  const dialog = luo.getByRole('dialog', { name: '确认拒绝' });
  await dialog.getByLabel('拒绝原因（选填）').fill('暂不需要联用服务');
  await dialog.getByRole('button', { name: '确认拒绝' }).click();
  await expect(luo.locator('.facts .status')).toHaveText('已拒绝');
  await expect(luo.locator('.facts + .reason')).toHaveText('原因：暂不需要联用服务');
  await luo.goto('/jrgl/respond');
  await expect(luo.locator(`tr[data-id="${id}"]`)).toContainText('原因：暂不需要联用服务');
  await directSees(direct, QINGHE.code, '已拒绝', '暂不需要联用服务');
});

test.describe('H5 接入确认 at 360 px', () => {
  test.skip(({ isMobile }) => !isMobile, 'the H5 app is for phones');

  test('a deep link logs in, then shows that invitation; 确认 and 授权; offline shows 无网络 and no status', async ({ browser }, info) => {
    const viewport = info.project.use.viewport;
    const direct = await newPage(browser, { width: 1280, height: 800 });
    await loginByPassword(direct, SHULE, '王建国', '法定代表人');
    const selfId = await invite(direct, SHULE_MY, '总分公司关系');

    // Straight from a link to one invitation: login first, then that invitation.
    const zhou = await newPage(browser, viewport);
    await zhou.goto(`/kkjrh5/invitation/${selfId}`);
    await expect(zhou.getByRole('heading', { name: '乐企移动端' })).toBeVisible();
    await enterEnterprise(zhou, SHULE_MY.code);
    await choosePerson(zhou, '周敏', '法定代表人');
    await verifyByPassword(zhou);
    await expect(zhou.getByRole('heading', { name: '接入确认' })).toBeVisible();
    await expect(zhou).toHaveURL(new RegExp(`/kkjrh5/invitation/${selfId}$`));
    await expect(zhou.locator('.h5-invite .status')).toHaveText('待使用单位响应');
    await expect(zhou.locator('.h5-invite')).toContainText('国家税务总局绵阳市涪城区税务局');
    await zhou.getByRole('button', { name: '确认', exact: true }).tap();
    await zhou.getByRole('button', { name: '确认提交' }).tap();
    await expect(zhou.locator('.h5-invite .status')).toHaveText('待受理');
    expect(await zhou.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // 待确认 no longer lists it; 全部 does, with its status.
    await zhou.getByRole('link', { name: '‹ 返回待确认' }).tap();
    await expect(zhou).toHaveURL(/\/kkjrh5\/$/);
    await expect(zhou.locator(`.h5-item[data-id="${selfId}"]`)).toHaveCount(0);
    await zhou.getByRole('tab', { name: '全部' }).tap();
    await expect(zhou.locator(`.h5-item[data-id="${selfId}"] .status`)).toHaveText('待受理');

    // Offline: the status disappears behind 无网络; a reload shows the shell with 无网络.
    await zhou.evaluate(() => navigator.serviceWorker.ready);
    await zhou.context().setOffline(true);
    await expect(zhou.getByRole('heading', { name: '无网络' })).toBeVisible();
    await expect(zhou.locator('.status')).toHaveCount(0);
    await zhou.goto(`/kkjrh5/invitation/${selfId}`);
    await expect(zhou.getByRole('heading', { name: '无网络' })).toBeVisible();
    await expect(zhou.locator('.status')).toHaveCount(0);
    await expect(zhou.getByRole('button', { name: '确认', exact: true })).toHaveCount(0);
    await zhou.context().setOffline(false);
    await zhou.getByRole('button', { name: '重试' }).tap();
    await expect(zhou.locator('.h5-invite .status')).toHaveText('待受理');

    // The tax office does not accept it: the H5 shows 不予受理 with the reason (and the pair is free again).
    await officerDecides(browser, 'sc_my_shouli', selfId, false, '关系证明材料不全');
    await zhou.reload();
    await expect(zhou.locator('.h5-invite .status')).toHaveText('不予受理');
    await expect(zhou.locator('.h5-invite .reason')).toHaveText('原因：关系证明材料不全');

    // 联用类 from ?invitation=ID: 授权 with the same configuration.
    const he = await newPage(browser, { width: 1280, height: 800 });
    await loginByPassword(he, QINGHE, '何青', '法定代表人');
    await ensureInvoiceClerk(he);
    const jointId = await invite(direct, QINGHE, '不具有控制关系');
    const phone = await newPage(browser, viewport);
    await phone.goto(`/kkjrh5/?invitation=${jointId}`);
    await enterEnterprise(phone, QINGHE.code);
    await choosePerson(phone, '何青', '法定代表人');
    await verifyByPassword(phone);
    await expect(phone.locator('.h5-invite .status')).toHaveText('待使用单位授权');
    await phone.getByRole('button', { name: '授权' }).tap();
    const form = phone.getByRole('dialog', { name: '授权' });
    await form.getByRole('button', { name: '确认授权' }).tap();
    await expect(form.locator('[data-field="invoicers"]')).toHaveText('请至少选择一名开票人员');
    await form.getByLabel('马超').check();
    await form.getByLabel('开票安全验证时间').selectOption({ label: '30天' });
    await form.getByRole('button', { name: '确认授权' }).tap();
    await expect(phone.locator('.h5-invite .status')).toHaveText('确认通过');
    await expect(phone.getByText(/开票安全验证时间：30天/)).toBeVisible();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await directSees(direct, QINGHE.code, '确认通过');

    // Leave the pair unbound for the next run.
    const v = await call(he, 'invitation_detail', { id: jointId });
    await call(he, 'invitation_act', { json: { id: jointId, version: v.version, action: 'UnbindDirectUnit', reason: '测试结束', invoicer_link_ids: [], period_code: '' } });
    await directSees(direct, QINGHE.code, '已解除绑定');
    void PASSWORD;
  });
});
