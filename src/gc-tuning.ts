import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by main.ts, before any of the server's code is compiled.
 *
 * V8 moves an allocation site's objects straight to the old generation once
 * most of them outlive a minor collection. On a gateway a few per-call sites
 * cross that line (during start-up or one busy moment) and stay there; their
 * objects then point at the rest of each call (request, response, headers,
 * body strings), which every minor collection must keep and promote until the
 * next full one. Measured at one connection: 1.4 MB promoted per minor
 * collection and 3–4 ms pauses with it, 0.2 MB and 1–1.5 ms without, at no
 * cost in CPU per call at 50 connections (docs/performance-history.md, sixth round).
 */
setFlagsFromString('--no-allocation-site-pretenuring');
