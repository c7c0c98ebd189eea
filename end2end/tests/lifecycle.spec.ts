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
