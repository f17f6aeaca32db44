import { describe, expect, it } from "vitest";
import { buildExecuteXml, parseExecuteResponse } from "./cgi-execute.js";

describe("CGI/Execute payloads", () => {
  it("builds at most 3 items within 512 bytes, escaping URLs", () => {
    expect(buildExecuteXml(["Key:Settings", "http://x/a?b=1&c=2"])).toBe(
      '<CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="Key:Settings"/><ExecuteItem Priority="0" URL="http://x/a?b=1&amp;c=2"/></CiscoIPPhoneExecute>',
    );
    expect(() => buildExecuteXml(["a", "b", "c", "d"])).toThrow(/1 to 3/);
    expect(() => buildExecuteXml([`http://x/${"a".repeat(500)}`])).toThrow(/512 bytes/);
  });

  it("reads CiscoIPPhoneError numbers and response statuses", () => {
    expect(parseExecuteResponse(200, '<CiscoIPPhoneError Number="4" />')).toEqual({
      ok: false,
      detail: "CiscoIPPhoneError 4 (authentication error)",
    });
    expect(
      parseExecuteResponse(
        200,
        '<CiscoIPPhoneResponse><ResponseItem Status="0" Data="Success" URL="Key:Settings"/></CiscoIPPhoneResponse>',
      ).ok,
    ).toBe(true);
    expect(
      parseExecuteResponse(
        200,
        '<CiscoIPPhoneResponse><ResponseItem URL="x" Status="6" Data="Not found"/></CiscoIPPhoneResponse>',
      ).ok,
    ).toBe(false);
    expect(parseExecuteResponse(401, "")).toEqual({ ok: false, detail: "HTTP 401 from the phone" });
  });
});
