import { describeRealtimeLifecycle } from "../../test/asterisk-lifecycle.js";

describeRealtimeLifecycle(
  "realtime mode over MariaDB (res_config_odbc) with a real Asterisk 22",
  "odbc-mariadb",
  "mysql",
  "7301",
);
