// One-time links to another browser against a real SQLite store: a link works once and only
// before it expires, the store keeps no working token, a made-up token or a learner's public id
// moves nobody, and no link is made for a removed learner or an ended workshop (nor used after).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../store/database.js';
import { learnerId } from './dashboard.js';
import { ClassroomError } from './errors.js';
import { RELINK_TTL_MS, Relinks } from './relink.js';
import { WorkshopStore } from './store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-relink-'));
const db = openDatabase(dir);
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClassroomError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'none';
};

describe('links to another browser', () => {
  const store = new WorkshopStore(db);
  let now = 1_000;
  const relinks = new Relinks(db, store, () => now);
  const dana = { id: 'in-d', name: 'Dana' };
  store.insert({ id: 'ws-r', code: 'RRRRRR', title: 'R', lessons: '[]', expected_size: 2, session_ms: 60_000, created_at: 0 });
  store.setState('ws-r', 'running', 0);
  store.addLearner('sess-alex', 'ws-r', 'Alex', 0);
  store.addLearner('sess-sam', 'ws-r', 'Sam', 0);
  const alex = learnerId('sess-alex');

  it('moves the learner once, and refuses the link after, with what to do', () => {
    now = 1_000;
    const { token, expiresAt, learner } = relinks.issue('ws-r', alex, dana);
    assert.equal(learner.display_name, 'Alex');
    assert.equal(expiresAt, 1_000 + RELINK_TTL_MS);
    assert.ok(!JSON.stringify(db.prepare(`SELECT * FROM learner_relinks`).all()).includes(token), 'the store holds the token itself');
    now = 2_000;
    assert.equal(relinks.redeem(token).session_id, 'sess-alex');
    assert.match(refusal(() => relinks.redeem(token)), /^relink_used: .*already used.*ask the instructor for a new one/);
  });

  it('refuses an expired link, a made-up token and a public id', () => {
    now = 1_000;
    const { token } = relinks.issue('ws-r', alex, dana);
    now = 1_000 + RELINK_TTL_MS;
    assert.match(refusal(() => relinks.redeem(token)), /^relink_expired: .*15 minutes.*ask the instructor for a new one/);
    assert.match(refusal(() => relinks.redeem('made-up')), /^bad_credentials: /);
    assert.match(refusal(() => relinks.redeem(alex)), /^bad_credentials: /);
  });

  it('makes no link for a removed learner, and a link made before the removal moves nobody', () => {
    now = 1_000;
    const early = relinks.issue('ws-r', learnerId('sess-sam'), dana);
    store.remove('sess-sam', 1_500);
    assert.match(refusal(() => relinks.issue('ws-r', learnerId('sess-sam'), dana)), /^removed: Sam was removed.*re-admit them first/);
    assert.match(refusal(() => relinks.redeem(early.token)), /^removed: /);
    store.readmit('sess-sam', 1_600);
    assert.equal(relinks.redeem(early.token).session_id, 'sess-sam');
    assert.match(refusal(() => relinks.issue('ws-r', 'nobody', dana)), /^no_learner: /);
  });

  it('makes no link once the workshop has ended, and one made before moves nobody', () => {
    now = 1_000;
    const early = relinks.issue('ws-r', alex, dana);
    store.setState('ws-r', 'ended', 3_000);
    assert.match(refusal(() => relinks.issue('ws-r', alex, dana)), /^already_ended: This workshop has ended/);
    assert.match(refusal(() => relinks.redeem(early.token)), /^workshop_ended: /);
  });
});
