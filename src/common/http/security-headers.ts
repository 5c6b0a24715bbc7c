import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Helmet's headers with a Content-Security-Policy that fits exactly what this server serves:
 * the console (own scripts and styles), Swagger UI at /docs (its own files, inline styles on
 * elements, data: icons) and ReDoc at /redoc (styled-components' inline <style>, a blob: worker
 * for search, data: images). Nothing from another origin. HSTS is sent; browsers only heed it over TLS.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
      },
    },
  });
}

/**
 * The headers securityHeaders() sets, captured once: helmet's are the same for
 * every request, so the gateway's own request handler sets them from this list.
 */
export function capturedSecurityHeaders(): ReadonlyArray<readonly [string, string]> {
  const headers: Array<[string, string]> = [];
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let ran = false;
  securityHeaders()({ headers: {}, method: 'POST', url: '/' } as Parameters<RequestHandler>[0], res as unknown as Parameters<RequestHandler>[1], () => {
    ran = true;
  });
  if (!ran) throw new Error('helmet did not finish synchronously; its headers cannot be captured');
  return headers;
}
