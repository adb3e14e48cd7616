// What every server under test answers to the harness over IPC: its memory after a forced GC,
// and a graceful exit on SIGTERM (so --cpu-prof can write its profile).
export function answerHarness(): void {
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'memory') return;
    globalThis.gc?.();
    process.send?.({ type: 'memory', rss: process.memoryUsage().rss });
  });
  process.on('SIGTERM', () => process.exit(0));
}
