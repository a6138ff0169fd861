import type { FastifyRequest } from "fastify";

/** What the staff-access log keeps about the request a view came with. */
export interface AccessContext {
  requestId?: string;
  ip?: string;
}

/** The request's own, for the log. */
export function accessContext(request: FastifyRequest): AccessContext {
  return { requestId: request.id, ip: request.ip };
}
