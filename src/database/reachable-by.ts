import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface OsIdentity {
  uid: number;
  gid: number;
}

/** What stops `user` from reaching `target`: the first folder on the way it may not pass, or undefined. */
export async function firstBarrier(target: string, user: OsIdentity): Promise<{ folder: string; mode: string } | undefined> {
  const absolute = path.resolve(target);
  const folders: string[] = [];
  for (let dir = path.dirname(absolute); ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const folder of folders) {
    const info = await stat(folder).catch(() => undefined);
    if (!info) continue; // not created yet: LLMHub creates it, passable
    if (!mayTraverse(info, user)) return { folder, mode: (info.mode & 0o777).toString(8).padStart(4, '0') };
  }
  return undefined;
}

/**
 * The kernel's check for a process of `user` with no supplementary groups,
 * which is how Node spawns a child with another uid.
 */
function mayTraverse(info: { uid: number; gid: number; mode: number }, user: OsIdentity): boolean {
  if (info.uid === user.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}
