import { UnsupportedMediaTypeException } from "@nestjs/common";
import type { FastifyInstance } from "fastify";

/**
 * Refuses request bodies sent with a content coding (`Content-Encoding: gzip`, …): Sigil reads
 * bodies as they arrive, so a compressed one would otherwise fail as malformed JSON (400) or, as a
 * form, be read as garbage. RFC 9110 §8.4.1: a coding the server does not accept is a 415.
 */
export function refuseEncodedBodies(fastify: FastifyInstance): void {
  fastify.addHook("preParsing", (request, _reply, payload, done) => {
    const coding = request.headers["content-encoding"];
    if (coding === undefined || coding.trim().toLowerCase() === "identity") return done(null, payload);
    done(new UnsupportedMediaTypeException("request bodies are accepted without a Content-Encoding"));
  });
}
