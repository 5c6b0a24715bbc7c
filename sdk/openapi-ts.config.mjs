// Generates the TypeScript SDK (sdk/src/generated) from the committed sdk/openapi.json.
// Run through `npm run openapi`, which first rewrites the document from the code.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: './sdk/openapi.json',
  output: { path: './sdk/src/generated', postProcess: [] },
  // no default base URL: the document's server is "/" (the serving instance); configureLlmHub sets it
  plugins: [{ name: '@hey-api/client-fetch', baseUrl: false }, '@hey-api/typescript', '@hey-api/sdk'],
});
