import type { PhoneLine } from "@cisisk/contract";
import type { RenderLine } from "../../vendors/vendor-driver.js";

/** Where a phone's lines come from: a port, so profiles never reach into the extensions module's tables. */
export interface LineSource {
  /** The phone's explicit button → extension links; else the profile owner's extensions in number order. */
  linesFor(links: PhoneLine[], ownerUserId: string | null, capacity: number): Promise<RenderLine[]>;
}

/** What the profiles module needs from the extensions service: lines with their secrets in clear. */
export interface ExtensionLines {
  lineCredentialsForUser(userId: string): Promise<LineCredential[]>;
  lineCredentialsByIds(ids: string[]): Promise<Map<string, LineCredential>>;
}
interface LineCredential {
  number: string;
  displayName: string;
  authUsername: string;
  secret: string;
}

const toRenderLine = (button: number, l: LineCredential): RenderLine => ({
  button,
  number: l.number,
  displayName: l.displayName,
  authName: l.authUsername,
  password: l.secret,
});

/**
 * Explicit button links come with the phone (the phones service); without them, the owner's extensions
 * fill the buttons in number order. Credentials always come from the extensions service.
 */
export function createLineSource(extensions: ExtensionLines): LineSource {
  return {
    async linesFor(links, ownerUserId, capacity) {
      if (links.length === 0) {
        if (!ownerUserId) return [];
        return (await extensions.lineCredentialsForUser(ownerUserId))
          .slice(0, capacity)
          .map((l, i) => toRenderLine(i + 1, l));
      }
      const inRange = [...links].sort((a, b) => a.button - b.button).filter((l) => l.button <= capacity);
      const credentials = await extensions.lineCredentialsByIds(inRange.map((l) => l.extensionId));
      return inRange.flatMap((l) => {
        const c = credentials.get(l.extensionId);
        return c ? [toRenderLine(l.button, c)] : [];
      });
    },
  };
}
