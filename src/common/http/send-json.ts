import type { ServerResponse } from 'node:http';

/**
 * Ends the response with `body` as JSON, as Express's res.json does (same
 * content type, a Content-Length), without needing Express's response object.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}
