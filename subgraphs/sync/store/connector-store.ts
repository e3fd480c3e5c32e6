import type { Database } from '../../../shared/database';
import type { ConnectorSettings, Credentials } from '../domain/connector-settings';

type StoredSettings = Omit<ConnectorSettings, 'channel' | 'kind' | 'baseUrl' | 'enabled' | 'credentials'>;

function toSettings(row: Record<string, any>): ConnectorSettings {
  const stored = JSON.parse(row.settings) as StoredSettings;
  return { ...stored, channel: row.channel_code, kind: row.kind, baseUrl: row.base_url, enabled: Boolean(Number(row.enabled)), credentials: JSON.parse(row.credentials) };
}

export interface ReconcileRequest {
  channel: string;
  requestedAt: string;
  correct: boolean;
}

/** Each channel's connector: which API, where, with which credentials and limits. */
export class ConnectorStore {
  constructor(private readonly db: Database) {}

  async all(): Promise<ConnectorSettings[]> {
    return (await this.db.query('SELECT * FROM connector ORDER BY channel_code')).map(toSettings);
  }

  async get(channel: string): Promise<ConnectorSettings | null> {
    const [row] = await this.db.query('SELECT * FROM connector WHERE channel_code = ?', [channel]);
    return row ? toSettings(row) : null;
  }

  /** The stored credentials of a channel, so a reconfiguration that leaves a secret out keeps it. */
  async credentials(channel: string): Promise<Credentials> {
    return (await this.get(channel))?.credentials ?? {};
  }

  async save(settings: ConnectorSettings): Promise<void> {
    const { channel, kind, baseUrl, enabled, credentials, ...rest } = settings;
    const now = new Date().toISOString();
    await this.db.transaction(async (em) => {
      const values = [kind, baseUrl, JSON.stringify(credentials), JSON.stringify(rest), enabled ? 1 : 0, now, channel];
      const exists = await em.query('SELECT channel_code FROM connector WHERE channel_code = ?', [channel]);
      if (exists.length) await em.query('UPDATE connector SET kind = ?, base_url = ?, credentials = ?, settings = ?, enabled = ?, updated_at = ? WHERE channel_code = ?', values);
      else await em.query('INSERT INTO connector (kind, base_url, credentials, settings, enabled, updated_at, channel_code) VALUES (?, ?, ?, ?, ?, ?, ?)', values);
    });
  }

  /** Asks whichever process pushes to the channel to compare it with stockgraph now. */
  async requestReconcile(channel: string, correct: boolean): Promise<string> {
    const at = new Date().toISOString();
    await this.db.transaction((em) => em.query('UPDATE connector SET reconcile_requested_at = ?, reconcile_correct = ? WHERE channel_code = ?', [at, correct ? 1 : 0, channel]));
    return at;
  }

  /** A reconciliation asked for and not yet run since. */
  async pendingReconcile(channel: string): Promise<ReconcileRequest | null> {
    const [row] = await this.db.query(
      'SELECT reconcile_requested_at, reconcile_correct FROM connector WHERE channel_code = ? AND reconcile_requested_at IS NOT NULL AND (reconciled_at IS NULL OR reconciled_at < reconcile_requested_at)',
      [channel],
    );
    return row ? { channel, requestedAt: row.reconcile_requested_at, correct: Boolean(Number(row.reconcile_correct)) } : null;
  }

  /** When the last reconciliation of the channel began, and what it found. */
  async lastReconcile<Report>(channel: string): Promise<{ at: string; report: Report } | null> {
    const [row] = await this.db.query('SELECT reconciled_at, reconcile_report FROM connector WHERE channel_code = ?', [channel]);
    return row?.reconciled_at ? { at: row.reconciled_at, report: JSON.parse(row.reconcile_report ?? 'null') } : null;
  }

  async markReconciled(channel: string, at: string, report: unknown): Promise<void> {
    await this.db.transaction((em) => em.query('UPDATE connector SET reconciled_at = ?, reconcile_report = ? WHERE channel_code = ?', [at, JSON.stringify(report), channel]));
  }
}
