import fs from 'node:fs';
import path from 'node:path';
import { composeSupergraph, SCHEMA_DIR } from './composition';
import { SUBGRAPH_BUILDERS } from './subgraphs';

/**
 * The gateway starts from the committed supergraph, not from the code, so a type changed in a
 * subgraph reaches clients only once `npm run compose` has rewritten schema/ and it is committed.
 */

const SCHEMA_FILES = [...Object.keys(SUBGRAPH_BUILDERS).map((name) => `${name}.graphql`), 'supergraph.graphql'];

function firstDifference(committed: string, composed: string): string {
  const a = committed.split('\n');
  const b = composed.split('\n');
  for (let line = 0; line < Math.max(a.length, b.length); line++) {
    if (a[line] !== b[line]) {
      return `first difference at line ${line + 1}:\n  committed: ${a[line] ?? '(end of file)'}\n  composed:  ${b[line] ?? '(end of file)'}`;
    }
  }
  return 'the files differ only in line endings';
}

let composed: Map<string, string>;
beforeAll(async () => {
  composed = await composeSupergraph();
});

describe('the committed schema matches the code', () => {
  it('composes every schema file the repository commits', () => {
    expect([...composed.keys()].sort()).toEqual([...SCHEMA_FILES].sort());
  });

  it.each(SCHEMA_FILES)('schema/%s is what `npm run compose` writes now', (file) => {
    const location = path.join(SCHEMA_DIR, file);
    if (!fs.existsSync(location)) {
      throw new Error(`schema/${file} is missing: run \`npm run compose\` and commit schema/.`);
    }
    const committed = fs.readFileSync(location, 'utf8');
    const fresh = composed.get(file)!;
    if (committed !== fresh) {
      throw new Error(
        `schema/${file} is out of date with the code: run \`npm run compose\` and commit schema/.\n` +
          firstDifference(committed, fresh),
      );
    }
  });
});
