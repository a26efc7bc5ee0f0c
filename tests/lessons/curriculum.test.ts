// The curriculum proves itself: `npm run lessons:verify` over lessons/ — every step of every
// lesson fails before its solution and passes after it, and so does every alternative way a
// step lists, each in a fresh real sandbox. This file verifies the first half of the lessons
// (curriculum-rest.test.ts the others), several sandboxes at a time, to stay within the suite's
// time for one file.
// Heavy: it builds and runs lessons in four sandboxes at once for minutes.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { removeLessonsVerifyNetwork } from '../support/server.js';
import { CURRICULUM_INSTANCE, half, lessonFolders, verifyLessons } from './support/curriculum.js';

describe('the curriculum, first half', () => {
  after(() => removeLessonsVerifyNetwork(CURRICULUM_INSTANCE[1]));

  it('has lessons enough, and every lesson of the first half passes lessons:verify, with every alternative', async () => {
    const all = lessonFolders();
    const steps = all.reduce((sum, l) => sum + l.steps, 0);
    assert.ok(all.length >= 12 && steps >= 12 * 5, `expected 12 lessons of at least 5 steps, found ${all.length} lessons and ${steps} steps`);
    assert.ok(all.some((l) => l.alternatives > 0), 'expected the lessons to list alternatives');
    assert.ok(half(1).length > 0 && half(2).length > 0 && half(1).length + half(2).length === all.length, 'the two halves hold every lesson once');
    await verifyLessons(half(1), CURRICULUM_INSTANCE[1]);
  });
});
