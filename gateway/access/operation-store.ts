import crypto from 'node:crypto';
import { parse } from 'graphql';
import type { Database } from '../../shared/database';
import { insertIgnore, placeholders } from '../../shared/database';
import { badInput } from '../../shared/errors';

/** An operation an admin registered: keys held to registered operations may run only these. */
export interface RegisteredOperation {
  /** SHA-256 of the exact query text, hex: the hash automatic persisted queries send too. */
  id: string;
  name: string | null;
  query: string;
  createdAt: Date;
}

export const operationId = (query: string) => crypto.createHash('sha256').update(query).digest('hex');

const MAX_QUERY_LENGTH = 100_000;

export class OperationStore {
  /** Registration is permanent, so a hash once found needs no second look-up. */
  private readonly known = new Map<string, string>();

  constructor(private readonly db: Database) {}

  async register(operations: { name?: string | null; query: string }[]): Promise<RegisteredOperation[]> {
    if (operations.length === 0 || operations.length > 500) throw badInput('register 1 to 500 operations at a time', { field: 'operations' });
    for (const [index, operation] of operations.entries()) {
      if (operation.query.length === 0 || operation.query.length > MAX_QUERY_LENGTH) throw badInput(`operations[${index}].query must be 1 to ${MAX_QUERY_LENGTH} characters`, { field: 'query', index });
      if (operation.name && operation.name.length > 200) throw badInput(`operations[${index}].name is longer than 200 characters`, { field: 'name', index });
      try {
        parse(operation.query);
      } catch (error) {
        throw badInput(`operations[${index}].query is not GraphQL: ${(error as Error).message}`, { field: 'query', index });
      }
    }
    const now = new Date().toISOString();
    await this.db.transaction(async (em) => {
      for (const operation of operations) {
        await em.query(insertIgnore(this.db.dialect, 'registered_operation', ['id', 'name', 'query', 'created_at']), [operationId(operation.query), operation.name ?? null, operation.query, now]);
      }
    });
    return this.byIds(operations.map((operation) => operationId(operation.query)));
  }

  async list(): Promise<RegisteredOperation[]> {
    return (await this.db.query('SELECT * FROM registered_operation ORDER BY created_at, id')).map(toOperation);
  }

  /** The registered query text with this hash, or null. */
  async queryOf(id: string): Promise<string | null> {
    const known = this.known.get(id);
    if (known !== undefined) return known;
    const [row] = await this.db.query('SELECT query FROM registered_operation WHERE id = ?', [id]);
    if (row) this.known.set(id, row.query);
    return row?.query ?? null;
  }

  async isRegistered(id: string): Promise<boolean> {
    return (await this.queryOf(id)) !== null;
  }

  private async byIds(ids: string[]): Promise<RegisteredOperation[]> {
    const rows = await this.db.query(`SELECT * FROM registered_operation WHERE id IN (${placeholders(ids)})`, ids);
    const byId = new Map(rows.map((row: Record<string, any>) => [row.id, toOperation(row)]));
    return ids.map((id) => byId.get(id)!);
  }
}

function toOperation(row: Record<string, any>): RegisteredOperation {
  return { id: row.id, name: row.name, query: row.query, createdAt: new Date(row.created_at) };
}
