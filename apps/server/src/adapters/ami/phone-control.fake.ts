import type { AsteriskPhoneControl } from "./phone-control.js";

export type PhoneControlCall =
  | { action: "pjsipNotify"; endpoint: string; variables: Record<string, string> }
  | { action: "sipNotify"; peer: string; variables: Record<string, string> }
  | { action: "sccpDeviceRestart"; deviceName: string; type: "restart" | "reset" | "full" };

/** Records every call; `failWith` makes the next calls reject (e.g. "Device not registered"). */
export function createFakePhoneControl(): AsteriskPhoneControl & { calls: PhoneControlCall[]; failWith: Error | null } {
  const fake = {
    calls: [] as PhoneControlCall[],
    failWith: null as Error | null,
    async pjsipNotify(endpoint: string, variables: Record<string, string>) {
      fake.calls.push({ action: "pjsipNotify", endpoint, variables });
      if (fake.failWith) throw fake.failWith;
    },
    async sipNotify(peer: string, variables: Record<string, string>) {
      fake.calls.push({ action: "sipNotify", peer, variables });
      if (fake.failWith) throw fake.failWith;
    },
    async sccpDeviceRestart(deviceName: string, type: "restart" | "reset" | "full") {
      fake.calls.push({ action: "sccpDeviceRestart", deviceName, type });
      if (fake.failWith) throw fake.failWith;
    },
  };
  return fake;
}
