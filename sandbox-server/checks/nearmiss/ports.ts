// Published ports that are nearly right: host and container port the wrong way round (the order
// of `-p HOST:CONTAINER` is the one most often mixed up), the right container port on another
// host port, the right host port leading to another container port, or another protocol.
import { portText } from '../expectation.js';

export interface WantedPort {
  container: number;
  host?: number | undefined;
  protocol: string;
}

export interface PublishedPort {
  container: number;
  host: number;
  protocol: string;
}

/** The expected port written where the learner writes it: `-p 8080:80`, or compose.yaml's `ports:`. */
function written(want: WantedPort, viaCompose: boolean): string {
  const spec = `${want.host !== undefined ? `${want.host}:` : ''}${want.container}${want.protocol === 'tcp' ? '' : `/${want.protocol}`}`;
  return viaCompose ? `"${spec}" under ports: in compose.yaml` : `-p ${spec}`;
}

/** Says how the published ports come close to `want`, or undefined when none does. */
export function portNearMiss(want: WantedPort, published: PublishedPort[], viaCompose: boolean): string | undefined {
  const sameProtocol = published.filter((p) => p.protocol === want.protocol);
  if (want.host !== undefined) {
    const swapped = sameProtocol.find((p) => p.host === want.container && p.container === want.host);
    if (swapped) return `it publishes ${swapped.host}:${swapped.container} — the ports are the wrong way round: the host port comes first, so it is ${written(want, viaCompose)}`;
    const otherHost = sameProtocol.find((p) => p.container === want.container);
    if (otherHost) return `it publishes ${portText(otherHost)}, not ${portText(want)}: the container port is right, and the host port is the first number, so it is ${written(want, viaCompose)}`;
    const otherContainer = sameProtocol.find((p) => p.host === want.host);
    if (otherContainer) {
      return `it publishes ${portText(otherContainer)}, not ${portText(want)}: host port ${want.host} is right, but it leads to port ${otherContainer.container} inside the container, and the step wants port ${want.container} there (the second number), so it is ${written(want, viaCompose)}`;
    }
  }
  const otherProtocol = published.find((p) => p.container === want.container && p.protocol !== want.protocol && (want.host === undefined || p.host === want.host));
  if (otherProtocol) return `it publishes ${portText(otherProtocol)} over ${otherProtocol.protocol}, and the step wants ${want.protocol}: ${written(want, viaCompose)}`;
  return undefined;
}
