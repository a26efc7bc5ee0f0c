// The shape of the code, checked from its import statements (tests/support/architecture.ts):
// - contract/ (and lessons/schema.ts) is the one wire contract: it imports nothing of ours;
// - src/ imports only itself and the contract, never the server;
// - tests reach the server through the wire and the contract; a test may import a server module
//   only where ALLOWANCES below says so and why (it only ever shrinks: an unused entry fails);
// - sandbox-server/ is layered, bottom to top, and a folder never imports one above it; domain
//   folders never import http/ (they throw errors with a code, http/errors.ts maps codes to
//   statuses).
// - spec files beside the code (`*.spec.ts`) and the fake driver's folder (sandboxes/fake/) follow
//   the layers of their folder, and may also import server.ts and sandboxes/fake/ (to build the
//   whole server on the fake driver).
// A fixture tree with one broken rule per file shows the checker catching each kind. bench/ and
// scripts/ are not checked: benchmarks measure server parts directly, on purpose.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explain, importsUnder, sourceFiles, specifiersOf, unusedAllowances, violations, type Allowance, type Rules } from './support/architecture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'architecture');

/** Bottom (0) to top; a folder may import its own layer and those below. */
const LAYERS: Record<string, number> = {
  // What everything may use: configuration, storage, logging, metrics, labels on Docker objects, domain errors.
  config: 0,
  store: 0,
  'log.ts': 0,
  metrics: 0,
  'errors.ts': 0,
  'labels.ts': 0,
  // The event feed's typed channels and the scheduler of background tasks: what parts share to talk and to run.
  feed: 1,
  scheduler: 1,
  // Lesson files on disk, the images sandboxes are made from, and the package cache beside them.
  lessons: 1,
  images: 1,
  packages: 1,
  sandboxes: 2,
  // What uses sandboxes: learner sessions, the workshop registry's namespaces.
  sessions: 3,
  registry: 3,
  checks: 4,
  terminal: 4,
  classroom: 4,
  preview: 4,
  workspace: 4,
  http: 5,
  // The composition root, the entry points and the operator's tools.
  'server.ts': 6,
  'main.ts': 6,
  doctor: 6,
  clean: 6,
};

const DOMAINS = ['checks', 'classroom', 'preview', 'workspace', 'terminal', 'sandboxes', 'sessions', 'registry', 'store', 'lessons', 'images', 'packages'];

/**
 * Server modules tests may import, and from where. Tests through the wire (HTTP, WebSocket,
 * events) need only the first three entries; the others are component tests that drive one
 * part of the server directly, where going through HTTP would test less or nothing at all.
 * Shrink it; do not grow it without a reason a reviewer agrees with.
 */
const ALLOWANCES: Allowance[] = [
  {
    modules: ['sandbox-server/server.ts', 'sandbox-server/config/config.ts', 'sandbox-server/log.ts'],
    importers: ['tests/run.ts', 'tests/support/', 'tests/reliability/support/', 'tests/server/config.test.ts', 'tests/sandboxes/isolation.test.ts', 'tests/sandboxes/driver-contract.test.ts', 'tests/swarm/'],
    reason: 'a test starts a real server in-process (the composition root, its configuration, a quiet logger), as main.ts does; config.test tests the configuration itself; the driver contract and swarm tests give the drivers they make a quiet logger',
  },
  {
    modules: ['sandbox-server/http/app.ts'],
    importers: ['tests/support/browser.ts'],
    reason: 'browser tests need to know where the built site is (SITE_DIR) to say when it is missing',
  },
  {
    modules: ['sandbox-server/labels.ts', 'sandbox-server/images/mirror.ts', 'sandbox-server/clean/installation.ts'],
    importers: ['tests/'],
    reason: 'tests find, count and remove the Docker objects a run created by the labels and names the server gives them (and clean up an installation as npm run clean does)',
  },
  {
    modules: ['sandbox-server/sandboxes/docker/driver.ts', 'sandbox-server/sandboxes/docker/isolation.ts', 'sandbox-server/sandboxes/local/driver.ts', 'sandbox-server/feed/prompts.ts', 'sandbox-server/sandboxes/swarm/driver.ts'],
    importers: ['tests/sandboxes/', 'tests/terminal/', 'tests/reliability/hostile.test.ts', 'tests/swarm/'],
    reason: "driver tests drive a sandbox driver directly (its isolation, its network, a shell) and read its state, which no API shows; the swarm driver is tested on a real swarm whose nodes get a sandbox's rights",
  },
  {
    modules: ['sandbox-server/doctor/checks.ts', 'sandbox-server/images/base.ts', 'sandbox-server/images/build.ts'],
    importers: ['tests/sandboxes/isolation.test.ts', 'tests/swarm/'],
    reason: 'the isolation probe is tested where it runs (doctor, image build) against the real engine; the swarm fixture loads the sandbox and stand-in images the run built, found by the tags the build gives them',
  },
  {
    modules: ['sandbox-server/images/base.ts', 'sandbox-server/images/pack.ts'],
    importers: ['tests/images/'],
    reason: 'the base image is built in a container under a tag of its own, and the image pack round-trips tags of its own, so a test never replaces or removes the images every other test on the shared engine uses',
  },
  {
    modules: ['sandbox-server/terminal/hub.ts', 'sandbox-server/terminal/replay-buffer.ts', 'sandbox-server/terminal/modes.ts', 'sandbox-server/terminal/integration.ts'],
    importers: ['tests/terminal/', 'tests/reliability/hostile.test.ts'],
    reason: 'the terminal hub and its parts (replay buffer, mode tracking, the shell integration parser) are tested on their own, byte for byte; hostile.test compares flow control with the hub\'s watermarks',
  },
  {
    modules: ['sandbox-server/checks/context.ts', 'sandbox-server/checks/evaluate.ts', 'sandbox-server/checks/result.ts', 'sandbox-server/checks/attempts.ts', 'sandbox-server/store/commands.ts'],
    importers: ['tests/checks/', 'tests/sandboxes/registry-namespace.test.ts', 'tests/sandboxes/engine-start.test.ts'],
    reason: 'each check kind is evaluated against a real sandbox without HTTP in between, so a test names the check and the state it judges',
  },
  {
    modules: ['sandbox-server/lessons/library.ts', 'sandbox-server/lessons/frontmatter.ts', 'sandbox-server/lessons/examples.ts', 'sandbox-server/lessons/authoring-doc.ts', 'sandbox-server/lessons/starter-files.ts'],
    importers: ['tests/checks/', 'tests/sandboxes/registry-namespace.test.ts'],
    reason: 'lesson files are read as the server reads them: the schema\'s errors, the generated authoring doc, every lesson\'s checks',
  },
  {
    modules: ['sandbox-server/registry/namespace.ts', 'sandbox-server/registry/policy.ts', 'sandbox-server/store/sandboxes.ts'],
    importers: ['tests/sandboxes/registry-namespace.test.ts'],
    reason: 'the workshop registry\'s namespace policy is judged on the requests a sandbox really sends',
  },
];

/**
 * The allow-list's size only goes down: lower this when a module leaves it. (34, up from 33, for
 * the swarm driver, tested on a real swarm as the docker driver is on the engine.)
 */
const ALLOWED_MODULES_AT_MOST = 34;

const RULES: Rules = { layers: LAYERS, domains: DOMAINS, allowances: ALLOWANCES, shared: ['lessons/schema.ts'] };

describe('architecture', () => {
  it('reads static, type-only, multi-line, re-exported, side-effect and dynamic imports', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "import './g.css';",
      "const h = await import('./h.js');",
      "// import x from './commented-out.js';",
      "/* import y from './also-commented-out.js'; */",
      "const url = import.meta.url;",
      "import fs from 'node:fs';",
    ].join('\n');
    assert.deepEqual(specifiersOf(source), [
      { specifier: './a.js', line: 1 },
      { specifier: './b.js', line: 2 },
      { specifier: './c.js', line: 6 },
      { specifier: './e.js', line: 7 },
      { specifier: './f.js', line: 8 },
      { specifier: './g.css', line: 9 },
      { specifier: './h.js', line: 10 },
      { specifier: 'node:fs', line: 14 },
    ]);
  });

  it('reports each kind of forbidden import in a fixture tree, and only those', () => {
    const files = sourceFiles(FIXTURE, ['contract', 'src', 'tests', 'sandbox-server']);
    const rules: Rules = { ...RULES, allowances: [{ modules: ['sandbox-server/store/db.ts'], importers: ['tests/'], reason: 'fixture' }] };
    const found = violations(importsUnder(FIXTURE, files), rules);
    assert.deepEqual(
      found.map((v) => [v.at, v.to, v.rule]),
      [
        ['contract/wire.ts:2', 'sandbox-server/store/db.ts', 'contract-imports-ours'],
        ['sandbox-server/checks/service.ts:2', 'sandbox-server/http/errors.ts', 'domain-imports-http'],
        ['sandbox-server/mystery/part.ts:2', 'sandbox-server/store/db.ts', 'no-layer'],
        ['sandbox-server/sandboxes/driver.ts:4', 'sandbox-server/checks/service.ts', 'upward'],
        ['src/Widget.astro:6', 'sandbox-server/sandboxes/driver.ts', 'site-imports-server'],
        ['src/lazy.ts:2', 'sandbox-server/store/db.ts', 'site-imports-server'],
        ['src/page.ts:2', 'sandbox-server/checks/service.ts', 'site-imports-server'],
        ['tests/internal.ts:3', 'sandbox-server/checks/service.ts', 'test-imports-internal'],
      ],
      explain(found),
    );
    assert.deepEqual(unusedAllowances(importsUnder(FIXTURE, files), { ...rules, allowances: [...rules.allowances, { modules: ['sandbox-server/http/errors.ts'], importers: ['tests/'], reason: 'fixture' }] }), ['sandbox-server/http/errors.ts']);
  });

  const files = sourceFiles(ROOT, ['contract', 'lessons/schema.ts', 'src', 'tests', 'sandbox-server'], ['tests/fixtures/architecture/']);
  const imports = importsUnder(ROOT, files);

  it('finds the imports of the whole repository', () => {
    assert.ok(files.length > 150, `only ${files.length} files`);
    assert.ok(files.some((f) => f.endsWith('.astro')));
    assert.ok(imports.length > 500, `only ${imports.length} imports`);
  });

  it('has no forbidden import: the layers hold, domains never import http/, the site and the tests reach the server through the contract', () => {
    const found = violations(imports, RULES);
    assert.equal(found.length, 0, explain(found));
  });

  it('allows tests only server modules they still import, fewer and fewer', () => {
    assert.deepEqual(unusedAllowances(imports, RULES), [], 'take these out of ALLOWANCES: no test imports them any more');
    const allowed = ALLOWANCES.flatMap((a) => a.modules).length;
    assert.ok(allowed <= ALLOWED_MODULES_AT_MOST, `${allowed} server modules are allowed to tests; at most ${ALLOWED_MODULES_AT_MOST}`);
  });
});
