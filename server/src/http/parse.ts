import type { z } from 'zod';
import { validationError } from '../errors.js';

/** Parses untrusted input with a protocol schema; a failure becomes VALIDATION_FAILED. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationError(result.error);
  return result.data;
}
