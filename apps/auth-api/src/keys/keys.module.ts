import { Module } from "@nestjs/common";
import { AccessTokenVerifier } from "./access-token-verifier.js";
import { SigningKeysService } from "./signing-keys.service.js";

/** Access-token signing keys: rotation, publication, the current key, and verifying our own tokens. */
@Module({
  providers: [SigningKeysService, AccessTokenVerifier],
  exports: [SigningKeysService, AccessTokenVerifier],
})
export class KeysModule {}
