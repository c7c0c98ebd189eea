import { expect, test } from '@playwright/test';
import { choosePerson, enterEnterprise, QINGHE, verifyByPassword } from './helpers';

test('H5: login at /kkjrh5/ leads to 接入确认 → 待确认', async ({ page }) => {
  await page.goto('/kkjrh5/');
  await expect(page.getByRole('heading', { name: '乐企移动端' })).toBeVisible();
  await enterEnterprise(page, QINGHE.code);
  await choosePerson(page, '何青', '法定代表人');
  await verifyByPassword(page);
  await expect(page.getByRole('heading', { name: '接入确认' })).toBeVisible();
  await expect(page.getByRole('tab', { name: '待确认' })).toBeVisible();
  await expect(page.getByText('暂无待确认的接入邀请')).toBeVisible();
  await expect(page.getByTestId('who')).toContainText(QINGHE.name);
  // Nothing is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // A reload keeps the session (server-side, cookie).
  await page.reload();
  await expect(page.getByText('暂无待确认的接入邀请')).toBeVisible();
});

test('the web manifest meets the installability criteria', async ({ request }) => {
  for (const [url, start] of [['/manifest.webmanifest', '/'], ['/kkjrh5/manifest.webmanifest', '/kkjrh5/']]) {
    const res = await request.get(url);
    expect(res.ok()).toBe(true);
    const m = await res.json();
    expect(m.name).toBeTruthy();
    expect(m.short_name).toBeTruthy();
    expect(m.start_url).toBe(start);
    expect(m.display).toBe('standalone');
    expect(m.theme_color).toMatch(/^#/);
    for (const size of ['192x192', '512x512']) {
      const icon = m.icons.find((i: { sizes: string }) => i.sizes === size);
      expect(icon, size).toBeTruthy();
      const img = await request.get(icon.src);
      expect(img.ok()).toBe(true);
      expect(img.headers()['content-type']).toBe('image/png');
    }
  }
});

test('the service worker registers and never caches server fns', async ({ page }) => {
  await page.goto('/login');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.goto('/kkjrh5/');
  // The portal's worker (scope /) and the H5 app's own (scope /kkjrh5/), both active.
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations())
      .filter((r) => r.active).map((r) => new URL(r.scope).pathname + ' ' + new URL(r.active!.scriptURL).pathname).sort()))
    .toEqual(['/ /sw.js', '/kkjrh5/ /kkjrh5/sw.js']);
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname);
    return urls;
  });
  expect(cached.length).toBeGreaterThan(0);
  expect(cached.filter((u) => u.startsWith('/api/'))).toEqual([]);
  const sw = await page.request.get('/sw.js');
  expect(sw.headers()['cache-control']).toBe('no-cache');
});

test('Chromium reports no installability errors for the portal and the H5 app', async ({ page }) => {
  for (const url of ['/login', '/kkjrh5/']) {
    await page.goto(url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await page.context().newCDPSession(page);
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors
        .map((e: { errorId: string }) => e.errorId)
        // Playwright's browser contexts are incognito; that one is about the test browser, not the app.
        .filter((id: string) => id !== 'in-incognito'))
      .toEqual([]);
    await cdp.detach();
  }
});
