import fs from "node:fs/promises";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { Locale } from "../../core/vocabulary.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { RegionNode, RegionTree } from "../../core/regions/routing.ts";
import { translator, type Translate } from "../../core/i18n/i18n.ts";
import { AppError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { maskIdNumber, maskName } from "../../core/personal-data.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import { contentKey, type FileStore } from "../../platform/file-store.ts";
import { receiveToScratch } from "../../platform/scratch-file.ts";
import { dataRows, fileSource, readHead, SpreadsheetError, type ByteSource } from "../../platform/spreadsheets/spreadsheet-reader.ts";
import { streamSpreadsheet } from "../../platform/spreadsheets/spreadsheet-stream.ts";
import { contentDisposition, spreadsheetContentTypes, type CellValue } from "../../platform/spreadsheets/spreadsheet-formats.ts";
import type { JobContext, JobKind, JobRunner } from "../../platform/jobs/job-runner.ts";
import { placeNames } from "../regions/place-names.ts";
import { StaffAccessLog } from "../personal-data/access-log.ts";
import type { AccessContext } from "../../http/access-context.ts";
import {
  groupHouseholds,
  householdHash,
  nationalFields,
  nationalHeader,
  nationalRowOf,
  readNationalRow,
  requiredNationalFields,
  suggestNationalMapping,
  type CellProblem,
  type NationalField,
  type NationalHousehold,
  type NationalMember,
  type NationalRow,
} from "./national-export.ts";
import { householdImportOutcomes, type HouseholdImportOutcome } from "./household-import-schemas.ts";

type ImportRecord = Prisma.HouseholdImportGetPayload<object>;
type Tx = Prisma.TransactionClient;

/** As kept in HouseholdImportRow.errors: codes and parameters, worded when read. */
interface StoredProblem extends CellProblem {
  /** The column's header, when the problem is in one cell. */
  column?: string;
}

interface RowOutcome {
  rowNumber: number;
  householdNumber: string | null;
  nameMasked: string | null;
  outcome: HouseholdImportOutcome;
  errors: StoredProblem[];
}

/** A household of the file with its village, ready to be written. */
interface Placed {
  household: NationalHousehold;
  regionId: string;
  hash: string;
}

export const householdImportJob = "household-import";
const sampleSize = 5;
/** Households written per transaction: short enough that other requests keep answering on the embedded database. */
const householdsPerBatch = 500;
const rowsPerStatement = 2000;

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Households from the national monitoring system's export (全国防返贫监测信息系统): a county office uploads
 * the sheet, confirms which column is which, and a background job writes every household whose rows are all
 * right — created, or updated in place by its household number (its members by their ID numbers' lookup
 * hash), never twice. A household is written whole or not at all: a bad row holds its household back. The
 * file is deleted once it has been imported (it holds ID numbers in clear; the records hold them encrypted).
 * The same layout is written back by the export, so that nothing is typed into the national system twice.
 */
export class HouseholdImportService {
  private readonly accessLog: StaffAccessLog;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileStore,
    private readonly jobs: Pick<JobRunner, "enqueue" | "dispatch">,
    private readonly scratchDir: string,
    private readonly maxRows: number,
  ) {
    this.accessLog = new StaffAccessLog(deps);
  }

  /** The background work, for the job runner. */
  jobKind(): JobKind {
    return {
      name: householdImportJob,
      run: (context) => this.runImport(context),
      ended: async (context, status) => {
        const { importId } = context.params as { importId: string };
        await this.deps.prisma.householdImport.updateMany({
          where: { id: importId, status: { in: ["QUEUED", "RUNNING"] } },
          data: { status, finishedAt: this.deps.now() },
        });
      },
    };
  }

  // ---------- upload ----------

  private keyOf(sha256: string) {
    return contentKey("household-imports", sha256);
  }

  private storedSource(sha256: string): ByteSource {
    const files = this.files;
    const key = this.keyOf(sha256);
    return async function* () {
      yield* (await files.getStream(key)).body;
    };
  }

  private spreadsheetProblem(error: SpreadsheetError) {
    if (error.code === "SPREADSHEET_UNSUPPORTED") return new AppError(415, error.code, error.params);
    return new InvalidInputError(error.code, "file", error.params);
  }

  /**
   * Keeps the file and answers its headers, first rows (ID numbers masked) and the suggested mapping. The same
   * bytes again, while their import has not run, answer that import; after it ran, a new one (which finds the
   * households unchanged).
   */
  async upload(principal: StaffPrincipal, upload: { fileName: string; file: Readable }, locale: Locale) {
    const { prisma } = this.deps;
    const received = await receiveToScratch(upload.file, this.scratchDir);
    try {
      if (received.size === 0) throw new InvalidInputError("FILE_MISSING", "file");
      let sheet;
      try {
        sheet = await readHead(fileSource(received.file), sampleSize);
      } catch (error) {
        throw error instanceof SpreadsheetError ? this.spreadsheetProblem(error) : error;
      }
      let row = await prisma.householdImport.findFirst({
        where: { regionPath: principal.regionPath, fileSha256: received.sha256, status: { in: ["UPLOADED", "FAILED", "CANCELLED"] } },
        orderBy: { createdAt: "desc" },
      });
      const duplicate = !!row;
      if (!row) {
        await this.files.put(this.keyOf(received.sha256), createReadStream(received.file));
        row = await prisma.householdImport.create({
          data: {
            regionPath: principal.regionPath,
            fileSha256: received.sha256,
            fileName: upload.fileName.slice(0, 200) || `households.${sheet.format}`,
            fileSize: received.size,
            format: sheet.format,
            headers: sheet.headers,
            headerRow: sheet.headerRow,
            uploadedById: principal.id,
            createdAt: this.deps.now(),
          },
        });
      }
      const headers = row.headers as string[];
      const suggested = suggestNationalMapping(headers);
      const idColumn = suggested.idNumber;
      return {
        importId: row.id,
        duplicate,
        headerRow: row.headerRow,
        headers,
        sampleRows: sheet.rows.map((r) => ({
          row: r.rowNumber,
          cells: headers.map((_, i) => {
            const cell = r.cells[i] ?? "";
            return cell && (i === idColumn || /^\d{17}[\dXx]$/.test(cell)) ? maskIdNumber(cell) : cell;
          }),
        })),
        suggestedMapping:
          (row.mapping as Record<string, string> | null) ??
          Object.fromEntries(nationalFields.flatMap((f) => (suggested[f] >= 0 ? [[f, headers[suggested[f]]!]] : []))),
        import: await this.view(row, locale),
      };
    } finally {
      await fs.rm(received.file, { force: true });
    }
  }

  private async find(principal: StaffPrincipal, importId: string): Promise<ImportRecord> {
    const row = await this.deps.prisma.householdImport.findFirst({
      where: { id: importId, regionPath: { startsWith: principal.regionPath } },
    });
    if (!row) throw new NotFoundError("HOUSEHOLD_IMPORT_NOT_FOUND");
    return row;
  }

  /** The fields and their labels, for the mapping screen. */
  fieldsView(locale: Locale) {
    const t = translator(locale);
    return {
      fields: nationalFields.map((field) => ({
        field,
        label: t(`households.import.fields.${field}`),
        required: requiredNationalFields.includes(field),
        header: nationalHeader(field),
      })),
    };
  }

  // ---------- run ----------

  /** Checks the mapping and starts the import in the background: answers at once with the job. */
  async start(principal: StaffPrincipal, importId: string, mapping: Record<string, string>, locale: Locale) {
    const { prisma } = this.deps;
    const t = translator(locale);
    const imported = await this.find(principal, importId);
    const headers = imported.headers as string[];
    for (const field of requiredNationalFields) {
      if (!mapping[field])
        throw new InvalidInputError("NATIONAL_MAPPING_MISSING", "mapping", { field: t(`households.import.fields.${field}`) });
    }
    const seen = new Map<string, string>();
    for (const [field, header] of Object.entries(mapping)) {
      if (!(nationalFields as readonly string[]).includes(field))
        throw new InvalidInputError("NATIONAL_MAPPING_UNKNOWN_FIELD", "mapping", { field });
      if (!headers.includes(header)) throw new InvalidInputError("NATIONAL_MAPPING_NO_COLUMN", "mapping", { header });
      const other = seen.get(header);
      if (other)
        throw new InvalidInputError("NATIONAL_MAPPING_COLUMN_TWICE", "mapping", {
          header,
          field: t(`households.import.fields.${field}`),
          other: t(`households.import.fields.${other}`),
        });
      seen.set(header, field);
    }
    if (!mapping.villageCode && !mapping.village) throw new InvalidInputError("NATIONAL_MAPPING_NO_VILLAGE", "mapping");
    if (this.deps.cipher.rotatingLookupKey) throw new AppError(409, "LOOKUP_KEY_ROTATION_IN_PROGRESS");
    if (imported.status === "QUEUED" || imported.status === "RUNNING") throw new AppError(409, "HOUSEHOLD_IMPORT_RUNNING");
    if (imported.status === "COMPLETED" || imported.fileDeletedAt) throw new AppError(409, "HOUSEHOLD_IMPORT_DONE");
    const job = await prisma.$transaction(async (tx) => {
      const claimed = await tx.householdImport.updateMany({
        where: { id: imported.id, status: { in: ["UPLOADED", "FAILED", "CANCELLED"] } },
        data: { status: "QUEUED", mapping, ranById: principal.id, ranAt: this.deps.now(), finishedAt: null },
      });
      if (claimed.count === 0) throw new AppError(409, "HOUSEHOLD_IMPORT_RUNNING");
      const created = await this.jobs.enqueue(
        householdImportJob,
        { importId: imported.id },
        { createdById: principal.id, regionPath: imported.regionPath },
        tx,
      );
      await tx.householdImport.update({ where: { id: imported.id }, data: { jobId: created.id } });
      return created;
    });
    await this.jobs.dispatch(job.id, householdImportJob);
    return { import: await this.view(await this.find(principal, importId), locale), jobId: job.id };
  }

  /**
   * The job: reads every row, holds back the households with a wrong row, places the others in their village
   * and writes them a batch at a time, each batch with its rows' outcomes in one transaction. Run again (the
   * instance stopped half-way), it skips the rows already reported and goes on.
   */
  private async runImport(context: JobContext): Promise<Prisma.InputJsonObject> {
    const { prisma } = this.deps;
    const { importId } = context.params as { importId: string };
    const imported = await prisma.householdImport.findUnique({ where: { id: importId } });
    if (!imported || imported.status === "COMPLETED") return {};
    if (this.deps.cipher.rotatingLookupKey) throw new AppError(409, "LOOKUP_KEY_ROTATION_IN_PROGRESS");
    await prisma.householdImport.update({ where: { id: importId }, data: { status: "RUNNING" } });
    const headers = imported.headers as string[];
    const mapping = Object.fromEntries(
      Object.entries(imported.mapping as Record<string, string>).map(([field, header]) => [field, headers.indexOf(header)]),
    ) as Partial<Record<NationalField, number>>;
    const columnOf = (field: NationalField | undefined) => (field && mapping[field] !== undefined ? headers[mapping[field]] : undefined);
    const stored = (problem: CellProblem): StoredProblem => ({ ...problem, column: columnOf(problem.field) });
    const today = this.deps.now();

    const reported = new Set(
      (await prisma.householdImportRow.findMany({ where: { importId }, select: { rowNumber: true } })).map((r) => r.rowNumber),
    );
    const valid: Extract<NationalRow, { household: unknown }>[] = [];
    const wrong: Extract<NationalRow, { problems: unknown }>[] = [];
    let read = 0;
    try {
      for await (const chunk of dataRows(this.storedSource(imported.fileSha256), imported.headerRow, this.maxRows)) {
        for (const row of chunk) {
          const result = readNationalRow(row.rowNumber, row.cells, mapping, today);
          if ("problems" in result) wrong.push(result);
          else valid.push(result);
        }
        read += chunk.length;
        await context.progress(read, null, "reading");
      }
    } catch (error) {
      throw error instanceof SpreadsheetError ? this.spreadsheetProblem(error) : error;
    }
    const total = read;

    // Each row's fate before anything is written: wrong rows, the households they hold back, and households that cannot be placed.
    const outcomes: RowOutcome[] = wrong.map((r) => ({
      rowNumber: r.rowNumber,
      householdNumber: r.householdNumber || null,
      nameMasked: r.name ? maskName(r.name) : null,
      outcome: "ERROR",
      errors: r.problems.map(stored),
    }));
    const heldBack = new Map<string, number[]>();
    for (const r of wrong)
      if (r.householdNumber) heldBack.set(r.householdNumber, [...(heldBack.get(r.householdNumber) ?? []), r.rowNumber]);
    const tree = await this.deps.regions.tree();
    const places = new VillageFinder(tree, imported.regionPath);
    const idOwner = new Map<string, string>();
    const toWrite: Placed[] = [];
    for (const household of groupHouseholds(valid)) {
      const refuse = (problem: StoredProblem) =>
        outcomes.push(
          ...household.rows.map((r) => ({
            rowNumber: r.rowNumber,
            householdNumber: household.number,
            nameMasked: maskName(r.name),
            outcome: "REFUSED" as const,
            errors: [problem],
          })),
        );
      const badRows = heldBack.get(household.number);
      if (badRows) {
        refuse({ field: "householdNumber", code: "NATIONAL_HOUSEHOLD_HELD_BACK", params: { rows: badRows.join("、") } });
        continue;
      }
      if (!household.members.some((m) => m.relation === "HEAD")) {
        refuse(stored({ field: "relation", code: "NATIONAL_NO_HEAD" }));
        continue;
      }
      const twice = household.members.find((m) => idOwner.has(m.idNumber) && idOwner.get(m.idNumber) !== household.number);
      if (twice) {
        refuse(stored({ field: "idNumber", code: "NATIONAL_ID_IN_TWO_HOUSEHOLDS", params: { other: idOwner.get(twice.idNumber)! } }));
        continue;
      }
      for (const m of household.members) idOwner.set(m.idNumber, household.number);
      const place = places.find(household);
      if ("field" in place) {
        refuse(stored(place));
        continue;
      }
      normaliseIncomes(household, today);
      toWrite.push({ household, regionId: place.id, hash: householdHash(household, place.id) });
    }
    const pending = outcomes.filter((o) => !reported.has(o.rowNumber));
    await prisma.$transaction(async (tx) => this.storeRows(tx, importId, pending));
    let done = outcomes.length;
    await context.progress(done, total, "writing");

    for (const batch of slices(
      toWrite.filter((p) => !reported.has(p.household.firstRow)),
      householdsPerBatch,
    )) {
      await prisma.$transaction(async (tx) => this.writeBatch(tx, tree, importId, imported.regionPath, batch, today, stored), {
        maxWait: 30_000,
        timeout: 120_000,
      });
      done += batch.reduce((n, p) => n + p.household.rows.length, 0);
      await context.progress(done, total, "writing");
    }

    const counts = await this.countOutcomes(importId);
    await prisma.householdImport.update({
      where: { id: importId },
      data: { ...counts, status: "COMPLETED", finishedAt: this.deps.now(), fileDeletedAt: this.deps.now() },
    });
    // Its households now hold what it said; the clear ID numbers are not kept.
    await this.files.delete(this.keyOf(imported.fileSha256));
    await context.progress(total, total, "done");
    return { ...counts };
  }

  /**
   * One batch in one transaction: households found by number (outside the importer's county: refused;
   * unchanged since the last import: skipped), the others inserted or updated, their members inserted or
   * updated by ID hash (a member recorded in another household of the county moves here, as the national
   * system says), those no longer listed removed, the year's incomes replaced, the rows' outcomes written.
   */
  private async writeBatch(
    tx: Tx,
    tree: RegionTree,
    importId: string,
    scopePath: string,
    batch: Placed[],
    now: Date,
    stored: (problem: CellProblem) => StoredProblem,
  ) {
    const { cipher } = this.deps;
    const rowsOf = (p: Placed, outcome: HouseholdImportOutcome, errors: StoredProblem[] = []): RowOutcome[] =>
      p.household.rows.map((r) => ({
        rowNumber: r.rowNumber,
        householdNumber: p.household.number,
        nameMasked: maskName(r.name),
        outcome,
        errors,
      }));
    // What the records say now, in the sheet's terms: a household that already says what the sheet says is left alone.
    const existing = new Map(
      (
        await tx.household.findMany({
          where: { number: { in: batch.map((p) => p.household.number) } },
          include: { members: true, incomes: true, region: { select: { path: true } } },
        })
      ).map((h) => [h.number, h]),
    );
    const outcomes: RowOutcome[] = [];
    let writing: Placed[] = [];
    for (const p of batch) {
      const before = existing.get(p.household.number);
      if (before && !before.region.path.startsWith(scopePath))
        outcomes.push(...rowsOf(p, "REFUSED", [stored({ field: "householdNumber", code: "NATIONAL_HOUSEHOLD_OUT_OF_SCOPE" })]));
      else if (
        before &&
        householdHash(
          nationalHouseholdOf(tree, before, (sealed) => cipher.decrypt(sealed)),
          before.regionId,
        ) === p.hash
      )
        outcomes.push(...rowsOf(p, "UNCHANGED"));
      else writing.push(p);
    }
    const hashOf = new Map<string, string>();
    for (const p of writing) for (const m of p.household.members) hashOf.set(m.idNumber, cipher.lookupHash(m.idNumber));
    const elsewhere = await tx.$queryRaw<{ hash: string; number: string; path: string }[]>`
      SELECT m."idNumberHash" AS hash, h."number", r."path" FROM "HouseholdMember" m
      JOIN "Household" h ON h."id" = m."householdId" JOIN "Region" r ON r."id" = h."regionId"
      WHERE m."idNumberHash" = ANY(${[...hashOf.values()]}::text[]) AND h."number" <> ALL(${writing.map((p) => p.household.number)}::text[])`;
    const elsewhereByHash = new Map(elsewhere.map((e) => [e.hash, e]));
    const moves = new Map<string, StoredProblem[]>();
    writing = writing.filter((p) => {
      const foreign = p.household.members.find(
        (m) => !elsewhereByHash.get(hashOf.get(m.idNumber)!)?.path.startsWith(scopePath) && elsewhereByHash.has(hashOf.get(m.idNumber)!),
      );
      if (foreign) {
        outcomes.push(...rowsOf(p, "REFUSED", [stored({ field: "idNumber", code: "NATIONAL_MEMBER_OUT_OF_SCOPE" })]));
        return false;
      }
      const moved = p.household.members.flatMap((m) => {
        const from = elsewhereByHash.get(hashOf.get(m.idNumber)!);
        return from
          ? [stored({ field: "idNumber", code: "NATIONAL_MEMBER_MOVED", params: { from: from.number, name: maskName(m.name) } })]
          : [];
      });
      if (moved.length > 0) moves.set(p.household.number, moved);
      return true;
    });

    if (writing.length > 0) {
      const households = writing.map((p) => ({
        number: p.household.number,
        regionId: p.regionId,
        address: p.household.address || [p.household.township, p.household.village].filter(Boolean).join(""),
        category: p.household.category,
        monitoringStatus: p.household.monitoringStatus,
        monitoredSince: p.household.monitoredSince,
        riskTypes: p.household.riskTypes,
        helpMeasures: p.household.helpMeasures,
        helperName: p.household.helperName,
        importHash: p.hash,
      }));
      const written = await tx.$queryRaw<{ id: string; number: string; created: boolean }[]>`
        INSERT INTO "Household" ("id", "number", "regionId", "address", "category", "monitoringStatus", "monitoredSince", "riskTypes",
                                 "helpMeasures", "helperName", "importedAt", "importHash", "createdAt")
        SELECT gen_random_uuid(), t."number", t."regionId", t."address", t."category"::"HouseholdCategory", t."monitoringStatus"::"MonitoringStatus",
               t."monitoredSince", t."riskTypes"::"RiskType"[], t."helpMeasures", t."helperName", ${now}, t."importHash", ${now}
        FROM jsonb_to_recordset(${JSON.stringify(households)}::jsonb) AS t("number" text, "regionId" uuid, "address" text, "category" text,
             "monitoringStatus" text, "monitoredSince" date, "riskTypes" text[], "helpMeasures" text[], "helperName" text, "importHash" text)
        ON CONFLICT ("number") DO UPDATE SET "regionId" = EXCLUDED."regionId", "address" = EXCLUDED."address", "category" = EXCLUDED."category",
             "monitoringStatus" = EXCLUDED."monitoringStatus", "monitoredSince" = EXCLUDED."monitoredSince", "riskTypes" = EXCLUDED."riskTypes",
             "helpMeasures" = EXCLUDED."helpMeasures", "helperName" = EXCLUDED."helperName", "importedAt" = EXCLUDED."importedAt",
             "importHash" = EXCLUDED."importHash"
        RETURNING "id", "number", (xmax = 0) AS created`;
      const idOf = new Map(written.map((w) => [w.number, w]));
      const members = writing.flatMap((p) =>
        p.household.members.map((m) => ({
          householdId: idOf.get(p.household.number)!.id,
          ...memberColumns(m),
          idNumberEnc: cipher.encrypt(m.idNumber),
          idNumberHash: hashOf.get(m.idNumber)!,
        })),
      );
      for (const rows of slices(members, rowsPerStatement)) {
        await tx.$executeRaw`
          INSERT INTO "HouseholdMember" ("id", "householdId", "name", "relation", "gender", "birthDate", "idNumberEnc", "idNumberHash",
                                         "labourCapacity", "health", "schooling")
          SELECT gen_random_uuid(), t."householdId", t."name", t."relation"::"Relation", t."gender", t."birthDate", t."idNumberEnc", t."idNumberHash",
                 t."labourCapacity"::"LabourCapacity", t."health"::"HealthStatus", t."schooling"::"Schooling"
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS t("householdId" uuid, "name" text, "relation" text, "gender" text,
               "birthDate" date, "idNumberEnc" text, "idNumberHash" text, "labourCapacity" text, "health" text, "schooling" text)
          ON CONFLICT ("idNumberHash") DO UPDATE SET "householdId" = EXCLUDED."householdId", "name" = EXCLUDED."name",
               "relation" = EXCLUDED."relation", "gender" = EXCLUDED."gender", "birthDate" = EXCLUDED."birthDate",
               "idNumberEnc" = EXCLUDED."idNumberEnc", "labourCapacity" = EXCLUDED."labourCapacity", "health" = EXCLUDED."health",
               "schooling" = EXCLUDED."schooling"`;
      }
      await tx.$executeRaw`
        DELETE FROM "HouseholdMember" WHERE "householdId" = ANY(${written.map((w) => w.id)}::uuid[])
          AND "idNumberHash" <> ALL(${members.map((m) => m.idNumberHash)}::text[])`;
      const incomes = writing.flatMap((p) => {
        const { incomes: amounts } = p.household;
        if (Object.values(amounts).every((v) => v === null)) return [];
        const householdId = idOf.get(p.household.number)!.id;
        const year = p.household.incomeYear ?? now.getUTCFullYear() - 1;
        return (["WAGE", "BUSINESS", "PROPERTY", "TRANSFER"] as const).flatMap((source) =>
          amounts[source] !== null
            ? [
                {
                  householdId,
                  year,
                  source,
                  amount: amounts[source],
                  productionCost: source === "BUSINESS" ? (amounts.productionCost ?? 0) : 0,
                },
              ]
            : [],
        );
      });
      if (incomes.length > 0) {
        const years = [...new Set(incomes.map((i) => `${i.householdId}:${i.year}`))].map((key) => key.split(":"));
        await tx.$executeRaw`
          DELETE FROM "Income" i USING unnest(${years.map((y) => y[0])}::uuid[], ${years.map((y) => Number(y[1]))}::int[]) AS y(h, yr)
          WHERE i."householdId" = y.h AND i."year" = y.yr`;
        await tx.$executeRaw`
          INSERT INTO "Income" ("id", "householdId", "year", "source", "amount", "productionCost")
          SELECT gen_random_uuid(), t."householdId", t."year", t."source"::"IncomeSource", t."amount", t."productionCost"
          FROM jsonb_to_recordset(${JSON.stringify(incomes)}::jsonb) AS t("householdId" uuid, "year" int, "source" text, "amount" int, "productionCost" int)`;
      }
      for (const p of writing)
        outcomes.push(...rowsOf(p, idOf.get(p.household.number)!.created ? "CREATED" : "UPDATED", moves.get(p.household.number)));
    }
    await this.storeRows(tx, importId, outcomes);
  }

  private async storeRows(tx: Tx, importId: string, all: RowOutcome[]) {
    for (const rows of slices(all, rowsPerStatement)) {
      await tx.$executeRaw`
        INSERT INTO "HouseholdImportRow" ("importId", "rowNumber", "householdNumber", "nameMasked", "outcome", "errors")
        SELECT ${importId}::uuid, r.n, r.h, r.m, r.o::"HouseholdImportOutcome", r.e::jsonb
        FROM unnest(${rows.map((r) => r.rowNumber)}::int[], ${rows.map((r) => r.householdNumber)}::text[], ${rows.map((r) => r.nameMasked)}::text[],
                    ${rows.map((r) => r.outcome)}::text[], ${rows.map((r) => JSON.stringify(r.errors))}::text[]) AS r(n, h, m, o, e)
        ON CONFLICT ("importId", "rowNumber") DO NOTHING`;
    }
  }

  private async countOutcomes(importId: string) {
    const rows = await this.deps.prisma.$queryRaw<{ outcome: HouseholdImportOutcome; rows: number; households: number }[]>`
      SELECT "outcome"::text AS outcome, count(*)::int AS rows, count(DISTINCT "householdNumber")::int AS households
      FROM "HouseholdImportRow" WHERE "importId" = ${importId}::uuid GROUP BY "outcome"`;
    const of = (o: HouseholdImportOutcome) => rows.find((r) => r.outcome === o);
    const refused = await this.deps.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(DISTINCT "householdNumber")::int AS n FROM "HouseholdImportRow"
      WHERE "importId" = ${importId}::uuid AND "outcome" IN ('ERROR', 'REFUSED') AND "householdNumber" IS NOT NULL`;
    return {
      rowsTotal: rows.reduce((n, r) => n + r.rows, 0),
      errorRows: of("ERROR")?.rows ?? 0,
      householdsCreated: of("CREATED")?.households ?? 0,
      householdsUpdated: of("UPDATED")?.households ?? 0,
      householdsUnchanged: of("UNCHANGED")?.households ?? 0,
      householdsRefused: refused[0]?.n ?? 0,
    };
  }

  // ---------- reading ----------

  async list(principal: StaffPrincipal, locale: Locale) {
    const rows = await this.deps.prisma.householdImport.findMany({
      where: { regionPath: { startsWith: principal.regionPath } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 50,
    });
    const names = await this.staffNames(rows.map((r) => r.uploadedById));
    return { items: rows.map((row) => this.viewWith(row, names, locale)) };
  }

  async detail(
    principal: StaffPrincipal,
    importId: string,
    query: { outcome?: HouseholdImportOutcome; offset: number; limit: number },
    locale: Locale,
  ) {
    const { prisma } = this.deps;
    const imported = await this.find(principal, importId);
    const where = { importId, ...(query.outcome ? { outcome: query.outcome } : {}) };
    const [total, page, byOutcome] = await Promise.all([
      prisma.householdImportRow.count({ where }),
      prisma.householdImportRow.findMany({ where, orderBy: { rowNumber: "asc" }, skip: query.offset, take: query.limit }),
      prisma.householdImportRow.groupBy({ by: ["outcome"], where: { importId }, _count: { _all: true } }),
    ]);
    const t = translator(locale);
    return {
      import: await this.view(imported, locale),
      rowCounts: Object.fromEntries(
        householdImportOutcomes.map((o) => [o, byOutcome.find((b) => b.outcome === o)?._count._all ?? 0]),
      ) as Record<HouseholdImportOutcome, number>,
      rows: {
        total,
        offset: query.offset,
        limit: query.limit,
        items: page.map((r) => this.rowView(t, r)),
      },
    };
  }

  private problemText(t: Translate, problem: StoredProblem) {
    return t(`errors.${problem.code}`, {
      column: problem.column ?? "",
      field: problem.field ? t(`households.import.fields.${problem.field}`) : "",
      ...(problem.params ?? {}),
    });
  }

  private rowView(t: Translate, r: Prisma.HouseholdImportRowGetPayload<object>) {
    const errors = (r.errors as unknown as StoredProblem[]).map((p) => ({
      field: p.field ?? null,
      column: p.column ?? null,
      code: p.code,
      message: this.problemText(t, p),
    }));
    return {
      row: r.rowNumber,
      householdNumber: r.householdNumber,
      name: r.nameMasked,
      outcome: r.outcome,
      outcomeLabel: t(`households.import.outcomes.${r.outcome}`),
      note: errors.map((e) => e.message).join(t("households.import.separator")),
      errors,
    };
  }

  private async staffNames(ids: string[]) {
    const staff = await this.deps.prisma.staffAccount.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, displayName: true },
    });
    return new Map(staff.map((s) => [s.id, s.displayName]));
  }

  private async view(row: ImportRecord, locale: Locale) {
    return this.viewWith(row, await this.staffNames([row.uploadedById]), locale);
  }

  private viewWith(row: ImportRecord, names: Map<string, string>, locale: Locale) {
    const t = translator(locale);
    return {
      id: row.id,
      fileName: row.fileName,
      fileSize: row.fileSize,
      format: row.format as "csv" | "xlsx",
      status: row.status,
      statusLabel: t(`households.import.statuses.${row.status}`),
      headerRow: row.headerRow,
      headers: row.headers as string[],
      mapping: row.mapping as Record<string, string> | null,
      jobId: row.jobId,
      counts: {
        rows: row.rowsTotal,
        errorRows: row.errorRows,
        created: row.householdsCreated,
        updated: row.householdsUpdated,
        unchanged: row.householdsUnchanged,
        refused: row.householdsRefused,
      },
      uploadedBy: names.get(row.uploadedById) ?? "",
      createdAt: row.createdAt.toISOString(),
      ranAt: row.ranAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      fileDeletedAt: row.fileDeletedAt?.toISOString() ?? null,
    };
  }

  /** The row report as XLSX or CSV, streamed; names masked, no ID number. */
  async report(principal: StaffPrincipal, importId: string, format: "xlsx" | "csv", locale: Locale) {
    const imported = await this.find(principal, importId);
    const t = translator(locale);
    const prisma = this.deps.prisma;
    const columns = ["row", "householdNumber", "name", "outcome", "note"].map((c, i) => ({
      header: t(`households.import.report.${c}`),
      width: [8, 22, 10, 12, 80][i],
    }));
    const rowView = (r: Prisma.HouseholdImportRowGetPayload<object>) => this.rowView(t, r);
    async function* pages(): AsyncGenerator<CellValue[][]> {
      let after = 0;
      for (;;) {
        const page = await prisma.householdImportRow.findMany({
          where: { importId, rowNumber: { gt: after } },
          orderBy: { rowNumber: "asc" },
          take: 2000,
        });
        if (page.length === 0) return;
        yield page.map((r) => {
          const v = rowView(r);
          return [v.row, v.householdNumber, v.name, v.outcomeLabel, v.note];
        });
        after = page.at(-1)!.rowNumber;
      }
    }
    const name = `${t("households.import.report.fileName")}-${imported.fileName.replace(/\.[^.]+$/, "")}.${format}`;
    return {
      contentType: spreadsheetContentTypes[format],
      contentDisposition: contentDisposition(name, `household-import-${imported.id}.${format}`),
      stream: streamSpreadsheet(format, t("households.import.report.sheet"), columns, pages()),
    };
  }

  // ---------- export ----------

  /**
   * Every household of the caller's region in the national system's layout, with full ID numbers (the
   * system needs them): county offices and administrators only, and every export in the access log.
   */
  async exportNational(principal: StaffPrincipal, format: "xlsx" | "csv", locale: Locale, context: AccessContext) {
    const { prisma, cipher } = this.deps;
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    const regionIds = tree.idsUnder(principal.regionPath);
    const households = await prisma.household.count({ where: { regionId: { in: regionIds } } });
    await this.accessLog.record(
      principal,
      [{ action: "EXPORT_HOUSEHOLDS", subject: principal.regionPath, detail: { households, format } }],
      context,
    );
    const columns = nationalFields.map((field) => ({ header: nationalHeader(field), width: field === "idNumber" ? 22 : 14 }));
    async function* pages(): AsyncGenerator<CellValue[][]> {
      let after = "";
      for (;;) {
        const page = await prisma.household.findMany({
          where: { regionId: { in: regionIds }, number: { gt: after } },
          orderBy: { number: "asc" },
          take: 500,
          include: { members: { orderBy: [{ relation: "asc" }, { birthDate: "asc" }] }, incomes: true },
        });
        if (page.length === 0) return;
        yield page.flatMap((h) => {
          const national = nationalHouseholdOf(tree, h, (sealed) => cipher.decrypt(sealed));
          return national.members.map((m) => nationalFields.map((f) => nationalRowOf(national, m)[f]));
        });
        after = page.at(-1)!.number;
      }
    }
    const name = `${t("households.export.fileName")}.${format}`;
    return {
      contentType: spreadsheetContentTypes[format],
      contentDisposition: contentDisposition(name, `households.${format}`),
      stream: streamSpreadsheet(format, t("households.export.sheet"), columns, pages()),
    };
  }
}

/**
 * Incomes as the records will hold them, so that a sheet and the export of what it wrote hash the same:
 * amounts without a year are the last full year's (what the yearly income check covers); with any amount, costs
 * are a number (0 when blank), carried on the business row (a business income of 0 when costs come alone).
 */
function normaliseIncomes(household: NationalHousehold, today: Date) {
  const incomes = household.incomes;
  if (Object.values(incomes).every((v) => v === null)) return;
  household.incomeYear ??= today.getUTCFullYear() - 1;
  incomes.productionCost ??= 0;
  if (incomes.productionCost > 0) incomes.BUSINESS ??= 0;
}

function memberColumns(m: NationalMember) {
  return {
    name: m.name,
    relation: m.relation,
    gender: m.gender,
    birthDate: m.birthDate,
    labourCapacity: m.labourCapacity,
    health: m.health,
    schooling: m.schooling,
  };
}

type HouseholdWithRecords = Prisma.HouseholdGetPayload<{ include: { members: true; incomes: true } }>;

/** A household as the records hold it, in the terms of the national layout (its latest year's incomes). */
export function nationalHouseholdOf(tree: RegionTree, h: HouseholdWithRecords, decrypt: (sealed: string) => string): NationalHousehold {
  const region = tree.get(h.regionId);
  const village = region ? (tree.ancestorAt(region, "VILLAGE") ?? region) : undefined;
  const township = region ? tree.ancestorAt(region, "TOWNSHIP") : undefined;
  const year = h.incomes.reduce<number | null>((latest, i) => (latest === null || i.year > latest ? i.year : latest), null);
  const of = (source: "WAGE" | "BUSINESS" | "PROPERTY" | "TRANSFER") => {
    const rows = h.incomes.filter((i) => i.year === year && i.source === source);
    return rows.length > 0 ? rows.reduce((n, i) => n + i.amount, 0) : null;
  };
  const costs = h.incomes.filter((i) => i.year === year);
  return {
    number: h.number,
    firstRow: 0,
    rows: [],
    villageCode: village?.code && /^\d{12}$/.test(village.code) ? village.code : null,
    township: township?.name ?? "",
    village: village?.name ?? "",
    address: h.address,
    category: h.category,
    monitoringStatus: h.monitoringStatus,
    monitoredSince: h.monitoredSince?.toISOString().slice(0, 10) ?? null,
    riskTypes: h.riskTypes,
    helpMeasures: h.helpMeasures,
    helperName: h.helperName,
    incomeYear: year,
    incomes: {
      WAGE: of("WAGE"),
      BUSINESS: of("BUSINESS"),
      PROPERTY: of("PROPERTY"),
      TRANSFER: of("TRANSFER"),
      productionCost: costs.length > 0 ? costs.reduce((n, i) => n + i.productionCost, 0) : null,
    },
    members: h.members.map((m) => ({
      name: m.name,
      idNumber: decrypt(m.idNumberEnc),
      relation: m.relation,
      gender: m.gender === "F" ? "F" : "M",
      birthDate: m.birthDate.toISOString().slice(0, 10),
      labourCapacity: m.labourCapacity,
      health: m.health,
      schooling: m.schooling === "NONE" ? "NOT_IN_SCHOOL" : m.schooling,
    })),
  };
}

/**
 * A household's village: by its 12-digit code, or by its township's and village's names as the export writes
 * them (the statistical name, the usual one, or an alias), within the importer's county.
 */
class VillageFinder {
  private readonly byName = new Map<string, RegionNode[]>();

  constructor(
    private readonly tree: RegionTree,
    private readonly scopePath: string,
  ) {
    for (const node of tree.nodes) {
      if (node.level !== "VILLAGE" || node.active === false || !node.path.startsWith(scopePath)) continue;
      for (const name of new Set([node.name, ...node.aliases, placeNames(node.name, "VILLAGE").name])) {
        this.byName.set(name, [...(this.byName.get(name) ?? []), node]);
      }
    }
  }

  find(h: NationalHousehold): RegionNode | CellProblem {
    if (h.villageCode) {
      const found = this.tree.getByCode(h.villageCode);
      if (!found || (found.level !== "VILLAGE" && found.level !== "GROUP"))
        return { field: "villageCode", code: "NATIONAL_VILLAGE_UNKNOWN", params: { value: h.villageCode } };
      const node = this.tree.current(found);
      if (!node.path.startsWith(this.scopePath))
        return { field: "villageCode", code: "NATIONAL_VILLAGE_OUT_OF_SCOPE", params: { value: h.villageCode } };
      return node;
    }
    const wanted = h.village.replace(/\s+/g, "");
    let candidates = this.byName.get(wanted) ?? this.byName.get(placeNames(wanted, "VILLAGE").name) ?? [];
    if (h.township && candidates.length > 1) {
      const township = placeNames(h.township.replace(/\s+/g, ""), "TOWNSHIP");
      const names = new Set([township.name, ...township.aliases]);
      candidates = candidates.filter((c) => {
        const t = this.tree.ancestorAt(c, "TOWNSHIP");
        return !!t && [t.name, ...t.aliases, ...placeNames(t.name, "TOWNSHIP").aliases].some((n) => names.has(n));
      });
    }
    if (candidates.length === 1) return candidates[0]!;
    return {
      field: "village",
      code: candidates.length === 0 ? "NATIONAL_VILLAGE_UNKNOWN" : "NATIONAL_VILLAGE_AMBIGUOUS",
      params: { value: [h.township, h.village].filter(Boolean).join(" ") },
    };
  }
}
