import { ApiProperty, ApiPropertyOptional } from "@nestjs/swagger";
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from "class-validator";

/** `POST /v1/delegations`: the EIP-712 delegation the owner's wallet signed, and the key it names. */
export class CreateDelegationRequest {
  @ApiProperty({ description: "The session key's public JWK (Ed25519 OKP, secp256k1 or P-256 EC)" })
  @IsObject()
  delegateJwk!: Record<string, unknown>;

  @ApiProperty({ type: [String], example: ["orders:write"] })
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  scopes!: string[];

  @ApiProperty({ description: "Unix seconds", example: 1767225600 })
  @IsInt()
  @Min(1)
  expiresAt!: number;

  @ApiPropertyOptional({ description: "Token requests a minute; 0 = no limit of its own", default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxRequestsPerMinute?: number;

  @ApiPropertyOptional({ type: [String], description: "Client IPs allowed; empty = any" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  allowedClients?: string[];

  @ApiProperty({ description: "32 random bytes, hex: each signed delegation registers once" })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/)
  nonce!: string;

  @ApiProperty({ description: "The owner's EIP-712 signature (eth_signTypedData_v4)" })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{2,4096}$/)
  signature!: string;
}

/** `POST /v1/delegations/:id/token`: the scopes the bot wants (default: all delegated). */
export class DelegationTokenRequest {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  scope?: string[];
}
