import { adminQuery, TEMPLATE_ENV } from './db';

export default async function globalTeardown(): Promise<void> {
  const templateUrl = process.env[TEMPLATE_ENV];
  if (templateUrl) {
    const name = new URL(templateUrl).pathname.slice(1);
    // clones made by crashed files are dropped too
    await adminQuery(
      templateUrl,
      `DO $$ DECLARE d text; BEGIN FOR d IN SELECT datname FROM pg_database WHERE datname LIKE '${name}%' LOOP EXECUTE format('DROP DATABASE %I WITH (FORCE)', d); END LOOP; END $$`,
    ).catch(() => undefined);
  }
  await globalThis.__LLMHUB_EMBEDDED__?.stop();
}
