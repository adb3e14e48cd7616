import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

// What every server under test answers to the harness over IPC: its memory after a forced GC,
// and a graceful exit on SIGTERM (so --cpu-prof can write its profile).
export function answerHarness(): void {
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'memory') return;
    globalThis.gc?.();
    process.send?.({ type: 'memory', rss: process.memoryUsage().rss });
  });
  const allocations = process.env.BENCH_ALLOC_PROFILE ? sampleAllocations() : null;
  process.on('SIGTERM', async () => {
    await allocations?.write().catch((error) => console.error('[bench] allocation profile:', error));
    process.exit(0);
  });
}

/**
 * Where the server allocates, collected objects included (Node's --heap-prof keeps only what is
 * still alive at exit, which says nothing about the garbage a hot path makes). The result opens
 * in Chrome DevTools' Memory panel, or in speedscope.
 */
function sampleAllocations() {
  const session = new Session();
  session.connect();
  const started = session.post('HeapProfiler.startSampling', {
    samplingInterval: 32 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async write() {
      await started;
      const { profile } = await session.post('HeapProfiler.stopSampling');
      const file = path.join(process.env.BENCH_ALLOC_PROFILE!, `alloc-${process.pid}.heapprofile`);
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
