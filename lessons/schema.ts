// The one lesson schema: the frontmatter of every lessons/**/*.mdx file. The Astro content
// collection (src/content.config.ts) and the server's check engine both import this file, so a
// lesson can never mean different things to the page and to the checks.
//
// Rules kept on purpose:
// - every object is strict: a misspelt field (`exitcode:`) is an error, never a check that
//   silently checks less;
// - every field has a .describe() text: docs/authoring.md is generated from it;
// - check schemas use no defaults or transforms, so what an author writes is exactly what the
//   engine reads (and the recursive Check type stays one type for input and output).
// Only `zod` and the contract's pure rules (the slug rule, contract/slug.ts; hints' file links,
// contract/hint-links.ts) are imported here: Astro 5 bundles the same major version of zod.
import { z } from 'zod';
import { hintLinkProblems } from '../contract/hint-links.js';
import { SLUG_PATTERN } from '../contract/slug.js';

// ---------------------------------------------------------------------------------------------
// Small shared pieces

/** Parses a pattern as written in a lesson: `text` or `/text/flags`. */
export function toRegExp(pattern: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(pattern);
  // `m` by default: authors think in lines ("a line starting with ...").
  return literal ? new RegExp(literal[1]!, literal[2]!.includes('m') ? literal[2] : `${literal[2]}m`) : new RegExp(pattern, 'm');
}

const pattern = (what: string) =>
  z
    .string()
    .min(1)
    .refine(
      (text) => {
        try {
          toRegExp(text);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid regular expression' },
    )
    .describe(`${what} A JavaScript regular expression, either bare (\`^docker ps\`) or as \`/pattern/flags\` (\`/hello/i\`); \`^\` and \`$\` match at line ends.`);

const label = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('Text shown in the step checklist for this check, instead of the one Slipway generates from its fields.');

const imageReference = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/:@-]*$/i, 'an image reference such as nginx:1.26 or localhost:5000/me/app:1.0')
  .describe('An image reference such as `nginx:1.26`; without a tag, `latest`.');

const portNumber = z.number().int().min(1).max(65535);
const protocol = z.enum(['tcp', 'udp', 'sctp']).describe('Protocol; default `tcp`.');

// ---------------------------------------------------------------------------------------------
// Check kinds

const containerPort = z.union([
  z
    .string()
    .regex(/^(\d{1,5}:)?\d{1,5}(\/(tcp|udp|sctp))?$/, 'a port such as "8080:80" (host:container) or "80" (container port, any host port)')
    .describe('`"HOST:CONTAINER"` such as `"8080:80"`, or `"CONTAINER"` (published on any host port); `/udp` may follow.'),
  z
    .object({
      container: portNumber.describe('Port inside the container.'),
      host: portNumber.optional().describe('Port on the sandbox it must be published on; any when left out.'),
      protocol: protocol.optional(),
    })
    .strict()
    .describe('The same as an object.'),
]);

const mount = z
  .object({
    destination: z.string().startsWith('/').describe('Path inside the container where it is mounted, such as `/usr/share/nginx/html`.'),
    type: z.enum(['bind', 'volume', 'tmpfs']).optional().describe('Kind of mount; any when left out.'),
    source: z
      .string()
      .min(1)
      .optional()
      .describe('A volume name (for `volume`), or the folder on the sandbox (for `bind`): absolute, or relative to the workspace, in which case any path ending in it matches (`site` matches `/root/workshop/site`).'),
    readOnly: z.boolean().optional().describe('`true`: must be read-only (`:ro`); `false`: must be writable; either when left out.'),
  })
  .strict();

const envValues = z
  .record(z.union([z.string(), z.number(), z.boolean()]))
  .describe('Environment variables and the values they must have, compared as text: `{ GREETING: hello, PORT: 5000 }`.');

const textExpectations = {
  contains: z.string().min(1).optional().describe('Must contain this text (case-sensitive).'),
  matches: pattern('Must match this pattern.').optional(),
};

const containerCheck = z
  .object({
    kind: z.literal('container').describe('A container in the learner\'s engine, found by name or by image.'),
    label,
    name: z.string().min(1).optional().describe('Selects the container with this name (the NAMES column of `docker ps -a`). Give `name` or `image`, or neither to select the most recent container of all.'),
    image: imageReference.optional().describe('Selects the most recently created container made from this image, or from an image built on it (Docker\'s `ancestor` filter), such as `nginx:1.26`.'),
    exists: z.boolean().optional().describe('`false`: passes when no such container exists (it was removed). Default `true`.'),
    state: z.enum(['created', 'running', 'paused', 'restarting', 'exited', 'dead']).optional().describe('Required state, as `docker ps -a` shows it.'),
    exitCode: z.number().int().min(0).max(255).optional().describe('Required exit code of a container that has exited.'),
    logs: z
      .object(textExpectations)
      .strict()
      .optional()
      .describe('What its output (`docker logs`, standard output and error, the last 2000 lines) must contain or match.'),
    ports: z
      .array(containerPort)
      .min(1)
      .optional()
      .describe('Ports it must publish: `"8080:80"` (host:container), `"80"` (on any host port), `"5353:53/udp"`, or objects as below.'),
    mounts: z.array(mount).min(1).optional().describe('Mounts it must have (all of them; other mounts are allowed).'),
    env: envValues.optional(),
    networks: z.array(z.string().min(1)).min(1).optional().describe('Networks it must be connected to (others are allowed).'),
    restart: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).optional().describe('Its restart policy (`--restart`).'),
    health: z.enum(['healthy', 'unhealthy', 'starting', 'none']).optional().describe('Its health status (`none`: it has no health check).'),
  })
  .strict()
  .describe('A container: exists, state, exit code, logs, published ports, mounts, environment, networks, restart policy, health.');

const imageCheck = z
  .object({
    kind: z.literal('image').describe('An image in the learner\'s engine.'),
    label,
    name: imageReference.describe('The image, `name:tag` (tag `latest` when left out), as `docker images` lists it.'),
    exists: z.boolean().optional().describe('`false`: passes when no such image exists. Default `true`.'),
    env: envValues.optional(),
    exposedPorts: z
      .array(z.union([portNumber, z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'a port such as 5000 or "5000/udp"')]))
      .min(1)
      .optional()
      .describe('Ports it must declare with `EXPOSE` (`5000` or `"5000/udp"`).'),
    volumes: z.array(z.string().startsWith('/')).min(1).optional().describe('Paths it must declare with `VOLUME`.'),
    workdir: z.string().startsWith('/').optional().describe('Its `WORKDIR`.'),
    user: z.string().min(1).optional().describe('Its `USER`, exactly as written in the Dockerfile (`app`, `1000`, `1000:1000`).'),
    cmd: z.array(z.string()).optional().describe('Its `CMD`, as the exec-form list (`CMD python app.py` in shell form is `["/bin/sh", "-c", "python app.py"]`).'),
    entrypoint: z.array(z.string()).optional().describe('Its `ENTRYPOINT`, as the exec-form list.'),
    labels: z.record(z.string()).optional().describe('Labels (`LABEL`) it must carry, with their values.'),
    minLayers: z.number().int().min(1).optional().describe('It must have at least this many filesystem layers.'),
    maxLayers: z.number().int().min(1).optional().describe('It must have at most this many filesystem layers.'),
    maxSizeMB: z.number().positive().optional().describe('Its size must be at most this many megabytes (10^6 bytes, as `docker images` counts).'),
    base: imageReference.optional().describe('It must be built on this image: the base\'s layers are the first layers of this one.'),
  })
  .strict()
  .describe('An image: exists, environment, exposed ports, volumes, workdir, user, cmd and entrypoint, labels, layer count, size, base image.');

const volumeCheck = z
  .object({
    kind: z.literal('volume').describe('A named volume.'),
    label,
    name: z.string().min(1).describe('The volume\'s name, as `docker volume ls` lists it.'),
    exists: z.boolean().optional().describe('`false`: passes when no such volume exists. Default `true`.'),
    file: z.string().min(1).optional().describe('A path inside the volume that must exist, such as `index.html` or `pgdata/PG_VERSION`.'),
    ...textExpectations,
  })
  .strict()
  .describe('A volume: exists, and optionally holds a file with some content (`contains`/`matches` need `file`).');

const networkCheck = z
  .object({
    kind: z.literal('network').describe('A network.'),
    label,
    name: z.string().min(1).describe('The network\'s name, as `docker network ls` lists it.'),
    exists: z.boolean().optional().describe('`false`: passes when no such network exists. Default `true`.'),
    driver: z.string().min(1).optional().describe('Its driver, such as `bridge`.'),
    containers: z.array(z.string().min(1)).min(1).optional().describe('Names of running containers that must be connected to it.'),
  })
  .strict()
  .describe('A network: exists, driver, which containers are connected.');

const composeCheck = z
  .object({
    kind: z.literal('compose').describe('A Compose project.'),
    label,
    project: z
      .string()
      .min(1)
      .optional()
      .describe('The project name (by default Compose names a project after its folder: `workshop` for the workspace itself). Any project when left out.'),
    services: z.array(z.string().min(1)).min(1).optional().describe('Services that must each have a running container.'),
    healthy: z.array(z.string().min(1)).min(1).optional().describe('Services whose container must be running and healthy (their health check passes).'),
    down: z.boolean().optional().describe('`true`: passes when the project has no containers and no networks left (after `docker compose down`).'),
  })
  .strict()
  .describe('A Compose project: runs given services, services are healthy, or it is down.');

const httpCheck = z
  .object({
    kind: z.literal('http').describe('An HTTP request made from inside the sandbox.'),
    label,
    url: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL such as http://localhost:8080/')
      .describe('The URL, as seen from the sandbox: `http://localhost:8080/` reaches a port the learner published.'),
    status: z.number().int().min(100).max(599).optional().describe('Required status code. When left out, any 2xx status passes.'),
    ...textExpectations,
    changes: z
      .boolean()
      .optional()
      .describe('`true`: the URL is requested twice and the two bodies must differ (a visit counter that counts).'),
    timeoutSeconds: z.number().positive().max(30).optional().describe('Give up on the request after this long. Default 3.'),
  })
  .strict()
  .describe('An HTTP GET from inside the sandbox: status, body contains or matches, body changes between two requests. Redirects are not followed.');

const fileCheck = z
  .object({
    kind: z.literal('file').describe('A file in the learner\'s workspace.'),
    label,
    path: z.string().min(1).describe('Path relative to the workspace (where the terminal starts), or absolute.'),
    exists: z.boolean().optional().describe('`false`: passes when the path does not exist. Default `true`.'),
    ...textExpectations,
  })
  .strict()
  .describe('A file in the workspace: exists, contains, matches.');

const commandCheck = z
  .object({
    kind: z.literal('command').describe('A command the learner typed in the terminal.'),
    label,
    ...textExpectations,
    succeeded: z
      .boolean()
      .optional()
      .describe('`true`: the command must have succeeded: exited with code 0, or been stopped with Ctrl+C (code 130) after running, as one stops `docker logs -f`; `false`: it must have failed (any other code).'),
  })
  .strict()
  .describe('The learner ran a command (as recorded when their shell returned to the prompt, since the lesson was opened): for steps such as `docker ps -a` that change nothing. Give `contains` or `matches`.');

const scriptCheck = z
  .object({
    kind: z.literal('script').describe('A shell script run inside the sandbox.'),
    label,
    script: z
      .string()
      .min(1)
      .describe('A bash script, piped into `bash -s` in the workspace (never written to disk, so the learner cannot read it there). Exit code 0 passes; the first line it prints is the message.'),
    timeoutSeconds: z.number().positive().max(60).optional().describe('The script is stopped and fails after this long. Default 10.'),
  })
  .strict()
  .describe('The escape hatch: a shell script decides.');

/** Every kind of check that looks at the sandbox itself (not a combination of checks). */
export const leafCheckSchema = z.discriminatedUnion('kind', [
  containerCheck,
  imageCheck,
  volumeCheck,
  networkCheck,
  composeCheck,
  httpCheck,
  fileCheck,
  commandCheck,
  scriptCheck,
]);

export type LeafCheck = z.infer<typeof leafCheckSchema>;
export type ContainerCheck = z.infer<typeof containerCheck>;
export type ImageCheck = z.infer<typeof imageCheck>;
export type VolumeCheck = z.infer<typeof volumeCheck>;
export type NetworkCheck = z.infer<typeof networkCheck>;
export type ComposeCheck = z.infer<typeof composeCheck>;
export type HttpCheck = z.infer<typeof httpCheck>;
export type FileCheck = z.infer<typeof fileCheck>;
export type CommandCheck = z.infer<typeof commandCheck>;
export type ScriptCheck = z.infer<typeof scriptCheck>;
export interface CombinedCheck {
  kind: 'all' | 'any';
  label?: string | undefined;
  checks: Check[];
}
export type Check = LeafCheck | CombinedCheck;
export type CheckKind = Check['kind'];

const combined = (kind: 'all' | 'any', text: string) =>
  z
    .object({
      kind: z.literal(kind).describe(text),
      label,
      checks: z.lazy(() => z.array(checkSchema).min(1)).describe('The checks combined; they may be `all` or `any` themselves.'),
    })
    .strict()
    .describe(text);

const allCheck = combined('all', 'Passes when every one of `checks` passes.');
const anyCheck = combined('any', 'Passes when at least one of `checks` passes (for steps that can be done in more than one way).');

/** True when a leaf check reads text against a pattern (its own `matches`, or its logs'). */
export function usesPattern(check: Check): boolean {
  if ('matches' in check && check.matches !== undefined) return true;
  return check.kind === 'container' && check.logs?.matches !== undefined;
}

/** Rules across fields, which a field's own schema cannot express. */
function crossFieldRules(check: Check, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  // Learners and instructors never read a regular expression: a pattern needs words beside it.
  if (usesPattern(check) && check.label === undefined) {
    issue('label', 'a check with `matches` needs a `label` saying in plain words what is expected (learners never see the pattern)');
  }
  const absent = 'exists' in check && check.exists === false;
  if (absent) {
    const extra = Object.keys(check).filter((key) => !['kind', 'label', 'name', 'image', 'path', 'exists'].includes(key));
    if (extra.length) issue(extra[0]!, `"exists: false" cannot be combined with ${extra.join(', ')}: a thing that must not exist has no properties to check`);
  }
  switch (check.kind) {
    case 'container':
      if (check.name !== undefined && check.image !== undefined) issue('image', 'give either name or image, not both');
      if (check.exitCode !== undefined && check.state !== undefined && check.state !== 'exited') issue('exitCode', 'an exit code needs state "exited" (or no state)');
      break;
    case 'image':
      if (check.minLayers !== undefined && check.maxLayers !== undefined && check.minLayers > check.maxLayers) issue('minLayers', 'minLayers is larger than maxLayers');
      break;
    case 'volume':
      if ((check.contains !== undefined || check.matches !== undefined) && check.file === undefined) issue('file', 'contains/matches need the file to read');
      break;
    case 'compose':
      if (check.down === true && (check.services || check.healthy)) issue('down', '"down: true" cannot be combined with services or healthy');
      if (!check.down && !check.services && !check.healthy) issue('services', 'say what to expect: services, healthy or down');
      break;
    case 'command':
      if (check.contains === undefined && check.matches === undefined) issue('matches', 'give contains or matches: which command must have been run');
      break;
    default:
      break;
  }
}

export const checkSchema: z.ZodType<Check> = z
  .discriminatedUnion('kind', [
    containerCheck,
    imageCheck,
    volumeCheck,
    networkCheck,
    composeCheck,
    httpCheck,
    fileCheck,
    commandCheck,
    scriptCheck,
    allCheck,
    anyCheck,
  ])
  .superRefine(crossFieldRules)
  .describe('One check. `kind` says which; the other fields depend on it.');

/** Every check kind with its schema, in the order the authoring guide shows them. */
export const checkKinds = {
  container: containerCheck,
  image: imageCheck,
  volume: volumeCheck,
  network: networkCheck,
  compose: composeCheck,
  http: httpCheck,
  file: fileCheck,
  command: commandCheck,
  script: scriptCheck,
  all: allCheck,
  any: anyCheck,
} as const satisfies Record<CheckKind, z.AnyZodObject>;

// ---------------------------------------------------------------------------------------------
// Steps and lessons

/** Setup: commands Slipway runs in the sandbox itself, never as the learner's commands. */
const setupCommands = (when: string) =>
  z
    .array(z.string().min(1))
    .min(1)
    .max(20)
    .optional()
    .describe(
      `Shell commands Slipway runs in the learner's sandbox ${when}, in order, each in the workspace with bash and without a terminal (so no \`-it\`); the first that fails stops the rest. For state to start from, such as a container that crashes for a fix-it step (\`docker run -d --name broken busybox false\`). They run at most once per sandbox (a page reload or a reconnect does not run them again; a sandbox reset does), and never show as the learner's commands: not in the terminal, its history or the \`command\` checks. Write them so that running them twice does no harm (\`docker rm -f broken 2>/dev/null; docker run ...\`). A failing setup is logged and the learner is told the step could not be prepared. \`npm run lessons:verify\` runs them too.`,
    );

export const stepSchema = z
  .object({
    id: z
      .string()
      .regex(SLUG_PATTERN, 'lowercase letters, digits and dashes, such as run-nginx')
      .describe('Identifies the step in progress records: lowercase letters, digits and dashes. Keep it stable once learners have used the lesson, or their progress on the step is lost.'),
    title: z.string().min(1).max(120).describe('What the learner does in this step, in a few words ("Run nginx with your page").'),
    checks: z.array(checkSchema).min(1).describe('What must be true when the step is done. All must pass. Checked in order with the other steps: a step is checked once the steps before it are done or skipped (unless it is `independent`).'),
    hints: z
      .array(
        z
          .string()
          .min(1)
          .superRefine((hint, ctx) => {
            for (const problem of hintLinkProblems(hint)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
          }),
      )
      .min(1)
      .max(3)
      .describe('One to three hints, revealed one at a time, from a nudge to nearly the answer. Markdown is allowed: `code`, **bold**, *emphasis*, [links](https://...), and `[label](open:path#L12)`, a button that opens a file of the workspace (relative to `~/workshop`) in the editor with the cursor on line 12 (`#L12` may be left out). The file must be one of the lesson\'s starter files or written by one of its file blocks (title="path"), and have that line.'),
    solution: z
      .array(z.string().min(1))
      .min(1)
      .describe('Shell commands that do the step, run in order in the workspace. `npm run lessons:verify` runs them (without a terminal, so no `-it`), and the page offers them as the solution.'),
    alternatives: z
      .array(z.array(z.string().min(1)).min(1))
      .min(1)
      .max(4)
      .optional()
      .describe('Other correct ways to do the step, each a list of shell commands like `solution`: what a learner who followed another good tutorial would type. `npm run lessons:verify` proves that each one passes the step\'s checks too, starting from the state before the step (alternative 1 of every step in one fresh sandbox, alternative 2 in another, and so on).'),
    independent: z
      .boolean()
      .optional()
      .describe('`true`: the step\'s checks stand on their own (they assume nothing about the steps before it), so the step is checked and ticked whenever they hold, even before the steps above it are done. Default: checked in order.'),
    setup: setupCommands('before this step becomes the current one (after the lesson\'s own `setup`)'),
  })
  .strict();

export const lessonSchema = z
  .object({
    title: z.string().min(1).max(120).describe('The lesson\'s title.'),
    description: z.string().min(1).max(400).describe('One or two sentences shown in the curriculum: what the learner will be able to do afterwards.'),
    order: z.number().int().min(0).describe('Position in the curriculum (lower first).'),
    slug: z
      .string()
      .regex(SLUG_PATTERN, 'lowercase letters, digits and dashes')
      .optional()
      .describe('The lesson\'s address (`/lessons/<slug>/`) and its key in progress records. By default the folder name of an `index.mdx` (or the file name of another `.mdx`), lowercased, without a leading number: `01-hello-containers/index.mdx` is `hello-containers`.'),
    minutes: z.number().int().positive().max(600).optional().describe('About how long the lesson takes, in minutes.'),
    images: z
      .array(imageReference)
      .optional()
      .describe('Images the lesson uses, such as `nginx:1.26`, so an instructor can warm the image mirror before class.'),
    packages: z
      .object({
        apt: z
          .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'a Debian package name such as curl or python3-venv'))
          .min(1)
          .describe('Debian packages a step installs with apt (`apt-get install -y curl` in a Dockerfile), such as `[curl]`.'),
      })
      .strict()
      .optional()
      .describe('Packages the lesson installs inside containers or builds, fetched into the package cache when the server starts so that they install offline in class.'),
    files: z
      .string()
      .min(1)
      .regex(/^[^/]/, 'a folder relative to the lesson file')
      .optional()
      .describe('Folder of starter files, relative to the MDX file, copied into the learner\'s workspace when they first open the lesson in a sandbox. Default: `_files` beside an `index.mdx` (a lesson in a file of another name has starter files only when this says where).'),
    setup: setupCommands('when the lesson is first opened in it, after the starter files are copied and before the first step (for a workshop\'s lesson, in sandboxes warmed ahead of the class)'),
    steps: z
      .array(stepSchema)
      .min(1)
      .superRefine((steps, ctx) => {
        const seen = new Set<string>();
        steps.forEach((step, index) => {
          if (seen.has(step.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'id'], message: `step id "${step.id}" is used twice` });
          seen.add(step.id);
        });
      })
      .describe('The exercises, in order.'),
  })
  .strict();

export type Step = z.infer<typeof stepSchema>;
export type Lesson = z.infer<typeof lessonSchema>;

/**
 * The lesson's slug from its path relative to the lessons folder and its frontmatter. The Astro
 * collection uses it as the entry id and the server as the lesson key, so both agree.
 */
export function lessonSlug(relativePath: string, data: { slug?: unknown }): string {
  if (typeof data.slug === 'string' && data.slug.length > 0) return data.slug;
  const parts = relativePath.replace(/\\/g, '/').replace(/\.mdx$/i, '').split('/').filter(Boolean);
  let name = parts.pop() ?? 'lesson';
  if (name === 'index' && parts.length > 0) name = parts.pop()!;
  return (
    name
      .toLowerCase()
      .replace(/^\d+[-_.]+/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'lesson'
  );
}

/** The glob both the site and the server use: MDX files, skipping folders such as `_files`. */
export const LESSON_GLOB = ['**/*.mdx', '!**/_*/**', '!**/node_modules/**'];
