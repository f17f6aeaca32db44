import net from "node:net";

/**
 * Ready-to-paste DHCP snippets pointing phones at this server: option 66 (TFTP server name, which Yealink,
 * Fanvil, Grandstream and Snom read as a provisioning URL), option 160 (Polycom-style URL, "some brands"),
 * option 150 (Cisco: the TFTP server's IPv4 address, never a URL).
 */
export function dhcpSnippets(provisionUrl: string): { iscDhcpd: string; kea: string; dnsmasq: string } {
  const url = `${provisionUrl}/`;
  const host = new URL(provisionUrl).hostname.replace(/^\[|\]$/g, "");
  const ipv4 = net.isIPv4(host) ? host : null;
  const cisco150 = ipv4 ?? "<IPv4 address of this server>";
  const iscDhcpd = [
    "# ISC dhcpd (dhcpd.conf): global or inside a subnet { } block",
    "option provisioning-url-160 code 160 = text;",
    "option cisco-tftp-150 code 150 = array of ip-address;",
    `option tftp-server-name "${url}";`,
    `option provisioning-url-160 "${url}";`,
    `${ipv4 ? "" : "# "}option cisco-tftp-150 ${cisco150};`,
    "",
  ].join("\n");
  const kea = `${JSON.stringify(
    {
      Dhcp4: {
        "option-def": [
          { name: "provisioning-url-160", code: 160, type: "string", space: "dhcp4" },
          { name: "cisco-tftp-150", code: 150, type: "ipv4-address", array: true, space: "dhcp4" },
        ],
        "option-data": [
          { name: "tftp-server-name", code: 66, data: url },
          { name: "provisioning-url-160", code: 160, data: url },
          ...(ipv4 ? [{ name: "cisco-tftp-150", code: 150, data: ipv4 }] : []),
        ],
      },
    },
    null,
    2,
  )}\n`;
  const dnsmasq = [
    "# dnsmasq (dnsmasq.conf or /etc/dnsmasq.d/phones.conf)",
    `dhcp-option=66,"${url}"`,
    `dhcp-option=160,"${url}"`,
    `${ipv4 ? "" : "# "}dhcp-option=150,${cisco150}`,
    "",
  ].join("\n");
  return { iscDhcpd, kea, dnsmasq };
}
