import { MigrationInterface, QueryRunner } from 'typeorm';

interface SeedVariable {
  name: string;
  required: boolean;
  default: string | null;
  description: string;
}

interface SeedTemplate {
  name: string;
  templateType: string;
  description: string;
  systemPrompt: string;
  body: string;
  variables: SeedVariable[];
  params: Record<string, unknown>;
}

const SEEDS: SeedTemplate[] = [
  {
    name: 'marketing-copy',
    templateType: 'marketing',
    description: 'Short marketing copy for a product, in any language.',
    systemPrompt:
      'You are an experienced marketing copywriter. Write in {{ language }} only, in a {{ tone }} tone. Be concrete, avoid clichés and never ' +
      'invent facts about the product.',
    body:
      'Write marketing copy for {{ product }}, aimed at {{ audience }}.\n\nGive a headline (at most 10 words), a one-sentence subheadline and ' +
      'three short benefit bullet points.',
    variables: [
      { name: 'product', required: true, default: null, description: 'the product or service, with any facts worth mentioning' },
      { name: 'audience', required: true, default: null, description: 'who the copy is for' },
      { name: 'tone', required: false, default: 'friendly and confident', description: 'the voice of the copy' },
      { name: 'language', required: false, default: 'English', description: 'the language to write in, e.g. English, German, French' },
    ],
    params: { temperature: 0.8, max_tokens: 400 },
  },
  {
    name: 'email-reply',
    templateType: 'email',
    description: 'A reply to an incoming e-mail, in the same language as the e-mail unless told otherwise.',
    systemPrompt:
      'You write clear, courteous e-mail replies on behalf of {{ sender_name }}. Answer what was asked, keep it short, and do not promise ' +
      'anything the instructions do not allow.',
    body: 'Reply to the e-mail below.\n\nInstructions for the reply: {{ instructions }}\nTone: {{ tone }}\n\n--- e-mail ---\n{{ email }}\n--- end ---',
    variables: [
      { name: 'email', required: true, default: null, description: 'the e-mail being answered, with its sender' },
      { name: 'instructions', required: false, default: 'Answer helpfully.', description: 'what the reply should say or achieve' },
      { name: 'tone', required: false, default: 'professional and warm', description: 'the voice of the reply' },
      { name: 'sender_name', required: false, default: 'our team', description: 'who signs the reply' },
    ],
    params: { temperature: 0.4, max_tokens: 600 },
  },
  {
    name: 'summary',
    templateType: 'summary',
    description: 'A faithful summary of a text at a chosen length.',
    systemPrompt: 'You summarise texts faithfully: no opinions, no facts that are not in the text. Write in {{ language }}.',
    body: 'Summarise the text below in at most {{ max_words }} words, as {{ format }}.\n\n--- text ---\n{{ text }}\n--- end ---',
    variables: [
      { name: 'text', required: true, default: null, description: 'the text to summarise' },
      { name: 'max_words', required: false, default: '120', description: 'upper bound on the summary length' },
      { name: 'format', required: false, default: 'one paragraph', description: 'e.g. "one paragraph" or "bullet points"' },
      { name: 'language', required: false, default: 'the language of the text', description: 'the language of the summary' },
    ],
    params: { temperature: 0.2, max_tokens: 500 },
  },
];

/** A few useful system templates (owner none), version 1 labelled production (protected) and latest. */
export class SeedSystemTemplates1764417900000 implements MigrationInterface {
  name = 'SeedSystemTemplates1764417900000';

  async up(q: QueryRunner): Promise<void> {
    for (const seed of SEEDS) {
      const [row] = (await q.query(
        `INSERT INTO prompt_templates (name, owner_client_id, template_type, description, active_version)
         VALUES ($1, NULL, $2, $3, 1)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [seed.name, seed.templateType, seed.description],
      )) as { id: string }[];
      // an operator already made a system template of this name: leave it alone
      if (!row) continue;
      await q.query(
        `INSERT INTO prompt_versions (template_id, version, system_prompt, body, variables, provider, model, params, note)
         VALUES ($1, 1, $2, $3, $4::jsonb, NULL, NULL, $5::jsonb, 'seeded by LLMHub')`,
        [row.id, seed.systemPrompt, seed.body, JSON.stringify(seed.variables), JSON.stringify(seed.params)],
      );
      await q.query(
        `INSERT INTO prompt_labels (template_id, label, version, is_protected)
         VALUES ($1, 'production', 1, true), ($1, 'latest', 1, false)`,
        [row.id],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // only the seeded rows: versions and labels go with their template (ON DELETE CASCADE)
    await q.query(
      `DELETE FROM prompt_templates t
        WHERE t.owner_client_id IS NULL AND t.name = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM prompt_versions v WHERE v.template_id = t.id AND v.version = 1 AND v.note = 'seeded by LLMHub')`,
      [SEEDS.map((s) => s.name)],
    );
  }
}
