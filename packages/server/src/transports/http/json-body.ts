import type { FastifyInstance } from 'fastify';
import type { Limits } from '../../config.js';
import { requireJsonShape } from '../shared/json-guard.js';

/**
 * JSON bodies: Fastify's own parser, then the structural check every client JSON passes. The
 * check refuses prototype keys itself (with a clear `request.invalid`, as on the WebSocket), so
 * the parser's own poisoning check, which answers a bare "invalid JSON", is not needed twice.
 */
export function installJsonParser(app: FastifyInstance, limits: Limits): void {
  const parse = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      try {
        requireJsonShape(value, limits);
      } catch (refused) {
        return done(refused as Error, undefined);
      }
      done(null, value);
    });
  });
}
