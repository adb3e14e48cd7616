import { statfs } from 'node:fs/promises';

/** A few files' worth of inodes: below this a disk refuses new files however many bytes it has. */
const MIN_FREE_INODES = 64;

const mib = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MiB`;

/**
 * Throws, naming the disk, when the filesystem holding `dir` (DATA_DIR: the database and the
 * uploads) has less than `minFreeBytes` available to this process, or almost no free inodes.
 * For /readyz: a node that cannot store uploads, and soon messages, should get no new traffic.
 */
export async function checkFreeSpace(dir: string, minFreeBytes: number): Promise<void> {
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (free < minFreeBytes)
    throw new Error(`disk nearly full: ${mib(free)} free in DATA_DIR (${dir}), ${mib(minFreeBytes)} needed`);
  // Filesystems without inode accounting report zero files in all.
  if (stats.files > 0 && stats.ffree < MIN_FREE_INODES)
    throw new Error(`disk out of inodes: ${stats.ffree} free in DATA_DIR (${dir})`);
}
