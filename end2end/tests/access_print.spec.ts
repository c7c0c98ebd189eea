import { expect, test } from '@playwright/test';
import { callServerFn, completeAccessForm, loginByPassword, SHULE, submitAccessApplication } from './helpers';

// The same units as access_apply (one application each); created here when that spec did not run.
const UNITS = {
  desktop: { ent: { code: '91510703MA6CLQ011C', name: '四川蜀乐科技集团有限公司绵阳分公司' }, person: '周敏', identity: '法定代表人', phone: '13908160009' },
  mobile: { ent: { code: '91510104MA6CLQ0132', name: '四川蜀乐物业服务有限公司' }, person: '陈静', identity: '法定代表人', phone: '13908000013' },
};

test('the pre-filled forms open with the entered data and print on A4', async ({ page }, info) => {
  const u = UNITS[info.project.name as 'desktop' | 'mobile'];
  await loginByPassword(page, u.ent, u.person, u.identity);
  const summary = await callServerFn(page, 'access_overview', {});
  if (!summary.current) {
    await submitAccessApplication(page, completeAccessForm(u.person, u.phone, [{ credit_code: SHULE.code, name: SHULE.name, relationship: '总分公司关系' }]));
  }
  const current = (await callServerFn(page, 'access_overview', {})).current;
  const form = current.form;

  await page.goto('/leqi/access/apply');
  await expect(page.getByRole('link', { name: '打印《乐企直连服务接入信息表》' })).toBeVisible();
  // Self-built: no 授权委托书 to print.
  await expect(page.getByRole('link', { name: /授权委托书/ })).toHaveCount(0);

  await page.goto('/leqi/access/print/info');
  const sheet = page.locator('article.sheet[data-form="info"]');
  await expect(sheet).toContainText(u.ent.name);
  await expect(sheet).toContainText(u.ent.code);
  await expect(sheet).toContainText(form.system_name);
  await expect(sheet).toContainText('☑乐企联用');
  await expect(sheet.locator('tr.q')).toHaveCount(12);

  await page.goto('/leqi/access/print/network');
  const net = page.locator('article.sheet[data-form="network"]');
  for (const ip of form.production_ips.split(/[,，\s]+/).filter(Boolean)) await expect(net.locator('.ips')).toContainText(ip);
  await expect(net).toContainText(`端口号：${form.port}`);

  await page.goto('/leqi/access/print/agreement');
  const agreement = page.locator('article.sheet[data-form="agreement"]');
  await expect(agreement).toContainText('第三条 乙方权利和义务');
  await expect(agreement).toContainText(u.ent.name);
  await expect(agreement).toContainText('国家税务总局');

  // Printing hides the portal's chrome and fits A4.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.topbar')).toBeHidden();
  await expect(page.locator('.print-toolbar')).toBeHidden();
  if (info.project.name === 'desktop') {
    const pdf = (await page.pdf({ format: 'A4', printBackground: false })).toString('latin1');
    const pages = Number(/\/Type\s*\/Pages[^>]*?\/Count\s+(\d+)/s.exec(pdf)?.[1] ?? 0);
    expect(pages, 'the agreement runs over several A4 pages').toBeGreaterThanOrEqual(2);
    // A4 is 595 × 842 points.
    expect(pdf).toMatch(/\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/);
  }
});
