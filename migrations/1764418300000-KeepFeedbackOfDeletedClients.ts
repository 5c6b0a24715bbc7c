import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client's feedback outlives the client, as its usage records do: deleting a
 * client deleted its feedback with it (ON DELETE CASCADE), which changed the
 * success rates of the templates it had called, system templates included.
 * The column keeps the id of the client that gave it, like the usage log's.
 */
export class KeepFeedbackOfDeletedClients1764418300000 implements MigrationInterface {
  name = 'KeepFeedbackOfDeletedClients1764418300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE generation_feedback DROP CONSTRAINT IF EXISTS generation_feedback_client_id_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM generation_feedback f WHERE NOT EXISTS (SELECT 1 FROM api_clients c WHERE c.id = f.client_id)`);
    await q.query(
      `ALTER TABLE generation_feedback ADD CONSTRAINT generation_feedback_client_id_fkey FOREIGN KEY (client_id) REFERENCES api_clients(id) ON DELETE CASCADE`,
    );
  }
}
