import { afterAll, beforeAll } from "vitest";
import { extensionLifecycleTests } from "../../test/asterisk-lifecycle.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import {
  createRealtimeDatabase,
  describeWithAsterisk,
  startAsterisk,
  type RealAsterisk,
  type RealtimeDatabase,
} from "../../test/real-asterisk.js";

// Realtime mode against a real Asterisk 22 reading MariaDB (res_config_odbc): Cisisk writes ps_endpoints/ps_auths/ps_aors
// into a database created with Asterisk's own schema, and reads registrations back from ps_contacts.
describeWithAsterisk(
  "realtime mode over MariaDB (res_config_odbc) with a real Asterisk 22",
  () => {
    let t: TestApp;
    let asterisk: RealAsterisk;
    let realtime: RealtimeDatabase;
    beforeAll(async () => {
      realtime = await createRealtimeDatabase("odbc-mariadb");
      asterisk = await startAsterisk({ realtime });
      t = await buildTestApp({
        toml: {
          asterisk: {
            mode: "realtime",
            realtime_database_url: realtime.url,
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
      await realtime?.drop();
    });

    extensionLifecycleTests(() => ({ t, asterisk }), "7301");
  },
  { engine: "mysql" },
);
