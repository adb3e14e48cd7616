// Types of build-if-stale.mjs, plain JavaScript because `npm start` runs it before any build.
export type BuildName = 'server' | 'web';
export const BUILDS: Record<BuildName, { command: string[]; inputs: string[]; output: string }>;
export function staleReason(root: string, name: BuildName): string | undefined;
export function buildIfStale(options: {
  root: string;
  commands?: Partial<Record<BuildName, string[]>>;
  log?: (line: string) => void;
  /** Build everything, stale or not (`npm run build`), and record it. */
  force?: boolean;
  /** These builds only, in this order (`npm run parley` needs only the server); their output to stderr. */
  only?: string[];
}): BuildName[];
