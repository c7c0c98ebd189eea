import { expect, test } from '@playwright/test';

// A page from an older deployment (a cached shell) calls a server fn the running
// server no longer has: the server answers with the typed "outdated" error and
// every app shows 页面已更新，请刷新 with 【刷新】, which reloads the current build.
// The old URL is made by rewriting one real call on its way to the real server.

for (const [app, path, fnName] of [
  ['portal', '/login', 'new_captcha'],
  ['H5', '/kkjrh5/', 'new_captcha'],
  ['tax console', '/tax/login', 'new_captcha'],
] as const) {
  test(`${app}: a call to an endpoint the server does not know offers 刷新`, async ({ page }) => {
    await page.route(`**/api/${fnName}`, (route) => route.continue({ url: route.request().url().replace(`/api/${fnName}`, `/api/${fnName}_v0`) }));
    await page.goto(path);
    const bar = page.getByRole('alert').filter({ hasText: '页面已更新，请刷新' });
    await expect(bar).toBeVisible();
    await expect(page.getByText('系统繁忙')).toHaveCount(0);
    await page.unroute(`**/api/${fnName}`);
    await bar.getByRole('button', { name: '刷新' }).click();
    await expect(bar).toHaveCount(0);
    await expect(page.locator('img.captcha').first()).toHaveAttribute('src', /^data:image\/png;base64,/);
  });
}
