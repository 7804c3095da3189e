import { BadRequestException } from "@nestjs/common";
import type { FastifyInstance } from "fastify";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-depth.js";

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
  return (request, body, done) => {
    if (body.length === 0) return done(null, {});
    // The DTO transformation recurses once per level: thousands of levels overflowed the stack (500).
    if (jsonDepthExceeds(body)) {
      return done(new BadRequestException(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
    parse(request, body, done);
  };
}
