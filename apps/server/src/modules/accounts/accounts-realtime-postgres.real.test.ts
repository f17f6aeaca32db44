import { describeAccountWithAsterisk } from "../../test/account-asterisk.js";

describeAccountWithAsterisk(
  "SIP accounts in realtime mode over PostgreSQL with a real Asterisk 22",
  { realtime: "pgsql", engine: "postgres" },
  "grace.hopper",
);
