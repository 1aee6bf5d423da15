import { type ErrorCode, ParleyError } from '@parley/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.malformed',
};

/** Every error leaves in the one documented shape `{code, message, details?}`. */
export function toParleyError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const e = err as FastifyError & { validation?: Array<{ instancePath?: string; message?: string }>; validationContext?: string };
  if (e.validation) {
    const first = e.validation[0];
    const where = `${e.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    return new ParleyError('request.invalid', `${where} ${first?.message ?? 'is invalid'}`, {
      errors: e.validation.map((v) => ({ path: `${e.validationContext ?? 'body'}${v.instancePath ?? ''}`, message: v.message })),
    });
  }
  const mapped = e.code && fastifyCodes[e.code];
  if (mapped) return new ParleyError(mapped);
  if (err instanceof SyntaxError) return new ParleyError('request.malformed');
  return new ParleyError('server.internal');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const parley = toParleyError(err);
    if (parley.status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(parley.status).send(parley.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new ParleyError('route.not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
}
