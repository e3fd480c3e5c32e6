import type { ExecutionResult } from 'graphql';
import { SharedStreams, type StreamSource } from './subscription-sharing';

/** One upstream event, then a stream that stays open, resolved by `toPayload`. */
function source(toPayload: StreamSource['toPayload']): StreamSource {
  async function* events(): AsyncGenerator<ExecutionResult> {
    yield { data: { availabilityChanged: { __gw_key: '1' } } };
    await new Promise(() => undefined);
  }
  return { events: events(), toPayload, conflationKey: () => null };
}

async function firstEvent(toPayload: StreamSource['toPayload']): Promise<ExecutionResult> {
  const joined = await new SharedStreams(10).join('key', async () => source(toPayload));
  if (!(Symbol.asyncIterator in joined)) throw new Error('expected a stream');
  const { value } = await joined.next();
  await joined.return?.();
  return value;
}

describe('a shared stream', () => {
  it('delivers an event whose resolution reported errors with errors graphql-ws can serialise', async () => {
    // What the gateway's own query answers: plain formatted errors, not GraphQLError instances.
    const event = await firstEvent(async () => ({ data: { availabilityChanged: null }, errors: [{ message: 'Catalog is unavailable', path: ['availabilityChanged', 'sku'], extensions: { code: 'STALE' } }] } as unknown as ExecutionResult));
    expect(event.data).toEqual({ availabilityChanged: null });
    expect(event.errors!.map((error) => error.toJSON())).toEqual([{ message: 'Catalog is unavailable', path: ['availabilityChanged', 'sku'], extensions: { code: 'STALE' } }]);
  });

  it('delivers an event that could not be resolved as a generic error, without the internal message', async () => {
    const event = await firstEvent(async () => { throw new Error('SQLITE_BUSY: database is locked'); });
    expect(event.errors!.map((error) => error.toJSON())).toEqual([{ message: 'This event could not be resolved', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });
});
