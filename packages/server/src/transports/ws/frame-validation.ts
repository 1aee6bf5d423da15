import { ParleyError } from '@parley/protocol';
import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

const compiled = new WeakMap<TSchema, Validator>();

/** Validates with the same TypeBox schema REST uses; compiled once per schema. */
export function validate<T>(schema: TSchema, value: unknown, where: string): T {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema);
    compiled.set(schema, validator);
  }
  if (validator.Check(value)) return value as T;
  const errors = [...validator.Errors(value)].slice(0, 10).map((e) => ({ path: `${where}${e.instancePath}`, message: e.message }));
  const first = errors[0];
  throw new ParleyError('request.invalid', first ? `${first.path} ${first.message}` : `${where} is invalid`, { errors });
}
