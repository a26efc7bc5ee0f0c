// The layers of an image that is not in the sandbox, read from the registry the sandbox pulls
// from. BuildKit does not keep a Dockerfile's FROM image among the engine's images, so an
// `image` check's `base` cannot always be compared locally. Reading the registry changes
// nothing in the learner's engine (pulling the base would add an image they never pulled).
import type { CheckContext } from '../context.js';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Registry answers for a tag change rarely during a class; a short cache keeps checks cheap. */
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { at: number; layers: string[] | undefined }>();

interface Reference {
  /** Registry base URL, or '' for Docker Hub (reached through the sandbox's mirror). */
  registry: string;
  repository: string;
  reference: string;
}

export function parseReference(name: string): Reference {
  let rest = name;
  let registry = '';
  const first = name.split('/')[0]!;
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = `http://${first}`;
    rest = name.slice(first.length + 1);
  }
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  if (registry === '' && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, repository: rest, reference };
}

// Runs inside the sandbox: Docker Hub names go to the mirror the sandbox's engine uses.
const FETCH = `
base="$1"
[ -n "$base" ] || base="\${SLIPWAY_MIRROR:+http://$SLIPWAY_MIRROR}"
[ -n "$base" ] || { echo "this sandbox has no image mirror to ask" >&2; exit 3; }
exec curl -fsS --max-time 5 -H "Accept: $3" "$base/v2/$2"`;

async function fetchJson(ctx: CheckContext, ref: Reference, path: string): Promise<Record<string, unknown>> {
  const result = await ctx.exec(['bash', '-c', FETCH, 'bash', ref.registry, `${ref.repository}/${path}`, ACCEPT], { timeoutMs: 8000, maxOutputBytes: 1024 * 1024 });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n').at(-1) || `exit code ${result.exitCode}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** The image's layer diff IDs (as `RootFS.Layers` lists them), or undefined when unknown. */
export async function remoteLayers(ctx: CheckContext, name: string): Promise<string[] | undefined> {
  const key = `${ctx.sandboxId}|${name}`;
  const cached = cache.get(key);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.layers;
  let layers: string[] | undefined;
  try {
    const ref = parseReference(name);
    let manifest = await fetchJson(ctx, ref, `manifests/${ref.reference}`);
    if (Array.isArray(manifest.manifests)) {
      const version = await ctx.memo('version', () => ctx.engine.version());
      const entries = manifest.manifests as Array<{ digest: string; platform?: { architecture?: string; os?: string } }>;
      const entry = entries.find((m) => m.platform?.architecture === version.Arch && (m.platform.os ?? 'linux') === version.Os) ?? entries[0];
      if (!entry) throw new Error('empty image index');
      manifest = await fetchJson(ctx, ref, `manifests/${entry.digest}`);
    }
    const config = await fetchJson(ctx, ref, `blobs/${(manifest.config as { digest: string }).digest}`);
    layers = (config.rootfs as { diff_ids?: string[] } | undefined)?.diff_ids;
  } catch {
    layers = undefined;
  }
  cache.set(key, { at: Date.now(), layers });
  return layers;
}
