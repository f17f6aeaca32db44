import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { AsteriskManager, ReloadTarget } from "../../adapters/ami/asterisk-manager.js";
import type { AsteriskLine, SccpDevice } from "../../adapters/asterisk/asterisk-line.js";
import { confFileNames, renderers, renderSccpConf, writeFileAtomically } from "../../adapters/asterisk/conf-files.js";
import {
  patchPjsipWizardConf,
  pjsipWizardSection,
  renderPjsipWizardConf,
  SINGLE_FILE_STUB,
  WIZARD_STUB,
} from "../../adapters/asterisk/pjsip-wizard.js";
import type { Logger } from "../../logger.js";
import type { AsteriskChangeRow } from "./asterisk-changes.repository.js";
import type { ExtensionRecord, ExtensionsRepository } from "./extensions.repository.js";

/** The outbox `technologies` of a chan_sccp device change. */
export const SCCP_DEVICE = "SCCP_DEVICE";

/** Above this many changes a wizard file is rendered whole (a CSV import) rather than patched. */
const PATCH_LIMIT = 1000;

/**
 * Where PJSIP lines go: `wizards` once Asterisk reads pjsip_cisisk_wizard.conf (an admin `#include`d it
 * from pjsip_wizard.conf), else `single`: endpoint, auth and aor sections in pjsip_cisisk.conf.
 */
export type PjsipLayout = "single" | "wizards";

interface FilesDeps {
  configDir: string;
  extensions: Pick<ExtensionsRepository, "findManyByIds" | "all">;
  lineOf(record: ExtensionRecord): AsteriskLine;
  sccpDevices: { all(): Promise<SccpDevice[]> };
  manager: AsteriskManager | null;
  log: Logger;
}

/** Asterisk tells which layout it reads; without AMI there is no asking, and the single file stays. */
async function pjsipLayoutOf(manager: AsteriskManager | null): Promise<PjsipLayout> {
  if (!manager) return "single";
  const files = await manager.loadedConfigFiles();
  return files.some((f) => path.basename(f) === confFileNames.PJSIP_WIZARD) ? "wizards" : "single";
}

/**
 * Applies a batch of files changes: rewrites the files of the technologies it touched (and any missing yet,
 * so every `#include` finds its file), then reloads them. PJSIP wizards are patched section by section
 * from the changed extensions alone; the other files are rendered from every extension.
 */
export function createFilesApplier(deps: FilesDeps) {
  const dir = deps.configDir;
  const missing = (name: string) => !existsSync(path.join(dir, name));

  // Per batch: every extension, read at most once; how long reading took and how many lines it gave.
  let everyLine: Promise<AsteriskLine[]> | null = null;
  let read = { ms: 0, lines: 0 };
  const timed = async <T extends unknown[]>(query: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const rows = await query;
    read = { ms: read.ms + performance.now() - t0, lines: read.lines + rows.length };
    return rows;
  };
  const allLines = () => (everyLine ??= timed(deps.extensions.all()).then((rows) => rows.map((r) => deps.lineOf(r))));

  /** The wizard file with this batch's PJSIP changes; `patched` false when it had to be rendered whole. */
  async function wizardFile(
    batch: readonly AsteriskChangeRow[],
  ): Promise<{ text: string; patched: boolean; previous: string | null }> {
    const rows = batch.filter((r) => r.technologies.split(",").includes("PJSIP"));
    const existing = await readFile(path.join(dir, confFileNames.PJSIP_WIZARD), "utf8").catch(() => null);
    if (rows.length <= PATCH_LIMIT) {
      const current = await timed(deps.extensions.findManyByIds([...new Set(rows.map((r) => r.extension_id))]));
      const sections = new Map(
        current
          .map((r) => deps.lineOf(r))
          .filter((l) => l.technology === "PJSIP")
          .map((l) => [l.number, pjsipWizardSection(l)] as const),
      );
      const removed = rows.flatMap((r) => [r.extension_number, ...(r.previous_number ? [r.previous_number] : [])]);
      const text = patchPjsipWizardConf(existing, removed, sections);
      if (text !== null) return { text, patched: true, previous: existing };
    }
    return { text: renderPjsipWizardConf(await allLines()), patched: false, previous: existing };
  }

  return async function apply(batch: readonly AsteriskChangeRow[]): Promise<void> {
    everyLine = null;
    read = { ms: 0, lines: 0 };
    const touched = new Set(batch.flatMap((r) => r.technologies.replace(SCCP_DEVICE, "SCCP").split(",")));
    const started = performance.now();
    const layout = touched.has("PJSIP") || missing(confFileNames.PJSIP) ? await pjsipLayoutOf(deps.manager) : null;
    const reload: ReloadTarget[] = [];
    let rendered: "patched" | "whole" | null = null;

    if (layout === "wizards") {
      // Emptying the old file makes pjsip.conf's objects change: only res_pjsip's own reload drops them.
      const leftSingle = await writeFileAtomically(dir, confFileNames.PJSIP, SINGLE_FILE_STUB);
      const { text, patched, previous } = await wizardFile(batch);
      rendered = patched ? "patched" : "whole";
      await writeFileAtomically(dir, confFileNames.PJSIP_WIZARD, text, previous);
      if (touched.has("PJSIP") || leftSingle) reload.push(leftSingle ? "PJSIP" : "PJSIP_WIZARDS");
    } else if (layout === "single") {
      // A whole wizard file left behind (its #include removed) is emptied too, or it would load twice later.
      await writeFileAtomically(dir, confFileNames.PJSIP_WIZARD, WIZARD_STUB);
      await writeFileAtomically(dir, confFileNames.PJSIP, renderers.PJSIP(await allLines()));
      rendered = "whole";
      if (touched.has("PJSIP")) reload.push("PJSIP");
    }
    for (const tech of ["SIP", "SCCP"] as const) {
      if (!touched.has(tech) && !missing(confFileNames[tech])) continue;
      const lines = await allLines();
      if (tech === "SCCP")
        await writeFileAtomically(dir, confFileNames.SCCP, renderSccpConf(lines, await deps.sccpDevices.all()));
      else await writeFileAtomically(dir, confFileNames.SIP, renderers.SIP(lines));
      if (touched.has(tech)) reload.push(tech);
    }
    const written = performance.now();
    if (!deps.manager) {
      deps.log.warn({ changes: batch.length }, "files written, but no AMI is configured to reload Asterisk");
      return;
    }
    await deps.manager.reload(reload);
    // Where a change's time goes at site scale: reading and rendering here, then Asterisk's reload.
    deps.log.info(
      {
        changes: batch.length,
        pjsipLayout: layout,
        rendered,
        reloaded: reload,
        lines: read.lines,
        readMs: Math.round(read.ms),
        renderWriteMs: Math.round(written - started - read.ms),
        reloadMs: Math.round(performance.now() - written),
      },
      "asterisk files applied",
    );
  };
}
