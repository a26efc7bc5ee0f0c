// Where the server reaches a Docker sandbox's published ports: the sandbox container's address
// on the sandbox network. What a learner publishes inside (`docker run -p 8000:80`) listens on
// every address of the sandbox, that one included; the sandbox firewall lets the answers back
// (it refuses only what sandboxes open towards the host).
import type Docker from 'dockerode';
import { names } from '../../labels.js';
import type { PreviewHost } from '../driver.js';

/** The inner engine's API ports: never previewed, whatever listens there. */
export const ENGINE_PORTS = [2375, 2376] as const;

export class DockerPreviewHost implements PreviewHost {
  readonly reservedPorts = ENGINE_PORTS;
  /** Addresses found, by sandbox: an address does not change while the container lives. */
  private readonly addresses = new Map<string, string>();

  constructor(
    private readonly docker: Docker,
    private readonly instance: string,
    private readonly networkName: () => string,
  ) {}

  async address(id: string): Promise<string | undefined> {
    const known = this.addresses.get(id);
    if (known) return known;
    const info = await this.docker
      .getContainer(names.sandboxContainer(this.instance, id))
      .inspect()
      .catch(() => undefined);
    const address = info?.State.Running ? info.NetworkSettings?.Networks?.[this.networkName()]?.IPAddress : undefined;
    if (address) this.addresses.set(id, address);
    return address || undefined;
  }

  /** The sandbox is gone or restarted: its address is read again next time. */
  forget(id: string): void {
    this.addresses.delete(id);
  }
}
