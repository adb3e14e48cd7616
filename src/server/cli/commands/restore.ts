import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { CliError, type Command } from '../command.js';
import { BACKUP_DATABASE, BACKUP_MANIFEST, BACKUP_UPLOADS } from './backup.js';

export const restore: Command = {
  name: 'restore',
  usage: 'restore <file.tar> [--data-dir <dir>]',
  summary: 'Unpack a backup into a new, empty data directory.',
  details:
    'Unpack a backup into a new, empty data directory (DATA_DIR unless --data-dir is given) and check that it opens. Never into one that holds anything.',
  positionals: 1,
  options: { 'data-dir': { type: 'string' } },
  async run(context, [file], options) {
    const archive = path.resolve(file!);
    const dir = path.resolve(
      typeof options['data-dir'] === 'string' ? options['data-dir'] : context.config.dataDir,
    );
    if (context.config.databaseUrl && options['data-dir'] === undefined) {
      throw new CliError(
        'restore unpacks a SQLite backup; this configuration uses PostgreSQL (DATABASE_URL): restore with pg_restore (docs/administration.md, "Backups")',
      );
    }
    if (!existsSync(archive)) throw new CliError(`there is no file ${file}`);
    if (existsSync(dir) && (await readdir(dir)).length > 0) {
      throw new CliError(
        `${dir} is not empty: restore only into a new or empty directory, so nothing there is overwritten`,
      );
    }
    const entries = new Set<string>();
    await tar.list({ file: archive, onReadEntry: (entry) => void entries.add(entry.path.split('/')[0]!) });
    if (!entries.has(BACKUP_DATABASE) || !entries.has(BACKUP_MANIFEST)) {
      throw new CliError(
        `${file} is not a Parley backup (it has no ${BACKUP_DATABASE} or ${BACKUP_MANIFEST})`,
      );
    }
    await mkdir(dir, { recursive: true });
    // node-tar refuses entries that would land outside `cwd` (absolute paths, `..`).
    await tar.extract({ file: archive, cwd: dir, strict: true }, [
      BACKUP_MANIFEST,
      BACKUP_DATABASE,
      BACKUP_UPLOADS,
    ]);
    await mkdir(path.join(dir, BACKUP_UPLOADS), { recursive: true });
    // Opening it runs the migrations a newer server needs, and proves the file is a database.
    const restored = await context.openSqlite(dir);
    await restored.close();
    context.say(`Restored ${file} into ${dir}. Start the server with DATA_DIR=${dir}.`);
  },
};
