import { connect, createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a new TCP connection to the port on 127.0.0.1 is refused (nothing listens on it). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** What each program prints when the port it was told to listen on is taken: its own words, nothing vaguer. */
export const PORT_TAKEN = {
  /** LLMHub (main.js) on its HTTP port, PORT */
  llmhub: 'the port is already in use',
  /** LLMHub (main.js, cli.js, seed:usage) checking EMBEDDED_DB_PORT before it starts the embedded PostgreSQL */
  embeddedDbPortCheck: '(EMBEDDED_DB_PORT) is already in use',
  /** the PostgreSQL server itself (the embedded database) */
  postgres: 'could not bind IPv4 address "127.0.0.1": Address already in use',
  /** redis-server */
  redis: 'Address already in use',
} as const;

/**
 * Runs `attempt`, which picks its ports with freePort; when `portTaken` says it failed only because a port free a
 * moment before was taken before its child bound it (other programs on the machine open ports all the time), runs it
 * again, on fresh ports, up to 3 times in all. The last outcome is returned as it is, for the test to judge.
 */
export async function retryOnTakenPort<T>(attempt: () => Promise<T>, portTaken: (outcome: T) => boolean): Promise<T> {
  for (let tries = 1; ; tries++) {
    const outcome = await attempt();
    if (tries === 3 || !portTaken(outcome)) return outcome;
  }
}

/** Whether an LLMHub program says EMBEDDED_DB_PORT was taken: by its check before the start, or under PostgreSQL as it started. */
export function embeddedDbPortTaken(output: string): boolean {
  return output.includes(PORT_TAKEN.embeddedDbPortCheck) || output.includes(PORT_TAKEN.postgres);
}
