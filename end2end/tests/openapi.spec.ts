// 使用单位管理能力 (manual §3.4.1.3 上传邀请信息): 王建国 of 四川蜀乐科技 applies for an API
// credential, his system signs requests with it (Node's crypto, as a customer would), uploads
// two rows (one good, one bad) and gets a result per row; the same request replayed is refused;
// the query shows the invited unit; after 停用 the credential is refused.
// Only 四川蜀乐物业 is invited here (other specs use 蜀乐科技's other use units); nothing is unbound.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { APIRequestContext, expect, test } from '@playwright/test';
import { CAPTCHA, PASSWORD, SHULE, WUYE, serverFnPath } from './helpers';


async function fn<T = any>(request: APIRequestContext, name: string, form: Record<string, string> = {}): Promise<T> {
  const res = await request.post(serverFnPath(name), { form });
  const body = await res.text();
  expect(res.ok(), `${name} answered ${res.status()}: ${body}`).toBe(true);
  return JSON.parse(body) as T;
}

/** 企业登录 → 办税人员选择 → 密码验证, through the server fns (the session cookie lands in `request`). */
async function signIn(request: APIRequestContext, code: string, person: string, identity: string) {
  const captcha = await fn(request, 'new_captcha');
  const sel = await fn(request, 'enterprise_login', { code, password: PASSWORD, captcha_id: captcha.id, captcha: CAPTCHA });
  const link = sel.people.find((p: any) => p.name === person && p.identity === identity);
  expect(link, JSON.stringify(sel.people)).toBeTruthy();
  await fn(request, 'person_login_password', { flow_id: sel.flow_id, link_id: String(link.link_id), password: PASSWORD });
}

type Signed = { headers: Record<string, string>; data?: string };

/** The request headers of 使用单位管理能力 (see /openapi/v1/openapi.json). */
function sign(appId: string, secret: string, method: string, pathAndQuery: string, body = ''): Signed {
  const [path, query = ''] = pathAndQuery.split('?');
  const sortedQuery = query.split('&').filter(Boolean).sort().join('&');
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex');
  const canonical = [method, path, sortedQuery, timestamp, nonce, bodyHash].join('\n');
  const signature = createHmac('sha256', secret).update(canonical, 'utf8').digest('base64');
  return {
    headers: { 'content-type': 'application/json', 'X-Leqi-AppId': appId, 'X-Leqi-Timestamp': timestamp, 'X-Leqi-Nonce': nonce, 'X-Leqi-Signature': signature },
    data: body || undefined,
  };
}

test('a direct unit uploads invitations through the signed API; a replay is refused', async ({ request }, testInfo) => {
  // Both projects share one database: the invitation is made once.
  test.skip(testInfo.project.name !== 'desktop', 'the upload is made once per database (desktop project)');
  await signIn(request, SHULE.code, '王建国', 'LegalRepresentative');

  const issued = await fn(request, 'issue_api_credential');
  expect(issued.app_id).toMatch(/^lq[0-9a-f]{24}$/);
  expect(issued.secret.length).toBeGreaterThanOrEqual(40);
  const listed = await fn(request, 'list_api_credentials');
  const mine = listed.credentials.find((c: any) => c.app_id === issued.app_id);
  expect(mine.status_label).toBe('启用');
  expect(JSON.stringify(listed)).not.toContain(issued.secret);

  // Two rows: 四川蜀乐物业 (good) and a code with a wrong check character.
  const body = JSON.stringify({ rows: [
    { credit_code: WUYE.code, name: WUYE.name, province: '国家税务总局四川省税务局', relationship: '其他控制关系', pre_authorize: '否' },
    { credit_code: '91510104MA6CLQ0133', name: '不存在的公司', province: '国家税务总局四川省税务局', relationship: '其他控制关系', pre_authorize: '否' },
  ] });
  const upload = sign(issued.app_id, issued.secret, 'POST', '/openapi/v1/invitations', body);
  const res = await request.post('/openapi/v1/invitations', upload);
  const result = await res.json();
  expect(res.status(), JSON.stringify(result)).toBe(200);
  expect(result.invited).toBe(1);
  expect(result.failed).toHaveLength(1);
  expect(result.failed[0].row_no).toBe(2);
  expect(result.failed[0].reason).toContain('统一社会信用代码');

  // The very same request again: refused, nothing new.
  const replay = await request.post('/openapi/v1/invitations', upload);
  expect(replay.status()).toBe(401);
  expect((await replay.json()).code).toBe('replayed_request');

  // A wrong secret: refused.
  const forged = sign(issued.app_id, 'not-the-secret', 'GET', '/openapi/v1/invitations');
  const refused = await request.get('/openapi/v1/invitations', forged);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).message).toBe('签名校验失败');

  // The query shows the invited unit.
  const q = `/openapi/v1/invitations?search=${WUYE.code}&status=awaiting_response`;
  const page = await request.get(q, sign(issued.app_id, issued.secret, 'GET', q));
  const found = await page.json();
  expect(page.status(), JSON.stringify(found)).toBe(200);
  expect(found.rows.map((r: any) => r.name)).toContain(WUYE.name);
  expect(found.rows[0].status).toBe('待使用单位响应');

  // The document describes the API.
  const doc = await (await request.get('/openapi/v1/openapi.json')).json();
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/openapi/v1/invitations', '/openapi/v1/invitations/unbind']));

  // 停用: refused from then on.
  await fn(request, 'revoke_api_credential', { app_id: issued.app_id, version: String(mine.version) });
  const after = await request.get('/openapi/v1/invitations', sign(issued.app_id, issued.secret, 'GET', '/openapi/v1/invitations'));
  expect(after.status()).toBe(401);
  expect((await after.json()).code).toBe('unknown_app');
});
