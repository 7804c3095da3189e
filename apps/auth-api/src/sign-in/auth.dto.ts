import { ApiProperty, ApiPropertyOptional } from "@nestjs/swagger";
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from "class-validator";

export class NonceResponse {
  @ApiProperty({ description: "Single-use nonce (128 bits, hex) to put in a SIWE message" })
  nonce!: string;
  @ApiProperty({ format: "date-time" })
  expiresAt!: string;
}

export class ChallengeRequest {
  @ApiProperty({ example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: "address must be a 20-byte hex address" })
  address!: string;

  @ApiProperty({ example: 31337 })
  @IsInt()
  @Min(1)
  chainId!: number;

  @ApiPropertyOptional({ type: [String], example: ["orders:read", "orders:write"] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  scope?: string[];
}

export class ChallengeResponse {
  @ApiProperty()
  nonce!: string;
  @ApiProperty({ description: "EIP-4361 message to sign verbatim (personal_sign)" })
  message!: string;
  @ApiProperty({ format: "date-time" })
  expiresAt!: string;
}

export class LoginRequest {
  @ApiProperty({ description: "The signed EIP-4361 message (at most 4 KiB)" })
  @IsString()
  message!: string;

  @ApiProperty({ description: "0x-prefixed signature: 65-byte ECDSA, EIP-1271 or ERC-6492" })
  @IsString()
  @MaxLength(16_386)
  @Matches(/^0x[0-9a-fA-F]*$/, { message: "signature must be 0x-prefixed hex" })
  signature!: string;
}

export class RefreshRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  refresh_token!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: "JWT (RFC 9068), ES256" })
  access_token!: string;
  @ApiProperty({ example: "Bearer" })
  token_type!: string;
  @ApiProperty({ example: 600 })
  expires_in!: number;
  @ApiProperty()
  refresh_token!: string;
  @ApiProperty({ example: "orders:read orders:write positions:read" })
  scope!: string;
  @ApiProperty()
  session_id!: string;
  @ApiProperty({ example: "eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8" })
  sub!: string;
}
