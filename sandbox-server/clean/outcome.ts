// What a cleanup removed and what it could not, object by object, for `npm run clean` to print
// and for tests to assert on.
export type ObjectKind = 'container' | 'volume' | 'network' | 'image' | 'service' | 'label' | 'firewall' | 'node';

export interface EngineObject {
  kind: ObjectKind;
  /** Name (or tags) as `docker ... ls` shows it. */
  name: string;
  /** What it is for Slipway, in a few words: "sandbox sbx-1", "probe", "the image mirror". */
  what: string;
}

export interface Outcome {
  removed: EngineObject[];
  /** Objects that could not be removed, each with the engine's reason. */
  failed: Array<EngineObject & { reason: string }>;
}

export const emptyOutcome = (): Outcome => ({ removed: [], failed: [] });

/** Runs one removal and notes its result; an object already gone counts as removed. */
export async function attempt(outcome: Outcome, object: EngineObject, removal: () => Promise<unknown>): Promise<void> {
  const { kind, name, what } = object;
  try {
    await removal();
    outcome.removed.push({ kind, name, what });
  } catch (err) {
    const { statusCode, message } = err as { statusCode?: number; message: string };
    // Gone meanwhile (a server or another cleanup removed it): the result is the same.
    if (statusCode === 404) outcome.removed.push({ kind, name, what });
    else outcome.failed.push({ kind, name, what, reason: withoutStatusPrefix(message) });
  }
}

/** dockerode's messages start with "(HTTP code 409) unexpected - "; the engine's words follow. */
function withoutStatusPrefix(message: string): string {
  const dash = message.indexOf(' - ');
  return (message.startsWith('(HTTP code') && dash > 0 ? message.slice(dash + 3) : message).trim();
}
