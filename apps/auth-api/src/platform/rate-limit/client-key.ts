import { isIPv4, isIPv6 } from "node:net";

/**
 * The rate-limit key of a client address: an IPv4 address as is (also when IPv4-mapped, in any
 * notation), an IPv6 address by its /64, since one subscriber is usually given a whole /64.
 */
export function clientKey(ip: string | undefined): string {
  if (ip === undefined || ip === "") return "unknown";
  const address = withoutPort(ip);
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const groups = ipv6Groups(address.replace(/%.*$/, ""));
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

/** `1.2.3.4:80` and `[2001:db8::1]:80` (as some proxies write X-Forwarded-For) without the port. */
function withoutPort(ip: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  if (v4) return v4[1]!;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  return v6 ? v6[1]! : ip;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail becomes the last two). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::") as [string, string | undefined];
  const split = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const left = split(head);
  if (rest === undefined) return left;
  const right = split(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
