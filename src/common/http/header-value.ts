/**
 * The first entry of a header that proxies may list (`X-Forwarded-Proto: https, http`, a header
 * sent twice), trimmed and lowercased; undefined when absent or empty.
 */
export function firstHeaderValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim().toLowerCase() || undefined;
}
