import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { loadConfig, type Config } from '../../shared/config';

/**
 * A fresh configuration per test system: its own temporary DATA_DIR and, when TEST_MYSQL_URL
 * is set, its own MySQL database prefix, so suites never see each other's rows.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stock-test-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO: '0',
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: 'test-admin-key',
    RESERVATION_SWEEP_MS: '50',
    ...overrides,
  };
  if (process.env.TEST_MYSQL_URL && overrides.DATABASE_URL === undefined) {
    const url = new URL(process.env.TEST_MYSQL_URL);
    url.pathname = `/t${crypto.randomBytes(4).toString('hex')}`;
    env.DATABASE_URL = url.toString();
  }
  return loadConfig(env);
}

export const usesMysql = () => Boolean(process.env.TEST_MYSQL_URL);

/** Drops the MySQL databases a test configuration created (SQLite files go with the temp dir). */
export async function dropTestDatabases(config: Config): Promise<void> {
  fs.rmSync(config.dataDir, { recursive: true, force: true });
  if (!config.databaseUrl) return;
  const mysql = await import('mysql2/promise');
  const url = new URL(config.databaseUrl);
  const prefix = url.pathname.slice(1);
  url.pathname = '/';
  const connection = await mysql.createConnection({ uri: url.toString() });
  try {
    const [rows] = await connection.query('SHOW DATABASES');
    for (const row of rows as { Database: string }[]) {
      if (row.Database.startsWith(`${prefix}_`)) await connection.query(`DROP DATABASE \`${row.Database}\``);
    }
  } finally {
    await connection.end();
  }
}
