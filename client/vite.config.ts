import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built from the repository root (`vite build --config client/vite.config.ts`),
// so every path is anchored to this folder rather than the working directory.
const clientDir = fileURLToPath(new URL('.', import.meta.url));
const sdkDir = fileURLToPath(new URL('../sdk/src', import.meta.url));
// `npm run dev`: the API runs separately (`npm run start:dev`, port 4000 unless PORT says otherwise)
const backend = process.env.LLMHUB_API_URL ?? `http://localhost:${process.env.PORT ?? 4000}`;
const proxied = ['/api', '/v1', '/openai', '/health', '/metrics', '/docs', '/redoc', '/openapi.json'];

export default defineConfig({
  root: clientDir,
  base: '/',
  plugins: [react()],
  resolve: {
    // the SDK generated from LLMHub's own OpenAPI document (sdk/), the console's only way to the API
    alias: [{ find: /^@sdk(?=\/|$)/, replacement: sdkDir }],
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    // the dev server forwards API and docs traffic to a locally running LLMHub
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: false }])),
  },
});
