// Images built nearly as the step expects: from another base (the Dockerfile's FROM names
// another image), or without an instruction the step expects (no EXPOSE, CMD in shell form
// where the exec form is expected, no WORKDIR or USER line). Each says which Dockerfile line
// makes the difference, and that the image needs building again after the change.
import { list } from '../describe.js';

const rebuild = 'then build it again';

/** The base differs; `actual` is what it was found to be built on, when that could be told. */
export function otherBase(wanted: string, actual: string | undefined): string {
  const found = actual ? `it is not built on ${wanted} but on ${actual}` : `it is not built on ${wanted} (its first layers differ from that image's)`;
  return `${found}: the FROM line of its Dockerfile decides, so it is FROM ${wanted} (${rebuild})`;
}

/** Ports the Dockerfile does not EXPOSE: the line that declares them. */
export function missingExpose(missing: string[], exposed: string[]): string {
  const shown = exposed.length ? `it exposes ${list(exposed)}` : 'it exposes no ports';
  const line = missing.map((p) => p.replace(/\/tcp$/, '')).join(' ');
  return `it does not EXPOSE ${list(missing)} (${shown}): a line EXPOSE ${line} in its Dockerfile declares ${missing.length === 1 ? 'it' : 'them'} (${rebuild})`;
}

const SHELL = ['/bin/sh', '-c'];
const isShellForm = (words: string[]): boolean => words.length === 3 && words[0] === SHELL[0] && words[1] === SHELL[1];

/**
 * CMD or ENTRYPOINT differs: the same command in the other form (shell `CMD python app.py`
 * against exec `CMD ["python", "app.py"]`), which says all there is to say (`whole`), or none at
 * all, which follows "its CMD is '[]', expected ...". Undefined when they simply differ.
 */
export function commandForm(what: 'CMD' | 'ENTRYPOINT', actual: string[], expected: string[]): { text: string; whole: boolean } | undefined {
  const exec = JSON.stringify(expected).replace(/","/g, '", "');
  if (actual.length === 0) return { text: `: it has none, and a line ${what} ${exec} in its Dockerfile sets it (${rebuild})`, whole: false };
  if (isShellForm(actual) && actual[2]!.trim() === expected.join(' ')) {
    return { text: `its ${what} is in shell form (${what} ${actual[2]!.trim()}), and the step expects the exec form, ${what} ${exec}: the same command, run without a shell in between (${rebuild})`, whole: true };
  }
  if (isShellForm(expected) && expected[2]!.trim() === actual.join(' ')) {
    return { text: `its ${what} is in exec form (${what} ${JSON.stringify(actual).replace(/","/g, '", "')}), and the step expects the shell form, ${what} ${expected[2]!.trim()} (${rebuild})`, whole: true };
  }
  return undefined;
}

/** WORKDIR or USER is not set at all: what to add after "its USER is not set, expected 'app'". */
export function missingSetting(what: 'WORKDIR' | 'USER', expected: string): string {
  const now = what === 'USER' ? ', and so far it runs as root' : '';
  return `: a line ${what} ${expected} in its Dockerfile sets it${now} (${rebuild})`;
}
