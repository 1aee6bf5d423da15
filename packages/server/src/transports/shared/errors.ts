import { ParleyError } from '@parley/protocol';

/**
 * Any error a handler throws, as the catalogue's error: domain errors pass unchanged, broken JSON is
 * the client's, anything else is a bug (`server.internal`, logged by the transport). Each transport
 * adds its framework's own errors in front of this (HTTP: transports/http/errors.ts).
 */
export function toParleyError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  if (err instanceof SyntaxError) return new ParleyError('request.malformed');
  return new ParleyError('server.internal');
}
