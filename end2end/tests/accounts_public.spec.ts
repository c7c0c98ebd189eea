import { expect, Page, test, TestInfo } from '@playwright/test';
import {
  CAPTCHA, choosePerson, enterEnterprise, expectSignedIn, idNumber, latestSmsCode, PASSWORD, TIANFU_SM, verifyByPassword,
} from './helpers';

// 【注册】 and 【忘记密码】 (etax-login-guide §2, §4), reached directly at /register and /forgot.

const SHULE_MY = { code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司' };
const SHULE_SOFT = { code: '91510100MA6CLQ0125', name: '成都蜀乐软件有限公司' };
const WU_QIANG = { name: '吴强', phone: '13908160010', id17: '51070319920707010' };

/** A new person per project (and per run): distinct phones and valid ID numbers, so the two projects never meet. */
function newPerson(info: TestInfo, n: number) {
  const project = info.project.name === 'desktop' ? '1' : '2';
  const run = String(Date.now() % 100000).padStart(5, '0');
  const phone = `135${project}${n}${run}0`;
  // 510104 (锦江区) + birth date 199P-0(n+1)-1R + sequence RRR; the check character per GB 11643.
  const id = idNumber(`510104199${project}0${n + 1}1${run[0]}${run.slice(1, 4)}`);
  const name = '林苏唐韩'[n] + (project === '1' ? '东' : '南') + '零一二三四五六七八九'[Number(run[4])];
  return { phone, id, name };
}

const input = (page: Page, name: string) => page.locator(`input[name="${name}"]`);
const fieldMsg = (page: Page, field: string) => page.locator(`[data-field="${field}"]`);

/** Without a session each send takes the captcha shown next to it. */
async function fillCaptcha(page: Page) {
  const captcha = input(page, 'captcha');
  if (!(await captcha.isVisible())) return;
  // The image (and so the captcha's id) arrives after the page: an answer typed before it belongs to no captcha.
  await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await captcha.fill(CAPTCHA);
}

/** Clicks 获取验证码 (with the captcha when one is shown) and waits for the notice. */
async function sendCode(page: Page, button = '获取验证码') {
  await fillCaptcha(page);
  await page.getByRole('button', { name: button }).click();
  await expect(page.getByText(/验证码已发送至/)).toBeVisible();
  await expect(page.getByRole('button', { name: /秒后/ })).toBeDisabled();
}

/** Nothing is wider than the screen (checked on every page at 360 px too). */
async function expectNoOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

async function registerPerson(page: Page, p: { phone: string; id: string; name: string }, password: string) {
  await page.goto('/register');
  await expect(page.getByRole('tab', { name: '自然人注册' })).toHaveAttribute('aria-selected', 'true');
  await input(page, 'phone').fill(p.phone);
  await sendCode(page);
  await input(page, 'sms_code').fill(await latestSmsCode(page, p.phone));
  await input(page, 'name').fill(p.name);
  await input(page, 'id_number').fill(p.id);
  await page.locator('select[name="tax_office_id"]').selectOption({ label: '四川省 · 国家税务总局成都市锦江区税务局' });
  await input(page, 'password').fill(password);
  await input(page, 'confirm').fill(password);
  await page.getByRole('button', { name: '注册', exact: true }).click();
  await expect(page.getByRole('heading', { name: '注册成功' })).toBeVisible();
}

/** From the login page already shown. */
async function loginWith(page: Page, code: string, enterprisePassword: string, person: string, identity: string, personPassword: string) {
  await expect(page).toHaveURL(/\/login$/);
  await enterEnterprise(page, code, enterprisePassword);
  await choosePerson(page, person, identity);
  await verifyByPassword(page, personPassword);
  await expect(page).toHaveURL(/\/leqi$/);
}

/** 【忘记密码】→【企业】 through both steps; the approver's code comes from the outbox. */
async function resetEnterprisePassword(page: Page, code: string, approver: { identity: string; phone: string }, password: string) {
  await page.goto('/forgot');
  await page.getByRole('tab', { name: '企业' }).click();
  await input(page, 'code').fill(code);
  await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await input(page, 'captcha').fill(CAPTCHA);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.locator('.stepper li.active')).toContainText('验证并重置');
  const masked = approver.phone.slice(0, 3) + '****' + approver.phone.slice(7);
  await page.locator('label.choice', { hasText: approver.identity }).filter({ hasText: masked }).locator('input').check();
  await sendCode(page);
  await input(page, 'sms_code').fill(await latestSmsCode(page, approver.phone));
  await page.getByLabel('已完成法定代表人/财务负责人实人认证（演示）').check();
  await input(page, 'password').fill(password);
  await input(page, 'confirm').fill(password);
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(page.getByRole('heading', { name: '密码重置成功' })).toBeVisible();
}

test.describe('注册', () => {
  test('自然人注册: the code needs the captcha, wrong fields are shown in place, then a new person registers', async ({ page }, info) => {
    const p = newPerson(info, 0);
    await page.goto('/register');
    await expect(page.getByRole('heading', { name: '账户注册' })).toBeVisible();
    await expect(page.getByRole('tab', { name: '企业用户注册' })).toBeVisible();

    // No session: 获取验证码 needs the graphical captcha first.
    await input(page, 'phone').fill(p.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expect(fieldMsg(page, 'captcha')).toHaveText('请输入图形验证码');
    await expectNoOverflow(page);

    // With it, the code comes from the outbox.
    await input(page, 'phone').fill(p.phone);
    await sendCode(page);
    await expect(fieldMsg(page, 'phone')).toHaveCount(0);
    const code = await latestSmsCode(page, p.phone);
    await input(page, 'sms_code').fill(code);
    await input(page, 'name').fill(p.name);
    // A wrong check character, no tax office, different passwords: each said next to its field.
    const wrongId = p.id.slice(0, 17) + (p.id[17] === '0' ? '1' : '0');
    await input(page, 'id_number').fill(wrongId);
    await input(page, 'password').fill('Regist001');
    await input(page, 'confirm').fill('Regist002');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expect(fieldMsg(page, 'id_number')).toBeVisible();
    await expect(fieldMsg(page, 'tax_office_id')).toHaveText('请选择所属税务机关');
    await expect(fieldMsg(page, 'confirm')).toHaveText('两次输入的密码不一致');
    await expectNoOverflow(page);
    // Nothing typed is lost.
    await expect(input(page, 'phone')).toHaveValue(p.phone);
    await expect(input(page, 'sms_code')).toHaveValue(code);
    await expect(input(page, 'name')).toHaveValue(p.name);
    await expect(input(page, 'id_number')).toHaveValue(wrongId);
    await expect(input(page, 'password')).toHaveValue('Regist001');

    await input(page, 'id_number').fill(p.id);
    await page.locator('select[name="tax_office_id"]').selectOption({ label: '四川省 · 国家税务总局成都市锦江区税务局' });
    await input(page, 'confirm').fill('Regist001');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expect(page.getByRole('heading', { name: '注册成功' })).toBeVisible();
    await expect(page.getByRole('link', { name: '去登录', exact: true })).toHaveAttribute('href', '/login');
    await expect(page.getByRole('button', { name: '企业用户注册' })).toBeVisible();

    // The same ID number cannot register twice (a fresh form: tab away and back).
    await page.getByRole('tab', { name: '企业用户注册' }).click();
    await page.getByRole('tab', { name: '自然人注册' }).click();
    await expect(input(page, 'phone')).toHaveValue('');
    const q = newPerson(info, 3);
    await input(page, 'phone').fill(q.phone);
    await sendCode(page);
    await input(page, 'sms_code').fill(await latestSmsCode(page, q.phone));
    await input(page, 'name').fill(p.name);
    await input(page, 'id_number').fill(p.id);
    await page.locator('select[name="tax_office_id"]').selectOption({ index: 1 });
    await input(page, 'password').fill('Regist001');
    await input(page, 'confirm').fill('Regist001');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expect(fieldMsg(page, 'id_number')).toHaveText('该证件号码已注册');
  });

  test('企业用户注册: a registered person binds to 四川天府数智商贸有限公司 in four steps and logs in as 办税员', async ({ page }, info) => {
    const p = newPerson(info, 1);
    const password = info.project.name === 'desktop' ? 'Bind2025a' : 'Bind2025b';
    await registerPerson(page, p, password);

    // From the success card to 【企业用户注册】: phone, name and ID number carry over.
    await page.getByRole('button', { name: '企业用户注册' }).click();
    await expect(page.getByRole('tab', { name: '企业用户注册' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('.stepper li.active')).toContainText('验证手机');
    await expect(page.getByText('若已完成自然人注册，密码须与自然人注册时设置的密码一致')).toBeVisible();
    await expect(input(page, 'phone')).toHaveValue(p.phone);
    await expect(input(page, 'name')).toHaveValue(p.name);
    await expect(input(page, 'id_number')).toHaveValue(p.id);
    await expectNoOverflow(page);

    // Step 1: the natural-person password (a wrong one spends the code and counts towards a
    // lockout: server/tests/accounts.rs covers that).
    await sendCode(page);
    const code = await latestSmsCode(page, p.phone);
    await input(page, 'sms_code').fill(code);
    await input(page, 'password').fill(password);
    await input(page, 'confirm').fill(password);
    await page.getByRole('button', { name: '下一步' }).click();

    // Step 2: 实人认证 (demo).
    await expect(page.locator('.stepper li.active')).toContainText('实人认证');
    await expect(page.getByText('演示环境：模拟微信/支付宝扫码实人认证')).toBeVisible();
    await page.getByRole('button', { name: '确认本人认证' }).click();

    // Step 3: the enterprise by its credit code; a wrong code is said next to the field.
    await expect(page.locator('.stepper li.active')).toContainText('选择企业');
    await input(page, 'code').fill('91510100MA6CLQ030X');
    await page.getByRole('button', { name: '查询' }).click();
    await expect(fieldMsg(page, 'code')).toBeVisible();
    await input(page, 'code').fill(TIANFU_SM.code);
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page.getByTestId('enterprise-name')).toHaveText(TIANFU_SM.name);
    const choices = page.locator('label.choice');
    await expect(choices).toHaveCount(2);
    await expect(choices.filter({ hasText: '财务负责人' })).toContainText('林*雨');
    await expectNoOverflow(page);
    // Choosing nobody is refused in place.
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expect(fieldMsg(page, 'approver')).toHaveText('请选择认证人员');
    const gao = choices.filter({ hasText: '法定代表人' });
    await expect(gao).toContainText('高*');
    await expect(gao).toContainText('139****0020');
    await gao.locator('input').check();
    await page.getByRole('button', { name: '发送验证码' }).click();

    // Step 4: the approver's code.
    await expect(page.locator('.stepper li.active')).toContainText('企业授权');
    await expect(page.getByText(/验证码已发送至139\*\*\*\*0020/)).toBeVisible();
    await input(page, 'approval_code').fill('000000');
    await page.getByRole('button', { name: '完成注册' }).click();
    await expect(fieldMsg(page, 'approval_code')).toBeVisible();
    await input(page, 'approval_code').fill(await latestSmsCode(page, '13908000020'));
    await page.getByRole('button', { name: '完成注册' }).click();
    await expect(page.getByText(`注册成功，已绑定${TIANFU_SM.name}，可在办税人员选择中选择本人登录`)).toBeVisible();
    await expectNoOverflow(page);

    // The new 办税员 appears in 办税人员选择 and logs in with the personal password.
    await page.getByRole('link', { name: '去登录', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await enterEnterprise(page, TIANFU_SM.code, PASSWORD);
    await choosePerson(page, p.name, '办税员');
    await verifyByPassword(page, password);
    await expect(page).toHaveURL(/\/leqi$/);
    await expectSignedIn(page, TIANFU_SM.name, p.name, '办税员');
  });

  test('企业用户注册 without a prior 自然人注册 registers the person too', async ({ page }, info) => {
    const p = newPerson(info, 2);
    await page.goto('/register?tab=enterprise');
    await expect(page.getByRole('tab', { name: '企业用户注册' })).toHaveAttribute('aria-selected', 'true');
    await input(page, 'phone').fill(p.phone);
    await sendCode(page);
    await input(page, 'sms_code').fill(await latestSmsCode(page, p.phone));
    await input(page, 'name').fill(p.name);
    await input(page, 'id_number').fill(p.id);
    await input(page, 'password').fill('short1');
    await input(page, 'confirm').fill('short1');
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(fieldMsg(page, 'password')).toHaveText('密码至少8位');
    await input(page, 'password').fill('Fresh2025');
    await input(page, 'confirm').fill('Fresh2025');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '确认本人认证' }).click();
    await input(page, 'code').fill(TIANFU_SM.code);
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('label.choice', { hasText: '法定代表人' }).locator('input').check();
    await page.getByRole('button', { name: '发送验证码' }).click();
    await input(page, 'approval_code').fill(await latestSmsCode(page, '13908000020'));
    await page.getByRole('button', { name: '完成注册' }).click();
    await expect(page.getByText(`已绑定${TIANFU_SM.name}`)).toBeVisible();
    // Now registered: 自然人注册 sends the code as for any phone (a stranger learns
    // nothing), and says 已注册 once the code is proven.
    await page.goto('/register');
    await input(page, 'phone').fill(p.phone);
    await sendCode(page);
    await expect(fieldMsg(page, 'phone')).toHaveCount(0);
    await input(page, 'sms_code').fill(await latestSmsCode(page, p.phone));
    await input(page, 'name').fill(p.name);
    await input(page, 'id_number').fill(p.id);
    await page.locator('select[name="tax_office_id"]').selectOption({ index: 1 });
    await input(page, 'password').fill('Regist001');
    await input(page, 'confirm').fill('Regist001');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expect(fieldMsg(page, 'phone')).toHaveText('该手机号码已注册');
  });
});

test.describe('忘记密码', () => {
  test('自然人: 吴强 resets his password and logs in to 绵阳分公司 as 开票员 with it', async ({ page }, info) => {
    const newPassword = info.project.name === 'desktop' ? 'WuQiang2025d' : 'WuQiang2025m';
    await page.goto('/forgot');
    await expect(page.getByRole('heading', { name: '忘记密码' })).toBeVisible();
    await expect(page.getByRole('tab', { name: '自然人' })).toHaveAttribute('aria-selected', 'true');

    // An unregistered phone gets the same answer as a registered one (nobody
    // learns which phones are registered before proving the code).
    await input(page, 'phone').fill('13999999990');
    await sendCode(page);
    await expect(fieldMsg(page, 'phone')).toHaveCount(0);

    // A fresh form for 吴强 (the resend countdown belongs to the form).
    await page.goto('/forgot');
    await input(page, 'phone').fill(WU_QIANG.phone);
    await fillCaptcha(page);
    await page.getByRole('button', { name: '获取验证码' }).click();
    // Both projects send to 吴强's phone: one code a minute, so the second may have to wait.
    const sent = page.getByText(/验证码已发送至139\*\*\*\*0010/);
    const tooSoon = page.locator('.form-error', { hasText: /操作过于频繁，请\d+秒后再试/ });
    await expect(sent.or(tooSoon)).toBeVisible();
    if (await tooSoon.isVisible()) {
      test.setTimeout(150_000);
      await expect(page.getByRole('button', { name: /秒后重新获取/ })).toBeDisabled();
      await expect(page.getByRole('button', { name: '获取验证码' })).toBeEnabled({ timeout: 70_000 });
      await fillCaptcha(page);
      await page.getByRole('button', { name: '获取验证码' }).click();
      await expect(sent).toBeVisible();
    }
    await input(page, 'sms_code').fill(await latestSmsCode(page, WU_QIANG.phone));
    await input(page, 'name').fill(WU_QIANG.name);
    await input(page, 'id_number').fill(idNumber(WU_QIANG.id17));
    await input(page, 'password').fill(newPassword);
    await input(page, 'confirm').fill(newPassword + 'x');
    await page.getByRole('button', { name: '重置密码' }).click();
    await expect(fieldMsg(page, 'confirm')).toHaveText('两次输入的密码不一致');
    await expect(input(page, 'id_number')).toHaveValue(idNumber(WU_QIANG.id17));
    await input(page, 'confirm').fill(newPassword);
    await expectNoOverflow(page);
    await page.getByRole('button', { name: '重置密码' }).click();
    await expect(page.getByRole('heading', { name: '密码重置成功' })).toBeVisible();
    await expect(page.getByRole('link', { name: '去登录', exact: true })).toHaveAttribute('href', '/login');

    // The old password no longer verifies 吴强; the new one does.
    await page.goto('/login');
    await enterEnterprise(page, SHULE_MY.code);
    await choosePerson(page, WU_QIANG.name, '开票员');
    await verifyByPassword(page, PASSWORD);
    await expect(fieldMsg(page, 'person_password')).toHaveText('办税人员密码错误');
    await verifyByPassword(page, newPassword);
    await expect(page).toHaveURL(/\/leqi$/);
    await expectSignedIn(page, SHULE_MY.name, WU_QIANG.name, '开票员');

    // Put the demo password back for the other tests (【我的信息】→【修改密码】).
    await page.goto('/me/password');
    await input(page, 'old').fill(newPassword);
    await input(page, 'new').fill(PASSWORD);
    await input(page, 'confirm').fill(PASSWORD);
    await page.getByRole('button', { name: '确定' }).click();
    await expect(page.getByText('密码修改成功')).toBeVisible();
  });

  test('企业: a 税号 nobody registered gets the same step 2 (two masked 接收人), so the page tells no one which units exist', async ({ page }, info) => {
    // Valid check characters, not in the demo data.
    const unknown = info.project.name === 'desktop' ? '91510100MA6CLQ0993' : '91510104MA6CLQ777C';
    await page.goto('/forgot?tab=enterprise');
    await input(page, 'code').fill(unknown);
    await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
    await input(page, 'captcha').fill(CAPTCHA);
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.locator('.stepper li.active')).toContainText('验证并重置');
    const choices = page.locator('label.choice');
    await expect(choices).toHaveCount(2);
    await expect(choices.filter({ hasText: '法定代表人' })).toContainText(/\*/);
    await expect(choices.filter({ hasText: '财务负责人' })).toContainText(/1\d\d\*\*\*\*\d{4}/);
    await expect(page.getByText('未查询到')).toHaveCount(0);
    const shown = await choices.allTextContents();
    await expectNoOverflow(page);

    // Asked again, the same people: a retry does not give the stand-ins away.
    await page.getByRole('button', { name: '重新开始' }).click();
    await input(page, 'captcha').fill(CAPTCHA);
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(choices).toHaveCount(2);
    expect(await choices.allTextContents()).toEqual(shown);
  });

  test('企业: 成都蜀乐软件 resets its password with 郑浩\'s code and logs in with it', async ({ page }, info) => {
    const newPassword = info.project.name === 'desktop' ? 'ShuleSoft25d' : 'ShuleSoft25m';
    const zheng = { identity: '法定代表人', phone: '13908000011' };
    await page.goto('/forgot?tab=enterprise');
    await expect(page.getByRole('tab', { name: '企业' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('.stepper li.active')).toContainText('输入税号');

    // A wrong captcha is refused next to its field, and a new image is shown.
    const first = await page.locator('img.captcha').getAttribute('src');
    await input(page, 'code').fill(SHULE_SOFT.code);
    await input(page, 'captcha').fill(CAPTCHA === 'AAAA' ? 'BBBB' : 'AAAA');
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(fieldMsg(page, 'captcha')).toHaveText('图形验证码不正确');
    await expect.poll(() => page.locator('img.captcha').getAttribute('src')).not.toBe(first);
    await expect(input(page, 'code')).toHaveValue(SHULE_SOFT.code);
    await expectNoOverflow(page);

    // Step 2: the 短信验证码接收人 are the 法定代表人 and the 财务负责人.
    await input(page, 'captcha').fill(CAPTCHA);
    await page.getByRole('button', { name: '下一步' }).click();
    // No enterprise name: step 2 must look the same for a 税号 nobody registered (below).
    await expect(page.getByText(SHULE_SOFT.name)).toHaveCount(0);
    await expect(page.locator('.stepper li.active')).toContainText('验证并重置');
    const choices = page.locator('label.choice');
    await expect(choices).toHaveCount(2);
    await expect(choices.filter({ hasText: '法定代表人' })).toContainText('郑*');
    await expect(choices.filter({ hasText: '财务负责人' })).toContainText('张*');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expect(fieldMsg(page, 'approver')).toHaveText('请选择短信验证码接收人');
    await choices.filter({ hasText: '法定代表人' }).locator('input').check();
    await sendCode(page);
    await expect(page.getByText('验证码已发送至139****0011')).toBeVisible();
    await input(page, 'sms_code').fill(await latestSmsCode(page, zheng.phone));
    await input(page, 'password').fill(newPassword);
    await input(page, 'confirm').fill(newPassword);
    // 实人认证 first.
    await page.getByRole('button', { name: '重置密码' }).click();
    await expect(fieldMsg(page, 'real_person')).toBeVisible();
    await page.getByLabel('已完成法定代表人/财务负责人实人认证（演示）').check();
    await expectNoOverflow(page);
    await page.getByRole('button', { name: '重置密码' }).click();
    await expect(page.getByRole('heading', { name: '密码重置成功' })).toBeVisible();

    // The old enterprise password is refused; the new one works.
    await page.getByRole('link', { name: '去登录', exact: true }).click();
    await expect(page.locator('img.captcha')).toHaveAttribute('src', /^data:image\/png;base64,/);
    const before = await page.locator('img.captcha').getAttribute('src');
    await enterEnterprise(page, SHULE_SOFT.code, PASSWORD);
    await expect(page.locator('.form-error')).toHaveText('统一社会信用代码（纳税人识别号）或密码错误');
    await expect.poll(() => page.locator('img.captcha').getAttribute('src')).not.toBe(before);
    await loginWith(page, SHULE_SOFT.code, newPassword, '郑浩', '法定代表人', PASSWORD);
    await expectSignedIn(page, SHULE_SOFT.name, '郑浩', '法定代表人');

    // Put the demo password back for the other tests, the same way.
    await page.getByRole('button', { name: '退出' }).click();
    await resetEnterprisePassword(page, SHULE_SOFT.code, zheng, PASSWORD);
    await page.getByRole('link', { name: '去登录', exact: true }).click();
    await loginWith(page, SHULE_SOFT.code, PASSWORD, '郑浩', '法定代表人', PASSWORD);
    await expectSignedIn(page, SHULE_SOFT.name, '郑浩', '法定代表人');
  });
});
