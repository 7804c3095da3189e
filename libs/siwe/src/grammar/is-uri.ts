import { isAuthority } from "./is-authority.js";
import { PATH, QUERY_OR_FRAGMENT, SCHEME, URI_PARTS } from "./rfc3986.js";

/** RFC 3986 `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]` (absolute, not a reference). */
export function isUri(text: string): boolean {
  const parts = URI_PARTS.exec(text);
  if (parts === null) return false;
  const [, scheme, hierPart, query, fragment] = parts as unknown as [
    string,
    string,
    string,
    string?,
    string?,
  ];
  if (!SCHEME.test(scheme)) return false;
  if (query !== undefined && !QUERY_OR_FRAGMENT.test(query)) return false;
  if (fragment !== undefined && !QUERY_OR_FRAGMENT.test(fragment)) return false;
  if (!hierPart.startsWith("//")) return PATH.test(hierPart);
  // "//" authority path-abempty: the authority ends at the first "/".
  const slash = hierPart.indexOf("/", 2);
  const authority = slash === -1 ? hierPart.slice(2) : hierPart.slice(2, slash);
  return isAuthority(authority) && (slash === -1 || PATH.test(hierPart.slice(slash)));
}
