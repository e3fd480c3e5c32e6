import fs from 'node:fs';
import path from 'node:path';
import { variablesLoadConfigReads } from './config-variables';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The rows of the README's settings table, one per line that starts with `|`. */
const settingsRows = README.split('\n').filter((line) => line.startsWith('| `'));

describe('the README tells a new user every setting', () => {
  it.each([...variablesLoadConfigReads()].sort())('documents %s in the settings table', (name) => {
    if (!settingsRows.some((row) => row.split('|')[1].includes(`\`${name}\``))) {
      throw new Error(`${name} is read by shared/config.ts but missing from the settings table in README.md: add a row saying what it does and its default.`);
    }
  });
});
