// Prometheus metrics served at /metrics. One registry per server so tests can run several.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'slipway_process_' });
  const seconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
  return {
    registry,
    sandboxesByState: new Gauge({ name: 'slipway_sandboxes', help: 'Sandboxes by lifecycle state', labelNames: ['state'] as const, registers: [registry] }),
    poolSize: new Gauge({ name: 'slipway_pool_ready', help: 'Started sandboxes waiting in the warm pool', registers: [registry] }),
    poolStandby: new Gauge({ name: 'slipway_pool_standby', help: 'Sandboxes waiting on standby (container started, engine not)', registers: [registry] }),
    poolTarget: new Gauge({ name: 'slipway_pool_target', help: 'Configured warm pool size', registers: [registry] }),
    poolStandbyTarget: new Gauge({ name: 'slipway_pool_standby_target', help: 'Sandboxes the running workshops keep on standby', registers: [registry] }),
    created: new Counter({ name: 'slipway_sandbox_creates_total', help: 'Sandboxes created', labelNames: ['result'] as const, registers: [registry] }),
    destroyed: new Counter({ name: 'slipway_sandbox_destroys_total', help: 'Sandboxes destroyed', labelNames: ['reason'] as const, registers: [registry] }),
    createSeconds: new Histogram({ name: 'slipway_sandbox_create_seconds', help: 'Time from create to inner engine ready', buckets: seconds, registers: [registry] }),
    destroySeconds: new Histogram({ name: 'slipway_sandbox_destroy_seconds', help: 'Time to remove a sandbox and everything made for it', buckets: seconds, registers: [registry] }),
    notices: new Counter({ name: 'slipway_sandbox_notices_total', help: 'Notices told to learners about their sandbox (a limit hit, the inner engine restarted, disk nearly full, the sandbox removed), by kind', labelNames: ['kind'] as const, registers: [registry] }),
    previewRequests: new Counter({ name: 'slipway_preview_requests_total', help: 'Requests through the web preview, by the status answered (or websocket)', labelNames: ['outcome'] as const, registers: [registry] }),
    previewBytes: new Counter({ name: 'slipway_preview_bytes_total', help: 'Bytes through the web preview: in (browser to app) and out (app to browser)', labelNames: ['direction'] as const, registers: [registry] }),
    assignSeconds: new Histogram({ name: 'slipway_sandbox_assign_seconds', help: 'Time for a learner to get a ready sandbox', labelNames: ['source'] as const, buckets: seconds, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
