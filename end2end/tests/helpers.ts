import { expect, Page } from '@playwright/test';

/** The captcha answer the test server is started with (LEQI_FIXED_CAPTCHA). */
export const CAPTCHA = process.env.LEQI_FIXED_CAPTCHA ?? '7K3P';
export const PASSWORD = 'Demo1234';

/** Demo enterprises (server/src/demo.rs); codes carry valid GB 32100 check characters. */
export const SHULE = { code: '91510104MA6CLQ001T', name: '四川蜀乐科技集团有限公司' };
export const CAOYUAN = { code: '91150105MA0NCY0024', name: '内蒙古草原云链能源股份有限公司' };

export async function enterEnterprise(page: Page, code: string, password = PASSWORD, captcha = CAPTCHA) {
  await page.getByPlaceholder('请输入统一社会信用代码/纳税人识别号').fill(code);
  await page.getByPlaceholder('请输入密码').fill(password);
  await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await page.getByPlaceholder('请输入图形验证码').fill(captcha);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

export async function choosePerson(page: Page, name: string, identity: string) {
  await expect(page.getByRole('heading', { name: '办税人员选择' })).toBeVisible();
  await page.locator('button.person', { hasText: name }).filter({ hasText: identity }).click();
  await expect(page.getByRole('heading', { name: '身份验证' })).toBeVisible();
}

export async function verifyByPassword(page: Page, password = PASSWORD) {
  await page.getByRole('tab', { name: '密码验证' }).click();
  await page.getByPlaceholder('请输入自然人登录密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Sends the code, reads it from the demo outbox (as a tester would), enters it. */
export async function verifyBySms(page: Page, phone: string) {
  await page.getByRole('tab', { name: '短信验证' }).click();
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText(/验证码已发送至/)).toBeVisible();
  await expect(page.getByRole('button', { name: /秒后重新获取/ })).toBeDisabled();
  const code = await latestSmsCode(page, phone);
  await page.getByPlaceholder('请输入短信验证码').fill(code);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

export async function latestSmsCode(page: Page, phone: string): Promise<string> {
  const outbox = await page.context().newPage();
  await outbox.goto('/dev/outbox');
  const row = outbox.locator('tr.sms', { has: outbox.locator('td.phone', { hasText: phone }) }).first();
  await expect(row).toBeVisible();
  const text = await row.locator('td.text').innerText();
  await outbox.close();
  const m = text.match(/验证码为(\d{6})/);
  expect(m, `an SMS code in: ${text}`).not.toBeNull();
  return m![1];
}

export async function expectSignedIn(page: Page, enterprise: string, person: string, identity: string) {
  const who = page.getByTestId('who');
  await expect(who).toContainText(enterprise);
  await expect(who).toContainText(person);
  await expect(who).toContainText(identity);
}

export async function loginByPassword(page: Page, ent: { code: string; name: string }, person: string, identity: string) {
  await page.goto('/login');
  await enterEnterprise(page, ent.code);
  await choosePerson(page, person, identity);
  await verifyByPassword(page);
  await expect(page).toHaveURL(/\/leqi$/);
  await expectSignedIn(page, ent.name, person, identity);
}
export const QINGHE = { code: '91510104MA6CLQ0158', name: '成都青禾餐饮管理有限公司' };
export const TIANFU_SM = { code: '91510100MA6CLQ0301', name: '四川天府数智商贸有限公司' };
export const WUYE = { code: '91510104MA6CLQ0132', name: '四川蜀乐物业服务有限公司' };

/** GB 11643 check character for the first 17 digits of an ID number. */
export function idNumber(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

export async function loginAs(page: Page, ent: { code: string; name: string }, person: string, identity: string, password = PASSWORD) {
  await page.goto('/login');
  await enterEnterprise(page, ent.code);
  await choosePerson(page, person, identity);
  await verifyByPassword(page, password);
}
