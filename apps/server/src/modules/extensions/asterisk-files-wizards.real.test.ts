import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Extension } from "@cisisk/contract";
import { afterAll, beforeAll, expect, it } from "vitest";
import { extensionLifecycleTests } from "../../test/asterisk-lifecycle.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import {
  describeWithAsterisk,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  filesModeOf,
} from "../../test/real-asterisk.js";

// Files mode with PJSIP lines as config wizards (pjsip_cisisk_wizard.conf, #included from pjsip_wizard.conf)
// against a real Asterisk 22: a change re-creates only its own wizard (module reload res_pjsip_config_wizard.so).

/** An admin's pjsip_wizard.conf: a wizard of their own, then Cisisk's file. */
const ADMIN_WIZARDS = [
  "[general]",
  "",
  "[9000]",
  "type=wizard",
  "accepts_registrations=yes",
  "accepts_auth=yes",
  "transport=transport-udp",
  "endpoint/context=from-internal",
  "endpoint/allow=ulaw",
  "inbound_auth/username=9000",
  "inbound_auth/password=admin-Own-9000",
  "aor/max_contacts=1",
  "aor/qualify_frequency=0",
  "",
  "#include pjsip_cisisk_wizard.conf",
  "",
].join("\n");

function filesModeApp(asterisk: RealAsterisk): Promise<TestApp> {
  return buildTestApp({
    toml: {
      asterisk: filesModeOf(asterisk),
    },
  });
}

function apiOf(t: TestApp) {
  return async (method: "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: await t.adminHeaders(), payload });
}

describeWithAsterisk("files mode, PJSIP lines as wizards, with a real Asterisk 22", () => {
  let t: TestApp;
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    // The wizard file must exist before Asterisk reads the #include (a missing #include fails the file).
    asterisk = await startAsterisk({
      etcFiles: { "pjsip_wizard.conf": ADMIN_WIZARDS, "pjsip_cisisk_wizard.conf": "" },
    });
    t = await filesModeApp(asterisk);
  });
  afterAll(async () => {
    await t?.close();
    await asterisk?.stop();
  });

  extensionLifecycleTests(() => ({ t, asterisk }), "7201");

  const register = (user: string, password: string) =>
    sippRegister({ sipPort: asterisk.sipPort, user, password, expires: 600 });

  it("a changed secret re-creates its own wizard only: the new secret registers, an untouched line and the admin's wizard still do", async () => {
    const api = apiOf(t);
    const ids: Record<string, string> = {};
    for (const [number, secret] of [
      ["7301", "first-Secret-7301"],
      ["7302", "kept-Secret-7302"],
    ]) {
      const res = await api("POST", "/extensions", {
        technology: "PJSIP",
        number,
        displayName: `Wizard ${number}`,
        secret,
        pjsip: { qualifyFrequency: 0 },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids[number!] = res.json<Extension>().id;
    }
    const patch = await api("PATCH", `/extensions/${ids["7301"]}`, { secret: "second-Secret-7301" });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json<Extension>().asterisk.status).toBe("applied");

    expect((await register("7301", "second-Secret-7301")).ok).toBe(true);
    expect((await register("7301", "first-Secret-7301")).ok).toBe(false);
    expect((await register("7302", "kept-Secret-7302")).ok).toBe(true);
    expect((await register("9000", "admin-Own-9000")).ok).toBe(true);
    // Asterisk holds the line as a wizard's objects (inbound auth `<number>-iauth`), not from pjsip.conf.
    expect(await asterisk.cli("pjsip show endpoint 7301")).toMatch(/InAuth:\s+7301-iauth\/7301/);
    const single = await readFile(path.join(asterisk.etcDir, "pjsip_cisisk.conf"), "utf8");
    expect(single).not.toMatch(/^\[/m);

    const gone = await api("DELETE", `/extensions/${ids["7302"]}`);
    expect(gone.statusCode).toBe(204);
    expect(await asterisk.cli("pjsip show endpoint 7302")).not.toMatch(/Endpoint:\s+7302/);
    expect((await register("7302", "kept-Secret-7302")).ok).toBe(false);
    expect((await register("7301", "second-Secret-7301")).ok).toBe(true);
  });
});

describeWithAsterisk("files mode moving an install from pjsip_cisisk.conf to wizards, with a real Asterisk 22", () => {
  let t: TestApp;
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startAsterisk();
    t = await filesModeApp(asterisk);
  });
  afterAll(async () => {
    await t?.close();
    await asterisk?.stop();
  });

  it("keeps the single file while Asterisk does not read the wizard file, then moves every line once it does", async () => {
    const api = apiOf(t);
    const first = await api("POST", "/extensions", {
      technology: "PJSIP",
      number: "7401",
      displayName: "Before the move",
      secret: "before-Move-7401",
      pjsip: { qualifyFrequency: 0 },
    });
    expect(first.statusCode, first.body).toBe(201);
    // Only pjsip.conf's `#include pjsip_cisisk.conf`: the line is there, with auth section `7401`.
    expect(await asterisk.cli("pjsip show endpoint 7401")).toMatch(/InAuth:\s+7401\/7401/);
    expect((await register("7401", "before-Move-7401")).ok).toBe(true);

    // The admin includes the wizard file (Cisisk already left a stub of it) and has Asterisk read it.
    await writeFile(path.join(asterisk.etcDir, "pjsip_wizard.conf"), "[general]\n#include pjsip_cisisk_wizard.conf\n");
    await asterisk.cli("module reload res_pjsip_config_wizard.so");

    const second = await api("POST", "/extensions", {
      technology: "PJSIP",
      number: "7402",
      displayName: "After the move",
      secret: "after-Move-7402",
      pjsip: { qualifyFrequency: 0 },
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<Extension>().asterisk.status).toBe("applied");
    expect(await asterisk.cli("pjsip show endpoint 7401")).toMatch(/InAuth:\s+7401-iauth\/7401/);
    expect((await register("7401", "before-Move-7401")).ok).toBe(true);
    expect((await register("7402", "after-Move-7402")).ok).toBe(true);
    expect(await readFile(path.join(asterisk.etcDir, "pjsip_cisisk.conf"), "utf8")).not.toMatch(/^\[/m);
  });

  const register = (user: string, password: string) =>
    sippRegister({ sipPort: asterisk.sipPort, user, password, expires: 600 });
});
