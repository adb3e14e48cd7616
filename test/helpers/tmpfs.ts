import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A small tmpfs of its own, for tests that must fill a disk for real. Mounting needs root (or
 * CAP_SYS_ADMIN): without it the tests that need one are skipped with a message — except under
 * CI=true, where they must run, so a missing mount fails loudly instead.
 */
export interface Tmpfs {
  dir: string;
  unmount(): void;
}

function tryMount(sizeBytes: number): Tmpfs | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(dir);
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
  let mounted = true;
  const unmount = () => {
    if (!mounted) return;
    mounted = false;
    // Lazy, so a file still open somewhere cannot keep the mount (and the test's memory) around.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    rmdirSync(dir);
  };
  process.once('exit', () => {
    try {
      unmount();
    } catch {
      // Best effort at exit: the mount may be gone already.
    }
  });
  return { dir, unmount };
}

/** Mounts a tmpfs of `sizeBytes`, or returns why it cannot (after the CI check). */
export function mountTmpfs(sizeBytes: number): Tmpfs | null {
  const mounted = tryMount(sizeBytes);
  if (typeof mounted !== 'string') return mounted;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but a tmpfs cannot be mounted (${mounted}): the disk-full tests must run`);
  console.warn(`[parley tests] cannot mount a tmpfs (${mounted}): skipping the disk-full tests`);
  return null;
}
