// What the workshop registry's gate needs of the Docker driver: which sandbox a request on the
// sandbox network came from (by its address), and a way to tell a sandbox its namespace (a
// small file in the host folder it sees at /run/slipway).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { LABEL } from '../../labels.js';
import type { RegistryHost } from '../driver.js';

export interface RegistryHostParts {
  docker: Docker;
  instance: string;
  /** The sandbox network's name (known once the driver is prepared). */
  networkName(): string;
  /** The host folder the sandbox sees at /run/slipway. */
  socketDir(id: string): string;
  whenSharedReady: RegistryHost['whenSharedReady'];
}

export function dockerRegistryHost(parts: RegistryHostParts): RegistryHost {
  return {
    whenSharedReady: parts.whenSharedReady,

    async sandboxAt(address) {
      const network = parts.networkName();
      const filters = JSON.stringify({ network: [network], label: [`${LABEL.instance}=${parts.instance}`, `${LABEL.role}=sandbox`] });
      const containers = await parts.docker.listContainers({ filters });
      return containers.find((c) => c.NetworkSettings?.Networks?.[network]?.IPAddress === address)?.Labels[LABEL.sandbox];
    },

    /**
     * The sandbox's root can put anything in that folder, so the file is created anew and
     * renamed into place: a link planted under its name is replaced, never followed.
     */
    shareFile(id, name, text) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Not a plain file name: ${name}`);
      const dir = parts.socketDir(id);
      const temporary = path.join(dir, `.${name}-${crypto.randomBytes(6).toString('hex')}`);
      const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
      const fd = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
      try {
        fs.writeSync(fd, text);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, path.join(dir, name));
    },
  };
}
