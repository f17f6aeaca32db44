import { escapeXml } from "../../lib/xml-escape.js";

export interface LpconfigAccount {
  username: string;
  displayName: string;
  domain: string;
  realm: string;
  /** host:port of the SIP proxy; null = the domain. */
  proxy: string | null;
  transport: "udp" | "tcp" | "tls";
  ha1: string;
  algorithm: "MD5" | "SHA-256";
}

/**
 * Linphone's remote-provisioning XML (lpconfig.xsd): one proxy (`proxy_0`) and its credentials
 * (`auth_info_0`) with the HA1 digest, never the password itself.
 */
export function renderLpconfig(a: LpconfigAccount): string {
  const entry = (name: string, value: string) =>
    `    <entry name="${name}" overwrite="true">${escapeXml(value)}</entry>`;
  const identity = `"${a.displayName.replace(/["\\]/g, "")}" <sip:${a.username}@${a.domain}>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<config xmlns="http://www.linphone.org/xsds/lpconfig.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.linphone.org/xsds/lpconfig.xsd lpconfig.xsd">`,
    `  <section name="proxy_0" overwrite="true">`,
    entry("reg_identity", identity),
    entry("reg_proxy", `<sip:${a.proxy ?? a.domain};transport=${a.transport}>`),
    entry("reg_expires", "3600"),
    entry("reg_sendregister", "1"),
    entry("realm", a.realm),
    `  </section>`,
    `  <section name="auth_info_0" overwrite="true">`,
    entry("username", a.username),
    entry("userid", a.username),
    entry("ha1", a.ha1),
    entry("realm", a.realm),
    entry("domain", a.domain),
    entry("algorithm", a.algorithm),
    `  </section>`,
    `</config>`,
    ``,
  ].join("\n");
}
