import { createServer, type Server, type Socket } from 'node:net';

/** One backend message: its type byte, then its length (itself included) and body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');
const int16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** A one-row answer of text columns, as a simple query gets it. */
function rowAnswer(row: Record<string, string>): Buffer {
  const names = Object.keys(row);
  // each column: name, table oid, attribute number, type oid (25, text), type size, type modifier, text format
  const columns = names.map((name) => Buffer.concat([cstring(name), int32(0), int16(0), int32(25), int16(-1 & 0xffff), int32(-1), int16(0)]));
  const values = names.map((name) => {
    const value = Buffer.from(row[name], 'utf8');
    return Buffer.concat([int32(value.length), value]);
  });
  return Buffer.concat([
    message('T', Buffer.concat([int16(names.length), ...columns])),
    message('D', Buffer.concat([int16(names.length), ...values])),
    message('C', cstring('SELECT 1')),
    message('Z', Buffer.from('I')),
  ]);
}

/**
 * A server that speaks just enough of PostgreSQL's wire protocol to stand in for a PostgreSQL
 * of another version: it accepts any user without a password, says it is `serverVersion`, and
 * answers every simple query with one row of `server_version_num` (as `num`) and
 * `server_version` (as `text`), the two settings LLMHub reads first.
 */
export async function startFakePostgres(serverVersion: string): Promise<{ url: string; close(): Promise<void> }> {
  const [major, minor = '0'] = serverVersion.split('.');
  const versionNum = String(Number(major) * 10_000 + Number(minor));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        // the startup message (and an SSL request) have no type byte
        const offset = started ? 1 : 0;
        if (buffered.length < offset + 4) return;
        const length = buffered.readInt32BE(offset);
        if (buffered.length < offset + length) return;
        const type = started ? String.fromCharCode(buffered[0]) : '';
        const code = started ? 0 : buffered.readInt32BE(4);
        buffered = buffered.subarray(offset + length);
        if (!started && code === 80877103) {
          socket.write('N'); // no SSL
        } else if (!started) {
          started = true;
          socket.write(
            Buffer.concat([
              message('R', int32(0)),
              message('S', Buffer.concat([cstring('server_version'), cstring(serverVersion)])),
              message('K', Buffer.concat([int32(1), int32(1)])),
              message('Z', Buffer.from('I')),
            ]),
          );
        } else if (type === 'Q') {
          socket.write(rowAnswer({ num: versionNum, text: `${serverVersion} (fake)` }));
        } else if (type === 'X') {
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/llmhub`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
