import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { CliError, type Command } from '../command.js';
import { formatBytes } from './stats.js';

/** What a backup archive holds, at its top level. */
export const BACKUP_DATABASE = 'parley.sqlite';
export const BACKUP_UPLOADS = 'uploads';
export const BACKUP_MANIFEST = 'parley-backup.json';

export const POSTGRES_BACKUP_RECIPE = [
  'This server keeps its data in PostgreSQL (DATABASE_URL): back it up with pg_dump, and the uploads beside it:',
  '  pg_dump --format=custom --file=parley.dump "$DATABASE_URL"',
  '  tar -cf parley-uploads.tar -C "$DATA_DIR" uploads',
  'and restore into an empty database with:',
  '  pg_restore --no-owner --dbname="$DATABASE_URL" parley.dump',
  '  tar -xf parley-uploads.tar -C "$DATA_DIR"',
  '(docs/administration.md, "Backups").',
].join('\n');

export const backup: Command = {
  name: 'backup',
  usage: 'backup <file.tar>',
  summary: 'Back up the database and uploads into one archive.',
  details:
    'SQLite: copy the database (SQLite online backup: one consistent moment) and the uploads into one tar archive, while the server runs. PostgreSQL: prints the pg_dump recipe.',
  positionals: 1,
  async run(context, [file]) {
    const target = path.resolve(file!);
    if (context.config.databaseUrl) throw new CliError(POSTGRES_BACKUP_RECIPE);
    if (existsSync(target)) throw new CliError(`${file} already exists: name a new file, or remove it first`);
    if (!existsSync(path.dirname(target))) throw new CliError(`the directory of ${file} does not exist`);
    const database = await context.database();
    if (!database.backup) throw new CliError(POSTGRES_BACKUP_RECIPE);
    // Staged beside the archive (same file system), then renamed: a backup interrupted halfway
    // leaves no file that looks finished.
    const stage = await mkdtemp(`${target}.staging-`);
    const partial = `${target}.partial`;
    try {
      const startedAt = context.now();
      await database.backup(path.join(stage, BACKUP_DATABASE));
      const uploads = path.join(context.config.dataDir, BACKUP_UPLOADS);
      // Uploads are copied after the snapshot: every file its messages refer to is there (files
      // are stored before their rows and removed after them); newer ones are orphans that the
      // restored server's sweep removes.
      if (existsSync(uploads)) await symlink(uploads, path.join(stage, BACKUP_UPLOADS), 'dir');
      else await mkdir(path.join(stage, BACKUP_UPLOADS));
      await writeFile(
        path.join(stage, BACKUP_MANIFEST),
        `${JSON.stringify({ format: 1, createdAt: new Date(startedAt).toISOString(), database: 'sqlite' })}\n`,
      );
      let files = 0;
      let bytes = 0;
      await tar.create(
        {
          file: partial,
          cwd: stage,
          follow: true,
          portable: true,
          filter: (entry, info) => {
            if (entry.startsWith(`${BACKUP_UPLOADS}/`) && 'isFile' in info && info.isFile()) {
              files++;
              bytes += info.size;
            }
            return true;
          },
        },
        [BACKUP_MANIFEST, BACKUP_DATABASE, BACKUP_UPLOADS],
      );
      await rename(partial, target);
      const databaseSize = (await stat(path.join(stage, BACKUP_DATABASE))).size;
      context.say(
        `Backed up the database (${formatBytes(databaseSize)}, as of ${new Date(startedAt).toISOString()}) and the uploads (${files} file${files === 1 ? '' : 's'}, ${formatBytes(bytes)}) to ${file}.`,
      );
    } finally {
      await rm(stage, { recursive: true, force: true });
      await rm(partial, { force: true });
    }
  },
};
