import { describe, expect, it } from "vitest";
import { clientAddressKey } from "../../../server/http/client-address.ts";

describe("client address key", () => {
  it("counts IPv4 addresses, mapped or not, as themselves", () => {
    expect(clientAddressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts IPv6 addresses by their /64, however they are written", () => {
    const key = clientAddressKey("2001:db8:0:1::1");
    expect(key).toBe("2001:db8:0:1::/64");
    expect(clientAddressKey("2001:0DB8:0000:0001:ffff:eeee:dddd:cccc")).toBe(key);
    expect(clientAddressKey("2001:db8::1:0:0:0:7")).toBe(key);
    expect(clientAddressKey("2001:db8:0:2::1")).not.toBe(key);
    expect(clientAddressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientAddressKey("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
  });
});
