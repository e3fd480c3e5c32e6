import { notFound } from './errors';

describe('an error a client can act on', () => {
  it('carries its contract code and its details', () => {
    expect(notFound('No reservation r-1', { id: 'r-1' }).extensions).toEqual({ code: 'NOT_FOUND', id: 'r-1' });
  });

  it('keeps its contract code when a detail is also named code', () => {
    expect(notFound('No location "nowhere"', { code: 'nowhere' }).extensions.code).toBe('NOT_FOUND');
  });
});
