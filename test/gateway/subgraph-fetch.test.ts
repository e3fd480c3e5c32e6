import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { subgraphFetch } from '../../gateway/data-sources';

describe('the gateway’s fetch to a subgraph', () => {
  let server: http.Server;
  let url: string;
  const sockets = new Set<unknown>();
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      sockets.add(request.socket);
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ data: { echo: JSON.parse(body).query } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the request as given and keeps one connection alive for the fetches that follow', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await subgraphFetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-stock-identity': `caller-${i}` }, body: JSON.stringify({ query: `{ n${i} }` }),
      });
      expect(await response.json()).toEqual({ data: { echo: `{ n${i} }` } });
    }
    expect(received.map((request) => request.headers['x-stock-identity'])).toEqual(Array.from({ length: 20 }, (_, i) => `caller-${i}`));
    expect(sockets.size).toBe(1);
  });
});
