import type { FirmwareSettings, LoadSource } from "@cisisk/contract";
import { iso, type Clock } from "../../lib/time.js";
import type { FirmwareRepository } from "./firmware.repository.js";

/** The `<loadInformation>` a phone gets and why: its own load, else its model's, else none (an empty element). */
export interface ResolvedLoad {
  load: string | null;
  source: LoadSource;
  model: string;
}

export function createFirmwareService(deps: { repo: FirmwareRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    async get(): Promise<FirmwareSettings> {
      return { loads: await repo.all() };
    },

    /** `loads` keys are catalogue models already (the contract normalises and checks them). */
    async put(loads: Record<string, string>): Promise<FirmwareSettings> {
      await repo.replaceAll(loads, iso(clock()));
      return { loads: await repo.all() };
    },

    async resolve(phone: { model: string; firmwareLoad: string | null }): Promise<ResolvedLoad> {
      if (phone.firmwareLoad) return { load: phone.firmwareLoad, source: "phone", model: phone.model };
      const load = await repo.loadOf(phone.model);
      return load ? { load, source: "model", model: phone.model } : { load: null, source: "none", model: phone.model };
    },
  };
}
export type FirmwareService = ReturnType<typeof createFirmwareService>;
