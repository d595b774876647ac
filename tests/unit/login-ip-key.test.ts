// The per-address login limit's key: one per IPv4 address, one per IPv6 /64.
import { describe, expect, it } from "vitest";
import { ipKey } from "~/engine/people/auth.server";

describe("ipKey", () => {
  it.each([
    ["203.0.113.7", "ip:203.0.113.7"],
    ["::ffff:203.0.113.7", "ip:203.0.113.7"],
    ["2001:db8:1:2::1", "ip:2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64"],
    ["2001:db8::5", "ip:2001:db8:0:0::/64"],
    ["::1", "ip:0:0:0:0::/64"],
    ["fe80::1%eth0", "ip:fe80:0:0:0::/64"],
  ])("%s → %s", (ip, key) => expect(ipKey(ip)).toBe(key));
});
