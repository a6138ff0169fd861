import type { FastifySchemaCompiler } from "fastify";
import type { z } from "zod";

/** Carries zod's issues (with their input, which is never sent or logged) to the error handler for localizing. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  validationContext?: string;
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super("Request validation failed");
  }
}

/**
 * Like fastify-type-provider-zod's compiler, but keeps each issue's input so zod's locales can word the message,
 * and refuses text no database can store before the schema sees it.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const unstorable = unstorableTextIssues(data);
    if (unstorable.length > 0) return { error: new RequestValidationError(unstorable) };
    const result = schema.safeParse(data, { reportInput: true });
    return result.success ? { value: result.data } : { error: new RequestValidationError(result.error.issues) };
  };

/** NUL, which PostgreSQL cannot keep in text, and half of a surrogate pair, which is no text at all. */
// eslint-disable-next-line no-control-regex -- NUL is the very character refused.
const unstorableCharacter = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where a request's strings (or the names of its fields) hold characters no database stores; one issue each. */
export function unstorableTextIssues(value: unknown, path: PropertyKey[] = []): z.core.$ZodIssue[] {
  if (typeof value === "string")
    return unstorableCharacter.test(value) ? [{ code: "custom", path, message: "validation.unstorableText", input: value }] : [];
  if (typeof value !== "object" || value === null) return [];
  // Nesting is bounded by the JSON body parser (JSON_MAX_DEPTH) and by the query-string parser.
  return Object.entries(value).flatMap(([key, item]) =>
    unstorableCharacter.test(key)
      ? [{ code: "custom" as const, path: [...path, key], message: "validation.unstorableText", input: key }]
      : unstorableTextIssues(item, [...path, key]),
  );
}
