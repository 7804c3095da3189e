import { clientKey } from "./client-key.js";

describe("clientKey", () => {
  it("J6: keeps IPv4 addresses (also IPv4-mapped) and groups IPv6 addresses by /64, however written", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:0DB8:0001:0002:ffff:eeee:dddd:9")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("2001:db8:0:0:1::")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
    expect(clientKey("2001:db8:1:3::1")).not.toBe(clientKey("2001:db8:1:2::1"));
    expect(clientKey(undefined)).toBe("unknown");
  });

  it("J6: reads an IPv4-mapped address in every notation as its IPv4 address, and drops a port", () => {
    for (const mapped of [
      "::ffff:203.0.113.7",
      "0:0:0:0:0:ffff:203.0.113.7",
      "::FFFF:cb00:7107",
      "[::ffff:203.0.113.7]",
    ]) {
      expect(clientKey(mapped)).toBe("203.0.113.7");
    }
    expect(clientKey("203.0.113.7:5678")).toBe("203.0.113.7");
    expect(clientKey("[2001:db8:1:2::1]:443")).toBe("2001:db8:1:2::/64");
    expect(clientKey("::ffff:102:304")).toBe("1.2.3.4");
    expect(clientKey("::ffff:102:304")).not.toBe(clientKey("::ffff:102:305"));
  });
});
