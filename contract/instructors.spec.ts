// The audit log's plain lines (what the dashboard lists) and the instructor name rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditAction, auditLine, INSTRUCTOR_NAME_MAX, inviteBody, type AuditEntry } from './instructors.js';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 1, workshopId: 'ws-1', instructor: { id: 'in-1', name: 'Dana' }, action: 'reset_learner', learner: { id: 'l-1', name: 'Alex' }, details: null, at: 0, ...over });

describe('audit lines', () => {
  it('say who did what to whom', () => {
    assert.equal(auditLine(entry({})), "Dana reset Alex's sandbox");
    assert.equal(auditLine(entry({ action: 'extend_learner', details: '15 more minutes' })), 'Dana gave Alex 15 more minutes');
    assert.equal(auditLine(entry({ action: 'extend_workshop', learner: null, details: '5 more minutes' })), 'Dana gave everyone 5 more minutes');
    assert.equal(auditLine(entry({ action: 'rename_learner', details: 'Sam' })), 'Dana renamed Alex to "Sam"');
    assert.equal(auditLine(entry({ action: 'invite', learner: null, details: 'Lee' })), 'Dana invited Lee as an instructor');
    assert.equal(auditLine(entry({ action: 'open_preview', details: 'port 8080' })), "Dana opened Alex's web preview (port 8080)");
  });

  it('has a line for every action, naming the instructor', () => {
    for (const action of auditAction.options) {
      const line = auditLine(entry({ action, details: 'x' }));
      assert.ok(line.startsWith('Dana '), `${action}: ${line}`);
    }
  });
});

describe('instructor names', () => {
  it('are trimmed, not empty, and refused over the limit (never cut)', () => {
    assert.equal(inviteBody.parse({ name: '  Lee ' }).name, 'Lee');
    assert.equal(inviteBody.safeParse({ name: '   ' }).success, false);
    const long = inviteBody.safeParse({ name: 'x'.repeat(INSTRUCTOR_NAME_MAX + 1) });
    assert.equal(long.success, false);
    assert.match(long.error!.issues[0]!.message, new RegExp(String(INSTRUCTOR_NAME_MAX)));
  });
});
