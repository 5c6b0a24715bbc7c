/** Summarizes a .cpuprofile by self time: top functions and top modules (file or npm package). */
import { readFileSync } from 'node:fs';
import { round } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  topFunctions: SelfTime[];
  topModules: SelfTime[];
}

function moduleOf(url: string): string {
  if (!url) return '(native/vm)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) return path;
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(dist + '/dist/'.length) : path;
}

function top(map: Map<string, number>, totalUs: number, n: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: round(us / 1000, 1), percent: round((100 * us) / totalUs, 1) }));
}

export function summarizeProfile(file: string, n = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // the delta that follows a sample is the time spent in it
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    totalUs += us;
    const mod = moduleOf(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${mod}:${frame.lineNumber + 1}` : ''}`.trim();
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    mods.set(mod, (mods.get(mod) ?? 0) + us);
  });
  return { totalMs: round(totalUs / 1000, 1), topFunctions: top(fns, totalUs, n), topModules: top(mods, totalUs, n) };
}
