import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const emojiDataDir = path.resolve(import.meta.dirname, 'node_modules/emojibase-data/en');
const EMOJI_FILES = ['data.json', 'messages.json', 'shortcodes/github.json'];

/**
 * The emoji picker loads Emojibase data at run time. Parley serves that data itself (the
 * emojibase-data package, copied into the build) instead of fetching it from a CDN, so the
 * picker works on a network with no internet access.
 */
function emojibaseData(): Plugin {
  return {
    name: 'parley-emojibase-data',
    configureServer(server) {
      server.middlewares.use('/emojibase/en', (req, res, next) => {
        const file = req.url?.replace(/^\//, '').split('?')[0] ?? '';
        if (!EMOJI_FILES.includes(file)) return next();
        res.setHeader('content-type', 'application/json');
        createReadStream(path.join(emojiDataDir, file)).pipe(res);
      });
    },
    generateBundle() {
      for (const file of EMOJI_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `emojibase/en/${file}`,
          source: readFileSync(path.join(emojiDataDir, file)),
        });
      }
    },
  };
}

/**
 * Writes .br and .gz next to every compressible file of the build, so the server sends
 * compressed bytes without compressing on each request (@fastify/static `preCompressed`).
 */
function precompress(): Plugin {
  const compressible = /\.(js|css|html|json|svg|map)$/;
  return {
    name: 'parley-precompress',
    apply: 'build',
    writeBundle(options) {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const file = path.join(dir, name);
          return statSync(file).isDirectory() ? walk(file) : [file];
        });
      for (const file of walk(options.dir!)) {
        if (!compressible.test(file) || statSync(file).size < 1024) continue;
        const source = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: 'src/web',
  plugins: [react(), emojibaseData(), precompress()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Rolldown's "JavaScript callbacks ran for 4.9s" block printed on every `npm start` that
    // builds: nothing in it is for someone starting a server, and it buried the ready line.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: 5173,
    proxy: {
      // The Host the browser used goes through unchanged: the server's same-origin checks
      // (sockets, and CSRF on /api) compare the Origin with it.
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
