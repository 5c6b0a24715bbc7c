import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built from the repository root (`npx vite build --config client/vite.config.ts`),
// so every path is anchored to this folder rather than the working directory.
const clientDir = fileURLToPath(new URL('.', import.meta.url));
const backend = 'http://localhost:4000';

export default defineConfig({
  root: clientDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    // The dev server forwards API and docs traffic to a locally running LLMHub.
    proxy: {
      '/api': backend,
      '/v1': backend,
      '/health': backend,
      '/docs': backend,
      '/redoc': backend,
      '/openapi.json': backend,
    },
  },
});
