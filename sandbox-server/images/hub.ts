// Decides whether Docker Hub can be used (SLIPWAY_IMAGES=auto). Asks DNS first so that an
// offline machine answers at once without sending anything anywhere.
import { lookup } from 'node:dns/promises';

export async function dockerHubAnswers(): Promise<boolean> {
  try {
    await lookup('registry-1.docker.io');
  } catch {
    return false;
  }
  try {
    const response = await fetch('https://registry-1.docker.io/v2/', { signal: AbortSignal.timeout(3000) });
    // 401 is the expected answer: the registry is there and wants a token.
    return response.status === 401 || response.ok;
  } catch {
    return false;
  }
}
