import { afterAll, beforeAll } from "vitest";
import { extensionLifecycleTests } from "../../test/asterisk-lifecycle.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { describeWithAsterisk, startAsterisk, type RealAsterisk } from "../../test/real-asterisk.js";

// Files mode against a real Asterisk 22: Cisisk writes pjsip_cisisk.conf into the instance's etc/ and
// reloads res_pjsip over AMI.
describeWithAsterisk("files mode with a real Asterisk 22", () => {
  let t: TestApp;
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startAsterisk();
    t = await buildTestApp({
      toml: {
        asterisk: {
          mode: "files",
          config_dir: asterisk.etcDir,
          ami_host: "127.0.0.1",
          ami_port: asterisk.amiPort,
          ami_username: asterisk.ami.username,
          ami_secret: asterisk.ami.secret,
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await asterisk?.stop();
  });

  extensionLifecycleTests(() => ({ t, asterisk }), "7101");
});
