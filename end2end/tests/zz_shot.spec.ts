import { test } from '@playwright/test';
import { FIXTURES, loginByPassword } from './helpers';
test('shot', async ({ page }, info) => {
  await loginByPassword(page, { code: '91510100MA6CLQ0301', name: '四川天府数智商贸有限公司' }, '高远', '法定代表人');
  await page.goto('/leqi/access/apply');
  const draft = page.locator('.application-form');
  if (!(await draft.count())) {
    await page.getByRole('button', { name: '我要申请' }).click();
    await page.getByLabel('乐企自用').check();
    await page.getByLabel('我已确认单位信息').check();
    await page.getByRole('button', { name: '下一步' }).click();
  }
  await page.locator('.material[data-kind="access_info_form"] input[type=file]').setInputFiles(FIXTURES.pdf);
  await page.locator('.material[data-kind="project_report"] input[type=file]').setInputFiles(FIXTURES.notAPdf);
  await page.locator('[name="built_by_authorized"]').check();
  await page.waitForTimeout(500);
  await page.locator('.materials').screenshot({ path: `/tmp/materials-${info.project.name}.png` });
});
