import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { static as serveStatic } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Paths the console never answers: the APIs, the API docs and the operational endpoints. */
const SERVER_PATHS = ['/api', '/v1', '/openai', '/docs', '/redoc', '/openapi.json', '/openapi.yaml', '/health', '/metrics'];

export function isServerPath(path: string): boolean {
  return SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** A browser navigation: GET/HEAD asking for HTML (fetch, SDKs and curl do not list text/html). */
export function isBrowserNavigation(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');
}

/**
 * The console (the built client/dist) outside the server's own paths: its files
 * as they are, and index.html for a browser navigation to any other path, so
 * client-side routes (/clients, /templates/…) work as deep links. Everything
 * else falls through to the router, where an unknown path gets the JSON 404.
 */
export function consoleFallback(distDir: string): RequestHandler {
  const files = serveStatic(distDir, { index: false, fallthrough: true });
  const indexHtml = join(distDir, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) return next();
    files(req, res, () => {
      if (!isBrowserNavigation(req) || !existsSync(indexHtml)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml, (err) => (err ? next(err) : undefined));
    });
  };
}
