import { Module } from "@nestjs/common";
import { KeysModule } from "../keys/keys.module.js";
import { WellKnownController } from "./well-known.controller.js";

/** Discovery documents and the JWKS. */
@Module({ imports: [KeysModule], controllers: [WellKnownController] })
export class WellKnownModule {}
