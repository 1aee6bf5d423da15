import multipart from '@fastify/multipart';
import { ErrorBody, ParleyError } from '@parley/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../../app-context.js';
import { FileTooLarge } from '../../../ports/files.js';
import { requireUser } from '../auth.js';
import type { TypedApp } from '../routes.js';

/** What may be uploaded: media and common documents, never HTML or scripts a browser would run. */
const ALLOWED =
  /^(image\/(png|jpeg|gif|webp|avif|heic)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|application\/(pdf|zip|octet-stream)|text\/plain)$/;

const UploadResult = Type.Object({
  fileId: Type.String(),
  url: Type.String({ description: 'Relative URL to put in image/file/voice/video payloads' }),
  contentType: Type.String(),
  size: Type.Integer(),
  name: Type.String(),
});

/** Multipart that cannot be parsed (cut short, no boundary) is the client's fault, not a 500. */
function malformed(err: unknown): Error {
  // The plugin's own limits carry their 4xx status; the error handler maps those.
  const status = (err as { statusCode?: number }).statusCode ?? 0;
  if (err instanceof ParleyError || (status > 400 && status < 500)) return err as Error;
  return new ParleyError('request.malformed', `The multipart body could not be read: ${(err as Error).message}`);
}

/** POST /v1/files (multipart field `file`) and GET /v1/files/:fileId, cached for good: files never change. */
export async function fileRoutes(app: TypedApp, ctx: AppContext): Promise<void> {
  await app.register(multipart, { limits: { files: 1, fileSize: ctx.config.limits.uploadMaxBytes + 1, fields: 0 } });
  app.post(
    '/v1/files',
    {
      onRequest: requireUser(ctx),
      schema: {
        tags: ['files'],
        security: [{ bearer: [] }],
        summary: 'Upload one file (multipart/form-data, field "file"); reference its url in a message payload',
        consumes: ['multipart/form-data'],
        response: { 200: UploadResult, '4xx': ErrorBody },
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new ParleyError('request.unsupported_media_type', 'Upload with multipart/form-data, field "file"');
      const part = await req.file().catch((err: unknown) => {
        throw malformed(err);
      });
      if (!part) throw new ParleyError('request.invalid', 'No file in the form');
      if (!ALLOWED.test(part.mimetype)) {
        part.file.resume();
        throw new ParleyError('file.type_not_allowed', `Files of type ${part.mimetype} are not accepted`);
      }
      try {
        const stored = await ctx.files.put(
          { contentType: part.mimetype, name: part.filename.slice(0, 255), ownerUid: req.uid, createdAt: Date.now() },
          part.file,
          ctx.config.limits.uploadMaxBytes,
        );
        return {
          fileId: stored.fileId,
          url: `/v1/files/${stored.fileId}`,
          contentType: stored.contentType,
          size: stored.size,
          name: stored.name,
        };
      } catch (err) {
        if (err instanceof FileTooLarge || part.file.truncated)
          throw new ParleyError('file.too_large', `Files are limited to ${ctx.config.limits.uploadMaxBytes} bytes`);
        // The upload stream itself failed: the body ended or broke mid-file, the client's doing.
        if (part.file.errored) throw malformed(part.file.errored);
        throw err;
      }
    },
  );
  app.get(
    '/v1/files/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'Download a file (its id is the capability; cacheable forever)',
        params: Type.Object({ fileId: Type.String({ maxLength: 64 }) }),
      },
    },
    async (req, reply) => {
      const found = await ctx.files.get(req.params.fileId);
      if (!found) throw new ParleyError('file.not_found');
      if (req.headers['if-none-match'] === `"${found.meta.fileId}"`) return reply.status(304).send();
      return reply
        .header('content-type', found.meta.contentType)
        .header('content-length', found.meta.size)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', `"${found.meta.fileId}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(found.meta.name)}`)
        .send(found.body);
    },
  );
}
