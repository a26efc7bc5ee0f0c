// Cookies between the browser and a previewed app: the app gets only its own, under the names
// it gave them, and what it sets is stored under its preview port's prefix, for this host only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookiesForApp, rewriteSetCookie } from './cookies.js';

describe('preview cookies', () => {
  it("hands the app only its own cookies: never Slipway's, another preview's, or unprefixed ones", () => {
    const header = 'slipway_session=s%3Aabc.def; pv4400_sid=1; slipway_preview_4400=v1.x.y; pv4401_sid=2; sid=3; pv4400_=4; pv4400_theme=dark';
    assert.equal(cookiesForApp(header, '4400'), 'sid=1; theme=dark');
    assert.equal(cookiesForApp('slipway_session=x', '4400'), undefined);
    assert.equal(cookiesForApp(undefined, '4400'), undefined);
  });

  it("stores the app's cookies under its prefix, drops their Domain, keeps the rest", () => {
    assert.equal(rewriteSetCookie('sid=abc; Domain=example.org; Path=/; HttpOnly', '4400'), 'pv4400_sid=abc; Path=/; HttpOnly');
    assert.equal(rewriteSetCookie('slipway_session=evil; Path=/api', '4400'), 'pv4400_slipway_session=evil; Path=/api');
    assert.equal(rewriteSetCookie('a=b=c; Max-Age=60;  domain = .evil ; SameSite=Lax', '4400'), 'pv4400_a=b=c; Max-Age=60; SameSite=Lax');
  });

  it("keeps a subdomain preview's cookies on its own host: a Domain naming the site's parent is dropped", () => {
    const label = 'pq3vd5hx2mkwa7r4c';
    assert.equal(rewriteSetCookie('slipway_session=evil; Domain=example.org; Path=/', label), `pv${label}_slipway_session=evil; Path=/`);
    assert.equal(rewriteSetCookie('t=1; Path=/; DOMAIN=.preview.example.org; Secure', label), `pv${label}_t=1; Path=/; Secure`);
    assert.equal(cookiesForApp(`slipway_session=s%3Aa.b; pv${label}_t=1; pvpother_t=2; slipway_preview_${label}=v2.x.y`, label), 't=1');
  });

  it('drops a Set-Cookie whose name could smuggle another header or cookie', () => {
    for (const bad of ['=value', 'na me=x', 'a;b=c', 'x\r\nset-cookie: slipway_session=evil', '']) assert.equal(rewriteSetCookie(bad, '4400'), undefined, bad);
  });
});
