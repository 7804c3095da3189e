import { applyDecorators, UnsupportedMediaTypeException } from "@nestjs/common";
import { RouteConfig } from "@nestjs/platform-fastify";
import { ApiConsumes } from "@nestjs/swagger";
import type { FastifyInstance } from "fastify";

const FORM = "application/x-www-form-urlencoded";

/**
 * Marks a route that takes HTML-form bodies as well as JSON (the OAuth endpoints: RFC 7009 and
 * RFC 7662 define form requests). Every other route answers a form body with 415.
 */
export const AcceptsForms = () =>
  applyDecorators(RouteConfig({ acceptsForms: true }), ApiConsumes(FORM, "application/json"));

/**
 * Refuses, before the body is read, what no route should parse:
 * - a body sent with a content coding (`Content-Encoding: gzip`, …): Sigil reads bodies as they
 *   arrive, so a compressed one would fail as malformed JSON (400) or be read as a garbage form.
 *   RFC 9110 §8.4.1: a coding the server does not accept is a 415;
 * - a form body on a route not marked {@link AcceptsForms}: parsed, it would reach validation
 *   and come back 400, as if the client had sent the wrong fields rather than the wrong format.
 */
export function refuseUnacceptedBodies(fastify: FastifyInstance): void {
  fastify.addHook("preParsing", (request, _reply, payload, done) => {
    const coding = request.headers["content-encoding"];
    if (coding !== undefined && coding.trim().toLowerCase() !== "identity") {
      return done(
        new UnsupportedMediaTypeException("request bodies are accepted without a Content-Encoding"),
      );
    }
    const type = request.headers["content-type"];
    if (
      type !== undefined &&
      type.trimStart().slice(0, FORM.length).toLowerCase() === FORM &&
      (request.routeOptions.config as { acceptsForms?: boolean }).acceptsForms !== true
    ) {
      return done(new UnsupportedMediaTypeException("this route takes application/json bodies"));
    }
    done(null, payload);
  });
}
