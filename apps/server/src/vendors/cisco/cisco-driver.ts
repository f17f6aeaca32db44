import type { Throttle } from "../../throttle/throttle.js";
import type { VendorDriver } from "../vendor-driver.js";
import { ciscoAuthenticateRoutes } from "./cisco-authenticate.routes.js";
import { ciscoProfiles } from "./cisco-profile.js";
import { createCiscoRestart, deviceName, type CiscoRestartPorts, type CiscoRestartSettings } from "./cisco-restart.js";

/**
 * Cisco Enterprise (CUCM) firmware: `SEP<MAC>.cnf.xml` from the TFTP/FTP root, restarted by a SIP NOTIFY
 * (check-sync or service-control), chan_sccp's SCCPDeviceRestart, or `/CGI/Execute` key presses that the
 * phone authorises through `/cisco/authenticate`. Profiles are SEP templates (`cisco-profile.ts`).
 */
export function createCiscoDriver(
  settings: CiscoRestartSettings,
  ports: CiscoRestartPorts,
  /** Wrong /cisco/authenticate answers allowed per address and window (the console login's per-address limit). */
  guard: { throttle: Throttle; attempts: number; windowSeconds: number },
): VendorDriver {
  // The credentials a phone checks a /CGI/Execute push against (the key-press restart of SCCP phones).
  const credentials = { username: settings.cgiUsername, password: settings.cgiPassword || undefined };
  return {
    vendor: "cisco",
    handles: (phone) => (phone.brand ?? "cisco") === "cisco",
    configFile: (phone) => `${deviceName(phone.mac)}.cnf.xml`,
    restart: createCiscoRestart(settings, ports),
    routes: ciscoAuthenticateRoutes(credentials, guard.throttle, guard),
    ...ciscoProfiles,
  };
}
