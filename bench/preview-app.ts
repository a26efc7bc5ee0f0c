// A learner whose sandbox serves a small site with nginx, and its web preview opened as a
// browser opens it (link, then the grant cookie): what the preview benches on one machine and on
// a swarm measure through. Timings come from curl, on this host and inside the sandbox, the same
// way on both sides.
import type { PreviewLink } from '../contract/preview-api.js';
import type { BenchServer } from './support.js';

export interface OpenedPreview {
  sandbox: string;
  /** The preview's origin and its grant cookie, as a browser holds them. */
  origin: string;
  grant: string;
}

/** Runs a shell script in the sandbox; throws with its output when it fails. */
export async function sh(server: BenchServer, sandbox: string, script: string): Promise<string> {
  const result = await server.driver.exec(sandbox, ['bash', '-c', script], { timeoutMs: 300_000 });
  if (result.exitCode !== 0) throw new Error(`${script}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `times` runs of curl in one shell loop, a new connection each; one figure (as curl writes it) per line. */
export const curlLoop = (times: number, url: string, write: string, cookie = '') =>
  `for i in $(seq ${times}); do curl -sS -o /dev/null ${cookie ? `-b '${cookie}' ` : ''}-w '${write}\\n' '${url}' || exit 1; done`;
export const numbers = (out: string) => out.trim().split('\n').map(Number);

/**
 * A new learner's sandbox with `site` (a script that fills /root/site) served by nginx on 8080,
 * and its preview opened.
 */
export async function openNginxPreview(server: BenchServer, site: string): Promise<OpenedPreview> {
  const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const session = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
  const view = (await (await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie: session } })).json()) as { sandbox: { id: string } };
  const sandbox = view.sandbox.id;
  await sh(
    server,
    sandbox,
    `mkdir -p /root/site && ${site} && ` +
      `docker run -d --name web -p 8080:80 -v /root/site:/usr/share/nginx/html:ro nginx:1.26 >/dev/null && for i in $(seq 100); do curl -fs localhost:8080/ >/dev/null && exit 0; sleep 0.2; done; exit 1`,
  );
  const answer = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: JSON.stringify({ port: 8080 }) });
  const link = (await answer.json()) as PreviewLink;
  const opened = await fetch(link.url, { redirect: 'manual' });
  const grant = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (opened.status !== 303 || !grant) throw new Error(`the preview link did not open: ${opened.status}`);
  return { sandbox, origin: new URL(link.url).origin, grant };
}
