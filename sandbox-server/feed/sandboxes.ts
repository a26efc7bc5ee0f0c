// The sandboxes channel: what the lifecycle did to sandboxes, for the parts that react to it
// (the monitor's notices, the classroom's queue, the terminal's pre-opened shells, the workshop
// registry's namespaces).
import { EventEmitter } from 'node:events';
import type { DiskUsage } from '../../contract/session-api.js';

/** Why a sandbox ended. */
export type EndReason = 'lifetime' | 'idle' | 'reset' | 'released' | 'orphan' | 'lost' | 'shutdown' | 'failed' | 'disk';

/**
 * Where a sandbox's own engine is after its prompt (lifecycle/engines.ts): waiting for its turn,
 * starting, answering, or failed to start; `on-use` waits for the learner's first docker command.
 */
export type EngineState = 'queued' | 'starting' | 'ready' | 'failed' | 'on-use';

/** An engine that is not up yet, as the learner is told of it (a state, not a fault); undefined for one that is up or failed. */
export function engineNotUpYet(state: EngineState): 'starting' | 'on-use' | undefined {
  if (state === 'queued' || state === 'starting') return 'starting';
  return state === 'on-use' ? 'on-use' : undefined;
}

interface SandboxEvents {
  /** Sandboxes were created, handed out or ended. */
  changed: [];
  /** A sandbox is ready and waiting in the pool (also those re-adopted at start). */
  pooled: [sandboxId: string];
  /** A session was given a sandbox (before the acquire resolves). */
  assigned: [sandboxId: string, sessionId: string];
  /** A sandbox is ending (before its removal), with the words its learner is told. */
  ended: [sandboxId: string, reason: EndReason, message: string];
  /** A sandbox's disk use was measured. */
  disk: [sandboxId: string, usage: DiskUsage];
  /** A sandbox stopped by an engine restart was started again. */
  revived: [sandboxId: string];
  /** A sandbox's own engine moved on (lifecycle/engines.ts). */
  engine: [sandboxId: string, state: EngineState];
}

export class SandboxChannel extends EventEmitter<SandboxEvents> {
  constructor() {
    super();
    // One listener per part that reacts; none is a leak.
    this.setMaxListeners(0);
  }
}
