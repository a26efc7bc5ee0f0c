// The workshop exports: two learners of the same name told apart by their id, a removed and a
// re-admitted learner flagged with their times, a skipped step's status, attempts, and no
// epoch milliseconds anywhere (every time ISO 8601 UTC, or empty/null).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepColumn } from '../../contract/dashboard.js';
import type { StepProgressRow } from '../store/progress.js';
import { dashboardView, learnerView } from './dashboard.js';
import type { AuditEntry } from '../../contract/instructors.js';
import { AUDIT_CSV_HEADER, auditCsv, CSV_HEADER, csvField, resultsCsv, resultsJson } from './export.js';
import type { LearnerRow, WorkshopRow } from './store.js';

const T0 = Date.UTC(2026, 4, 4, 9, 0, 0);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const columns: StepColumn[] = [
  { lesson: 'basics', lessonTitle: 'Basics', step: 'one', title: 'One' },
  { lesson: 'basics', lessonTitle: 'Basics', step: 'two', title: 'Two' },
];
const workshop: WorkshopRow = { id: 'ws-1', code: 'K7QX4M', title: 'Room 2', lessons: '["basics"]', expected_size: 3, session_ms: 3_600_000, state: 'ended', created_at: T0, started_at: T0 + 1000, ended_at: T0 + 3_600_000 };
const learner = (session: string, over: Partial<LearnerRow> = {}): LearnerRow => ({ session_id: session, workshop_id: 'ws-1', display_name: 'Alex', joined_at: T0 + 60_000, admitted_at: T0 + 61_000, expires_at: T0 + 3_661_000, removed_at: null, readmitted_at: null, ...over });
const step = (session: string, id: string, over: Partial<StepProgressRow>): StepProgressRow => ({ session_id: session, lesson: 'basics', step: id, first_seen_at: T0, done_at: null, attempts: 0, last_checked_at: null, last_message: null, last_results: null, skipped_at: null, marked_by: null, hints_shown: 0, solution_opened_at: null, runs: 0, ...over });

function view() {
  const rows = [
    learnerView(learner('s-a'), columns, [step('s-a', 'one', { done_at: T0 + 120_000, attempts: 2 }), step('s-a', 'two', { attempts: 3, last_message: 'no container "web", yet', hints_shown: 2, solution_opened_at: T0 + 400_000, runs: 3 })], undefined, null, null, T0),
    learnerView(learner('s-b', { removed_at: T0 + 900_000 }), columns, [step('s-b', 'one', { skipped_at: T0 + 300_000 })], undefined, null, null, T0),
    learnerView(learner('s-c', { display_name: 'Sam', readmitted_at: T0 + 1_200_000 }), columns, [step('s-c', 'one', { done_at: T0 + 1_300_000, marked_by: 'Dana' })], undefined, null, null, T0),
  ];
  return dashboardView(workshop, columns, rows);
}

/** Every [path, value] of a JSON value. */
function* walk(value: unknown, path = '$'): Generator<[string, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* walk(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
}

describe('workshop exports', () => {
  it('CSV: learner id, join time, removed and re-admitted, per-step status and attempts; times ISO UTC', () => {
    const [header, ...lines] = resultsCsv(view()).trimEnd().split('\r\n');
    assert.equal(header, CSV_HEADER.join(','));
    assert.equal(header, 'learner_id,learner,joined_at,removed,removed_at,readmitted_at,lesson,step,status,marked_by,done_at,skipped_at,attempts,hints_shown,solution_opened_at,runs');
    const rows = lines.map((line) => Object.fromEntries(CSV_HEADER.map((key, i) => [key, line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)[i]])));
    assert.equal(rows.length, 3 * columns.length);
    const alexes = new Set(rows.filter((r) => r.learner === 'Alex').map((r) => r.learner_id));
    assert.equal(alexes.size, 2, 'two learners named Alex share an id');
    const [a1, a2, b1, b2, c1] = rows;
    assert.deepEqual([a1!.status, a1!.done_at, a1!.attempts, a2!.status, a2!.attempts], ['done', '2026-05-04T09:02:00.000Z', '2', 'failing', '3']);
    assert.deepEqual([b1!.status, b1!.skipped_at, b1!.removed, b1!.removed_at, b2!.status], ['skipped', '2026-05-04T09:05:00.000Z', 'true', '2026-05-04T09:15:00.000Z', 'not_started']);
    assert.deepEqual([c1!.learner, c1!.removed, c1!.removed_at, c1!.readmitted_at], ['Sam', 'false', '', '2026-05-04T09:20:00.000Z']);
    assert.deepEqual([c1!.status, c1!.marked_by, a1!.marked_by], ['done', 'Dana', ''], 'a step an instructor marked done names them; one its checks passed, nobody');
    assert.deepEqual([a2!.hints_shown, a2!.solution_opened_at, a2!.runs, a1!.hints_shown, a1!.solution_opened_at, a1!.runs], ['2', '2026-05-04T09:06:40.000Z', '3', '0', '', '0'], 'the help Alex used on step two');
    assert.equal(a1!.joined_at, '2026-05-04T09:01:00.000Z');
    for (const row of rows) for (const [key, value] of Object.entries(row)) if (key.endsWith('_at')) assert.ok(value === '' || ISO.test(value!), `${key}=${value}`);
  });

  it('JSON: every time is ISO 8601 UTC or null, never epoch milliseconds', () => {
    const json = resultsJson(view(), T0 + 4_000_000);
    for (const [path, value] of walk(JSON.parse(JSON.stringify(json)))) {
      if (typeof value === 'number') assert.ok(value < 1e11, `${path} looks like epoch milliseconds: ${value}`);
      if (/At$/.test(path)) assert.ok(value === null || (typeof value === 'string' && ISO.test(value)), `${path}=${String(value)}`);
    }
    assert.equal(json.workshop.startedAt, '2026-05-04T09:00:01.000Z');
    assert.equal(json.exportedAt, '2026-05-04T10:06:40.000Z');
    const [a, b, c] = json.learners;
    assert.notEqual(a!.id, b!.id);
    assert.deepEqual([b!.removed, b!.removedAt, b!.steps[0]!.status, b!.steps[0]!.skippedAt], [true, '2026-05-04T09:15:00.000Z', 'skipped', '2026-05-04T09:05:00.000Z']);
    assert.equal(c!.readmittedAt, '2026-05-04T09:20:00.000Z');
    assert.deepEqual([c!.steps[0]!.status, c!.steps[0]!.markedBy, a!.steps[0]!.markedBy], ['done', 'Dana', null]);
    assert.deepEqual([a!.steps[1]!.attempts, a!.steps[1]!.lastMessage], [3, 'no container "web", yet']);
    assert.deepEqual([a!.steps[1]!.hintsShown, a!.steps[1]!.solutionOpenedAt, a!.steps[1]!.runs], [2, '2026-05-04T09:06:40.000Z', 3]);
  });

  it('audit log: oldest first, with who, what, whom and an ISO time, in the JSON and its own CSV', () => {
    const audit: AuditEntry[] = [
      { id: 2, workshopId: 'ws-1', instructor: { id: 'in-2', name: 'Lee' }, action: 'extend_learner', learner: { id: 'l-b', name: 'Alex' }, details: '15 more minutes', at: T0 + 120_000 },
      { id: 1, workshopId: 'ws-1', instructor: { id: 'in-1', name: 'Dana' }, action: 'reset_learner', learner: { id: 'l-a', name: 'Alex' }, details: null, at: T0 + 60_000 },
    ];
    const json = resultsJson(view(), T0, audit);
    assert.deepEqual(
      json.audit.map((e) => [e.at, e.instructor.name, e.action, e.learner?.id, e.summary]),
      [
        ['2026-05-04T09:01:00.000Z', 'Dana', 'reset_learner', 'l-a', "Dana reset Alex's sandbox"],
        ['2026-05-04T09:02:00.000Z', 'Lee', 'extend_learner', 'l-b', 'Lee gave Alex 15 more minutes'],
      ],
    );
    const lines = auditCsv(audit).trimEnd().split('\r\n');
    assert.equal(lines[0], AUDIT_CSV_HEADER.join(','));
    assert.equal(lines[1], "2026-05-04T09:01:00.000Z,in-1,Dana,reset_learner,l-a,Alex,,Dana reset Alex's sandbox");
    assert.equal(lines.length, 3);
    assert.deepEqual(resultsJson(view(), T0).audit, []);
  });

  it('quotes CSV fields and defuses formulas', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('=1+1'), "'=1+1");
    assert.equal(csvField(null), '');
    assert.equal(csvField(false), 'false');
  });
});
