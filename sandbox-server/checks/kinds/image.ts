// `image` checks: the image's configuration as the engine reports it (what `docker image
// inspect` shows), compared field by field with what the step expects. A failure names the
// nearest miss: another tag of the same image, the base it was really built on, the
// Dockerfile line that would make the difference.
import type Docker from 'dockerode';
import type { ImageCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, plural, q } from '../describe.js';
import { missingVariable, wrongValue } from '../nearmiss/env.js';
import { commandForm, missingExpose, missingSetting, otherBase } from '../nearmiss/image-build.js';
import { imageNearMiss } from '../nearmiss/image-tag.js';
import { fail, pass, type Verdict } from '../result.js';
import { envOf } from './container.js';
import { remoteLayers } from './registry.js';

/** `docker images` counts in SI megabytes. */
const MB = 1_000_000;

export const isNotFound = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 404;

export function inspectImage(ctx: CheckContext, name: string): Promise<Docker.ImageInspectInfo | undefined> {
  return ctx.memo(`image:${name}`, () =>
    ctx.engine
      .getImage(name)
      .inspect()
      .catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }),
  );
}

/** "nginx" means "nginx:latest", as for docker itself. */
export function withTag(name: string): string {
  const lastPart = name.split('/').at(-1)!;
  return lastPart.includes(':') || lastPart.includes('@') ? name : `${name}:latest`;
}

function listImages(ctx: CheckContext): Promise<Docker.ImageInfo[]> {
  return ctx.memo('images', () => ctx.engine.listImages());
}

const tagsOf = (images: Docker.ImageInfo[]): string[] => images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));

/** The image is missing: one nearly named so, or else the list of what there is. */
async function imageNames(ctx: CheckContext, wanted: string): Promise<string> {
  const tags = tagsOf(await listImages(ctx));
  return imageNearMiss(wanted, tags) ?? (tags.length ? `the images are ${list(tags.sort(), 8)}` : 'the sandbox has no images');
}

export async function checkImage(check: ImageCheck, ctx: CheckContext): Promise<Verdict> {
  const name = withTag(check.name);
  const info = await inspectImage(ctx, name);
  if (check.exists === false) return info ? fail(`Image ${name} still exists (${(info.Size / MB).toFixed(0)} MB).`) : pass(`No image ${name} — it is gone.`);
  if (!info) return fail(`No image ${name} — ${await imageNames(ctx, name)}.`);

  const config = info.Config;
  const problems: string[] = [];
  const facts: string[] = [];
  const compare = (what: string, actual: string, expected: string, hint = '') => {
    if (actual === expected) facts.push(`${what} ${expected}`);
    else problems.push(`its ${what} is ${actual ? q(actual) : 'not set'}, expected ${q(expected)}${hint}`);
  };

  if (check.env) {
    const env = envOf(config.Env);
    const bad = Object.entries(check.env).flatMap(([key, value]) => {
      const actual = env.get(key);
      if (actual === undefined) return [missingVariable(key, String(value), env, 'ENV ') ?? `it sets no ENV ${key}`];
      return actual === String(value) ? [] : [`its ${wrongValue(key, actual, String(value), 'ENV ')}`];
    });
    problems.push(...bad);
    if (!bad.length) facts.push(`ENV ${list(Object.keys(check.env))}`);
  }

  if (check.exposedPorts) {
    const exposed = Object.keys(config.ExposedPorts ?? {});
    const missing = check.exposedPorts.map((p) => (String(p).includes('/') ? String(p) : `${p}/tcp`)).filter((p) => !exposed.includes(p));
    if (missing.length) problems.push(missingExpose(missing, exposed));
    else facts.push(`EXPOSE ${check.exposedPorts.join(' ')}`);
  }

  if (check.volumes) {
    const volumes = Object.keys(config.Volumes ?? {});
    const missing = check.volumes.filter((v) => !volumes.includes(v));
    if (missing.length) problems.push(`it declares no VOLUME ${list(missing)} (${volumes.length ? `it declares ${list(volumes)}` : 'it declares none'})`);
    else facts.push(`VOLUME ${check.volumes.join(' ')}`);
  }

  if (check.workdir !== undefined) compare('WORKDIR', config.WorkingDir ?? '', check.workdir, config.WorkingDir ? '' : missingSetting('WORKDIR', check.workdir));
  if (check.user !== undefined) compare('USER', config.User ?? '', check.user, config.User ? '' : missingSetting('USER', check.user));
  for (const [what, actual, expected] of [['CMD', config.Cmd, check.cmd], ['ENTRYPOINT', config.Entrypoint, check.entrypoint]] as const) {
    if (!expected) continue;
    const form = commandForm(what, Array.isArray(actual) ? actual : actual ? [actual] : [], expected);
    if (form?.whole) problems.push(form.text);
    else compare(what, JSON.stringify(actual ?? []), JSON.stringify(expected), form?.text ?? '');
  }

  if (check.labels) {
    const labels = config.Labels ?? {};
    const bad = Object.entries(check.labels).flatMap(([key, value]) => {
      if (labels[key] === undefined) return [`it has no label ${key}`];
      return labels[key] === value ? [] : [`its label ${key} is ${q(labels[key]!)}, expected ${q(value)}`];
    });
    problems.push(...bad);
    if (!bad.length) facts.push(`labels ${list(Object.keys(check.labels))}`);
  }

  const layers = info.RootFS?.Layers?.length ?? 0;
  if (check.minLayers !== undefined && layers < check.minLayers) problems.push(`it has ${plural(layers, 'layer')}, expected at least ${check.minLayers}`);
  if (check.maxLayers !== undefined && layers > check.maxLayers) problems.push(`it has ${plural(layers, 'layer')}, expected at most ${check.maxLayers}`);
  if (check.maxSizeMB !== undefined && info.Size > check.maxSizeMB * MB) problems.push(`it is ${(info.Size / MB).toFixed(1)} MB, expected at most ${check.maxSizeMB} MB`);

  if (check.base) {
    const baseName = withTag(check.base);
    const baseLayers = (await inspectImage(ctx, baseName))?.RootFS?.Layers ?? (await remoteLayers(ctx, baseName));
    const own = info.RootFS?.Layers ?? [];
    if (!baseLayers) problems.push(`${baseName} is neither in the sandbox nor in its image mirror, so what ${name} was built on cannot be told`);
    else if (!startsWith(own, baseLayers)) problems.push(otherBase(baseName, await actualBase(ctx, info)));
    else facts.push(`built on ${baseName}`);
  }

  const summary = `Image ${name} (${plural(layers, 'layer')}, ${(info.Size / MB).toFixed(1)} MB)`;
  if (problems.length) return fail(`${summary} exists, but ${problems.join('; ')}.`);
  return pass(`${summary} exists${facts.length ? `: ${facts.join(', ')}` : ''}.`);
}

const startsWith = (layers: string[], prefix: string[]): boolean => prefix.length <= layers.length && prefix.every((layer, i) => layers[i] === layer);

/** Local images compared at most when looking for what an image was built on. */
const MAX_BASE_CANDIDATES = 12;
/** The stand-in images say what they stand in for; images built on them inherit the label. */
const STANDIN_LABEL = 'org.opencontainers.image.description';
const STANDIN_PREFIX = 'Slipway stand-in for ';

/**
 * What an image was built on, when that can be told cheaply: the stand-in its label names, when
 * that image's layers begin its own, or else the local image whose layers its own begin with
 * (the longest such).
 */
async function actualBase(ctx: CheckContext, info: Docker.ImageInspectInfo): Promise<string | undefined> {
  const own = info.RootFS?.Layers ?? [];
  const description = info.Config.Labels?.[STANDIN_LABEL];
  if (description?.startsWith(STANDIN_PREFIX)) {
    const named = withTag(description.slice(STANDIN_PREFIX.length).split(/[\s,]/)[0]!);
    const layers = (await inspectImage(ctx, named))?.RootFS?.Layers ?? (await remoteLayers(ctx, named));
    if (layers && startsWith(own, layers)) return named;
  }
  // Oldest first: an image built on a base without adding layers has the same layers, and the base is the older one.
  const others = (await listImages(ctx))
    .filter((i) => i.Id !== info.Id && tagsOf([i]).length > 0)
    .sort((a, b) => a.Created - b.Created)
    .slice(0, MAX_BASE_CANDIDATES);
  const inspected = await Promise.all(others.map(async (i) => ({ tag: tagsOf([i])[0]!, layers: (await inspectImage(ctx, i.Id))?.RootFS?.Layers ?? [] })));
  let best: { tag: string; layers: string[] } | undefined;
  for (const candidate of inspected) {
    if (candidate.layers.length > 0 && startsWith(own, candidate.layers) && candidate.layers.length > (best?.layers.length ?? 0)) best = candidate;
  }
  return best?.tag;
}
