import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Runs the operator CLI (`src/server/cli.ts` through tsx, as `npm run parley` runs its build)
 * as a child process of its own, beside a server that may be running on the same data, and
 * waits for it to exit. It is ended by its PID if it takes longer than `timeoutMs`.
 */
export function runParley(
  args: string[],
  options: { env: Record<string, string>; stdin?: string; timeoutMs?: number },
): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], {
    cwd: root,
    // Never the test runner's DATABASE_URL or DATA_DIR: the test says which database.
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', PORT: '', PUBLIC_URL: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close' comes once the process exited and its output is all read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one-time sign-in link's token in what the CLI printed. */
export function linkToken(output: string): string {
  const match = /\/#\/sign-in\/([A-Za-z0-9_-]+)/.exec(output);
  if (!match) throw new Error(`no sign-in link in:\n${output}`);
  return match[1]!;
}
