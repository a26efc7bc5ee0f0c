// Web preview figures against a real sandbox running nginx: what the preview adds to a small
// page (the same request timed by curl inside the sandbox, to the published port, and by curl on
// this host through the preview, interleaved in rounds within one run), and the throughput of a
// 50 MB download through the preview relative to the same download inside the sandbox.
//
// Both sides use curl with a new connection per request and `-w %{time_total}` (connection to
// last byte, without curl's own start-up), so the difference is the preview's hop: the proxy in
// the server plus the way from the host into the sandbox's network.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PreviewLink } from '../contract/preview-api.js';
import { percentile, round, startBenchServer, type Bench, type BenchServer } from './support.js';

const run = promisify(execFile);
const ROUNDS = 10;
const PER_ROUND = 30;
const DOWNLOADS = 3;
const BIG_MB = 50;
/** A range of its own, away from the default (an instance someone runs) and the tests'. */
const PREVIEW_PORTS = '4520-4523';

async function sh(server: BenchServer, sandbox: string, script: string): Promise<string> {
  const result = await server.driver.exec(sandbox, ['bash', '-c', script], { timeoutMs: 300_000 });
  if (result.exitCode !== 0) throw new Error(`${script}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `times` runs of curl in one shell loop; one figure (as curl writes it) per line. */
const curlLoop = (times: number, url: string, write: string, cookie = '') =>
  `for i in $(seq ${times}); do curl -sS -o /dev/null ${cookie ? `-b '${cookie}' ` : ''}-w '${write}\\n' '${url}' || exit 1; done`;
const numbers = (out: string) => out.trim().split('\n').map(Number);

const bench: Bench = {
  name: 'preview',
  async run() {
    const server = await startBenchServer({ SLIPWAY_PREVIEW_PORTS: PREVIEW_PORTS, SLIPWAY_SANDBOX_MEMORY: '768m' });
    try {
      const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const session = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
      const view = (await (await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie: session } })).json()) as { sandbox: { id: string } };
      const sandbox = view.sandbox.id;
      // A small page (about 1 KB, like a typical app's HTML) and a 50 MB file, served by nginx.
      await sh(
        server,
        sandbox,
        `mkdir -p /root/site && printf '<!doctype html><title>bench</title>%s' "$(head -c 1000 /dev/zero | tr '\\0' x)" > /root/site/index.html && head -c ${BIG_MB}m /dev/urandom > /root/site/big.bin && ` +
          `docker run -d --name web -p 8080:80 -v /root/site:/usr/share/nginx/html:ro nginx:1.26 >/dev/null && for i in $(seq 100); do curl -fs localhost:8080/ >/dev/null && exit 0; sleep 0.2; done; exit 1`,
      );

      const answer = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: JSON.stringify({ port: 8080 }) });
      const link = (await answer.json()) as PreviewLink;
      const opened = await fetch(link.url, { redirect: 'manual' });
      const grant = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
      const origin = new URL(link.url).origin;
      if (opened.status !== 303 || !grant) throw new Error(`the preview link did not open: ${opened.status}`);

      // Warm both ways (nginx's caches, the proxy's first connection) before measuring.
      await sh(server, sandbox, curlLoop(20, 'http://localhost:8080/', '%{time_total}'));
      await run('bash', ['-c', curlLoop(20, `${origin}/`, '%{time_total}', grant)]);

      const inside: number[] = [];
      const through: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        inside.push(...numbers(await sh(server, sandbox, curlLoop(PER_ROUND, 'http://localhost:8080/', '%{time_total}'))).map((s) => s * 1000));
        through.push(...numbers((await run('bash', ['-c', curlLoop(PER_ROUND, `${origin}/`, '%{http_code} %{time_total}', grant)])).stdout.replace(/^200 /gm, '')).map((s) => s * 1000));
      }
      if (through.some((ms) => Number.isNaN(ms))) throw new Error('a request through the preview did not answer 200');

      // Bytes per second, the best of a few downloads each way (the machine is shared).
      const speedsInside: number[] = [];
      const speedsThrough: number[] = [];
      for (let i = 0; i < DOWNLOADS; i++) {
        speedsInside.push(...numbers(await sh(server, sandbox, curlLoop(1, 'http://localhost:8080/big.bin', '%{speed_download}'))));
        const out = (await run('bash', ['-c', curlLoop(1, `${origin}/big.bin`, '%{size_download} %{speed_download}', grant)])).stdout.trim().split(' ').map(Number);
        if (out[0] !== BIG_MB * 1024 * 1024) throw new Error(`the download through the preview was ${out[0]} bytes`);
        speedsThrough.push(out[1]!);
      }

      const p = (samples: number[], q: number) => percentile(samples, q);
      return {
        'preview.direct_ms.p50': round(p(inside, 50), 2),
        'preview.proxied_ms.p50': round(p(through, 50), 2),
        'preview.overhead_ms.p50': round(p(through, 50) - p(inside, 50), 2),
        'preview.overhead_ms.p95': round(p(through, 95) - p(inside, 95), 2),
        'preview.throughput_mb_s': round(Math.max(...speedsThrough) / 1024 ** 2),
        'preview.throughput_ratio': round(Math.max(...speedsThrough) / Math.max(...speedsInside), 2),
      };
    } finally {
      await server.dispose();
    }
  },
};

export default bench;
