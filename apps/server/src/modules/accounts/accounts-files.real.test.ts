import { describeAccountWithAsterisk } from "../../test/account-asterisk.js";

describeAccountWithAsterisk("SIP accounts in files mode with a real Asterisk 22", {}, "ada.lovelace");
