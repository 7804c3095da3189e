import { ApiProperty, ApiPropertyOptional } from "@nestjs/swagger";
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from "class-validator";

/** `POST /v1/api-keys`. */
export class CreateApiKeyRequest {
  @ApiProperty({ enum: ["hmac-sha256", "ed25519"] })
  @IsIn(["hmac-sha256", "ed25519"])
  alg!: "hmac-sha256" | "ed25519";

  @ApiPropertyOptional({ description: "Ed25519 only: the raw 32-byte public key, base64url" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  publicKey?: string;

  @ApiProperty({ type: [String], example: ["orders:write"] })
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  scopes!: string[];

  @ApiProperty({ description: "Unix seconds" })
  @IsInt()
  @Min(1)
  expiresAt!: number;

  @ApiPropertyOptional({ type: [String], description: "Client IPs allowed; empty = any" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  allowedClients?: string[];

  @ApiPropertyOptional({ description: "Requests a minute; 0 = no limit of its own", default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxRequestsPerMinute?: number;
}

/** `POST /v1/api-keys/:id/rotate`: a successor with the same terms; the old key lives `overlapSeconds` more. */
export class RotateApiKeyRequest {
  @ApiPropertyOptional({ description: "Seconds the old key stays valid (0..604800)", default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  overlapSeconds?: number;

  @ApiPropertyOptional({ description: "Ed25519 keys: the successor's public key" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  publicKey?: string;
}

/** `POST /v1/api-keys/token` (a signed request): the scopes wanted (default: all of the key's). */
export class ApiKeyTokenRequest {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  scope?: string[];
}
