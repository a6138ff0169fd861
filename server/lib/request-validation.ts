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

/** Like fastify-type-provider-zod's compiler, but keeps each issue's input so zod's locales can word the message. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    return result.success ? { value: result.data } : { error: new RequestValidationError(result.error.issues) };
  };
