import { type ErrorCode, ParleyError } from '@parley/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toParleyError } from '../shared/errors.js';

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.malformed',
  FST_ERR_BAD_URL: 'request.malformed',
  FST_ERR_MAX_PARAM_LENGTH: 'request.url_too_long',
};

/** Fastify's own messages for these name the URL and Fastify; ours say what to fix. */
const messages: Partial<Record<string, string>> = {
  FST_ERR_BAD_URL: 'The URL is not valid percent-encoding',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than 100 characters',
};

/**
 * Errors other plugins raise with a 4xx status (the static file handler's bad paths, say) are the
 * client's fault: they keep their status family in the catalogue's words instead of becoming 500s.
 */
function byStatus(status: number | undefined): ErrorCode | undefined {
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 404 || status === 403) return 'route.not_found';
  if (status === 413) return 'request.too_large';
  if (status === 414) return 'request.url_too_long';
  if (status === 415) return 'request.unsupported_media_type';
  return 'request.malformed';
}

/** Every error leaves in the one documented shape `{code, message, details?}`: Fastify's own mapped first. */
export function httpError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const e = err as FastifyError & {
    status?: number;
    validation?: Array<{ instancePath?: string; message?: string }>;
    validationContext?: string;
  };
  if (e.validation) {
    const first = e.validation[0];
    const where = `${e.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    return new ParleyError('request.invalid', `${where} ${first?.message ?? 'is invalid'}`, {
      errors: e.validation.map((v) => ({ path: `${e.validationContext ?? 'body'}${v.instancePath ?? ''}`, message: v.message })),
    });
  }
  const mapped = e.code && Object.hasOwn(fastifyCodes, e.code) ? fastifyCodes[e.code] : undefined;
  if (mapped) return new ParleyError(mapped, e.code ? messages[e.code] : undefined);
  const fromStatus = byStatus(e.statusCode ?? e.status);
  if (fromStatus) return new ParleyError(fromStatus);
  return toParleyError(err);
}

/** Answers any error in the one documented shape; 5xx are logged, as they are bugs. */
export function replyWithError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const parley = httpError(err);
  if (parley.status >= 500) request.log.error({ err }, 'request failed');
  void reply.status(parley.status).send(parley.toBody());
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(replyWithError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new ParleyError('route.not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
}
