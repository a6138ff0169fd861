import type { FastifyRequest } from "fastify";
import type { AccessContext } from "../services/access-log.ts";

/** What the staff-access log keeps about the request a view came with. */
export function accessContext(request: FastifyRequest): AccessContext {
  return { requestId: request.id, ip: request.ip };
}
