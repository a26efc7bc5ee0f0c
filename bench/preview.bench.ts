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
import { curlLoop, numbers, openNginxPreview, sh } from './preview-app.js';
import { percentile, round, startBenchServer, type Bench } from './support.js';

const run = promisify(execFile);
const ROUNDS = 10;
const PER_ROUND = 30;
const DOWNLOADS = 3;
const BIG_MB = 50;
/** A range of its own, away from the default (an instance someone runs) and the tests'. */
const PREVIEW_PORTS = '4520-4523';

const bench: Bench = {
  name: 'preview',
  async run() {
    const server = await startBenchServer({ SLIPWAY_PREVIEW_PORTS: PREVIEW_PORTS, SLIPWAY_SANDBOX_MEMORY: '768m' });
    try {
      // A small page (about 1 KB, like a typical app's HTML) and a 50 MB file, served by nginx.
      const { sandbox, origin, grant } = await openNginxPreview(
        server,
        `printf '<!doctype html><title>bench</title>%s' "$(head -c 1000 /dev/zero | tr '\\0' x)" > /root/site/index.html && head -c ${BIG_MB}m /dev/urandom > /root/site/big.bin`,
      );

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
