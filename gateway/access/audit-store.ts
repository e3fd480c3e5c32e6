import { insertStatements, type Database } from '../../shared/database';
import { badInput } from '../../shared/errors';
import { GroupCommit } from '../../shared/group-commit';

/** One mutation as the audit log keeps it: who, what, when and how it ended; never its arguments. */
export interface AuditEntry {
  id: string;
  keyId: string;
  keyName: string;
  operationName: string | null;
  /** The mutation's root fields, e.g. `reserve`, `createApiKey`. */
  fields: string[];
  /** SHA-256 of the variables, canonically ordered: proves what was sent without keeping it. */
  variablesDigest: string;
  outcome: 'SUCCEEDED' | 'FAILED' | 'PARTIAL';
  errorCodes: string[];
  requestId: string;
  at: Date;
}

export interface AuditFilter {
  keyId?: string | null;
  since?: Date | null;
  first?: number | null;
}

const MAX_PAGE = 1000;

function toEntry(row: Record<string, any>): AuditEntry {
  return {
    id: String(row.id), keyId: row.key_id, keyName: row.key_name, operationName: row.operation_name,
    fields: row.fields ? row.fields.split(',') : [], variablesDigest: row.variables_digest, outcome: row.outcome,
    errorCodes: row.error_codes ? row.error_codes.split(',') : [], requestId: row.request_id, at: new Date(row.at),
  };
}

const COLUMNS = ['key_id', 'key_name', 'operation_name', 'fields', 'variables_digest', 'outcome', 'error_codes', 'request_id', 'at'];

export class AuditStore {
  /** Entries recorded while a write runs go together in the next one: one transaction for many mutations. */
  private readonly writes: GroupCommit<Omit<AuditEntry, 'id'>, undefined>;

  constructor(private readonly db: Database) {
    this.writes = new GroupCommit(async (entries) => {
      // On MySQL one request: the transaction's start, the rows and the COMMIT.
      await this.db.writeTogether(insertStatements('audit_log', COLUMNS, entries.map((entry) => [
        entry.keyId, entry.keyName.slice(0, 200), entry.operationName?.slice(0, 200) ?? null, entry.fields.join(',').slice(0, 1000),
        entry.variablesDigest, entry.outcome, entry.errorCodes.length ? entry.errorCodes.join(',').slice(0, 500) : null,
        entry.requestId.slice(0, 100), entry.at.toISOString(),
      ])));
      return entries.map(() => ({ ok: true as const, value: undefined }));
    }, { concurrency: 1, maxGroup: 500 });
  }

  /** Resolves once the entry is stored, in order with the entries recorded before it. */
  async record(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.writes.submit(entry);
  }

  /** Newest first. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const first = filter.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput(`first must be from 1 to ${MAX_PAGE}, got ${first}`, { field: 'first' });
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.keyId) { where.push('key_id = ?'); params.push(filter.keyId); }
    if (filter.since) { where.push('at >= ?'); params.push(filter.since.toISOString()); }
    const rows = await this.db.query(`SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${first}`, params);
    return rows.map(toEntry);
  }
}
