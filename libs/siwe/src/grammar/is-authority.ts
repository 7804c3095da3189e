import { isIpv6Address } from "./is-ipv6-address.js";
import { COLON_PORT, IPV_FUTURE, REG_NAME, USERINFO } from "./rfc3986.js";

/** RFC 3986 `authority = [ userinfo "@" ] host [ ":" port ]` (may be empty, as the RFC allows). */
export function isAuthority(text: string): boolean {
  // No part of an authority but the separator may contain "@".
  const at = text.indexOf("@");
  if (at !== -1 && !USERINFO.test(text.slice(0, at))) return false;
  const hostPort = at === -1 ? text : text.slice(at + 1);
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close === -1) return false;
    const literal = hostPort.slice(1, close);
    const rest = hostPort.slice(close + 1);
    return (rest === "" || COLON_PORT.test(rest)) && (IPV_FUTURE.test(literal) || isIpv6Address(literal));
  }
  const colon = hostPort.indexOf(":");
  if (colon === -1) return REG_NAME.test(hostPort);
  return REG_NAME.test(hostPort.slice(0, colon)) && COLON_PORT.test(hostPort.slice(colon));
}
