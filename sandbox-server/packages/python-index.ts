// The Python package index's pages: a static "simple" index (PEP 503) made from the files the
// operator added, one page per project under its normalized name, each file linked with its
// SHA-256 so that pip checks what it downloads. Also what a file name must be to be added: a
// wheel or a source distribution named as the packaging specifications say, since pip finds
// a project's files by reading its name and version out of the file name.

export interface Distribution {
  filename: string;
  /** The project's name as the file spells it (underscores for any separator in a wheel). */
  project: string;
  version: string;
  kind: 'wheel' | 'sdist';
}

export interface HeldFile {
  filename: string;
  sha256: string;
}

/** PEP 503: runs of -, _ and . become one -, and the name is lower-cased. */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const PROJECT = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** Wheels escape every separator in the name to an underscore, so it holds no dash. */
const WHEEL_PROJECT = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
/** PEP 440 versions, loosely: a digit (or an epoch's digits) first, then its letters, dots, ! and a local +part. */
const VERSION = /^[0-9][A-Za-z0-9_.!+]*$/;
const TAG = /^[A-Za-z0-9_.]+$/;
const BUILD_TAG = /^[0-9][A-Za-z0-9_.]*$/;

/** Why `filename` cannot be added, or its project and version. */
export function parseDistribution(filename: string): Distribution | { problem: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+!-]*$/.test(filename)) return { problem: 'the name may hold only letters, digits and . _ + ! - (and starts with a letter or digit)' };
  if (filename.endsWith('.whl')) {
    // {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return { problem: 'a wheel is named NAME-VERSION-PYTHON-ABI-PLATFORM.whl (such as slipway_hello-0.1.0-py3-none-any.whl)' };
    const [project, version, ...rest] = parts as [string, string, ...string[]];
    if (!WHEEL_PROJECT.test(project)) return { problem: `"${project}" is not a project name as wheels write it (letters, digits, . and _)` };
    if (!VERSION.test(version)) return { problem: `"${version}" is not a version` };
    if (rest.length === 4 && !BUILD_TAG.test(rest[0]!)) return { problem: `"${rest[0]}" is not a build tag (it starts with a digit)` };
    if (!rest.slice(-3).every((tag) => TAG.test(tag))) return { problem: 'its Python, ABI and platform tags hold only letters, digits, . and _' };
    return { filename, project, version, kind: 'wheel' };
  }
  const sdist = /^(.+)-([^-]+)\.(tar\.gz|zip)$/.exec(filename);
  if (!sdist) return { problem: 'it is neither a wheel (.whl) nor a source distribution (NAME-VERSION.tar.gz or .zip)' };
  const [, project, version] = sdist as unknown as [string, string, string];
  if (!PROJECT.test(project)) return { problem: `"${project}" is not a project name` };
  if (!VERSION.test(version)) return { problem: `"${version}" is not a version` };
  return { filename, project, version, kind: 'sdist' };
}

const SHA256 = /^[0-9a-f]{64}$/;

const page = (title: string, links: string[]) =>
  `<!DOCTYPE html>\n<html>\n<head>\n<meta name="pypi:repository-version" content="1.0">\n<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n${links.join('\n')}\n</body>\n</html>\n`;

/**
 * The index's pages, by their path under the index's root: simple/index.html names every
 * project, simple/NAME/index.html links each of its files at /files/FILE#sha256=HASH. Files
 * whose names are not distributions are left out (the host never adds one).
 */
export function indexPages(files: HeldFile[]): Map<string, string> {
  const projects = new Map<string, HeldFile[]>();
  for (const file of files) {
    const parsed = parseDistribution(file.filename);
    if ('problem' in parsed || !SHA256.test(file.sha256)) continue;
    const name = normalizeProjectName(parsed.project);
    projects.set(name, [...(projects.get(name) ?? []), file]);
  }
  const names = [...projects.keys()].sort();
  const pages = new Map<string, string>();
  // Names and file names are checked above: only letters, digits and . _ + ! -, nothing to escape in HTML.
  pages.set('simple/index.html', page('Simple index', names.map((name) => `<a href="/simple/${name}/">${name}</a><br>`)));
  for (const name of names) {
    const held = projects.get(name)!.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    pages.set(`simple/${name}/index.html`, page(`Links for ${name}`, held.map((f) => `<a href="/files/${encodeURIComponent(f.filename)}#sha256=${f.sha256}">${f.filename}</a><br>`)));
  }
  return pages;
}

/** `sha256sum` lines ("HASH  /path/to/FILE") to held files. */
export function parseChecksums(listing: string): HeldFile[] {
  const held: HeldFile[] = [];
  for (const line of listing.split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](?:.*\/)?([^/]+)$/.exec(line.trim());
    if (match) held.push({ sha256: match[1]!, filename: match[2]! });
  }
  return held;
}

/** The file names in nginx's cache keys ("KEY: file /packages/ab/cd/.../NAME.whl"): what was fetched from PyPI and kept. */
export function parseCachedFiles(listing: string): string[] {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^KEY: file \/packages\/.*\/([^/]+)$/.exec(line.trim());
    if (match && !match[1]!.endsWith('.metadata')) names.add(decodeURIComponent(match[1]!));
  }
  return [...names].sort();
}
