import { Module } from "@nestjs/common";
import { GrantsController } from "./grants.controller.js";

/** Grant history: the caller's own; anyone's with the `sigil:admin` scope. */
@Module({ controllers: [GrantsController] })
export class GrantsModule {}
