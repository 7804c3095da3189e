import type { SchemaObject } from "@nestjs/swagger";
import { PolicySourceKind } from "@sigil/core";

/**
 * OpenAPI schema of a grant's `scopeSources` (`Record<string, ScopeProvenance>` of @sigil/core):
 * per granted scope, the policy rule and the sources with the block each was read at (P7).
 */
export const SCOPE_SOURCES_SCHEMA: SchemaObject = {
  type: "object",
  nullable: true,
  description: "Per granted scope: the policy rule that grants it and the sources it held on; null before P7",
  additionalProperties: {
    type: "object",
    required: ["rule", "sources"],
    properties: {
      rule: { type: "string" },
      sources: {
        type: "array",
        items: {
          type: "object",
          required: ["source", "kind", "chainId", "address", "blockNumber", "blockHash"],
          properties: {
            source: { type: "string", description: "the source's id in the policy file" },
            kind: { type: "string", enum: Object.values(PolicySourceKind) },
            chainId: { type: "integer" },
            address: { type: "string", description: "the source's contract" },
            blockNumber: { type: "string", description: "decimal" },
            blockHash: { type: "string" },
          },
        },
      },
    },
  },
};
