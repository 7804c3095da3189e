import type { FastifyInstance } from "fastify";

type JsonParser = (
  request: unknown,
  body: Buffer,
  done: (error: Error | null, value?: unknown) => void,
) => void;

/**
 * The JSON body parser: Fastify's own (prototype poisoning refused), except that an empty body is
 * `{}`, as clients that send `Content-Type: application/json` without a body (a bare logout) expect
 * and as Express's parser did; Fastify alone refuses it.
 */
export function jsonBodyParser(fastify: FastifyInstance): JsonParser {
  const parse = fastify.getDefaultJsonParser("error", "error") as unknown as JsonParser;
  return (request, body, done) => (body.length === 0 ? done(null, {}) : parse(request, body, done));
}
