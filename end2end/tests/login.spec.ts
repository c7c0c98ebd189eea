import { expect, test } from '@playwright/test';
import {
  CAOYUAN, CAPTCHA, choosePerson, enterEnterprise, expectSignedIn, loginByPassword, PASSWORD, QINGHE, SHULE,
  TIANFU_SM, verifyByPassword, verifyBySms, WUYE,
} from './helpers';

test.describe('企业用户登录（用户名登录）', () => {
  // Every identity of the manual (§3.1), by password.
  for (const [ent, person, identity] of [
    [SHULE, '王建国', '法定代表人'],
    [SHULE, '李秀英', '财务负责人'],
    [SHULE, '张伟', '办税员'],
    [CAOYUAN, '孙丽', '开票员'],
  ] as const) {
    test(`${identity} ${person} logs in by password`, async ({ page }) => {
      await loginByPassword(page, ent, person, identity);
      // The Leqi home with the manual's menus.
      await expect(page.getByRole('heading', { name: '接入管理' })).toBeVisible();
      // (The header has its own 【消息中心】 link with the 未读 count: the menu's are asked here.)
      const menus = page.locator('nav.menus');
      for (const item of ['接入申请', '接入邀请', '响应邀请', '开票人员登记及管理', '能力中心', '消息中心']) {
        await expect(menus.getByRole('link', { name: item })).toBeVisible();
      }
    });
  }

  test('an 开票员 without a password logs in by SMS code from the outbox', async ({ page }) => {
    await page.goto('/login');
    await enterEnterprise(page, SHULE.code);
    await choosePerson(page, '刘洋', '开票员');
    await expect(page.getByRole('tab', { name: '密码验证' })).toBeDisabled();
    await verifyBySms(page, '13908000004');
    await expect(page).toHaveURL(/\/leqi$/);
    await expectSignedIn(page, SHULE.name, '刘洋', '开票员');
  });

  test('a 法定代表人 can choose SMS instead of the password; a code works once', async ({ page }) => {
    await page.goto('/login');
    await enterEnterprise(page, CAOYUAN.code);
    await choosePerson(page, '巴特尔', '法定代表人');
    await verifyBySms(page, '13904710005');
    await expectSignedIn(page, CAOYUAN.name, '巴特尔', '法定代表人');
  });

  test('a wrong password and an unknown code get the same message, and the captcha is renewed', async ({ page }) => {
    await page.goto('/login');
    const firstImage = await page.locator('img.captcha').getAttribute('src');
    await enterEnterprise(page, SHULE.code, 'Wrong1234');
    const msg = page.locator('.form-error');
    await expect(msg).toHaveText('统一社会信用代码（纳税人识别号）或密码错误');
    await expect(page.getByPlaceholder('请输入统一社会信用代码/纳税人识别号')).toHaveValue(SHULE.code);
    await expect(page.getByPlaceholder('请输入密码')).toHaveValue('');
    await expect.poll(() => page.locator('img.captcha').getAttribute('src')).not.toBe(firstImage);
    // A well-formed code that no enterprise has: the very same words.
    await enterEnterprise(page, SHULE.code.slice(0, 17) + 'A', PASSWORD);
    await expect(page.locator('[data-field="code"]')).toContainText('校验');
    await enterEnterprise(page, '91110000802100433B', PASSWORD);
    await expect(msg).toHaveText('统一社会信用代码（纳税人识别号）或密码错误');
  });

  test('a wrong captcha is refused next to its field', async ({ page }) => {
    await page.goto('/login');
    await enterEnterprise(page, SHULE.code, PASSWORD, CAPTCHA === 'AAAA' ? 'BBBB' : 'AAAA');
    await expect(page.locator('[data-field="captcha"]')).toHaveText('图形验证码不正确');
  });

  test('five failures lock the enterprise and person for 15 minutes', async ({ page }, info) => {
    // Each project locks its own person so the projects do not meet.
    const [ent, person, identity] = info.project.name === 'desktop' ? [QINGHE, '罗琳', '财务负责人'] : [WUYE, '陈静', '法定代表人'];
    await page.goto('/login');
    await enterEnterprise(page, ent.code);
    await choosePerson(page, person, identity);
    for (let i = 1; i <= 4; i++) {
      await verifyByPassword(page, `Wrong${i}abc`);
      await expect(page.locator('[data-field="person_password"]')).toHaveText('办税人员密码错误');
    }
    await verifyByPassword(page, 'Wrong5abc');
    await expect(page.locator('.form-error')).toContainText('账户已锁定，请15分钟后再试');
    // Even the right password is refused while locked.
    await verifyByPassword(page, PASSWORD);
    await expect(page.locator('.form-error')).toContainText('账户已锁定');
  });

  test('切换身份 returns to 办税人员选择 and 退出 ends the session', async ({ page }) => {
    await loginByPassword(page, SHULE, '王建国', '法定代表人');
    await page.getByRole('button', { name: '切换身份' }).click();
    await choosePerson(page, '李秀英', '财务负责人');
    await verifyByPassword(page);
    await expectSignedIn(page, SHULE.name, '李秀英', '财务负责人');
    // From a page of another bundle (我的信息: the account bundle) too.
    await page.goto('/me');
    await page.getByRole('button', { name: '切换身份' }).click();
    await choosePerson(page, '王建国', '法定代表人');
    await verifyByPassword(page);
    await expectSignedIn(page, SHULE.name, '王建国', '法定代表人');
    await page.getByRole('button', { name: '退出' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/leqi');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('a deep link survives a reload and unbuilt pages say so', async ({ page }) => {
    await loginByPassword(page, TIANFU_SM, '高远', '法定代表人');
    // 能力中心 (/nlzx) and 消息中心 (/leqi/messages) are built, each in its own app.
    await expect(page.locator('nav.menus a', { hasText: '能力中心' })).toHaveAttribute('href', '/nlzx');
    await page.locator('nav.menus').getByRole('link', { name: '消息中心' }).click();
    await expect(page).toHaveURL(/\/leqi\/messages$/);
    await page.reload();
    await expect(page.getByRole('heading', { name: /消息中心/, level: 2 })).toBeVisible();
    await expectSignedIn(page, TIANFU_SM.name, '高远', '法定代表人');
    // 【接入管理】's own landing page has nothing yet, and says so.
    await page.goto('/leqi/access');
    await expect(page.getByText('该功能尚未开放')).toBeVisible();
    await expectSignedIn(page, TIANFU_SM.name, '高远', '法定代表人');
  });

  test('the session cookie is HttpOnly and SameSite=Strict', async ({ page, context }) => {
    await loginByPassword(page, SHULE, '张伟', '办税员');
    const cookie = (await context.cookies()).find((c) => c.name === 'leqi_sid');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('leqi_sid');
  });
});

test.describe('税务人员登录', () => {
  for (const [username, name, role] of [
    // 内蒙古's desks: no e2e test submits an application there, so their queues stay empty.
    ['nm_sh_shouli', '苏和（赛罕受理）', '受理'],
    ['nm_sh_fuhe', '娜仁（赛罕复核）', '复核'],
    ['nm_queren', '包海（内蒙古区局确认）', '省级确认'],
  ] as const) {
    test(`${role}岗 ${username} lands on the work queue`, async ({ page }) => {
      await page.goto('/tax/login');
      await page.getByPlaceholder('请输入用户名').fill(username);
      await page.getByPlaceholder('请输入密码').fill(PASSWORD);
      await page.getByPlaceholder('请输入图形验证码').fill(CAPTCHA);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await expect(page).toHaveURL(/\/tax$/);
      await expect(page.getByRole('heading', { name: `${role}待办` })).toBeVisible();
      // Both queues (接入申请, 使用单位接入邀请) are empty for these officers.
      await expect(page.getByText('暂无待办事项').first()).toBeVisible();
      await expect(page.getByTestId('who')).toContainText(name);
    });
  }

  test('a wrong officer password is refused without detail', async ({ page }) => {
    await page.goto('/tax/login');
    await page.getByPlaceholder('请输入用户名').fill('sc_queren');
    await page.getByPlaceholder('请输入密码').fill('Nope12345');
    await page.getByPlaceholder('请输入图形验证码').fill(CAPTCHA);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.locator('.form-error')).toHaveText('用户名或密码错误');
  });
});
