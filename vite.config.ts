import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const emojiDataDir = path.resolve(import.meta.dirname, 'node_modules/emojibase-data/en');
const EMOJI_FILES = ['data.json', 'messages.json'];

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

export default defineConfig({
  root: 'src/web',
  plugins: [react(), emojibaseData()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
