import { z } from "zod";
import { isoTimestampSchema, listQuerySchema } from "./common.js";
import { canonicalModelName, findPhoneModel, phoneCatalogue } from "./phone-catalogue.js";
import {
  extraKeysSchema,
  macSchema,
  phoneBrandSchema,
  sipServerSchema,
  sipTransports,
  type PhoneBrand,
} from "./phones.js";

/**
 * Zero-touch provisioning (issue 11): one inventory of phones of several brands. Cisco models stay in
 * phone-catalogue.ts (SEP files, KEMs, SCCP); Yealink, Fanvil, Grandstream, Snom and Polycom models are here
 * with what their files need.
 */

export interface VendorModel {
  brand: Exclude<PhoneBrand, "cisco">;
  model: string;
  /** SIP accounts the firmware holds (account.1..N / line index 1..N). */
  accounts: number;
  /**
   * Yealink: the model's code in the common file `y0000000000XX.cfg`; Fanvil: the model common file name.
   * null when the model has none.
   */
  commonFile: string | null;
  /** Yealink T2xP/T19P-era firmware reads `account.N.sip_server_host/port` instead of `sip_server.1.*`. */
  legacyKeys: boolean;
}

const y = (model: string, accounts: number, code: string, legacyKeys = false): VendorModel => ({
  brand: "yealink",
  model,
  accounts,
  commonFile: `y0000000000${code}.cfg`,
  legacyKeys,
});
/** A model whose brand has no model common file and one set of keys (Fanvil, Grandstream, Snom, Polycom). */
const plain =
  (brand: VendorModel["brand"]) =>
  (model: string, accounts: number): VendorModel => ({ brand, model, accounts, commonFile: null, legacyKeys: false });
const f = plain("fanvil");
const g = plain("grandstream");
const s = plain("snom");
const p = plain("polycom");

/**
 * Sources: Yealink auto-provisioning guides (common file per model: `y0000000000XX.cfg`), provisioner.net's
 * family data for the T2x codes; Fanvil, Grandstream, Snom and Poly datasheets for SIP account counts
 * (Grandstream: SIP accounts, not line keys; the P-value map covers accounts 1-6).
 */
export const vendorModelCatalogue: readonly VendorModel[] = [
  // Legacy T2x / T19 firmware (version 7x and older): legacy account keys.
  y("T19P", 1, "09", true),
  y("T20P", 1, "07", true),
  y("T21P", 2, "34", true),
  y("T22P", 3, "05", true),
  y("T26P", 3, "04", true),
  y("T28P", 6, "00", true),
  y("T32G", 3, "32", true),
  y("T38G", 6, "38", true),
  // T2x E2, T3x, T4x, T5x: current keys (account.N.sip_server.1.*).
  y("T19P_E2", 1, "53"),
  y("T21P_E2", 2, "52"),
  y("T23G", 3, "44"),
  y("T27G", 6, "69"),
  y("T29G", 16, "46"),
  y("T30P", 1, "127"),
  y("T31P", 2, "123"),
  y("T31G", 2, "123"),
  y("T33G", 4, "124"),
  y("T40P", 3, "54"),
  y("T40G", 3, "76"),
  y("T41P", 6, "36"),
  y("T41S", 6, "68"),
  y("T42G", 12, "29"),
  y("T42S", 12, "67"),
  y("T43U", 12, "107"),
  y("T46G", 16, "28"),
  y("T46S", 16, "66"),
  y("T46U", 16, "108"),
  y("T48G", 16, "35"),
  y("T48S", 16, "65"),
  y("T48U", 16, "109"),
  y("T52S", 12, "74"),
  y("T53", 12, "95"),
  y("T53W", 12, "95"),
  y("T54S", 16, "70"),
  y("T54W", 16, "96"),
  y("T57W", 16, "97"),
  y("T58", 16, "58"),
  y("VP530", 4, "23", true),
  f("X1S", 2),
  f("X3S", 2),
  f("X3SP", 2),
  f("X3U", 6),
  f("X4", 6),
  f("X4U", 12),
  f("X5S", 6),
  f("X5U", 16),
  f("X6", 6),
  f("X6U", 20),
  f("X7", 20),
  f("X7C", 20),
  f("X210", 20),
  g("GXP1610", 1),
  g("GXP1615", 1),
  g("GXP1620", 2),
  g("GXP1625", 2),
  g("GXP1628", 2),
  g("GXP1630", 3),
  g("GXP2130", 3),
  g("GXP2135", 4),
  g("GXP2140", 4),
  g("GXP2160", 6),
  g("GXP2170", 6),
  g("GRP2612", 2),
  g("GRP2613", 3),
  g("GRP2614", 4),
  g("GRP2615", 5),
  g("GRP2616", 6),
  s("D710", 4),
  s("D712", 4),
  s("D715", 4),
  s("D717", 6),
  s("D725", 12),
  s("D735", 12),
  s("D745", 12),
  s("D765", 12),
  s("D785", 12),
  s("D862", 12),
  s("D865", 12),
  p("VVX101", 1),
  p("VVX150", 2),
  p("VVX201", 2),
  p("VVX250", 4),
  p("VVX300", 6),
  p("VVX310", 6),
  p("VVX350", 6),
  p("VVX400", 12),
  p("VVX410", 12),
  p("VVX450", 12),
  p("VVX500", 12),
  p("VVX501", 12),
  p("VVX600", 16),
  p("VVX601", 16),
];

/** A model of any brand, as the provisioning drivers need it. */
export interface BrandModel {
  brand: PhoneBrand;
  model: string;
  accounts: number;
}

/**
 * "Yealink SIP-T46S", "t46s", "Fanvil X4U", "snomD785", "Poly VVX 450", "GXP-2170" → the catalogue's name for
 * that brand; Cisco names as today.
 */
export function canonicalBrandModel(brand: PhoneBrand, name: string): string {
  if (brand === "cisco") return canonicalModelName(name);
  return name
    .trim()
    .toUpperCase()
    .replace(/^(YEALINK|FANVIL|GRANDSTREAM|SNOM|POLYCOM|POLY)\s*/, "")
    .replace(/^SIP-/, "")
    .replace(/^(VVX|GXP|GRP)[\s-]+/, "$1")
    .replace(/\s+E2$/, "_E2");
}

export function findVendorModel(brand: string, model: string): VendorModel | undefined {
  const m = canonicalBrandModel(brand as PhoneBrand, model);
  return vendorModelCatalogue.find((v) => v.brand === brand && v.model === m);
}

export function findBrandModel(brand: string, model: string): BrandModel | undefined {
  if (brand === "cisco") {
    const c = findPhoneModel(canonicalModelName(model));
    return c && { brand: "cisco", model: c.model, accounts: c.lineKeys };
  }
  const v = findVendorModel(brand, model);
  return v && { brand: v.brand, model: v.model, accounts: v.accounts };
}

/**
 * A brand's models with the accounts (Cisco: line keys) each holds, in catalogue order: what
 * `GET /provisioning/settings` lists and the console's model pickers offer.
 */
export function modelsOfBrand(brand: PhoneBrand): BrandModel[] {
  if (brand === "cisco") return phoneCatalogue.map((m) => ({ brand, model: m.model, accounts: m.lineKeys }));
  return vendorModelCatalogue
    .filter((m) => m.brand === brand)
    .map((m) => ({ brand: m.brand, model: m.model, accounts: m.accounts }));
}

/** One device as the endpoint manager shows it (the seed's fields; the password is write-only). */
export const endpointDeviceSchema = z
  .object({
    id: z.uuid(),
    mac: z.string(),
    brand: z.string(),
    model: z.string(),
    label: z.string().nullable(),
    username: z.string().nullable(),
    hasPassword: z.boolean(),
    server: z.string().nullable(),
    extensionId: z.string().nullable(),
    enabled: z.boolean(),
    transport: z.enum(sipTransports).nullable(),
    accounts: z.number().int(),
    extraKeys: z.record(z.string(), z.string()),
    fileName: z.string(),
    provisionedAt: isoTimestampSchema.nullable(),
    provisionedIp: z.string().nullable(),
    provisionedUserAgent: z.string().nullable(),
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "EndpointDevice" });
export type EndpointDevice = z.infer<typeof endpointDeviceSchema>;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

const deviceFields = {
  mac: macSchema,
  brand: phoneBrandSchema,
  model: z.string().trim().min(1).max(32),
  label: text(128),
  username: text(64),
  password: z.string().max(128).nullish(),
  server: sipServerSchema.nullish().or(z.literal("").transform(() => null)),
  extensionId: z.uuid().nullish(),
  enabled: z.boolean().default(true),
  transport: z.enum(sipTransports).nullish(),
  extraKeys: extraKeysSchema.optional(),
};

export const createEndpointDeviceSchema = z.object(deviceFields);
export type CreateEndpointDeviceInput = z.input<typeof createEndpointDeviceSchema>;

export const editEndpointDeviceSchema = z
  .object({ ...deviceFields, enabled: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type EditEndpointDeviceInput = z.input<typeof editEndpointDeviceSchema>;

export const endpointDeviceSortFields = ["mac", "brand", "model", "label", "createdAt"] as const;
const pagedDevices = listQuerySchema(endpointDeviceSortFields);
/**
 * The device list pages like every list once `page`, `pageSize` or `cursor` is given; without them it answers
 * every device, as the endpoint manager always has (so those two have no default here).
 */
export const listEndpointDevicesQuerySchema = pagedDevices.extend({
  page: pagedDevices.shape.page.unwrap().optional(),
  pageSize: pagedDevices.shape.pageSize.unwrap().optional(),
  brand: phoneBrandSchema.optional(),
});
export type ListEndpointDevicesQuery = z.infer<typeof listEndpointDevicesQuerySchema>;
export const endpointDeviceListSchema = z.object({
  data: z.array(endpointDeviceSchema),
  total: z.number().int(),
  page: z.number().int().optional().meta({ description: "present when the request pages" }),
  pageSize: z.number().int().optional().meta({ description: "present when the request pages" }),
  nextCursor: z
    .string()
    .nullable()
    .optional()
    .meta({ description: "present when the request pages: pass as `cursor` for the next page; null on the last" }),
});
export type EndpointDeviceList = z.infer<typeof endpointDeviceListSchema>;

export const endpointMacParamsSchema = z.object({ mac: macSchema });

/** Optional body: none (or `{}`) reboots; `{ "mode": "resync" }` only makes the phone re-read its file. */
export const rebootRequestSchema = z.object({ mode: z.enum(["reboot", "resync"]).optional() }).nullish();

export const rebootResultSchema = z.object({
  ok: z.boolean(),
  mode: z.enum(["reboot", "resync"]),
  /** The NOTIFY's Event header value. */
  event: z.string(),
  /** The phone's (or Asterisk's) answer, or why there was none. */
  detail: z.string(),
});
export type RebootResult = z.infer<typeof rebootResultSchema>;

export const provisioningSettingsSchema = z
  .object({
    provisionUrlBase: z.string(),
    allowedNetworks: z.array(z.string()),
    auth: z.enum(["none", "digest", "basic"]),
    username: z.string().nullable(),
    missLimitPerMinute: z.number().int(),
    userAgentMacCheck: z.boolean(),
    brands: z.array(
      z.object({ brand: z.string(), models: z.array(z.object({ model: z.string(), accounts: z.number().int() })) }),
    ),
    dhcp: z.object({ iscDhcpd: z.string(), kea: z.string(), dnsmasq: z.string() }),
  })
  .meta({ id: "ProvisioningSettings" });
export type ProvisioningSettings = z.infer<typeof provisioningSettingsSchema>;

export const provisioningFileSchema = z.object({
  fileName: z.string(),
  contentType: z.string(),
  body: z.string(),
});
export type ProvisioningFile = z.infer<typeof provisioningFileSchema>;
