import * as fs from 'node:fs';
import * as nodePath from 'node:path';
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
  // The newest code to that phone (invitation notices go to the same phones).
  const row = outbox.locator('tr.sms', { has: outbox.locator('td.phone', { hasText: phone }) }).filter({ hasText: '验证码为' }).first();
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

// ---------------------------------------------------------------------------
// Server fns called directly over HTTP (for set-up steps that have no UI yet).
//
// Every server fn has an explicit endpoint: `/api/<fn_name>`, the same wherever the app
// was built (server/tests/paths.rs holds the committed list: server/tests/server_fns.txt).

/** The URL path of a server fn. */
export function serverFnPath(fnName: string): string {
  return `/api/${fnName}`;
}

/** Calls a server fn with the page's session cookie: a form-encoded body, or JSON for `input = Json` fns. */
export async function callServerFn<T = any>(page: Page, fnName: string, args: Record<string, string | number | boolean> | { json: unknown }): Promise<T> {
  const url = serverFnPath(fnName);
  const res = 'json' in args
    ? await page.request.post(url, { data: JSON.stringify(args.json), headers: { 'content-type': 'application/json' } })
    : await page.request.post(url, { form: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])) });
  const body = await res.text();
  expect(res.ok(), `${fnName} (${url}) answered ${res.status()}: ${body}`).toBe(true);
  return JSON.parse(body) as T;
}

/** A server fn of 接入邀请 / 响应邀请 (`app::invitation::api`). */
export function invitationFn<T = any>(page: Page, fnName: string, args: Record<string, string | number | boolean> | { json: unknown }): Promise<T> {
  return callServerFn<T>(page, fnName, args);
}

/** 接入申请单 that passes 提交 (server/tests/access_flow.rs complete_form), with these use units. */
export function completeAccessForm(contact: string, phone: string, useUnits: { credit_code: string; name: string; relationship: string }[]) {
  return {
    access_type: 'Joint', gov_or_association: false,
    contact, phone, email: 'it@example.com', address: '成都市高新区天府大道100号',
    qualifications: { 1: String(useUnits.length), 2: 'AAA', 3: '开票30000张，受票0张，开票金额4000万元', 4: '5500', 5: '是', 6: '否',
      7: '查账征收', 8: '12%', 9: '5000万元', 10: '80', 11: '否', 12: '无' },
    use_units: useUnits,
    system_name: '数智发票管理系统', built_by_authorized: false, builder_code: '', builder_name: '',
    deployment: '成都高新区数据中心', test_ips: '10.1.2.3', production_ips: '203.0.113.10, 203.0.113.11',
    protocol: 'HTTPS', port: '443', period: 'long',
  };
}

/** Small real files for 申请材料, and files whose name lies about their contents. */
export const FIXTURES = {
  pdf: nodePath.resolve(__dirname, '..', 'fixtures', 'material.pdf'),
  png: nodePath.resolve(__dirname, '..', 'fixtures', 'material.png'),
  notAPdf: nodePath.resolve(__dirname, '..', 'fixtures', 'not-a-pdf.pdf'),
  textPng: nodePath.resolve(__dirname, '..', 'fixtures', 'text.png'),
};

/** Uploads a PDF for every material the draft requires (as the page's fetch does). */
export async function uploadRequiredMaterials(page: Page, draft: { id: number; material_rules: { required: string[]; when_authorized: string[] } }, builtByAuthorized = false) {
  const kinds = [...draft.material_rules.required, ...(builtByAuthorized ? draft.material_rules.when_authorized : [])];
  const pdf = fs.readFileSync(FIXTURES.pdf);
  for (const kind of kinds) {
    const res = await page.request.post(`/api/materials?kind=${kind}&name=${encodeURIComponent(kind + '.pdf')}&application=${draft.id}`, { data: pdf, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status(), await res.text()).toBe(201);
  }
}

/** 我要申请 (乐企联用) → 确认单位信息 → 申请材料 → 提交, as the signed-in applicant on `page`. Returns the application id. */
export async function submitAccessApplication(page: Page, form: ReturnType<typeof completeAccessForm>): Promise<number> {
  const check = await callServerFn(page, 'confirm_unit', { access_type: 'Joint', gov_or_association: false, confirmed: true });
  expect(check.draft, `基础信息核验: ${JSON.stringify(check.lines)}`).toBeTruthy();
  await uploadRequiredMaterials(page, check.draft, form.built_by_authorized);
  const sent = await callServerFn(page, 'submit_access_application', { json: { id: check.draft.id, version: check.draft.version, form } });
  expect(sent.status).toBe('PendingAcceptance');
  return sent.id as number;
}

/** 税务人员登录 on a page of its own. */
export async function officerLogin(page: Page, username: string) {
  await page.goto('/tax/login');
  await page.getByPlaceholder('请输入用户名').fill(username);
  await page.getByPlaceholder('请输入密码').fill(PASSWORD);
  await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await page.getByPlaceholder('请输入图形验证码').fill(CAPTCHA);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/tax$/);
}
