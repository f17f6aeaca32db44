import { describe, expect, it } from "vitest";
import type { AsteriskLine } from "./asterisk-line.js";
import {
  patchPjsipWizardConf,
  pjsipWizardSection,
  renderPjsipWizardConf,
  WIZARD_HEADER,
  WIZARD_STUB,
} from "./pjsip-wizard.js";

const line = (number: string, over: Partial<AsteriskLine> = {}): AsteriskLine => ({
  number,
  technology: "PJSIP",
  displayName: `Desk ${number}`,
  context: "from-internal",
  secret: () => `secret-${number}`,
  ha1Md5: `ha1-${number}`,
  realm: "asterisk",
  voicemail: null,
  codecs: ["ulaw"],
  transport: "transport-udp",
  sccp: null,
  sip: null,
  pjsip: {
    transport: "transport-udp",
    authType: "md5",
    maxContacts: 1,
    removeExisting: true,
    qualifyFrequency: 0,
    directMedia: false,
    dtmfMode: "rfc4733",
  },
  ...over,
});

describe("PJSIP lines as config wizards", () => {
  it("writes one wizard per PJSIP line: endpoint/, inbound_auth/ (md5_cred, never the secret) and aor/ values", () => {
    expect(pjsipWizardSection(line("7001"))).toBe(
      [
        "[7001]",
        "type=wizard",
        "accepts_registrations=yes",
        "accepts_auth=yes",
        "transport=transport-udp",
        "endpoint/context=from-internal",
        "endpoint/disallow=all",
        "endpoint/allow=ulaw",
        'endpoint/callerid="Desk 7001" <7001>',
        "endpoint/direct_media=no",
        "endpoint/dtmf_mode=rfc4733",
        "inbound_auth/auth_type=md5",
        "inbound_auth/username=7001",
        "inbound_auth/realm=asterisk",
        "inbound_auth/md5_cred=ha1-7001",
        "aor/max_contacts=1",
        "aor/remove_existing=yes",
        "aor/qualify_frequency=0",
        "",
      ].join("\n"),
    );
    const sip = line("7002", { technology: "SIP", pjsip: null });
    expect(renderPjsipWizardConf([line("7001"), sip])).toBe(`${WIZARD_HEADER}\n${pjsipWizardSection(line("7001"))}`);
  });

  it("patches a whole file: a changed wizard keeps its place, a removed one goes, a new one is appended", () => {
    const whole = renderPjsipWizardConf([line("7001"), line("7002"), line("7003")]);
    const changed = pjsipWizardSection(line("7002", { ha1Md5: "new-ha1" }));
    const added = pjsipWizardSection(line("7004"));
    const patched = patchPjsipWizardConf(
      whole,
      ["7002", "7003", "7004"],
      new Map([
        ["7002", changed],
        ["7004", added],
      ]),
    );
    expect(patched).toBe(renderPjsipWizardConf([line("7001"), line("7002", { ha1Md5: "new-ha1" }), line("7004")]));
    // Unchanged input gives the same text back (Asterisk then sees an unchanged file).
    expect(patchPjsipWizardConf(whole, [], new Map())).toBe(whole);
  });

  it("refuses to patch what is not a whole wizard file of ours: the stub, a missing file, a hand edit", () => {
    const none = new Map<string, string>();
    expect(patchPjsipWizardConf(null, [], none)).toBeNull();
    expect(patchPjsipWizardConf(WIZARD_STUB, [], none)).toBeNull();
    expect(patchPjsipWizardConf("[7001]\ntype=wizard\n", [], none)).toBeNull();
    const doubled = `${renderPjsipWizardConf([line("7001")])}\n${pjsipWizardSection(line("7001"))}`;
    expect(patchPjsipWizardConf(doubled, [], none)).toBeNull();
    expect(patchPjsipWizardConf(`${WIZARD_HEADER}stray text\n`, [], none)).toBeNull();
  });
});
