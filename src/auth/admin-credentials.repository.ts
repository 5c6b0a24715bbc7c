import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AdminCredential, AdminSession } from './admin-credential.entity';

@Injectable()
export class AdminCredentialsRepository {
  constructor(
    @InjectRepository(AdminCredential) private readonly credentials: Repository<AdminCredential>,
    @InjectRepository(AdminSession) private readonly sessions: Repository<AdminSession>,
  ) {}

  async findTokenHash(): Promise<Buffer | null> {
    const [row] = await this.credentials.find({ order: { createdAt: 'DESC' }, take: 1 });
    return row?.tokenHash ?? null;
  }

  /** Stores the hash unless one exists (two instances starting together keep the first). */
  async insertTokenHashIfAbsent(hash: Buffer): Promise<boolean> {
    return this.credentials.manager.transaction(async (em) => {
      await em.query(`LOCK TABLE admin_credentials IN EXCLUSIVE MODE`);
      if ((await em.count(AdminCredential)) > 0) return false;
      await em.insert(AdminCredential, { tokenHash: hash });
      return true;
    });
  }

  /** Replaces every stored token (and ends every console session). */
  async replaceTokenHash(hash: Buffer): Promise<void> {
    await this.credentials.manager.transaction(async (em) => {
      await em.query(`DELETE FROM admin_credentials`);
      await em.query(`DELETE FROM admin_sessions`);
      await em.insert(AdminCredential, { tokenHash: hash });
    });
  }

  async insertSession(idHash: Buffer, expiresAt: Date): Promise<void> {
    await this.sessions.insert({ idHash, expiresAt });
    await this.sessions.delete({ expiresAt: LessThan(new Date()) });
  }

  async findSessionExpiry(idHash: Buffer): Promise<Date | null> {
    const row = await this.sessions.findOne({ where: { idHash } });
    return row?.expiresAt ?? null;
  }

  async deleteSession(idHash: Buffer): Promise<void> {
    await this.sessions.delete({ idHash });
  }
}
