import { ApiProperty, ApiPropertyOptional } from "@nestjs/swagger";
import { IsIn, IsOptional, IsString, MaxLength } from "class-validator";

/** RFC 7009 / RFC 7662 request body (form-encoded or JSON). */
export class TokenRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(4096)
  token!: string;

  @ApiPropertyOptional({ enum: ["access_token", "refresh_token"] })
  @IsOptional()
  @IsIn(["access_token", "refresh_token"])
  token_type_hint?: "access_token" | "refresh_token";
}
