import { z } from "zod";
import { canonicalModelName, findPhoneModel } from "./phone-catalogue.js";

/**
 * A firmware load as `<loadInformation>` names it: the `.loads` file's name without `.loads`
 * ("sip88xx.14-2-1-0001-14", "SIP45.9-4-2SR3-1S", "SCCP894x.9-4-2SR3-2", "term75.default").
 */
export const firmwareLoadSchema = z
  .string()
  .trim()
  .max(64)
  .refine((v) => !/\.loads$/i.test(v), { message: "name the load without .loads" })
  .pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/,
        "a load name like sip88xx.14-2-1-0001-14: letters, digits, '.', '_' and '-'",
      ),
  );

/** GET/PUT /settings/firmware: the load each model's phones get, keyed by catalogue model ("8845"). */
export const firmwareSettingsSchema = z
  .object({
    loads: z.record(z.string(), z.string()).meta({ example: { "8845": "sip88xx.14-2-1-0001-14" } }),
  })
  .meta({ id: "FirmwareSettings" });
export type FirmwareSettings = z.infer<typeof firmwareSettingsSchema>;

/** PUT body: replaces every model's load. Keys are catalogue models (any spelling the phones API takes). */
export const putFirmwareSettingsSchema = z.object({
  loads: z.record(z.string().max(32), firmwareLoadSchema).transform((loads, ctx) => {
    const out: Record<string, string> = {};
    for (const [key, load] of Object.entries(loads)) {
      const model = findPhoneModel(canonicalModelName(key));
      if (!model) {
        ctx.addIssue({ code: "custom", path: [key], message: `${key} is not a model of the phone catalogue` });
        continue;
      }
      if (out[model.model] !== undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `model ${model.model} is given twice` });
      out[model.model] = load;
    }
    return out;
  }),
});
export type PutFirmwareSettingsInput = z.input<typeof putFirmwareSettingsSchema>;

/** Where a phone's `<loadInformation>` comes from. */
export const loadSourceSchema = z.enum(["phone", "model", "none"]);
export type LoadSource = z.infer<typeof loadSourceSchema>;
