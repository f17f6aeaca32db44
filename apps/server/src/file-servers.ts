import { startTftpServer } from "./adapters/tftp/tftp-server.js";
import type { Deps } from "./deps.js";
import { startPhoneFileListener } from "./http/phone-file-listener.js";

/**
 * Cisisk as the phones' file server: the TFTP listener and the HTTP one on Cisco's 6970, both answering from
 * deps.phoneFileLookup and bound like the main HTTP server. null = that listener is off. main.ts starts them
 * when `[provisioning] store = "self"`; tests start them on port 0.
 */
export async function startFileServers(deps: Deps, ports: { tftp: number | null; http: number | null }) {
  const host = deps.config.server.host;
  const log = deps.log.child({ module: "file-serving" });
  const onError = (err: unknown) => log.warn({ err }, "a phone file transfer failed");
  const tftp =
    ports.tftp === null
      ? null
      : await startTftpServer({
          host,
          port: ports.tftp,
          lookup: (request) => deps.fileStore.serve("tftp", deps.phoneFileLookup, request),
          onError,
        });
  let http;
  try {
    http =
      ports.http === null
        ? null
        : await startPhoneFileListener({
            host,
            port: ports.http,
            lookup: (request) => deps.fileStore.serve("http", deps.phoneFileLookup, request),
            onError,
          });
  } catch (error) {
    await tftp?.close();
    throw error;
  }
  deps.fileStore.setListening({ tftp: tftp?.port ?? null, http: http?.port ?? null });
  return {
    tftpPort: tftp?.port ?? null,
    httpPort: http?.port ?? null,
    async close() {
      deps.fileStore.setListening({ tftp: null, http: null });
      await Promise.all([tftp?.close(), http?.close()]);
    },
  };
}
