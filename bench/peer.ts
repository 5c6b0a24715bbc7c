/**
 * Another gateway beside LLMHub (BENCH_PEER_COMMAND): started once in front of the simulator, checked with one call,
 * then measured as one more side of the load, stream-load and stream scenarios, taking its turn with the bare proxy and LLMHub.
 */
import path from 'node:path';
import type { BenchConfig, PeerConfig } from './config';
import { log, SIM_KEY } from './environment';
import { chatTarget, type Target } from './load';
import { freePort, spawnShell, tail, type Child } from './processes';

export interface Peer {
  config: PeerConfig;
  child: Child;
  url: string;
  simUrl: string;
}

/** How long a peer may take to answer its first call (one installed on demand by npx takes a while). */
const READY_TIMEOUT_MS = 120_000;

/** Starts the peer, if one is set, and waits until a call naming `model` (unless it names its own) through it answers. */
export async function startPeer(config: BenchConfig, simUrl: string, model: string): Promise<Peer | undefined> {
  const peer = config.peer;
  if (!peer) return undefined;
  const port = await freePort();
  const command = fill(peer.command, { port: String(port), simulator: simUrl });
  const child = spawnShell(
    peer.name,
    command,
    { ...process.env, PEER_PORT: String(port), SIMULATOR_URL: simUrl },
    path.join(config.resultsDir, `peer-${peer.name}.log`),
  );
  const started: Peer = { config: peer, child, url: `http://127.0.0.1:${port}`, simUrl };
  await waitForAnswer(started, model);
  log(`${peer.name} on ${started.url} (process group ${child.pid}): ${command}`);
  return started;
}

/** The load scenario's call through the peer: the same body as every side's, with the peer's path, model and headers. */
export function peerTarget(peer: Peer, model: string, extraText = ''): Target {
  const base = chatTarget(peer.config.name, peer.url, SIM_KEY, peer.config.model ?? model, extraText);
  const headers = { ...base.headers };
  for (const [name, value] of Object.entries(peer.config.headers)) headers[name.toLowerCase()] = fill(value, { simulator: peer.simUrl });
  return { ...base, url: `${peer.url}${peer.config.path}`, headers };
}

/** Polls with the load scenario's call until the peer answers it with a chat completion; fails if it exits or never does. */
async function waitForAnswer(peer: Peer, model: string): Promise<void> {
  const target = peerTarget(peer, model);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (peer.child.proc.exitCode !== null) throw new Error(`${peer.config.name} exited (${peer.child.proc.exitCode}):\n${tail(peer.child.logFile)}`);
    try {
      const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body, signal: AbortSignal.timeout(5_000) });
      const text = await res.text();
      if (res.ok && isChatCompletion(text)) return;
      last = `${res.status}: ${text.slice(0, 300)}`;
      // a gateway that answers, but not with a completion, is set up wrong: no point waiting
      if (res.status !== 502 && res.status !== 503) break;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${peer.config.name} did not answer a chat completion at ${target.url} (last: ${last}):\n${tail(peer.child.logFile)}`);
}

function isChatCompletion(text: string): boolean {
  try {
    const body = JSON.parse(text) as { choices?: unknown };
    return Array.isArray(body.choices) && body.choices.length > 0;
  } catch {
    return false;
  }
}

/** `{name}` placeholders replaced by their values; other braces are left as they are. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
