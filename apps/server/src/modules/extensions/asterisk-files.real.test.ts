import { afterAll, beforeAll } from "vitest";
import { extensionLifecycleTests } from "../../test/asterisk-lifecycle.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { describeWithAsterisk, startAsterisk, type RealAsterisk, filesModeOf } from "../../test/real-asterisk.js";

// Files mode against a real Asterisk 22: Cisisk writes pjsip_cisisk.conf into the instance's etc/ and
// reloads res_pjsip over AMI.
describeWithAsterisk("files mode with a real Asterisk 22", () => {
  let t: TestApp;
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startAsterisk();
    t = await buildTestApp({
      toml: {
        asterisk: filesModeOf(asterisk),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await asterisk?.stop();
  });

  extensionLifecycleTests(() => ({ t, asterisk }), "7101");
});
