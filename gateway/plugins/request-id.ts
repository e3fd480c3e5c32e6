import crypto from 'node:crypto';
import type { Request, Response } from 'express';

const SAFE = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request id that follows a request into every subgraph and every log line: the caller's
 * `x-request-id` when it is a plain token (so it cannot forge log fields), a new UUID otherwise.
 * It is echoed in the response, so a caller can quote it when reporting an error.
 */
export function useRequestId(req: Request, res: Response): string {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && SAFE.test(given) ? given : crypto.randomUUID();
  res.setHeader('x-request-id', requestId);
  return requestId;
}
