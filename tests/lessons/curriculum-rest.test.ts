// The curriculum's second half: every step and every alternative of the lessons after the first
// half (curriculum.test.ts), through `npm run lessons:verify` in fresh real sandboxes.
// Heavy: it builds and runs lessons in four sandboxes at once for minutes.
import { after, describe, it } from 'node:test';
import { removeLessonsVerifyNetwork } from '../support/server.js';
import { CURRICULUM_INSTANCE, half, verifyLessons } from './support/curriculum.js';

describe('the curriculum, second half', () => {
  after(() => removeLessonsVerifyNetwork(CURRICULUM_INSTANCE[2]));

  it('every lesson of the second half passes lessons:verify, with every alternative', async () => {
    await verifyLessons(half(2), CURRICULUM_INSTANCE[2]);
  });
});
