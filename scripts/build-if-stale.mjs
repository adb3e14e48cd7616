// `npm start` runs this before the server: it builds the server and the web client only when
// something they are built from changed since their last successful build, so a restart with
// nothing changed starts in about a second instead of rebuilding for half a minute.
//
// A build counts as done when its stamp in dist/.built/ is written, after the build command
// succeeded: tsc writes its output even when it reports errors, so the outputs' own times
// would make a failed build look fresh. Directories count as inputs too, so a deleted or
// renamed file (which changes its directory's time, not any file's) also triggers a build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What each build is made from and what it must leave behind, relative to the project root. */
export const BUILDS = {
  server: {
    command: ['npm', 'run', 'build:server'],
    inputs: ['src/server', 'src/shared', 'tsconfig.json', 'tsconfig.build.json'],
    output: 'dist/server/main.js',
  },
  web: {
    command: ['npm', 'run', 'build:web'],
    inputs: ['src/web', 'src/shared', 'vite.config.ts', 'tsconfig.web.json'],
    output: 'dist/web/index.html',
  },
};

/** Inputs of every build: the dependencies installed (npm writes its hidden lockfile on each install). */
const SHARED_INPUTS = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'];

const stampPath = (root, name) => path.join(root, 'dist', '.built', name);

function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time under `entry` (a file, or a directory and all it holds), with its path. */
function newest(entry) {
  const own = mtimeMs(entry);
  if (own === undefined) return undefined;
  let found = { file: entry, mtimeMs: own };
  let children = [];
  try {
    children = readdirSync(entry, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const child of children) {
    const inner = newest(path.join(entry, child.name));
    if (inner && inner.mtimeMs > found.mtimeMs) found = inner;
  }
  return found;
}

/** Why `name` must be built, or undefined when its last successful build is newer than all it is made from. */
export function staleReason(root, name) {
  const build = BUILDS[name];
  if (mtimeMs(path.join(root, build.output)) === undefined) return `${build.output} is missing`;
  const builtAt = mtimeMs(stampPath(root, name));
  if (builtAt === undefined) return 'no successful build recorded';
  for (const input of [...SHARED_INPUTS, ...build.inputs]) {
    const latest = newest(path.join(root, input));
    if (latest && latest.mtimeMs > builtAt) return `${path.relative(root, latest.file)} changed`;
  }
  return undefined;
}

/**
 * Runs the builds that are stale, in order, each recorded only when its command succeeded.
 * `commands` replaces the build commands (tests). Returns the names built; throws if one failed.
 */
export function buildIfStale({ root, commands = {}, log = console.log, force = false, only } = {}) {
  const built = [];
  for (const name of only ?? Object.keys(BUILDS)) {
    if (!BUILDS[name]) throw new Error(`there is no build named ${name}`);
    // `npm run build` builds everything, and records it, so the next start builds nothing.
    const reason = force ? 'asked to' : staleReason(root, name);
    if (!reason) continue;
    log(`parley: building the ${name} (${reason})`);
    const [command, ...args] = commands[name] ?? BUILDS[name].command;
    // Recorded before the build starts: a file saved while it runs is newer than the stamp and
    // triggers the next build, instead of being covered by a stamp written after it.
    const startedAt = new Date();
    // npm is npm.cmd on Windows, which Node 20.12+ runs only through a shell.
    const result = spawnSync(command, args, {
      cwd: root,
      // Before a command whose output is read (`npm run parley`), the build's output goes to stderr.
      stdio: only ? ['inherit', 2, 'inherit'] : 'inherit',
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) throw new Error(`the ${name} build failed (${command} ${args.join(' ')})`);
    const stamp = stampPath(root, name);
    mkdirSync(path.dirname(stamp), { recursive: true });
    writeFileSync(stamp, `${startedAt.toISOString()}\n`);
    utimesSync(stamp, startedAt, startedAt);
    built.push(name);
  }
  return built;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    // Names restrict it to those builds: `npm run parley` needs only the server, and its
    // notes go to stderr there, so that what the command prints (`stats --json`) stays clean.
    const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
    buildIfStale({
      root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
      force: process.argv.includes('--force'),
      ...(only.length > 0 ? { only, log: console.error } : {}),
    });
  } catch (error) {
    console.error(`parley: ${error.message}`);
    process.exit(1);
  }
}
