// Admin session calls for the minimal console. The full console replaces these
// with the generated SDK; until then this is the one place that
// talks to /api/admin/session.

/** The error envelope every LLMHub error response uses (docs/API.md). */
interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: unknown };
  request_id?: string;
}

export type SessionResult = { ok: true } | { ok: false; message: string };

const SESSION_URL = '/api/admin/session';

export function signIn(token: string): Promise<SessionResult> {
  return send('POST', JSON.stringify({ token }));
}

export function signOut(): Promise<SessionResult> {
  return send('DELETE');
}

async function send(method: 'POST' | 'DELETE', body?: string): Promise<SessionResult> {
  let response: Response;
  try {
    response = await fetch(SESSION_URL, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body,
    });
  } catch {
    return { ok: false, message: 'LLMHub could not be reached.' };
  }
  if (response.ok) return { ok: true };
  return { ok: false, message: await errorMessage(response) };
}

async function errorMessage(response: Response): Promise<string> {
  const fallback = `Request failed with status ${response.status}.`;
  try {
    const envelope = (await response.json()) as ErrorEnvelope;
    const message = envelope.error?.message;
    return typeof message === 'string' && message.length > 0 ? message : fallback;
  } catch {
    // Not JSON (for example a proxy error page).
    return fallback;
  }
}
