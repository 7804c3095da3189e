import { H16, IPV4_ADDRESS } from "./rfc3986.js";

/**
 * RFC 3986 `IPv6address`: eight 16-bit groups, or fewer with exactly one `::`, the last 32 bits
 * optionally written as an IPv4 address. Equivalent to the RFC's nine alternatives.
 */
export function isIpv6Address(text: string): boolean {
  const gap = text.indexOf("::");
  if (gap !== -1 && text.indexOf("::", gap + 1) !== -1) return false;
  if (gap === -1) return countGroups(text, true) === 8;
  const head = text.slice(0, gap);
  const tail = text.slice(gap + 2);
  const before = head === "" ? 0 : countGroups(head, false);
  const after = tail === "" ? 0 : countGroups(tail, true);
  // `::` stands for at least one zero group.
  return before >= 0 && after >= 0 && before + after <= 7;
}

/** Number of 16-bit groups in `a:b:c` (an IPv4 tail counts two), or -1 if malformed. */
function countGroups(text: string, ipv4TailAllowed: boolean): number {
  const groups = text.split(":");
  let count = 0;
  for (let index = 0; index < groups.length; index += 1) {
    const group = groups[index] as string;
    if (H16.test(group)) count += 1;
    else if (ipv4TailAllowed && index === groups.length - 1 && IPV4_ADDRESS.test(group)) count += 2;
    else return -1;
  }
  return count;
}
