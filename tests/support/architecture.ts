// Reads the import statements of every .ts and .astro file under a root (static imports,
// `export ... from` and dynamic `import('...')`), resolves the relative ones to files under that
// root, and checks them against the repository's rules: the layers of sandbox-server/, domain
// folders that never import http/, a contract that imports nothing of ours, and src/ and tests/
// that reach the server only through the contract (tests: also through an allow-list), and spec
// files beside the code that may also build the whole server on the fake driver. The rules
// themselves are tests/architecture.test.ts's; this file is only the machinery.
import fs from 'node:fs';
import path from 'node:path';

export interface Import {
  /** Root-relative path of the importing file, with forward slashes. */
  from: string;
  /** Root-relative path of the imported file (a .ts file when one exists for a .js specifier). */
  to: string;
  line: number;
}

export interface Allowance {
  /** Server modules (root-relative .ts paths) that tests may import... */
  modules: string[];
  /** ...from files under these root-relative prefixes (a folder with a trailing slash, or a file). */
  importers: string[];
  /** Why a test cannot do without it. */
  reason: string;
}

export interface Rules {
  /** sandbox-server's folders and top-level files, bottom (0) to top: nothing imports a higher layer. */
  layers: Record<string, number>;
  /** Folders that hold the domain: they never import http/. */
  domains: string[];
  /** What tests may import from sandbox-server/ besides nothing. */
  allowances: Allowance[];
  /** Root-relative files outside contract/ that everyone may import like the contract (the lesson schema). */
  shared: string[];
}

const SOURCE = /\.(ts|astro)$/;

/** Every .ts/.astro file under `folders` of `root`, skipping the given root-relative prefixes. */
export function sourceFiles(root: string, folders: string[], skip: string[] = []): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    if (skip.some((prefix) => `${relative}/`.startsWith(prefix) || relative === prefix)) return;
    const full = path.join(root, relative);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isFile()) {
      if (SOURCE.test(relative)) found.push(relative);
      return;
    }
    for (const entry of fs.readdirSync(full)) if (entry !== 'node_modules') walk(`${relative}/${entry}`);
  };
  for (const folder of folders) walk(folder);
  return found.sort();
}

/** Block comments and whole-line comments blanked out (newlines kept, so line numbers stay right). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/^[ \t]*\/\/.*$/gm, '');
}

/** The module specifiers a source file names, with the line each is on. */
export function specifiersOf(source: string): Array<{ specifier: string; line: number }> {
  const text = withoutComments(source);
  const patterns = [
    // import x from '...'; import { a, type b } from '...'; import * as x from '...'; export { a } from '...'; export * from '...'
    /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?[\w$*{},\s]*?\s*from\s*['"]([^'"\n]+)['"]/g,
    // import '...' (for its side effects)
    /(?:^|[\s;])import\s*['"]([^'"\n]+)['"]/g,
    // import('...')
    /(?:^|[^\w$.])import\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ];
  const found = new Map<number, { specifier: string; line: number }>();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index + match[0].lastIndexOf(match[1]!);
      found.set(at, { specifier: match[1]!, line: text.slice(0, at).split('\n').length });
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
}

/** The imports of the given files that name a file under root (packages and `astro:` modules are left out). */
export function importsUnder(root: string, files: string[]): Import[] {
  const imports: Import[] = [];
  for (const from of files) {
    for (const { specifier, line } of specifiersOf(fs.readFileSync(path.join(root, from), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      let to = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
      if (to.endsWith('.js') && !fs.existsSync(path.join(root, to))) to = `${to.slice(0, -3)}.ts`;
      imports.push({ from, to, line });
    }
  }
  return imports;
}

const SERVER = 'sandbox-server/';

/** The layer name of a server file: its folder, or the file itself at the top of sandbox-server/. */
function serverPart(file: string): string {
  const rest = file.slice(SERVER.length);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
}

/** The fake driver's folder: the in-memory driver and the harness the fast specs share. */
const FAKE_DRIVER = 'sandbox-server/sandboxes/fake/';

/**
 * Test code that lives beside the server's code: a `*.spec.ts` file, or the fake driver's folder.
 * Besides what the layers of its folder allow, it may import the composition root (a spec
 * builds the whole server on the fake driver, as main.ts builds it on a real one) and the fake.
 */
function besideTestMayImport(from: string, to: string): boolean {
  const besideTest = from.endsWith('.spec.ts') || from.startsWith(FAKE_DRIVER);
  return besideTest && (to === `${SERVER}server.ts` || to.startsWith(FAKE_DRIVER));
}

const isContract = (file: string, rules: Rules) => file.startsWith('contract/') || rules.shared.includes(file);

function allowedForTests(imp: Import, rules: Rules): boolean {
  return rules.allowances.some((a) => a.modules.includes(imp.to) && a.importers.some((prefix) => imp.from === prefix || (prefix.endsWith('/') && imp.from.startsWith(prefix))));
}

/** The rule an import breaks. */
export type Rule = 'contract-imports-ours' | 'site-imports-server' | 'test-imports-internal' | 'server-imports-outside' | 'no-layer' | 'domain-imports-http' | 'upward';

export interface Violation {
  /** `file:line` of the import. */
  at: string;
  to: string;
  rule: Rule;
  /** The rule in words, for the failure message. */
  why: string;
}

/** Every import that breaks a rule, with the rule. */
export function violations(imports: Import[], rules: Rules): Violation[] {
  const found: Violation[] = [];
  const say = (imp: Import, rule: Rule, why: string) => found.push({ at: `${imp.from}:${imp.line}`, to: imp.to, rule, why });
  for (const imp of imports) {
    const { from, to } = imp;
    if (isContract(from, rules)) {
      if (!isContract(to, rules)) say(imp, 'contract-imports-ours', 'the contract imports only the contract (and zod), so that the site, the server and the tests can all use it');
    } else if (from.startsWith('src/')) {
      if (!to.startsWith('src/') && !isContract(to, rules)) say(imp, 'site-imports-server', 'the site imports only itself and the contract (contract/, lessons/schema.ts)');
    } else if (from.startsWith('tests/')) {
      if (to.startsWith(SERVER) && !allowedForTests(imp, rules)) say(imp, 'test-imports-internal', 'tests import the contract, not server internals (or add an allowance with a reason in tests/architecture.test.ts)');
    } else if (from.startsWith(SERVER)) {
      if (!to.startsWith(SERVER)) {
        if (!isContract(to, rules)) say(imp, 'server-imports-outside', 'the server imports only itself and the contract');
        continue;
      }
      const part = serverPart(from);
      const target = serverPart(to);
      if (part === target || besideTestMayImport(from, to)) continue;
      const mine = rules.layers[part];
      const theirs = rules.layers[target];
      if (mine === undefined || theirs === undefined) say(imp, 'no-layer', `sandbox-server/${mine === undefined ? part : target} has no layer: give it one in tests/architecture.test.ts`);
      else if (rules.domains.includes(part) && target === 'http') say(imp, 'domain-imports-http', `a domain folder (${part}/) never imports http/: throw an error with a code, http/errors.ts gives its status`);
      else if (theirs > mine) say(imp, 'upward', `${target} is above ${part} in the layers (store/config/log at the bottom; sandboxes; checks/terminal/classroom; http; server.ts/main.ts on top)`);
    }
  }
  return found;
}

/** Violations as lines a person reads. */
export function explain(found: Violation[]): string {
  return found.map((v) => `${v.at} imports ${v.to}: ${v.why}`).join('\n');
}

/** Allowed modules that no test imports any more: the allow-list only shrinks. */
export function unusedAllowances(imports: Import[], rules: Rules): string[] {
  return rules.allowances.flatMap((a) => a.modules.filter((module) => !imports.some((imp) => imp.to === module && imp.from.startsWith('tests/') && allowedForTests(imp, rules))));
}
