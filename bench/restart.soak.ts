// kill -9 resume: 10 learners in the middle of a lesson (session, sandbox, open terminal, a
// finished step), the server process killed with SIGKILL and started again on the same data
// folder and port. Counts the learners who get everything back: the same sandbox, their
// progress, a terminal that answers typed commands, and checks that follow the sandbox again.
import { killAndResume } from '../tests/reliability/support/kill-resume.js';
import { round, type Bench } from './support.js';

const LEARNERS = 10;

const bench: Bench = {
  name: `kill -9 resume (${LEARNERS} learners)`,
  async run() {
    const result = await killAndResume({ instance: 'restart', learners: LEARNERS, log: (line) => console.log(`  ${line}`) });
    for (const outcome of result.outcomes) if (outcome.problem) console.log(`  learner ${outcome.learner}: ${outcome.problem}`);
    return {
      'reliability.resume_after_kill_pct': round(result.resumedPct),
      'reliability.restart_after_kill_ms': Math.round(result.restartMs),
      // Terminal sessions beyond the one open terminal per learner: shells the killed server
      // left running in the sandboxes (the restarted one ends them when it re-adopts).
      'reliability.orphan_shells_after_kill': result.after.shells,
    };
  },
};

export default bench;
