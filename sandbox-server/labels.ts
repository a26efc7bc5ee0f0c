// Every Docker object Slipway creates carries these labels; reconcile and cleanup find objects
// by them and never touch anything else. At the bottom of the server's layers, beside config and
// log: the images, the sandboxes, doctor, clean and the tests all name objects the same way.
export const LABEL = {
  instance: 'io.slipway.instance',
  role: 'io.slipway.role',
  sandbox: 'io.slipway.sandbox',
} as const;

/**
 * probe: a short-lived container that tries what the engine allows (isolation, doctor); image:
 * Slipway's own images; node: a Docker Engine node of a swarm made on one machine, and its
 * network (the test fixture of the swarm driver).
 */
export type Role = 'sandbox' | 'mirror' | 'network' | 'probe' | 'image' | 'node';

export function labels(instance: string, role: Role, sandboxId?: string): Record<string, string> {
  return { [LABEL.instance]: instance, [LABEL.role]: role, ...(sandboxId ? { [LABEL.sandbox]: sandboxId } : {}) };
}

/** Docker list filter matching every object of this instance. */
export function instanceFilter(instance: string): string {
  return JSON.stringify({ label: [`${LABEL.instance}=${instance}`] });
}

/** Docker list filter matching this instance's objects of one role. */
export function roleFilter(instance: string, role: Role): string {
  return JSON.stringify({ label: [`${LABEL.instance}=${instance}`, `${LABEL.role}=${role}`] });
}

export const names = {
  sandboxContainer: (instance: string, id: string) => `slipway-${instance}-${id}`,
  sandboxVolume: (instance: string, id: string) => `slipway-${instance}-${id}-docker`,
  /** The learner's workspace, on a volume of its own where a sandbox may be made again from its volumes (swarm). */
  workspaceVolume: (instance: string, id: string) => `slipway-${instance}-${id}-workshop`,
  network: (instance: string) => `slipway-${instance}-sandboxes`,
  mirrorContainer: (instance: string) => `slipway-${instance}-mirror`,
  mirrorVolume: (instance: string) => `slipway-${instance}-mirror`,
  /** Linux interface names stop at 15 characters. */
  bridge: (instance: string) => `slw-${instance}`.slice(0, 15),
};
