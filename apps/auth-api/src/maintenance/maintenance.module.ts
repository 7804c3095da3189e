import { Module } from "@nestjs/common";
import { ExpiredRowSweeper } from "./expired-row-sweeper.service.js";

/** Background upkeep of the database: expired nonces and replay keys. */
@Module({ providers: [ExpiredRowSweeper], exports: [ExpiredRowSweeper] })
export class MaintenanceModule {}
