import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes .br and .gz beside each built asset, so a static server that serves precompressed files
 * (@fastify/static `preCompressed`) sends the JS at a third of its size without compressing per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'trustmap-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = c.build.outDir;
    },
    closeBundle() {
      const dir = join(outDir, 'assets');
      for (const f of readdirSync(dir)) {
        if (!/\.(js|css|svg|json)$/.test(f)) continue;
        const buf = readFileSync(join(dir, f));
        writeFileSync(join(dir, `${f}.gz`), gzipSync(buf, { level: 9 }));
        writeFileSync(
          join(dir, `${f}.br`),
          brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

/**
 * The dashboard: `vite build --config web/vite.config.ts` writes dist/web/, which the trustmap
 * server serves at `/`. `vite --config web/vite.config.ts` serves it for development and forwards
 * /api and /docs to a trustmap server on 127.0.0.1:3000.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // ECharts (bar, line, map, Sankey, SVG renderer) is one 676 kB chunk (226 kB gzip), loaded with the first chart
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
