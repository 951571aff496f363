import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InputRejectedError } from '../errors/input-rejected.error';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-limits';
import { findNul, replaceLoneSurrogates } from './string-safety';

/**
 * Input limits every service applies before a handler sees a request: JSON bodies within the
 * size limit (Fastify's `bodyLimit`) and nesting depth, and no NUL characters in the query, the
 * path parameters or the parsed body (lone surrogates are replaced instead). Scopes that keep raw
 * bodies (the inboxes: signatures cover the bytes) check their own bodies.
 */
export function installInputLimits(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's own JSON parser (prototype-poisoning checks, empty-body error) behind the depth
  // limit; registered through Nest so that Nest does not add its default one at init.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', {}, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text)) {
      done(new InputRejectedError(400, `JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    parseJson(request as Parameters<typeof parseJson>[0], text, done);
  });
  // preHandler, not preValidation: multipart bodies are read by a preValidation hook a service
  // adds later (the api's request bodies), and they must be checked too.
  fastify.addHook('preHandler', async (request) => {
    const parts = { query: request.query, path: request.params, body: request.body };
    for (const [part, value] of Object.entries(parts)) {
      const field = findNul(value);
      if (field) {
        throw new InputRejectedError(
          400,
          part === 'path'
            ? 'the path must not contain NUL characters'
            : `${field} must not contain NUL characters`,
        );
      }
    }
    replaceLoneSurrogates(request.query);
    replaceLoneSurrogates(request.params);
    replaceLoneSurrogates(request.body);
  });
}
