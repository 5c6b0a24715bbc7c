import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes';
import { dialectForPath, errorBody, type ErrorDialect } from '../errors/error-envelope';
import { timeOrderedUuid } from '../uuid';

interface ParseError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/** What a request Node's parser refused is told, by the parser's error code. */
function refusalOf(code: string | undefined): { code: ErrorCode; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'request_header_too_large',
        message: 'The request line and headers are larger than the server accepts (16 KB in all): send fewer or shorter headers',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { code: 'payload_too_large', message: 'A chunk of the request body carries more extension data than the server accepts' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request_timeout', message: 'The request did not arrive in time: send its headers and body without pausing' };
    default:
      return { code: 'bad_request', message: 'The request is not valid HTTP/1.1: its request line or headers could not be parsed' };
  }
}

/** The error shape of the route the request named, when its request line was read (`POST /v1/messages HTTP/1.1`). */
function dialectOf(raw: Buffer | undefined): ErrorDialect {
  const line = raw?.subarray(0, 2048).toString('latin1');
  const path = line && /^[A-Z]+ (\/\S*) HTTP\//.exec(line)?.[1];
  return path ? dialectForPath(path) : 'llmhub';
}

/**
 * A request Node's HTTP parser refuses (a malformed request line or header, headers past the size
 * limit, a request that stalls before its end) never reaches a route. Node answers it with a bare
 * status line and no body, which the SDKs report as "(no body)": this answers it in the documented
 * error shape instead (the route's, when its request line could be read), then closes the
 * connection, as Node does.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: ParseError, socket: Socket) => {
    // a response already under way on this connection cannot be followed by another
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const { code, message } = refusalOf(err.code);
      const status = ERROR_STATUS[code];
      const requestId = timeOrderedUuid();
      const json = JSON.stringify(errorBody(dialectOf(err.rawPacket), { code, message, details: [], status, requestId }));
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(json)}\r\n` +
          `x-request-id: ${requestId}\r\n` +
          'Connection: close\r\n\r\n' +
          json,
      );
    }
    // as Node's own answer: the socket is written to at once (a short write leaves before the close)
    socket.destroy();
  });
}
