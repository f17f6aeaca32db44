import {
  createExtensionSchema,
  updateExtensionSchema,
  type CreateExtensionInput,
  type Extension,
  type ExtensionTechnology,
  type UpdateExtensionInput,
} from "@cisisk/contract";
import type { Control } from "react-hook-form";
import type { z } from "zod";
import { requestResolver } from "../../lib/request-resolver";

/** What the extension form's inputs hold; "" means empty. Same field names as the request bodies. */
export interface ExtensionFormValues {
  technology: ExtensionTechnology;
  number: string;
  displayName: string;
  userId: string;
  secret: string;
  context: string;
  voicemail: string;
  codecs: string;
  sccp: {
    label: string;
    cidName: string;
    cidNum: string;
    deviceName: string;
    deviceType: string;
    lineInstance: number;
  };
  /** chan_sip protocols (transport=), e.g. "tcp" or "tcp,udp". */
  sip: { transport: string; nat: string; dtmfMode: string; directMedia: boolean };
  pjsip: {
    /** A pjsip.conf transport section name. */
    transport: string;
    authType: "md5" | "userpass";
    maxContacts: number;
    removeExisting: boolean;
    qualifyFrequency: number;
    directMedia: boolean;
    dtmfMode: string;
  };
}
export const FIELDS = [
  "number",
  "displayName",
  "userId",
  "secret",
  "context",
  "voicemail",
  "codecs",
  "sip.transport",
  "pjsip.transport",
] as const;

export type ExtensionBody = z.output<typeof createExtensionSchema> | z.output<typeof updateExtensionSchema>;
export type ExtensionControl = Control<ExtensionFormValues, unknown, ExtensionBody>;

const codecsOf = (text: string) =>
  text.trim()
    ? text
        .split(/[\s,]+/)
        .map((c) => c.trim().toLowerCase())
        .filter(Boolean)
    : null;

/** Only the chosen technology's options travel. */
function optionsOf(v: ExtensionFormValues) {
  if (v.technology === "SCCP") return { sccp: v.sccp };
  if (v.technology === "SIP") return { sip: v.sip as never };
  return { pjsip: v.pjsip as never };
}

export const createResolver = requestResolver(
  createExtensionSchema,
  (v: ExtensionFormValues) =>
    ({
      technology: v.technology,
      number: v.number,
      displayName: v.displayName,
      userId: v.userId || null,
      secret: v.secret || undefined,
      context: v.context.trim() || undefined,
      voicemail: v.voicemail,
      codecs: codecsOf(v.codecs),
      ...optionsOf(v),
    }) as CreateExtensionInput,
);

export const updateResolver = requestResolver(
  updateExtensionSchema,
  (v: ExtensionFormValues): UpdateExtensionInput => ({
    technology: v.technology,
    number: v.number,
    displayName: v.displayName,
    userId: v.userId || null,
    ...(v.secret ? { secret: v.secret } : {}),
    ...(v.context.trim() ? { context: v.context } : {}),
    voicemail: v.voicemail,
    codecs: codecsOf(v.codecs),
    ...optionsOf(v),
  }),
);

export function defaultsOf(e: Extension | null): ExtensionFormValues {
  return {
    technology: e?.technology ?? "PJSIP",
    number: e?.number ?? "",
    displayName: e?.displayName ?? "",
    userId: e?.userId ?? "",
    secret: "",
    context: e?.context ?? "",
    voicemail: e?.voicemail ?? "",
    codecs: e?.codecs?.join(",") ?? "",
    sccp: {
      label: e?.sccp?.label ?? "",
      cidName: e?.sccp?.cidName ?? "",
      cidNum: e?.sccp?.cidNum ?? "",
      deviceName: e?.sccp?.deviceName ?? "",
      deviceType: e?.sccp?.deviceType ?? "",
      lineInstance: e?.sccp?.lineInstance ?? 1,
    },
    sip: {
      transport: e?.sip?.transport ?? "",
      nat: e?.sip?.nat ?? "force_rport,comedia",
      dtmfMode: e?.sip?.dtmfMode ?? "rfc2833",
      directMedia: e?.sip?.directMedia ?? false,
    },
    pjsip: {
      transport: e?.pjsip?.transport ?? "",
      authType: e?.pjsip?.authType ?? "md5",
      maxContacts: e?.pjsip?.maxContacts ?? 1,
      removeExisting: e?.pjsip?.removeExisting ?? true,
      qualifyFrequency: e?.pjsip?.qualifyFrequency ?? 60,
      directMedia: e?.pjsip?.directMedia ?? false,
      dtmfMode: e?.pjsip?.dtmfMode ?? "rfc4733",
    },
  };
}
