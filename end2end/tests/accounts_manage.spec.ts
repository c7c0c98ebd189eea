import { expect, test } from '@playwright/test';
import { CAOYUAN, choosePerson, enterEnterprise, expectSignedIn, idNumber, loginAs, loginByPassword, PASSWORD, QINGHE, verifyByPassword } from './helpers';

const CAOYUAN_BT = { code: '91150203MA0NCY021B', name: '包头草原云链储运有限公司' };
const TIANFU_JT = { code: '91510100MA6CLQ014B', name: '四川天府数字交通投资有限公司' };

test('授权信息: a revoked 接入管理 is refused by the server, and removing every permission unbinds', async ({ browser }, info) => {
  // 马超 holds two identities at 青禾: each project works on one of them.
  const identity = info.project.name === 'desktop' ? '开票员' : '办税员';
  const viewport = info.project.use.viewport ?? undefined;
  const boss = await (await browser.newContext({ viewport })).newPage();
  const clerk = await (await browser.newContext({ viewport })).newPage();

  await loginByPassword(clerk, QINGHE, '马超', identity);
  await expect(clerk.getByRole('heading', { name: '接入管理' })).toBeVisible();

  await loginByPassword(boss, QINGHE, '何青', '法定代表人');
  await boss.getByRole('link', { name: '我的信息' }).click();
  await boss.getByRole('link', { name: '用户管理 · 授权信息' }).click();
  const row = boss.locator(`tr.user[data-name="马超"][data-identity="${identity}"]`);
  await expect(row.locator('.grants')).toContainText('乐企数字开放平台-接入管理');
  // Principals' own grants cannot be changed.
  await expect(boss.locator('tr.user[data-name="何青"] .ops button')).toHaveCount(0);

  await row.getByRole('button', { name: '授权' }).click();
  await boss.getByLabel('乐企数字开放平台-接入管理').uncheck();
  await boss.getByRole('button', { name: '确定' }).click();
  await expect(boss.getByText('已更新马超的权限')).toBeVisible();
  await expect(row.locator('.grants')).not.toContainText('接入管理');

  // The clerk: the menu is gone, and the page itself is refused by the server.
  await clerk.reload();
  await expect(clerk.getByRole('heading', { name: '能力中心' })).toBeVisible();
  await expect(clerk.getByRole('heading', { name: '接入管理' })).toHaveCount(0);
  await clerk.goto('/leqi/access/apply');
  await expect(clerk.locator('.refused .form-error')).toHaveText('您没有【乐企数字开放平台-接入管理】的权限，请联系法定代表人或财务负责人授权');

  // 回收权限: everything → unbound; the clerk's session ends.
  boss.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '回收权限' }).click();
  await expect(row.locator('.state')).toHaveText('未绑定企业');
  await clerk.reload();
  await expect(clerk).toHaveURL(/\/login$/);
  // The next login says 未绑定企业.
  await enterEnterprise(clerk, QINGHE.code);
  const entry = clerk.locator('button.person', { hasText: '马超' }).filter({ hasText: identity });
  await expect(entry).toContainText('未绑定企业');
  await entry.click();
  await verifyByPassword(clerk);
  await expect(clerk.locator('.form-error')).toContainText('未绑定企业');
});

test('添加用户: a registered person gets a password for this enterprise and logs in with it', async ({ page }, info) => {
  const [person, id17, identity, pw] = info.project.name === 'desktop'
    ? ['冯雪', '51010019960214012', '办税员', 'Caoyuan11']
    : ['郑浩', '51010019800101011', '开票员', 'Caoyuan22'];
  await loginByPassword(page, CAOYUAN, '其其格', '财务负责人');
  await page.goto('/me/users');
  await page.getByRole('button', { name: '添加用户' }).click();
  await page.getByPlaceholder('请输入居民身份证号码').fill(idNumber(id17));
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByText(/已找到：/)).toContainText(person[0] + '*');
  await page.locator('select[name=identity]').selectOption({ label: identity });
  await page.locator('.add-user input[name=password]').fill('short');
  await page.locator('.add-user input[name=confirm]').fill('short');
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.locator('.add-user [data-field="password"]')).toHaveText('密码至少8位');
  await expect(page.getByPlaceholder('请输入居民身份证号码')).toHaveValue(idNumber(id17));
  await page.locator('.add-user input[name=password]').fill(pw);
  await page.locator('.add-user input[name=confirm]').fill(pw);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.locator(`tr.user[data-name="${person}"][data-identity="${identity}"] .state`)).toHaveText('已绑定');
  await page.getByRole('button', { name: '退出' }).click();
  // 我的信息 is the account bundle: 退出 hands /login to the portal with a page load; wait for it.
  await expect(page.getByPlaceholder('请输入统一社会信用代码/纳税人识别号')).toBeVisible();
  await loginAs(page, CAOYUAN, person, identity, pw);
  await expectSignedIn(page, CAOYUAN.name, person, identity);
});

test('修改密码 and 登录设备: end another session, change the password', async ({ browser }, info) => {
  const [ent, person, identity] = info.project.name === 'desktop' ? [CAOYUAN_BT, '乌云', '法定代表人'] : [TIANFU_JT, '黄蓉', '财务负责人'];
  const viewport = info.project.use.viewport ?? undefined;
  const a = await (await browser.newContext({ viewport })).newPage();
  const b = await (await browser.newContext({ viewport })).newPage();
  await loginByPassword(a, ent, person, identity);
  await loginByPassword(b, ent, person, identity);
  await a.goto('/me/sessions');
  await expect(a.locator('tr.session')).toHaveCount(2);
  await expect(a.locator('tr.session.current')).toHaveCount(1);
  await a.locator('tr.session:not(.current)').getByRole('button', { name: '退出' }).click();
  await expect(a.locator('tr.session')).toHaveCount(1);
  await b.reload();
  await expect(b).toHaveURL(/\/login$/);

  await a.goto('/me/password');
  await a.locator('input[name=old]').fill('Wrong9999');
  await a.locator('input[name=new]').fill('Changed2025');
  await a.locator('input[name=confirm]').fill('Changed2025');
  await a.getByRole('button', { name: '确定' }).click();
  await expect(a.locator('[data-field="old"]')).toHaveText('原密码错误');
  await a.locator('input[name=old]').fill(PASSWORD);
  await a.getByRole('button', { name: '确定' }).click();
  await expect(a.getByText('密码修改成功')).toBeVisible();
  await loginAs(b, ent, person, identity, 'Changed2025');
  await expectSignedIn(b, ent.name, person, identity);
});

test('a 办税员 does not see 授权信息 and the server refuses it', async ({ page }) => {
  await loginByPassword(page, CAOYUAN, '赵磊', '办税员');
  await page.goto('/me');
  await expect(page.getByRole('link', { name: '用户管理 · 授权信息' })).toHaveCount(0);
  await page.goto('/me/users');
  await expect(page.locator('.users .form-error')).toHaveText('仅法定代表人或财务负责人可以管理授权信息');
});
