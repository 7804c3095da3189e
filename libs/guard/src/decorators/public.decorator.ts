import { SetMetadata } from "@nestjs/common";
import { PUBLIC_ROUTE } from "./metadata-keys.js";

/** Opts a route (or a whole controller) out of the Sigil guard: no token is read or required. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
