import { Initial1764288000000 } from "./1764288000000-initial.js";
import { SessionsRevocationsKeys1764300000000 } from "./1764300000000-sessions-revocations-keys.js";
import { RoleSync1764400000000 } from "./1764400000000-role-sync.js";
import { AuditChain1764500000000 } from "./1764500000000-audit-chain.js";
import { KeyRotation1764600000000 } from "./1764600000000-key-rotation.js";
import { Bots1764700000000 } from "./1764700000000-bots.js";
import { CredentialBinding1764817000000 } from "./1764817000000-credential-binding.js";
import { PolicyEvents1764950000000 } from "./1764950000000-policy-events.js";
import { GrantScopeSources1764960000000 } from "./1764960000000-grant-scope-sources.js";
import { PolicyEventSources1764970000000 } from "./1764970000000-policy-event-sources.js";

/** Every migration in timestamp order; imported as classes because ESM has no glob loading. */
export const PERSISTENCE_MIGRATIONS = [
  Initial1764288000000,
  SessionsRevocationsKeys1764300000000,
  RoleSync1764400000000,
  AuditChain1764500000000,
  KeyRotation1764600000000,
  Bots1764700000000,
  CredentialBinding1764817000000,
  PolicyEvents1764950000000,
  GrantScopeSources1764960000000,
  PolicyEventSources1764970000000,
] as const;
