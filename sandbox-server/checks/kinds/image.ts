// `image` checks: the image's configuration as the engine reports it (what `docker image
// inspect` shows), compared field by field with what the step expects.
import type Docker from 'dockerode';
import type { ImageCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, plural, q } from '../describe.js';
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

async function imageNames(ctx: CheckContext): Promise<string> {
  const images = await ctx.memo('images', () => ctx.engine.listImages());
  const tags = images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));
  return tags.length ? `the images are ${list(tags.sort(), 8)}` : 'the sandbox has no images';
}

export async function checkImage(check: ImageCheck, ctx: CheckContext): Promise<Verdict> {
  const name = withTag(check.name);
  const info = await inspectImage(ctx, name);
  if (check.exists === false) return info ? fail(`Image ${name} still exists (${(info.Size / MB).toFixed(0)} MB).`) : pass(`No image ${name} — it is gone.`);
  if (!info) return fail(`No image ${name} — ${await imageNames(ctx)}.`);

  const config = info.Config;
  const problems: string[] = [];
  const facts: string[] = [];
  const compare = (what: string, actual: string, expected: string) => {
    if (actual === expected) facts.push(`${what} ${expected}`);
    else problems.push(`its ${what} is ${actual ? q(actual) : 'not set'}, expected ${q(expected)}`);
  };

  if (check.env) {
    const env = envOf(config.Env);
    const bad = Object.entries(check.env).flatMap(([key, value]) => {
      const actual = env.get(key);
      if (actual === undefined) return [`it sets no ENV ${key}`];
      return actual === String(value) ? [] : [`its ENV ${key} is ${q(actual)}, expected ${q(String(value))}`];
    });
    problems.push(...bad);
    if (!bad.length) facts.push(`ENV ${list(Object.keys(check.env))}`);
  }

  if (check.exposedPorts) {
    const exposed = Object.keys(config.ExposedPorts ?? {});
    const missing = check.exposedPorts.map((p) => (String(p).includes('/') ? String(p) : `${p}/tcp`)).filter((p) => !exposed.includes(p));
    if (missing.length) problems.push(`it does not EXPOSE ${list(missing)} (${exposed.length ? `it exposes ${list(exposed)}` : 'it exposes no ports'})`);
    else facts.push(`EXPOSE ${check.exposedPorts.join(' ')}`);
  }

  if (check.volumes) {
    const volumes = Object.keys(config.Volumes ?? {});
    const missing = check.volumes.filter((v) => !volumes.includes(v));
    if (missing.length) problems.push(`it declares no VOLUME ${list(missing)} (${volumes.length ? `it declares ${list(volumes)}` : 'it declares none'})`);
    else facts.push(`VOLUME ${check.volumes.join(' ')}`);
  }

  if (check.workdir !== undefined) compare('WORKDIR', config.WorkingDir ?? '', check.workdir);
  if (check.user !== undefined) compare('USER', config.User ?? '', check.user);
  if (check.cmd) compare('CMD', JSON.stringify(config.Cmd ?? []), JSON.stringify(check.cmd));
  if (check.entrypoint) compare('ENTRYPOINT', JSON.stringify(config.Entrypoint ?? []), JSON.stringify(check.entrypoint));

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
    else if (baseLayers.length > own.length || baseLayers.some((layer, i) => own[i] !== layer)) problems.push(`it is not built on ${baseName} (its first layers differ from that image's)`);
    else facts.push(`built on ${baseName}`);
  }

  const summary = `Image ${name} (${plural(layers, 'layer')}, ${(info.Size / MB).toFixed(1)} MB)`;
  if (problems.length) return fail(`${summary} exists, but ${problems.join('; ')}.`);
  return pass(`${summary} exists${facts.length ? `: ${facts.join(', ')}` : ''}.`);
}
