import { Controller, Get, Header, Query } from "@nestjs/common";
import { ApiBasicAuth, ApiQuery, ApiTags } from "@nestjs/swagger";
import { InvalidRequestError } from "@sigil/core";
import { RevocationEntity } from "@sigil/persistence";
import { DataSource, MoreThan } from "typeorm";
import { ClientAuthenticated } from "../platform/http/route-policy.js";
import { RoleSyncStatusService } from "../role-sync/role-sync-status.service.js";
import { RevocationSignalService } from "../sessions/revocation-signal.service.js";

const PAGE = 1000;
/** Longest long poll: below common proxy idle timeouts (30 s). */
const MAX_WAIT_MS = 25_000;
/** Largest Postgres bigint: revocation ids never exceed it. */
const MAX_CURSOR = 9_223_372_036_854_775_807n;

/** The ordered feed of revoked sessions that resource servers poll (libs/guard). */
@ApiTags("revocations")
@ApiBasicAuth()
@Controller("v1/revocations")
export class RevocationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roleSync: RoleSyncStatusService,
    private readonly signal: RevocationSignalService,
  ) {}

  @Get()
  @ClientAuthenticated()
  @Header("Cache-Control", "no-store")
  @ApiQuery({
    name: "after",
    required: false,
    description: "cursor of the previous page; omitted: all still relevant",
  })
  @ApiQuery({
    name: "wait",
    required: false,
    description: `long poll: with \`after\`, wait up to this many ms (≤ ${MAX_WAIT_MS}) for a new entry before answering an empty page`,
  })
  async list(@Query("after") after?: string, @Query("wait") wait?: string) {
    // 19 digits can still exceed Postgres bigint, which the database would answer with an error.
    if (after !== undefined && !(/^\d{1,19}$/.test(after) && BigInt(after) <= MAX_CURSOR))
      throw new InvalidRequestError("after must be a cursor");
    if (wait !== undefined && !(/^\d{1,5}$/.test(wait) && Number(wait) <= MAX_WAIT_MS))
      throw new InvalidRequestError(`wait must be 0..${MAX_WAIT_MS} milliseconds`);
    if (after !== undefined && wait !== undefined && Number(wait) > 0) {
      await this.signal.waitFor(async () => {
        const [row] = await this.dataSource.query(`SELECT 1 FROM revocations WHERE id > $1 LIMIT 1`, [after]);
        return row !== undefined;
      }, Number(wait));
    }
    const repository = this.dataSource.getRepository(RevocationEntity);
    const rows = await repository.find({
      where:
        after === undefined ? { expiresAt: MoreThan(new Date()) } : { id: MoreThan(BigInt(after)) as never },
      order: { id: "ASC" },
      take: PAGE,
    });
    let cursor = rows.at(-1)?.id.toString() ?? after;
    if (cursor === undefined) {
      const [last] = await this.dataSource.query(`SELECT COALESCE(MAX(id), 0) AS id FROM revocations`);
      cursor = String(last.id);
    }
    return {
      revocations: rows.map((row) => ({
        sid: row.sessionId,
        reason: row.reason,
        revokedAt: row.revokedAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        // Present when the session lives on narrowed: tokens issued before revokedAt keep only these.
        ...(row.scopes === null ? {} : { scope: row.scopes.join(" ") }),
      })),
      cursor,
      // False: nothing after this page yet, so the reader is caught up as of this answer.
      more: rows.length === PAGE,
      ...(this.roleSync.enabled ? { roleSync: this.roleSync.ages() } : {}),
    };
  }
}
