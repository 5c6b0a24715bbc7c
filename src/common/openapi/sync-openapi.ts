import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi-document';

/**
 * `npm run openapi`, step one: writes sdk/openapi.json from the code (no
 * database needed); the script's next step regenerates the SDK from it.
 */
async function main(): Promise<void> {
  const target = join(projectRoot(), 'sdk', 'openapi.json');
  writeFileSync(target, serializeOpenApiDocument(await buildOpenApiDocument()));
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
