import { Module } from "@nestjs/common";
import { SigningKeysService } from "./signing-keys.service.js";

/** Access-token signing keys: rotation, publication, the current key. */
@Module({ providers: [SigningKeysService], exports: [SigningKeysService] })
export class KeysModule {}
