/** One line of the summary: a figure beside the baseline it is judged against. */
export interface SummaryRow {
  benchmark: string;
  measured: string;
  baseline: string;
  /** measured / baseline, when both are rates. */
  ratio: number | null;
  target: string;
  /** null when the line has no target (shown for context only). */
  met: boolean | null;
}

export interface Benchmark {
  name: string;
  run(): Promise<SummaryRow[]>;
}

/** Length of each measured phase; BENCH_SECONDS shortens or lengthens every phase at once. */
export const PHASE_MS = Math.round(Number(process.env.BENCH_SECONDS || 5) * 1000);
/** Unmeasured run before each phase: JIT, statement caches, query plans. */
export const WARMUP_MS = Math.min(1000, PHASE_MS);
/** HTTP figures compared side by side are measured in this many alternating turns. */
export const ROUNDS = 5;

export const rate = (perSecond: number, unit = '/s') => `${Math.round(perSecond).toLocaleString('en-US')}${unit}`;
export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
export const percent = (ratio: number | null) => (ratio === null || !Number.isFinite(ratio) ? '—' : `${Math.round(ratio * 100)}%`);

export function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

export function line(text: string): void {
  process.stdout.write(`   ${text}\n`);
}

/** Prints rows as an aligned plain-text table. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  process.stdout.write(`${format(header)}\n${format(widths.map((width) => '-'.repeat(width)))}\n`);
  for (const row of rows) process.stdout.write(`${format(row)}\n`);
}

export function printSummary(rows: SummaryRow[]): void {
  heading('Summary');
  table(
    ['Benchmark', 'Measured', 'Baseline', 'Ratio', 'Target', 'Met'],
    rows.map((row) => [row.benchmark, row.measured, row.baseline, percent(row.ratio), row.target, row.met === null ? '—' : row.met ? 'yes' : 'NO']),
  );
}
