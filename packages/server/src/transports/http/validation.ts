import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(coerceTypes: boolean): Ajv {
  // Bodies are strict: a wrong type or an unknown field is an error, never silently fixed or dropped.
  const ajv = new Ajv({ coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * Query strings and path params arrive as text, so only they are coerced ("20" -> 20);
 * JSON bodies must carry the right types.
 */
export function schemaCompiler(): FastifySchemaCompiler<unknown> {
  const strict = createAjv(false);
  const coercing = createAjv(true);
  const cache = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const key = schema as object;
    let validate = httpPart === 'body' ? cache.get(key) : undefined;
    if (!validate) {
      validate = ajv.compile(schema as object);
      if (httpPart === 'body') cache.set(key, validate);
    }
    return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
