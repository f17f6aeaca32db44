import { describeRealtimeLifecycle } from "../../test/asterisk-lifecycle.js";

describeRealtimeLifecycle(
  "realtime mode over PostgreSQL (res_config_pgsql) with a real Asterisk 22",
  "pgsql",
  "postgres",
  "7201",
);
