import type { z } from 'zod';
import { hasRecordsKey, type RecordsT } from './records-i18n.ts';

/** Field errors keyed by the form field (the body's path, `father.fullName`), in words. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * Checks a request body with the server's own schema (`@dinhdanh/registry/schemas`) and says
 * what is wrong per field in the reader's language: the schema's messages are for developers.
 * A field with a message of its own (`validation.fields.<path>`) gets it; others a general one.
 */
export function checkBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  rt: RecordsT,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.filter((part) => typeof part === 'string').join('.');
    if (errors[path]) continue;
    const key = `validation.fields.${path}`;
    errors[path] =
      issue.code === 'invalid_type' && issue.input === undefined
        ? rt('validation.required')
        : hasRecordsKey(key)
          ? rt(key)
          : rt('validation.invalid');
  }
  return { ok: false, errors };
}

/** Moves focus to the first field with an error (fields carry `data-field="<path>"`). */
export function focusFirstError(errors: FieldErrors): void {
  const first = Object.keys(errors)[0];
  if (first === undefined) return;
  document.querySelector<HTMLElement>(`[data-field="${CSS.escape(first)}"]`)?.focus();
}
