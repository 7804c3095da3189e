import { SetMetadata } from "@nestjs/common";

/** Metadata key read by the AccessGuard. */
export const ALLOW_DELEGATED = "sigil:allow-delegated";

/**
 * A bot's token (it carries `act`) may call this Bearer route. Without it, bot tokens are refused
 * (`delegated_token_not_allowed`): a bot must not manage its owner's sessions, keys or delegations.
 */
export const AllowDelegated = () => SetMetadata(ALLOW_DELEGATED, true);
