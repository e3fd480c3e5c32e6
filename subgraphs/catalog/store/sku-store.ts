import type { Database } from '../../../shared/database';
import { placeholders } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { compositionProblems, type ComponentLine } from '../domain/composition';

export interface Sku {
  code: string;
  title: string;
  retired: boolean;
}

export interface SkuInput {
  code: string;
  title: string;
  components?: ComponentLine[] | null;
  retired?: boolean | null;
}

export function checkText(field: string, value: string, max: number): void {
  if (value.trim() === '' || value.length > max) throw badInput(`${field} must be 1 to ${max} characters`, { field });
}

const toSku = (row: { code: string; title: string; retired: number }): Sku => ({ code: row.code, title: row.title, retired: Boolean(Number(row.retired)) });

/** SKUs and their composition. Saving one publishes it, so inventory and orders keep their copies. */
export class SkuStore {
  constructor(private readonly db: Database, private readonly relay: Pick<OutboxRelay, 'flush'>) {}

  async skus(codes: readonly string[]): Promise<Sku[]> {
    if (codes.length === 0) return [];
    return (await this.db.query(`SELECT code, title, retired FROM sku WHERE code IN (${placeholders(codes)})`, [...codes])).map(toSku);
  }

  async components(codes: readonly string[]): Promise<Map<string, ComponentLine[]>> {
    const result = new Map<string, ComponentLine[]>(codes.map((code) => [code, []]));
    if (codes.length === 0) return result;
    const rows = await this.db.query(
      `SELECT sku_code, component_code, quantity FROM sku_component WHERE sku_code IN (${placeholders(codes)}) ORDER BY sku_code, component_code`,
      [...codes],
    );
    for (const row of rows) result.get(row.sku_code)?.push({ sku: row.component_code, quantity: Number(row.quantity) });
    return result;
  }

  /** Active SKUs without a listing on the channel: what a seller has not put on sale there yet. */
  async unlisted(channel: string, limit: number): Promise<Sku[]> {
    const rows = await this.db.query(
      `SELECT s.code, s.title, s.retired FROM sku s WHERE s.retired = 0
       AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.channel_code = ? AND l.sku_code = s.code) ORDER BY s.code LIMIT ${Math.floor(limit)}`,
      [channel],
    );
    return rows.map(toSku);
  }

  async upsert(input: SkuInput): Promise<Sku> {
    checkText('code', input.code, 100);
    checkText('title', input.title, 500);
    const components = input.components ?? [];
    await this.db.transaction(async (em) => {
      const referenced = components.map((line) => line.sku);
      const known = referenced.length ? await em.query(`SELECT code FROM sku WHERE code IN (${placeholders(referenced)})`, referenced) : [];
      const bundles = referenced.length
        ? await em.query(`SELECT DISTINCT sku_code FROM sku_component WHERE sku_code IN (${placeholders(referenced)})`, referenced)
        : [];
      const usedAs = await em.query('SELECT 1 AS used FROM sku_component WHERE component_code = ? LIMIT 1', [input.code]);
      const problems = compositionProblems(input.code, components, {
        known: new Set(known.map((row: { code: string }) => row.code)),
        bundles: new Set(bundles.map((row: { sku_code: string }) => row.sku_code)),
        usedAsComponent: usedAs.length > 0,
      });
      if (problems.length > 0) throw badInput(`Invalid SKU ${input.code}: ${problems.join('; ')}`, { problems });
      const now = new Date().toISOString();
      const retired = input.retired ? 1 : 0;
      const existing = await em.query('SELECT code FROM sku WHERE code = ?', [input.code]);
      if (existing.length) await em.query('UPDATE sku SET title = ?, retired = ?, updated_at = ? WHERE code = ?', [input.title, retired, now, input.code]);
      else await em.query('INSERT INTO sku (code, title, retired, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [input.code, input.title, retired, now, now]);
      await em.query('DELETE FROM sku_component WHERE sku_code = ?', [input.code]);
      for (const line of components) {
        await em.query('INSERT INTO sku_component (sku_code, component_code, quantity) VALUES (?, ?, ?)', [input.code, line.sku, line.quantity]);
      }
      await enqueue(em, TOPICS.skuUpserted, `sku:${input.code}`, { code: input.code, title: input.title, retired: Boolean(input.retired), components });
    });
    await this.relay.flush();
    return { code: input.code, title: input.title, retired: Boolean(input.retired) };
  }
}
