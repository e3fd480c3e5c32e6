import { execute, parse } from 'graphql';
import { startWithWarehouses, type InventoryUnderTest } from './inventory-under-test';

// Other subgraphs name locations by code (a routing decision's location, say); inventory answers
// their details. A code it does not know gets NOT_FOUND, not invented details.

let inventory: InventoryUnderTest;
beforeAll(async () => {
  inventory = await startWithWarehouses({ web: ['east'] });
});
afterAll(() => inventory.close());

const ADMIN = { keyId: 'test', name: 'test', scopes: ['admin'], channels: null };

async function locations(codes: string[]) {
  const representations = codes.map((code) => ({ __typename: 'Location', code }));
  return execute({
    schema: inventory.runtime.schema,
    document: parse('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { code name kind country } } }'),
    variableValues: { r: representations },
    contextValue: inventory.runtime.createContext(ADMIN, 'location-reference'),
  });
}

describe('a location named by another subgraph', () => {
  it('resolves to the details inventory holds', async () => {
    const result = await locations(['east']);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([{ code: 'east', name: 'East', kind: 'WAREHOUSE', country: 'US' }]);
  });

  it('is NOT_FOUND when inventory does not know its code, and the known ones still resolve', async () => {
    const result = await locations(['nowhere', 'west']);
    expect(result.data?._entities).toEqual([null, { code: 'west', name: 'West', kind: 'WAREHOUSE', country: 'US' }]);
    expect(result.errors?.map((error) => [error.path, error.extensions.code])).toContainEqual([['_entities', 0, 'name'], 'NOT_FOUND']);
  });
});
