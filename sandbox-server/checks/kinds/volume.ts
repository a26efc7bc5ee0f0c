// `volume` checks: the volume exists, and optionally holds a file, read inside the sandbox from
// the volume's folder in the inner engine's data directory. A missing volume names the one
// nearly called so (a typo, or Compose's project prefix).
import path from 'node:path';
import type { VolumeCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, q } from '../describe.js';
import { fail, pass, type Verdict } from '../result.js';
import { resourceNearMiss } from '../nearmiss/spelling.js';
import { readSandboxFile } from '../sandbox-files.js';
import { isNotFound } from './image.js';
import { textFacts, textProblem, wantsText } from './text.js';

export async function checkVolume(check: VolumeCheck, ctx: CheckContext): Promise<Verdict> {
  const info = await ctx.engine
    .getVolume(check.name)
    .inspect()
    .catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  if (check.exists === false) return info ? fail(`Volume ${q(check.name)} still exists.`) : pass(`No volume named ${q(check.name)} — it is gone.`);
  if (!info) {
    const { Volumes: volumes = [] } = await ctx.memo('volumes', () => ctx.engine.listVolumes());
    const named = volumes.map((v) => v.Name).filter((n) => !/^[0-9a-f]{64}$/.test(n));
    const near = resourceNearMiss('volume', check.name, named);
    return fail(`No volume named ${q(check.name)} — ${near ?? (named.length ? `the volumes are ${list(named.sort())}` : volumes.length ? `there are only ${volumes.length} anonymous volumes` : 'the sandbox has no volumes')}.`);
  }
  if (check.file === undefined) return pass(`Volume ${q(check.name)} exists.`);

  // Keep the path inside the volume whatever the author wrote ("../x" stays in).
  const inside = path.posix.join('/', check.file);
  const file = await readSandboxFile(ctx, path.posix.join(info.Mountpoint, inside), wantsText(check));
  if (file.type === 'missing') return fail(`Volume ${q(check.name)} exists but holds no ${inside.slice(1)}.`);
  if (file.type === 'directory') return wantsText(check) ? fail(`In volume ${q(check.name)}, ${inside.slice(1)} is a folder, not a file.`) : pass(`Volume ${q(check.name)} holds ${inside.slice(1)}.`);
  const problem = textProblem(file.content, check);
  if (problem) return fail(`Volume ${q(check.name)} holds ${inside.slice(1)}, but it ${problem}.`);
  return pass(`Volume ${q(check.name)} holds ${inside.slice(1)}${wantsText(check) ? `, which ${textFacts(check)}` : ''}.`);
}
