// The workshop registry as a Docker-driver installation runs it: the gate listens on the sandbox
// network's gateway (opened whenever the driver sets up what sandboxes share: at prepare and
// after an engine restart), and each sandbox is told its learner's namespace, which its shell
// puts in $ME. Only a driver with the registry capability (the Docker driver) has one.
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { WORKSHOP_REGISTRY } from '../sandboxes/docker/container-spec.js';
import type { RegistryHost, SandboxDriver } from '../sandboxes/driver.js';
import { RegistryGate } from './gate.js';

/**
 * Name of the file holding the namespace, in the folder a sandbox sees at /run/slipway (its
 * shell reads /run/slipway/namespace: images/sandbox/namespace.bash).
 */
export const NAMESPACE_FILE = 'namespace';

export interface WorkshopRegistry {
  readonly gate: RegistryGate;
  /** Tells a sandbox its learner's namespace: what its shell's $ME becomes. */
  give(sandboxId: string, namespace: string): void;
  stop(): Promise<void>;
}

/**
 * @param namespaceOf The namespace of whoever holds the sandbox now: the gate lets a sandbox
 * write only there.
 */
export function serveWorkshopRegistry(host: RegistryHost, config: Config, namespaceOf: (sandboxId: string) => string | undefined, log: Logger): WorkshopRegistry {
  const gate = new RegistryGate({
    // Ports as laid out in images/mirror/run.sh: the workshop registry itself is on PORT+2.
    port: config.mirrorPort,
    upstream: `http://127.0.0.1:${config.mirrorPort + 2}`,
    name: `${WORKSHOP_REGISTRY}:${config.mirrorPort}`,
    sandboxAt: (address, relayedFor) => host.sandboxAt(address, relayedFor),
    namespaceOf,
    log: log.child({ component: 'registry' }),
  });
  host.whenSharedReady((network) => gate.open(network.gateway));
  return {
    gate,
    give: (sandboxId, namespace) => host.shareFile(sandboxId, NAMESPACE_FILE, `${namespace}\n`),
    stop: () => gate.stop(),
  };
}

/**
 * For sandboxes no learner holds (those of lessons:verify): each writes under its own id, and
 * is told so as soon as it exists. Use with `sandboxId => sandboxId` as the gate's rule.
 */
export function ownNamespaces(driver: SandboxDriver, registry: WorkshopRegistry): SandboxDriver {
  const create = async (id: string): Promise<void> => {
    await driver.create(id);
    registry.give(id, id);
  };
  // The driver itself in every other respect (its methods called on it, not on the proxy).
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'create') return create;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
