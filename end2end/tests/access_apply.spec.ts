import { expect, Page, test } from '@playwright/test';
import { FIXTURES, loginByPassword } from './helpers';

// Each project applies for a different unit (one active application per unit).
const UNITS = {
  desktop: { ent: { code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司' }, person: '周敏', identity: '法定代表人' },
  mobile: { ent: { code: '91510104MA6CLQ0132', name: '四川蜀乐物业服务有限公司' }, person: '陈静', identity: '法定代表人' },
};
// Pre-invited: 四川蜀乐科技集团 makes the aggregate revenue and invoice thresholds.
const SHULE = { code: '91510104MA6CLQ001T', name: '四川蜀乐科技集团有限公司' };

async function field(page: Page, name: string, value: string) {
  await page.locator(`.application-form [name="${name}"]`).fill(value);
}

test('我要申请 → 确认单位信息 → 草稿 survives logout → 提交 → 提交成功 and 待受理', async ({ page }, info) => {
  const u = UNITS[info.project.name as 'desktop' | 'mobile'];
  await loginByPassword(page, u.ent, u.person, u.identity);
  await page.getByRole('link', { name: '接入申请' }).click();
  await expect(page.getByRole('heading', { name: '接入申请' })).toBeVisible();
  await page.getByRole('button', { name: '我要申请' }).click();

  await expect(page.getByRole('heading', { name: '确认单位信息' })).toBeVisible();
  await expect(page.locator('.facts')).toContainText(u.ent.name);
  await page.getByLabel('乐企联用').check();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.locator('[data-field="confirmed"]')).toHaveText('请勾选我已确认单位信息');
  await page.getByLabel('我已确认单位信息').check();
  await page.getByRole('button', { name: '下一步' }).click();

  await expect(page.getByRole('heading', { name: /接入申请单/ })).toBeVisible();
  await expect(page.locator('.application-form input[name^="q"]')).toHaveCount(12);
  await field(page, 'contact', u.person);
  await field(page, 'phone', '028-86001234');
  await field(page, 'test_ips', '10.0.0.999');
  // 申请材料: a renamed program is refused next to its material; a real PDF is listed.
  const material = (kind: string) => page.locator(`.materials .material[data-kind="${kind}"]`);
  // 乐企联用: the province's 5 required, 其他材料 — no 授权委托书 (填表说明 1: no 被授权单位).
  await expect(page.locator('.materials .material')).toHaveCount(6);
  await material('access_info_form').locator('input[type="file"]').setInputFiles(FIXTURES.notAPdf);
  await expect(page.locator('[data-field="material.access_info_form"]')).toHaveText('仅支持PDF、JPG、PNG格式的文件');
  await material('access_info_form').locator('input[type="file"]').setInputFiles(FIXTURES.pdf);
  await expect(material('access_info_form').locator('.file .name')).toHaveText('material.pdf');
  await expect(page.locator('[data-field="material.access_info_form"]')).toHaveCount(0);
  await material('network_filing').locator('input[type="file"]').setInputFiles(FIXTURES.textPng);
  await expect(page.locator('[data-field="material.network_filing"]')).toHaveText('仅支持PDF、JPG、PNG格式的文件');
  await material('network_filing').locator('input[type="file"]').setInputFiles(FIXTURES.png);
  await expect(material('network_filing').locator('.file .name')).toHaveText('material.png');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByText('草稿已保存')).toBeVisible();

  // The draft survives logout and login.
  await page.getByRole('button', { name: '退出' }).click();
  await loginByPassword(page, u.ent, u.person, u.identity);
  await page.goto('/leqi/access/apply');
  await expect(page.locator('.application-form [name="contact"]')).toHaveValue(u.person);
  await expect(page.locator('.application-form [name="test_ips"]')).toHaveValue('10.0.0.999');
  await expect(material('access_info_form').locator('.file .name')).toHaveText('material.pdf');
  await expect(material('network_filing').locator('.file .size')).toHaveText('79 B');
  // 查看 opens the stored file with its sniffed type.
  const href = await material('network_filing').getByRole('link', { name: '查看' }).getAttribute('href');
  const viewed = await page.request.get(href!);
  expect(viewed.headers()['content-type']).toBe('image/png');
  // 删除 while it is a draft.
  await material('network_filing').getByRole('button', { name: '删除' }).click();
  await expect(material('network_filing').locator('.file')).toHaveCount(0);

  // 提交 checks every field and says so next to each.
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('[data-field="email"]')).toHaveText('请填写正确的电子邮箱');
  await expect(page.locator('[data-field="test_ips"]')).toContainText('10.0.0.999');
  await expect(page.locator('[data-field="q12"]')).toContainText('请填写第12项');
  await expect(page.locator('.application-form [name="phone"]')).toHaveValue('028-86001234');
  // …and each missing required material next to its line.
  await expect(page.locator('[data-field="material.network_filing"]')).toHaveText('请上传《网络地址备案表》');
  await expect(page.locator('[data-field="material.project_report"]')).toHaveText('请上传《项目报告》');
  await expect(page.locator('[data-field="material.access_info_form"]')).toHaveCount(0);
  for (const kind of ['service_agreement', 'software_right', 'project_report', 'network_filing']) {
    await material(kind).locator('input[type="file"]').setInputFiles(FIXTURES.pdf);
    await expect(material(kind).locator('.file')).toHaveCount(1);
  }

  await field(page, 'email', 'it@example.com');
  await field(page, 'address', '四川省成都市示例路1号');
  for (let i = 1; i <= 12; i++) await field(page, `q${i}`, i === 1 ? '1' : '无');
  await field(page, 'system_name', '蜀乐发票管理系统');
  await field(page, 'deployment', '成都数据中心');
  await field(page, 'test_ips', '10.0.0.9');
  await field(page, 'production_ips', '203.0.113.20');
  await page.locator('.application-form select[name="protocol"]').selectOption('HTTPS');
  await field(page, 'port', '443');
  // Alone, the unit does not reach 四川's thresholds: the server says which.
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('.application-form .form-error').last()).toContainText('基础信息核验不通过');
  await page.getByRole('button', { name: '添加使用单位' }).click();
  await field(page, 'use_units.0.credit_code', SHULE.code);
  await field(page, 'use_units.0.name', SHULE.name);
  await page.locator('.application-form select[name="use_units.0.relationship"]').selectOption('总分公司关系');
  await page.getByRole('button', { name: '提交' }).click();

  await expect(page.getByRole('heading', { name: '提交成功' })).toBeVisible();
  await expect(page.getByText('请携带接入所需的相关纸质材料')).toBeVisible();
  await page.getByRole('button', { name: '查看申请进度' }).click();
  await expect(page.locator('.status-card .status')).toHaveText('待受理');
  await expect(page.locator('.timeline li')).toHaveCount(1);
  await expect(page.locator('.status-card .materials-list li')).toHaveCount(5);
  await expect(page.getByRole('button', { name: '我要申请' })).toHaveCount(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('a unit that fails the province conditions sees each failed condition with its value', async ({ page }, info) => {
  const [ent, person, identity, failing] = info.project.name === 'desktop'
    ? [{ code: '91150203MA0NCY021B', name: '包头草原云链储运有限公司' }, '乌云', '财务负责人', ['C级', '存在']]
    : [{ code: '91510104MA6CLQ0158', name: '成都青禾餐饮管理有限公司' }, '何青', '法定代表人', ['M级']];
  await loginByPassword(page, ent, person, identity);
  await page.goto('/leqi/access/apply');
  await page.getByRole('button', { name: '我要申请' }).click();
  await page.getByLabel('乐企自用').check();
  await page.getByLabel('我已确认单位信息').check();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByText('基础信息核验不通过，原因如下：')).toBeVisible();
  const lines = page.locator('tr.failed-line');
  await expect(lines).toHaveCount(failing.length);
  for (const v of failing) await expect(lines.filter({ hasText: v })).toHaveCount(1);
  // Leave no session behind (another test counts this person's sessions).
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/login$/);
});
