// Package cache figures: how long a learner's `docker build` of the classic apt Dockerfile takes
// inside a sandbox, from the warmed cache, with the build cache off (`--no-cache`: apt runs every
// time); and the same build in 30 sandboxes at once, the class after "now build it", measured
// from the moment all start to the moment the last one is done. Each time is taken inside the
// sandbox around the build alone; the base image is pulled first and not counted.
import { round, startBenchServer, type Bench, type BenchServer } from './support.js';

const CLASS = 30;
const DOCKERFILE = `FROM debian:trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
`;

async function sh(server: BenchServer, sandbox: string, script: string): Promise<string> {
  const result = await server.driver.exec(sandbox, ['bash', '-c', script], { timeoutMs: 900_000 });
  if (result.exitCode !== 0) throw new Error(`${script}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

const prepare = `mkdir -p ~/fetcher && cd ~/fetcher && cat > Dockerfile <<'EOF'
${DOCKERFILE}EOF
docker pull -q debian:trixie-slim >/dev/null`;
/** Prints the seconds the build took, as measured in the sandbox. */
const timedBuild = `cd ~/fetcher && start=$(date +%s.%N) && docker build --no-cache -q -t fetcher:bench . >/dev/null && end=$(date +%s.%N) && awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'`;

const bench: Bench = {
  name: 'packages',
  async run() {
    const server = await startBenchServer({ SLIPWAY_PACKAGES: 'online', SLIPWAY_WARM_APT: 'curl', SLIPWAY_SANDBOX_MEMORY: '768m', SLIPWAY_MAX_SANDBOXES: String(CLASS + 2) });
    try {
      const sandboxes = await Promise.all(Array.from({ length: CLASS }, async () => (await server.sessions.ensureSandbox(server.sessions.create())).id));
      await Promise.all(sandboxes.map((id) => sh(server, id, prepare)));
      // One learner alone (and once before, so the sandbox's own first build is not counted).
      await sh(server, sandboxes[0]!, timedBuild);
      const alone = Number(await sh(server, sandboxes[0]!, timedBuild));
      // The whole class at once.
      const started = Date.now();
      const each = await Promise.all(sandboxes.map(async (id) => Number(await sh(server, id, timedBuild))));
      const wall = (Date.now() - started) / 1000;
      return {
        'packages.apt_install_curl_s': round(alone, 1),
        'packages.apt_install_curl_30_parallel_s': round(wall, 1),
        'packages.apt_install_curl_30_parallel_slowest_build_s': round(Math.max(...each), 1),
      };
    } finally {
      await server.dispose();
    }
  },
};

export default bench;
