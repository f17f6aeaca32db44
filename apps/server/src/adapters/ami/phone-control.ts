import type { AmiClient } from "./ami-client.js";

/** Restarts and re-syncs phones through Asterisk (used by the deploy pipeline). */
export interface AsteriskPhoneControl {
  /**
   * AMI PJSIPNotify: Endpoint=<endpoint>, one `Variable: name=value` line per pair, in order (a name may
   * repeat: each `Content` pair is one body line once `Content-Type` is given).
   */
  pjsipNotify(endpoint: string, variables: ReadonlyArray<readonly [string, string]>): Promise<void>;
  /** AMI SIPnotify (chan_sip): Channel=<peer>, Variable lines likewise. */
  sipNotify(peer: string, variables: ReadonlyArray<readonly [string, string]>): Promise<void>;
  /** AMI SCCPDeviceRestart: Devicename=SEP<MAC>, Type=restart|reset|full. */
  sccpDeviceRestart(deviceName: string, type: "restart" | "reset" | "full"): Promise<void>;
}

const variableLines = (variables: ReadonlyArray<readonly [string, string]>) => variables.map(([k, v]) => `${k}=${v}`);

/** Rejects with AmiError (code action_failed carries Asterisk's Message, e.g. "Device not registered"). */
export function createAsteriskPhoneControl(ami: AmiClient): AsteriskPhoneControl {
  return {
    async pjsipNotify(endpoint, variables) {
      await ami.action("PJSIPNotify", { Endpoint: endpoint, Variable: variableLines(variables) });
    },
    async sipNotify(peer, variables) {
      await ami.action("SIPnotify", { Channel: peer, Variable: variableLines(variables) });
    },
    async sccpDeviceRestart(deviceName, type) {
      await ami.action("SCCPDeviceRestart", { Devicename: deviceName, Type: type });
    },
  };
}
