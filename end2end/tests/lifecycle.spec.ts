import { Browser, expect, test } from '@playwright/test';
import { CAOYUAN, loginByPassword, officerLogin } from './helpers';

// Issue #13: 资格延续. The demo gives 草原云链 a term ending 45 days after the demo data
// is loaded (inside the 3-month window), so 【申请延续】 is offered; the officers of its
// 主管税务机关 (赛罕) 受理 and 确认通过 with a granted 资格有效期至, which the unit then sees.
// Each project grants 14 more days, so the window stays open for the other project.

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function decide(browser: Browser, user: string, button: string, granted?: string) {
  const p = await (await browser.newContext()).newPage();
  await officerLogin(p, user);
  const row = p.locator(`tr.request-item[data-credit-code="${CAOYUAN.code}"]`).first();
  await row.getByRole('link', { name: '办理' }).click();
  await expect(p.locator('.request-case h2')).toHaveText('资格延续请求');
  await expect(p.locator('.request-case .unit-status')).toHaveText('即将到期');
  if (granted) await p.locator('input[name="granted_end"]').fill(granted);
  await p.getByRole('button', { name: button, exact: true }).click();
  await expect(p.getByText(/已办理，当前状态：/)).toBeVisible();
  await p.context().close();
}

test('资格延续: request → officer confirms → new 资格有效期至', async ({ browser, page }) => {
  test.setTimeout(120_000);
  await loginByPassword(page, CAOYUAN, '巴特尔', '法定代表人');
  // 【接入申请】: the status with its next deadline, and the buttons the status offers.
  await page.goto('/leqi/access/apply');
  const summary = page.locator('section.lifecycle-summary');
  await expect(summary.locator('.unit-status')).toHaveText('即将到期');
  await expect(summary.locator('.unit-status-line')).toContainText('资格有效期至');
  const end = (await summary.locator('.deadline').textContent())!.trim();
  await expect(page.locator('.facts .qualification-end')).toHaveText(end);
  await summary.getByRole('link', { name: '申请延续' }).click();

  // 【资格管理】 opens with the form of the button.
  await expect(page).toHaveURL(/\/zgzl\?do=RequestExtension$/);
  const panel = page.locator('section.lifecycle');
  await expect(panel.locator('.unit-status')).toHaveText('即将到期');
  await panel.getByLabel('短期（一年及以内）').check();
  await panel.locator('textarea[name="reason"]').fill('继续使用乐企自用服务');
  await panel.getByRole('button', { name: '提交', exact: true }).click();
  await expect(panel.getByText('资格延续请求已提交，待主管税务机关受理')).toBeVisible();
  const request = panel.locator('.requests .request').first();
  await expect(request.locator('.status')).toHaveText('待受理');
  await expect(panel.getByRole('button', { name: '申请延续' })).toHaveCount(0);

  const granted = addDays(end, 14);
  await decide(browser, 'nm_sh_shouli', '受理');
  await decide(browser, 'nm_sh_fuhe', '确认通过', granted);

  await page.reload();
  await expect(request.locator('.status')).toHaveText('确认通过');
  await expect(request.locator('.granted-end')).toHaveText(granted);
  await page.goto('/leqi/access/apply');
  await expect(page.locator('.facts .qualification-end')).toHaveText(granted);
  await expect(summary.locator('.deadline')).toHaveText(granted);
});

// 事项变更 and 终止服务备案 (issue #13) on 草原云链, at 1280 and 360 px.

/** The officer opens the unit's newest request of `title` from the 待办 and takes `button` (with a reason when given). */
async function decideRequest(browser: Browser, user: string, title: string, button: string, reason?: string) {
  const p = await (await browser.newContext()).newPage();
  await officerLogin(p, user);
  const row = p.locator(`tr.request-item[data-credit-code="${CAOYUAN.code}"]`).first();
  await row.getByRole('link', { name: '办理' }).click();
  await expect(p.locator('.request-case h2')).toHaveText(title);
  if (reason) await p.locator('textarea[name="reason"]').fill(reason);
  await p.getByRole('button', { name: button, exact: true }).click();
  await expect(p.getByText(/已办理，当前状态：/)).toBeVisible();
  await p.context().close();
}

test('事项变更: contacts and addresses → officer confirms → the new 备案IP shows', async ({ browser, page }, info) => {
  test.setTimeout(120_000);
  // Each project files its own address; 127.0.0.1 stays filed for the signed-API specs.
  const ip = info.project.name === 'desktop' ? '198.51.100.77' : '198.51.100.78';
  await loginByPassword(page, CAOYUAN, '巴特尔', '法定代表人');
  await page.goto('/zgzl?do=RequestChange');
  const panel = page.locator('section.lifecycle');
  const form = panel.getByRole('dialog', { name: '事项变更' });
  // Nothing chosen: refused next to the field.
  await form.getByRole('button', { name: '提交', exact: true }).click();
  await expect(form.locator('.field-error[data-field="items"]')).toHaveText('请选择变更事项');
  await form.getByLabel('联系人及联系方式').check();
  await form.getByLabel('生产环境IP、测试环境IP').check();
  await form.locator('textarea[name="details"]').fill(`联系人变更为其其格（13904710006）；新增生产环境IP ${ip}`);
  await form.getByLabel('生产环境IP', { exact: true }).fill(`127.0.0.1, ${ip}`);
  await form.getByLabel('测试环境IP', { exact: true }).fill('10.5.6.7');
  await form.getByRole('button', { name: '提交', exact: true }).click();
  await expect(panel.getByText('事项变更请求已提交，待主管税务机关受理；确认通过后生效')).toBeVisible();
  const request = panel.locator('.requests .request[data-kind="Change"]').first();
  await expect(request.locator('.status')).toHaveText('待受理');
  await expect(request).toContainText('联系人及联系方式、生产环境IP、测试环境IP');

  // Not yet confirmed: the 接口凭证 page still shows the old addresses.
  await page.goto('/jrgl/invite');
  await page.getByRole('link', { name: '接口凭证' }).click();
  await expect(page.getByText(/备案IP：/)).toBeVisible();
  await expect(page.getByText(/备案IP：/)).not.toContainText(ip);

  await decideRequest(browser, 'nm_sh_shouli', '事项变更请求', '受理');
  await decideRequest(browser, 'nm_sh_fuhe', '事项变更请求', '确认通过');

  await page.goto('/zgzl');
  await expect(page.locator('section.lifecycle .requests .request[data-kind="Change"]').first().locator('.status')).toHaveText('确认通过');
  await page.goto('/jrgl/invite');
  await page.getByRole('link', { name: '接口凭证' }).click();
  await expect(page.getByText(/备案IP：/)).toContainText(ip);
  await expect(page.getByText(/备案IP：/)).toContainText('127.0.0.1');
});

test('终止服务备案: 终止备案中 with its date, new invitations refused; 退回 makes the unit usable again', async ({ browser, page }) => {
  test.setTimeout(120_000);
  await loginByPassword(page, CAOYUAN, '巴特尔', '法定代表人');
  await page.goto('/zgzl?do=FileTermination');
  const panel = page.locator('section.lifecycle');
  const form = panel.getByRole('dialog', { name: '终止服务备案' });
  // Less than 30 days ahead: refused next to the date.
  await form.getByLabel('终止日期').fill(addDays(new Date().toISOString().slice(0, 10), 10));
  await form.getByLabel('终止原因').fill('业务调整，停止使用乐企服务');
  await form.getByRole('button', { name: '提交', exact: true }).click();
  await expect(form.locator('.field-error[data-field="end_date"]')).toContainText('至少提前30日备案');
  const end = addDays(new Date().toISOString().slice(0, 10), 60);
  await form.getByLabel('终止日期').fill(end);
  await form.getByRole('button', { name: '提交', exact: true }).click();
  await expect(panel.getByText('终止服务备案已提交：自即日起不能新增使用单位')).toBeVisible();
  await expect(panel.locator('.unit-status')).toHaveText('终止备案中');
  await expect(panel.locator('.deadline')).toHaveText(end);
  await expect(panel.locator('.lifecycle-actions button')).toHaveCount(0);

  // From filing on, 新增邀请 is refused with the reason.
  await page.goto('/jrgl/invite');
  await page.getByRole('link', { name: '新增邀请' }).click();
  await expect(page.getByText(`本单位已进行终止服务备案（${end}终止服务），不能新增使用单位`)).toBeVisible();

  // The office returns the filing: the unit is back to normal and may invite again.
  await decideRequest(browser, 'nm_sh_shouli', '终止服务备案请求', '退回', '演示：撤回终止服务备案');
  await page.goto('/zgzl');
  await expect(panel.locator('.requests .request[data-kind="Termination"]').first().locator('.status')).toHaveText('已退回');
  await expect(panel.locator('.unit-status')).not.toHaveText('终止备案中');
  await expect(panel.getByRole('button', { name: '终止服务备案' })).toBeVisible();
  await page.goto('/jrgl/invite');
  await page.getByRole('link', { name: '新增邀请' }).click();
  await expect(page.getByText(/本单位为乐企自用直连单位/)).toBeVisible();
});
