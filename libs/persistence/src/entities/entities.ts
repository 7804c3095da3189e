import { ApiKeyEntity } from "./api-key.entity.js";
import { AuditEventEntity } from "./audit-event.entity.js";
import { ChainBlockEntity } from "./chain-block.entity.js";
import { ChainCursorEntity } from "./chain-cursor.entity.js";
import { ChainRoleEventEntity } from "./chain-role-event.entity.js";
import { GrantEntity } from "./grant.entity.js";
import { NonceEntity } from "./nonce.entity.js";
import { DelegationEntity } from "./delegation.entity.js";
import { RefreshTokenEntity } from "./refresh-token.entity.js";
import { ReplayNonceEntity } from "./replay-nonce.entity.js";
import { RevocationEntity } from "./revocation.entity.js";
import { SessionEntity } from "./session.entity.js";
import { SigningKeyEntity } from "./signing-key.entity.js";

/** Every entity of the Sigil schema; the data source registers exactly these (no glob loading in ESM). */
export const PERSISTENCE_ENTITIES = [
  NonceEntity,
  SessionEntity,
  RefreshTokenEntity,
  GrantEntity,
  AuditEventEntity,
  ChainCursorEntity,
  RevocationEntity,
  SigningKeyEntity,
  ChainRoleEventEntity,
  ChainBlockEntity,
  DelegationEntity,
  ApiKeyEntity,
  ReplayNonceEntity,
] as const;
