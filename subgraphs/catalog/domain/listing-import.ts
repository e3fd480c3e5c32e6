import { parse } from 'csv-parse/sync';

/** One row of a listing import, as a seller's spreadsheet gives it. */
export interface ImportRow {
  line: number;
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: string | number | null | undefined;
}

export interface ValidListing {
  line: number;
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
}

export interface RowProblem {
  line: number;
  reason: string;
}

export interface ImportFacts {
  knownSkus: ReadonlySet<string>;
  knownChannels: ReadonlySet<string>;
  /** `channel|externalId` → the SKU it maps to today. */
  existing: ReadonlyMap<string, string>;
}

const HEADER_ALIASES: Record<string, keyof Omit<ImportRow, 'line'>> = {
  channel: 'channel',
  externalid: 'externalId',
  external_id: 'externalId',
  listing: 'externalId',
  sku: 'sku',
  unitsperlisting: 'unitsPerListing',
  units_per_listing: 'unitsPerListing',
  units: 'unitsPerListing',
};

/**
 * Reads listing rows from CSV text with a header line (channel, externalId, sku and optionally
 * unitsPerListing; snake_case headers work too). Line numbers are the file's, header = line 1.
 */
export function parseListingCsv(text: string): { rows: ImportRow[]; problems: RowProblem[] } {
  const records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  if (records.length === 0) return { rows: [], problems: [{ line: 1, reason: 'the file is empty' }] };
  const header = records[0].record.map((name) => HEADER_ALIASES[name.toLowerCase().replace(/\s+/g, '')]);
  const missing = (['channel', 'externalId', 'sku'] as const).filter((column) => !header.includes(column));
  if (missing.length) return { rows: [], problems: [{ line: 1, reason: `the header lacks ${missing.join(', ')}` }] };
  const rows = records.slice(1).map(({ record, info }) => {
    const row: Record<string, string> = {};
    header.forEach((column, index) => { if (column) row[column] = record[index] ?? ''; });
    return { line: info.lines, channel: row.channel ?? '', externalId: row.externalId ?? '', sku: row.sku ?? '', unitsPerListing: row.unitsPerListing };
  });
  return { rows, problems: [] };
}

/**
 * Checks every row before anything is written: unknown SKU or channel, a reference given twice
 * in the file or already mapped to another SKU, a number that is not a whole number ≥ 1.
 */
export function validateListings(rows: readonly ImportRow[], facts: ImportFacts): { valid: ValidListing[]; problems: RowProblem[] } {
  const valid: ValidListing[] = [];
  const problems: RowProblem[] = [];
  const firstSeen = new Map<string, number>();
  for (const row of rows) {
    const reasons: string[] = [];
    const units = row.unitsPerListing === undefined || row.unitsPerListing === null || row.unitsPerListing === '' ? 1 : Number(row.unitsPerListing);
    if (!row.channel) reasons.push('channel is empty');
    else if (!facts.knownChannels.has(row.channel)) reasons.push(`unknown channel "${row.channel}"`);
    if (!row.externalId) reasons.push('externalId is empty');
    else if (row.externalId.length > 200) reasons.push('externalId is longer than 200 characters');
    if (!row.sku) reasons.push('sku is empty');
    else if (!facts.knownSkus.has(row.sku)) reasons.push(`unknown SKU "${row.sku}"`);
    if (!Number.isInteger(units) || units < 1) reasons.push(`unitsPerListing must be a whole number of at least 1, got "${row.unitsPerListing}"`);
    const key = `${row.channel}|${row.externalId}`;
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) reasons.push(`duplicate reference ${row.externalId} on ${row.channel}, first given on line ${earlier}`);
    else firstSeen.set(key, row.line);
    const mapped = facts.existing.get(key);
    if (mapped !== undefined && row.sku && mapped !== row.sku) reasons.push(`${row.externalId} on ${row.channel} already maps to SKU ${mapped}`);
    if (reasons.length) problems.push({ line: row.line, reason: reasons.join('; ') });
    else valid.push({ line: row.line, channel: row.channel, externalId: row.externalId, sku: row.sku, unitsPerListing: units });
  }
  return { valid, problems };
}
