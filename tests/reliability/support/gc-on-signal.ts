// Preloaded (`node --expose-gc --import tsx --import <this file>`) into a server process whose
// memory a soak measures: on SIGUSR2 it runs a full garbage collection and prints the process's
// memory afterwards, so that growth measured from outside is what is still referenced, not
// garbage waiting for a collection. Never loaded by a normal start.
const MEMORY_MARK = 'slipway-memory ';

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    process.stderr.write('gc-on-signal: node was started without --expose-gc\n');
    return;
  }
  // Twice: the first pass runs finalizers that free more for the second.
  gc();
  gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.stderr.write(`${MEMORY_MARK}${JSON.stringify({ rss, heapUsed, heapTotal, external })}\n`);
});
