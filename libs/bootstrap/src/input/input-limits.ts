import type { FastifyInstance } from 'fastify';
import { InputRejectedError } from '../errors/input-rejected.error';
import { parseLimitedJson } from './json-limits';
import { findNul, replaceLoneSurrogates } from './string-safety';

/**
 * Input limits every service applies before a handler sees a request: JSON bodies within the
 * size limit (Fastify's `bodyLimit`) and nesting depth, and no NUL characters in the query, the
 * path parameters or the parsed body (lone surrogates are replaced instead). Scopes that keep raw
 * bodies (the inboxes: signatures cover the bytes) check their own bodies.
 */
export function installInputLimits(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body: string, done) => {
      try {
        // Clients often declare JSON on bodiless POSTs (favourite, follow): nothing to parse.
        done(null, body.trim() === '' ? undefined : parseLimitedJson(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  fastify.addHook('preValidation', async (request) => {
    const parts = { query: request.query, path: request.params, body: request.body };
    for (const [part, value] of Object.entries(parts)) {
      const field = findNul(value);
      if (field) {
        throw new InputRejectedError(
          400,
          part === 'body' || part === 'query'
            ? `${field} must not contain NUL characters`
            : 'the path must not contain NUL characters',
        );
      }
    }
    replaceLoneSurrogates(request.query);
    replaceLoneSurrogates(request.params);
    replaceLoneSurrogates(request.body);
  });
}
