/**
 * Until the process can stop gracefully, SIGINT and SIGTERM end it at once
 * through process.exit, which runs the 'exit' hooks: an embedded PostgreSQL
 * being started is asked to stop rather than left running without its owner
 * (Node's default handling of these signals skips those hooks). Exits with
 * 128 + the signal's number, as the default would. Returns what removes the
 * handlers, for when graceful ones take over.
 */
export function exitOnSignalWhileStarting(what: string): () => void {
  const exit = (signal: NodeJS.Signals): void => {
    process.stderr.write(`${signal} while ${what}: stopped\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', exit);
  process.on('SIGTERM', exit);
  return () => {
    process.removeListener('SIGINT', exit);
    process.removeListener('SIGTERM', exit);
  };
}
