import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBarrier } from '@src/database/reachable-by';

describe(firstBarrier.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'llmhub-reach-'));
  chmodSync(root, 0o755);
  const me = { uid: statSync(root).uid, gid: statSync(root).gid };
  const stranger = { uid: me.uid + 4242, gid: me.gid + 4242 };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function folders(mode: number): { privateDir: string; target: string } {
    const privateDir = mkdtempSync(join(root, 'p-'));
    mkdirSync(join(privateDir, 'app', 'data'), { recursive: true });
    chmodSync(privateDir, mode);
    return { privateDir, target: join(privateDir, 'app', 'data', 'postgres') };
  }

  it('names the private (0700) folder another user cannot pass', async () => {
    const { privateDir, target } = folders(0o700);
    await expect(firstBarrier(target, stranger)).resolves.toEqual({ folder: privateDir, mode: '0700' });
  });

  it('lets the owner through its own private folder', async () => {
    const { target } = folders(0o700);
    await expect(firstBarrier(target, me)).resolves.toBeUndefined();
  });

  it('lets anyone through a folder with execute for others, even unreadable', async () => {
    const { target } = folders(0o711);
    await expect(firstBarrier(target, stranger)).resolves.toBeUndefined();
  });

  it('uses the group bits for a member of the folder group', async () => {
    const { privateDir, target } = folders(0o750);
    await expect(firstBarrier(target, { uid: stranger.uid, gid: me.gid })).resolves.toBeUndefined();
    await expect(firstBarrier(target, stranger)).resolves.toEqual({ folder: privateDir, mode: '0750' });
  });

  it('skips folders that do not exist yet (LLMHub creates them passable)', async () => {
    const { privateDir } = folders(0o755);
    await expect(firstBarrier(join(privateDir, 'not', 'yet', 'there'), stranger)).resolves.toBeUndefined();
  });
});
