import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustProxy, peerIsTrustedProxy } from "./client-address";

const addr = (trustProxy: string, peer: string | null, forwardedFor: string | null = null) =>
  clientAddress({ peer, forwardedFor, trust: parseTrustProxy(trustProxy) });

describe("client address behind proxies", () => {
  it("trusts no forwarded header by default: rotating it changes nothing", () => {
    expect(addr("", "203.0.113.5", "1.1.1.1")).toBe("203.0.113.5");
    expect(addr("", "203.0.113.5", "2.2.2.2, 3.3.3.3")).toBe("203.0.113.5");
    expect(addr("", "::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(addr("", null, "1.1.1.1")).toBe("unknown");
  });

  it("with a hop count, takes the entry that many hops from the server", () => {
    expect(addr("1", "10.0.0.2", "spoofed, 198.51.100.7")).toBe("198.51.100.7");
    expect(addr("2", "10.0.0.2", "spoofed, 198.51.100.7, 10.0.0.1")).toBe("198.51.100.7");
    // Fewer entries than hops: the leftmost there is.
    expect(addr("3", "10.0.0.2", "198.51.100.7")).toBe("198.51.100.7");
  });

  it("with CIDRs, walks left only through trusted proxies", () => {
    expect(addr("127.0.0.1/8,::1/128", "127.0.0.1", "198.51.100.9")).toBe("198.51.100.9");
    expect(addr("127.0.0.1/8,::1/128", "::1", "198.51.100.9")).toBe("198.51.100.9");
    // An untrusted peer's header is ignored.
    expect(addr("127.0.0.1/8", "203.0.113.5", "198.51.100.9")).toBe("203.0.113.5");
    // The client's own spoofed entry, left of a real one, is not believed.
    expect(addr("10.0.0.0/8", "10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.1")).toBe("198.51.100.9");
    expect(addr("10.0.0.1", "10.0.0.1", "198.51.100.9")).toBe("198.51.100.9");
  });

  it("believes a forwarded host only from a trusted proxy", () => {
    const trustedPeer = (t: string, peer: string | null) => peerIsTrustedProxy({ peer, trust: parseTrustProxy(t) });
    expect(trustedPeer("", "127.0.0.1")).toBe(false);
    expect(trustedPeer("1", null)).toBe(false);
    expect(trustedPeer("1", "203.0.113.5")).toBe(true);
    expect(trustedPeer("127.0.0.1/8", "::ffff:127.0.0.1")).toBe(true);
    expect(trustedPeer("127.0.0.1/8", "203.0.113.5")).toBe(false);
  });

  it("refuses a malformed setting", () => {
    expect(() => parseTrustProxy("loopback")).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/prefix/);
  });
});
