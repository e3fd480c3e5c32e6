import express, { type ErrorRequestHandler, type RequestHandler } from 'express';

/**
 * Reads a JSON body of at most `limitBytes`. A larger one is refused with 413 before it is
 * read in full, a malformed one with 400; both answer as GraphQL errors, never an HTML page.
 */
export function useBodyLimit(limitBytes: number): [RequestHandler, ErrorRequestHandler] {
  const refuse: ErrorRequestHandler = (error, _req, res, next) => {
    const type = (error as { type?: string }).type;
    if (type !== 'entity.too.large' && type !== 'entity.parse.failed' && type !== 'encoding.unsupported' && type !== 'charset.unsupported') return next(error);
    const tooLarge = type === 'entity.too.large';
    res.status(tooLarge ? 413 : 400).json({
      errors: [{ message: tooLarge ? `The request body is larger than ${limitBytes} bytes` : 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  };
  return [express.json({ limit: limitBytes }), refuse];
}
