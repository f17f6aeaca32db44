import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { escapeXml, layoutSoftKeys, renderCiscoXml, type CiscoObject } from "./cisco-xml.js";

const golden = (name: string) => readFileSync(path.join(import.meta.dirname, "__golden__", name), "utf8");

const keys = Array.from({ length: 10 }, (_, i) => ({ name: `Key ${i + 1}`, url: `SoftKey:K${i + 1}` }));

describe("renderCiscoXml (pure)", () => {
  it("renders a directory page byte for byte: prolog, escaping, 32-character cuts, soft keys 1..n", () => {
    const object: CiscoObject = {
      type: "CiscoIPPhoneDirectory",
      title: "Directory 1/2 — a title that is far too long",
      prompt: "1-2 of 40",
      entries: [
        { name: "<Ærøskøbing>, Zoë & 'Bob'", telephone: "+4562521300" },
        { name: "A name of thirty-three characters", telephone: "100" },
      ],
      softKeys: [
        { name: "Dial", url: "SoftKey:Dial" },
        { name: "Next", url: "http://pbx.example/cisco/directory/results?mac=805EC0123456&l=a&page=2" },
      ],
    };
    expect(renderCiscoXml(object, "79xx")).toBe(golden("directory.xml"));
  });

  it("renders a login input with the PIN flagged as a password", () => {
    const object: CiscoObject = {
      type: "CiscoIPPhoneInput",
      title: "Phone Services Login",
      prompt: "Enter user and PIN",
      url: "http://pbx.example/cisco/login/submit?mac=805EC0123456&next=personal",
      items: [
        { displayName: "User", param: "user", flags: "A" },
        { displayName: "PIN", param: "pin", flags: "NP" },
      ],
    };
    expect(renderCiscoXml(object, "88xx")).toBe(golden("login.xml"));
  });

  it("keeps 8 soft keys on a 79xx and 4 on an 88xx, and drops a key or item whose URL is over 256", () => {
    expect(layoutSoftKeys(keys, "79xx").map((k) => k.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(layoutSoftKeys(keys, "88xx").map((k) => k.name)).toEqual(["Key 1", "Key 2", "Key 3", "Key 4"]);
    const long = `http://x.example/${"a".repeat(250)}`;
    const xml = renderCiscoXml(
      {
        type: "CiscoIPPhoneMenu",
        title: "Services",
        items: [
          { name: "Too long", url: long },
          { name: "Fine", url: "http://x.example/" },
        ],
        softKeys: [{ name: "Long", url: long }],
      },
      "79xx",
    );
    expect(xml).not.toContain("Too long");
    expect(xml).not.toContain("<SoftKeyItem>");
    expect(xml).toContain("<Name>Fine</Name>");
  });

  it("caps menus at 100 items and directories at 32 entries", () => {
    const menu = renderCiscoXml(
      {
        type: "CiscoIPPhoneMenu",
        title: "M",
        items: Array.from({ length: 120 }, (_, i) => ({ name: `I${i}`, url: "http://x/" })),
      },
      "79xx",
    );
    expect(menu.match(/<MenuItem>/g)).toHaveLength(100);
    const dir = renderCiscoXml(
      {
        type: "CiscoIPPhoneDirectory",
        title: "D",
        entries: Array.from({ length: 40 }, (_, i) => ({ name: `E${i}`, telephone: "1" })),
      },
      "79xx",
    );
    expect(dir.match(/<DirectoryEntry>/g)).toHaveLength(32);
  });

  it("escapes the five XML specials and drops control characters XML 1.0 forbids", () => {
    expect(escapeXml(`a&b<c>d"e'f\u0001g\u0008h\ti`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;fgh\ti");
  });
});
