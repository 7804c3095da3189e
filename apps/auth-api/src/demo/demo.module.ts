import { Module } from "@nestjs/common";
import { DemoController } from "./demo.controller.js";

/** The dev-mode demo page (imported by AppModule only when `config.demo.enabled`). */
@Module({ controllers: [DemoController] })
export class DemoModule {}
