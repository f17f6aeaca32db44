import {
  createPhoneSchema,
  findPhoneModel,
  kemCatalogue,
  modelsOfBrand,
  phoneCatalogue,
  updatePhoneSchema,
  type CreatePhoneInput,
  type KemModel,
  type Phone,
  type PhoneBrand,
  type UpdatePhoneInput,
} from "@cisisk/contract";
import type { Control } from "react-hook-form";
import type { z } from "zod";
import type { Option } from "../../lib/lookups";
import { requestResolver } from "../../lib/request-resolver";

/**
 * What the phone form's inputs hold ("" = empty), for every brand: the Cisco fields (software, firmware load,
 * KEMs) and the other brands' account 1 are both kept, and the brand decides which go into the request.
 */
export interface PhoneFormValues {
  brand: PhoneBrand;
  mac: string;
  model: string;
  ip: string;
  location: string;
  label: string;
  userId: string;
  enabled: boolean;
  softwareType: string;
  firmwareLoad: string;
  /** "" or `<count>×<Cisco KEM model>`, e.g. "2×CP-8800-Audio" (one type per phone). */
  kems: string;
  sipUsername: string;
  sipPassword: string;
  sipServer: string;
  transport: string;
}
export const FIELDS = [
  "brand",
  "mac",
  "model",
  "softwareType",
  "ip",
  "location",
  "label",
  "userId",
  "firmwareLoad",
  "kems",
  "sipUsername",
  "sipPassword",
  "sipServer",
  "transport",
] as const;

export type PhoneBody = z.output<typeof createPhoneSchema> | z.output<typeof updatePhoneSchema>;
export type PhoneControl = Control<PhoneFormValues, unknown, PhoneBody>;

export function defaultsOf(phone: Phone | null): PhoneFormValues {
  const kem = phone?.kems[0];
  return {
    brand: (phone?.brand as PhoneBrand | undefined) ?? "cisco",
    mac: phone?.mac ?? "",
    model: phone?.model ?? "",
    ip: phone?.ip ?? "",
    location: phone?.location ?? "",
    label: phone?.label ?? "",
    userId: phone?.userId ?? "",
    enabled: phone?.enabled ?? true,
    softwareType: phone?.softwareType ?? "",
    firmwareLoad: phone?.firmwareLoad ?? "",
    kems: kem ? `${phone.kems.length}×${kem.model}` : "",
    sipUsername: phone?.sipUsername ?? "",
    sipPassword: "",
    sipServer: phone?.sipServer ?? "",
    transport: phone?.transport ?? "",
  };
}

const kemNames = (kems: string) => {
  const [count, model] = kems.split("×");
  return model ? Array.from({ length: Number(count) }, () => ({ model })) : [];
};

/** The request body: what every brand has, then the brand's own fields. */
function toBody(v: PhoneFormValues, creating: boolean): CreatePhoneInput & UpdatePhoneInput {
  const common = {
    mac: v.mac,
    brand: v.brand,
    model: v.model,
    ip: v.ip,
    location: v.location,
    label: v.label,
    userId: v.userId || null,
    enabled: v.enabled,
  };
  if (v.brand === "cisco")
    return {
      ...common,
      softwareType: (v.softwareType || null) as CreatePhoneInput["softwareType"],
      firmwareLoad: v.firmwareLoad.trim() || null,
      // On an existing phone the modules are changed by "Edit KEMs" (PUT /phones/:id/kems).
      ...(creating && v.kems && { kems: kemNames(v.kems) }),
    };
  return {
    ...common,
    softwareType: null,
    firmwareLoad: null,
    sipUsername: v.sipUsername,
    sipServer: v.sipServer,
    transport: (v.transport || null) as CreatePhoneInput["transport"],
    // Write-only: empty keeps the stored password.
    ...(v.sipPassword && { sipPassword: v.sipPassword }),
  };
}

export const createResolver = requestResolver(createPhoneSchema, (v: PhoneFormValues) => toBody(v, true));
export const updateResolver = requestResolver(updatePhoneSchema, (v: PhoneFormValues) => toBody(v, false));

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The brand's models from the shared catalogue: Cisco with their firmware, the others with their accounts. */
export function modelOptionsOf(brand: PhoneBrand): Option[] {
  if (brand === "cisco")
    return phoneCatalogue.map((m) => ({ value: m.model, label: `${m.model} (${m.protocols.join("/")})` }));
  return modelsOfBrand(brand).map((m) => ({ value: m.model, label: `${m.model} (${plural(m.accounts, "account")})` }));
}

/** SIP accounts the brand's model holds; null when the model is not the brand's. */
export const accountsOf = (brand: PhoneBrand, model: string) =>
  modelsOfBrand(brand).find((m) => m.model === model)?.accounts ?? null;

/** "1 × 7915 (24 keys)" … up to the model's maximum, for each module type that fits; empty without a KEM port. */
export function kemOptionsOf(model: string): Option[] {
  const facts = findPhoneModel(model);
  if (!facts) return [];
  return facts.kems.flatMap((kem: KemModel) =>
    Array.from({ length: facts.maxKems }, (_, i) => ({
      value: `${i + 1}×${kem}`,
      label: `${i + 1} × ${kem} (${plural((i + 1) * kemCatalogue[kem].buttons, "key")})`,
    })),
  );
}
