// `network` checks: a network exists, its driver, and which containers are connected. A missing
// network names the one nearly called so (a typo, or Compose's project prefix).
import type { NetworkCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, q } from '../describe.js';
import { resourceNearMiss } from '../nearmiss/spelling.js';
import { fail, pass, type Verdict } from '../result.js';
import { isNotFound } from './image.js';

const DEFAULT_NETWORKS = ['bridge', 'host', 'none'];

interface NetworkInfo {
  Name: string;
  Driver: string;
  Containers?: Record<string, { Name: string }>;
}

export async function checkNetwork(check: NetworkCheck, ctx: CheckContext): Promise<Verdict> {
  const all = (await ctx.memo('networks', () => ctx.engine.listNetworks())) as NetworkInfo[];
  // By exact name: the engine's own lookup would also accept an ID prefix.
  const found = all.find((n) => n.Name === check.name);
  if (check.exists === false) return found ? fail(`Network ${q(check.name)} still exists.`) : pass(`No network named ${q(check.name)} — it is gone.`);
  if (!found) {
    const own = all.map((n) => n.Name).filter((n) => !DEFAULT_NETWORKS.includes(n));
    const near = resourceNearMiss('network', check.name, own);
    return fail(`No network named ${q(check.name)} — ${near ?? (own.length ? `the networks are ${list(own.sort())} besides Docker's defaults` : 'the sandbox has only Docker\'s default networks (bridge, host, none)')}.`);
  }
  const problems: string[] = [];
  const facts: string[] = [];
  if (check.driver !== undefined) {
    if (found.Driver !== check.driver) problems.push(`its driver is ${found.Driver}, expected ${check.driver}`);
    else facts.push(`driver ${found.Driver}`);
  }
  if (check.containers) {
    // The list omits who is connected; inspecting the network says.
    const info = (await ctx.engine.getNetwork(found.Name).inspect().catch((err: unknown) => {
      if (isNotFound(err)) return { Containers: {} };
      throw err;
    })) as NetworkInfo;
    const connected = Object.values(info.Containers ?? {}).map((c) => c.Name);
    const missing = check.containers.filter((c) => !connected.includes(c));
    if (missing.length) problems.push(`${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not connected to it (${connected.length ? `connected: ${list(connected)}` : 'no running container is connected'})`);
    else facts.push(`with ${list(check.containers)} connected`);
  }
  if (problems.length) return fail(`Network ${q(check.name)} exists, but ${problems.join('; ')}.`);
  return pass(`Network ${q(check.name)} exists${facts.length ? `, ${facts.join(', ')}` : ''}.`);
}
