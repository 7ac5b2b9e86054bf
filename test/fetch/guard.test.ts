import { describe, expect, it } from "vitest";
import { checkAddress, ipLiteral, isPublicAddress, parseTarget } from "../../src/fetch/guard.js";

describe("isPublicAddress", () => {
  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8"])(
    "allows public %s",
    (ip) => expect(isPublicAddress(ip)).toBe(true),
  );

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.0.0.2", "loopback"],
    ["::1", "IPv6 loopback"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, hex"],
    ["::7f00:1", "IPv4-compatible (deprecated) loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:10.0.0.1", "mapped private"],
    ["169.254.169.254", "link-local metadata"],
    ["169.254.170.2", "ECS credentials"],
    ["fe80::1", "IPv6 link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.200", "Alibaba metadata (CGNAT)"],
    ["fd00::1", "unique local"],
    ["fd00:ec2::254", "AWS IPv6 metadata"],
    ["fc00::1", "unique local"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "this network"],
    ["::", "IPv6 unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "IPv6 multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "documentation"],
    ["198.18.0.1", "benchmarking"],
    ["240.0.0.1", "reserved"],
    ["192.0.0.192", "Oracle metadata"],
    ["64:ff9b::7f00:1", "NAT64 embedding loopback"],
    ["2002:7f00:1::", "6to4 embedding loopback"],
    ["2001::1", "Teredo"],
    ["2001:db8::1", "documentation"],
    ["4000::1", "outside global unicast"],
    ["not an ip", "garbage"],
    ["", "empty"],
  ])("refuses %s (%s)", (ip) => expect(isPublicAddress(ip)).toBe(false));
});

describe("checkAddress", () => {
  it("returns a refusal naming host and address, or null", () => {
    expect(checkAddress("example.test", "8.8.8.8", isPublicAddress)).toBeNull();
    const blocked = checkAddress("example.test", "10.1.2.3", isPublicAddress);
    expect(blocked).toMatchObject({ host: "example.test", address: "10.1.2.3" });
  });
});

describe("parseTarget", () => {
  it("accepts http and https URLs", () => {
    const a = parseTarget("https://example.com/a?b=1#c");
    expect(a.ok && a.value.href).toBe("https://example.com/a?b=1#c");
    const b = parseTarget("  http://example.com  ");
    expect(b.ok && b.value.hostname).toBe("example.com");
  });

  it.each([
    "ftp://example.com/file",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<h1>x</h1>",
    "gopher://example.com/",
    "ws://example.com/",
    "not a url",
    "",
    "http://",
    "//example.com/",
  ])("refuses %j as invalid-url", (raw) => {
    const r = parseTarget(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.kind).toBe("invalid-url");
  });

  it.each(["http://user:pass@example.com/", "http://user@example.com/", "https://:secret@example.com/"])(
    "refuses credentials in %s",
    (raw) => {
      const r = parseTarget(raw);
      expect(r).toMatchObject({ ok: false, reason: { kind: "invalid-url" } });
    },
  );

  it("refuses absurdly long URLs", () => {
    expect(parseTarget(`https://example.com/${"a".repeat(10_000)}`)).toMatchObject({ ok: false });
  });

  it("resolves a relative Location against the current URL", () => {
    const r = parseTarget("../b?x=1", new URL("http://example.com/dir/sub/a"));
    expect(r.ok && r.value.href).toBe("http://example.com/dir/b?x=1");
  });

  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://127.0.0.1./", "127.0.0.1"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["http://[::1]/", "::1"],
  ])("the URL parser normalises %s so the literal check sees %s", (raw, ip) => {
    const r = parseTarget(raw);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(ipLiteral(r.value.hostname)).toBe(ip);
    expect(isPublicAddress(ip)).toBe(false);
  });

  it("treats names as names, not literals", () => {
    expect(ipLiteral("example.com")).toBeUndefined();
    expect(ipLiteral("localhost")).toBeUndefined();
  });
});
