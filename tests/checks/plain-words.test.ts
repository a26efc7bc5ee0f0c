// Plain words, always: every check of every lesson, evaluated in a fresh real sandbox where
// nothing of the lesson was done (so nearly all of them fail), says what it expects and what it
// saw without a regular expression, in its label and in its message, at every depth.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toRegExp, usesPattern, type Check } from '../../lessons/schema.js';
import { createContext } from '../../sandbox-server/checks/context.js';
import { evaluateStep } from '../../sandbox-server/checks/evaluate.js';
import type { CheckResult } from '../../sandbox-server/checks/result.js';
import { LessonLibrary } from '../../sandbox-server/lessons/library.js';
import type { ShellCommand } from '../../sandbox-server/store/commands.js';
import { newSandbox } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

/** Pieces of regular-expression syntax that never occur in a sentence meant for a person. */
const REGEX_SYNTAX = [/\\[dswbDSWB]/, /\(\?[=!:<]/, /\[\^/, /\.[*+]\??/, /\[[a-z0-9]-[a-z0-9]\]/i, /\)[?*+]/, /\|\(/, /\{\d+,\d*\}/, /(^|\s)\/\^/, /\$\/[a-z]*($|\s)/];

function regexIn(text: string): string | undefined {
  return REGEX_SYNTAX.find((pattern) => pattern.test(text))?.source;
}

/** The patterns written in the lesson, each of which must never be quoted back. */
function patternsOf(check: Check): string[] {
  if (check.kind === 'all' || check.kind === 'any') return check.checks.flatMap(patternsOf);
  const own = 'matches' in check && check.matches !== undefined ? [check.matches] : [];
  const logs = check.kind === 'container' && check.logs?.matches !== undefined ? [check.logs.matches] : [];
  return [...own, ...logs];
}

function* walk(results: CheckResult[]): Generator<CheckResult> {
  for (const result of results) {
    yield result;
    if (result.checks) yield* walk(result.checks);
  }
}

describe('learners and instructors never read a regular expression', () => {
  let server: TestServer;
  let sandbox: string;
  const library = new LessonLibrary(path.resolve('lessons'));

  before(async () => {
    server = await startTestServer({ SLIPWAY_POOL_SIZE: '0' });
    sandbox = await newSandbox(server);
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it('the curriculum loads, and every check with a pattern carries a label', () => {
    assert.deepEqual(library.problems().map((p) => p.message), []);
    assert.ok(library.list().length >= 8);
    const unlabelled = library.list().flatMap((l) => l.lesson.steps.flatMap((s) => s.checks.flatMap(function leaves(c: Check): Check[] {
      return c.kind === 'all' || c.kind === 'any' ? c.checks.flatMap(leaves) : [c];
    }).filter((c) => usesPattern(c) && !c.label).map(() => `${l.slug} › ${s.id}`)));
    assert.deepEqual(unlabelled, []);
  });

  it('renders every check of every lesson failing, and no label or message shows a pattern', async () => {
    // Commands a learner might have typed that match nothing: messages quote the last one.
    const history: ShellCommand[] = [
      { command: 'ls -la', exitCode: 0, at: Date.now() },
      { command: 'docker ps', exitCode: 0, at: Date.now() },
    ];
    const ctx = () => createContext({ driver: server.driver, history: { since: () => history } }, sandbox, 0);
    const offending: string[] = [];
    let failing = 0;
    let seen = 0;
    for (const { slug, lesson } of library.list()) {
      for (const step of lesson.steps) {
        const result = await evaluateStep(step, ctx());
        // Only patterns with regex syntax: a pattern that is a plain word may be quoted as seen text.
        const written = step.checks.flatMap(patternsOf).filter((p) => /[\\^$.*+?()[\]{}|]/.test(p));
        for (const check of walk(result.checks)) {
          seen++;
          if (!check.passed) failing++;
          for (const [where, text] of [['label', check.label], ['message', check.message]] as const) {
            const syntax = regexIn(text);
            const quoted = written.find((p) => text.includes(p) || text.includes(toRegExp(p).source));
            if (syntax || quoted) offending.push(`${slug} › ${step.id} (${check.kind}) ${where}: ${JSON.stringify(text)} shows ${quoted ? `the pattern ${quoted}` : `regex syntax ${syntax}`}`);
          }
        }
      }
    }
    console.log(`# ${seen} check results rendered, ${failing} failing`);
    assert.ok(failing > seen / 2, `most checks should fail in an empty sandbox (${failing} of ${seen})`);
    assert.deepEqual(offending, []);
  });

  it('the detector itself finds the patterns it must find', () => {
    for (const bad of ["You have not run a command matching /docker (container )?run\\b(?=.*\\s--rm\\b)/ yet", 'output matching /visited \\d+ times?/', "does not match /^bye/"]) {
      assert.ok(regexIn(bad), `should find a pattern in ${bad}`);
    }
    for (const good of ["Not yet: you listed every container, stopped ones too. Your last command was 'docker ps'.", "Container 'web' is running (up 3 minutes), publishing 8080→80.", 'The page says "visited 3 times".']) {
      assert.equal(regexIn(good), undefined, good);
    }
  });
});
