import { parseListingCsv, validateListings } from './listing-import';

const facts = {
  knownSkus: new Set(['A', 'B']),
  knownChannels: new Set(['amazon', 'web']),
  existing: new Map([['amazon|ASIN-1', 'A']]),
};

describe('listing import', () => {
  it('reads a spreadsheet with its line numbers, defaulting units to 1', () => {
    const { rows } = parseListingCsv('channel,externalId,sku,unitsPerListing\namazon,ASIN-2,B,3\nweb,w-1,A,\n');
    expect(rows).toEqual([
      { line: 2, channel: 'amazon', externalId: 'ASIN-2', sku: 'B', unitsPerListing: '3' },
      { line: 3, channel: 'web', externalId: 'w-1', sku: 'A', unitsPerListing: '' },
    ]);
    expect(validateListings(rows, facts).valid.map((row) => row.unitsPerListing)).toEqual([3, 1]);
  });

  it('accepts snake_case headers', () => {
    expect(parseListingCsv('channel,external_id,sku,units_per_listing\nweb,x,A,2\n').rows[0]).toMatchObject({ externalId: 'x', unitsPerListing: '2' });
  });

  it('reports a header without the needed columns', () => {
    expect(parseListingCsv('channel,sku\nweb,A\n').problems).toEqual([{ line: 1, reason: 'the header lacks externalId' }]);
  });

  it('names every bad row by line with its reasons', () => {
    const { rows } = parseListingCsv([
      'channel,externalId,sku,unitsPerListing',
      'amazon,ok-1,A,1',
      'amazon,bad-1,ZZZ,1',
      'nowhere,bad-2,A,1',
      'amazon,bad-3,A,two',
      'amazon,ok-1,A,1',
      'amazon,ASIN-1,B,1',
    ].join('\n'));
    const { valid, problems } = validateListings(rows, facts);
    expect(valid.map((row) => row.line)).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, reason: 'unknown SKU "ZZZ"' },
      { line: 4, reason: 'unknown channel "nowhere"' },
      { line: 5, reason: 'unitsPerListing must be a whole number of at least 1, got "two"' },
      { line: 6, reason: 'duplicate reference ok-1 on amazon, first given on line 2' },
      { line: 7, reason: 'ASIN-1 on amazon already maps to SKU A' },
    ]);
  });
});
