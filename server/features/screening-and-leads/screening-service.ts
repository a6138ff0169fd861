import crypto from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Locale } from "../../core/vocabulary.ts";
import { screeningOutcomes, type ScreeningOutcome } from "./screening-schemas.ts";
import type { Department } from "../workflow/workflow-schemas.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import { chinaDateText } from "../dashboard-and-ledgers/ledgers.ts";
import {
  checkMapping,
  departmentsOf,
  evaluateRules,
  fieldsOf,
  looksLikeIdNumber,
  needsStanding,
  requiredFieldsOf,
  rowValidator,
  rulesOf,
  screeningLeadKey,
  screeningLeadKeyPrefix,
  suggestMapping,
  type CellValue,
  type HouseholdStanding,
  type RowIssue,
  type RuleHit,
  type ScreeningRule,
  type ScreeningRules,
} from "./screening.ts";
import { translator, type Translate } from "../../core/i18n/i18n.ts";
import { AppError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { contentKey, type FileStore } from "../../platform/file-store.ts";
import { receiveToScratch } from "../../platform/scratch-file.ts";
import { maskIdNumber, maskName } from "../../core/personal-data.ts";
import {
  dataRows,
  fileSource,
  readHead,
  SpreadsheetError,
  type ByteSource,
  type SheetRow,
} from "../../platform/spreadsheets/spreadsheet-reader.ts";
import type { LeadDraft, LeadResult, LeadService, LeadStart } from "./lead-service.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { streamSpreadsheet } from "../../platform/spreadsheets/spreadsheet-stream.ts";
import {
  contentDisposition,
  spreadsheetContentTypes,
  type CellValue as LedgerCell,
} from "../../platform/spreadsheets/spreadsheet-formats.ts";

type ImportRow = Prisma.ScreeningImportGetPayload<object>;
type Tx = Prisma.TransactionClient;
/** As kept in ScreeningRow.errors: codes and params, localized when read. */
type StoredIssue = RowIssue;

const sampleSize = 5;
const maxListedErrors = 1000;
/** Households whose leads are raised per step. */
const leadBatch = 1000;
/**
 * Rows written per statement. Prisma keeps its last hundred debug messages,
 * logged or not, and they hold each statement's parameters: a few thousand
 * rows a statement keep that to some ten megabytes (20,000 held 400 MB).
 */
const rowsPerStatement = 2000;

function* slices<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += rowsPerStatement) yield items.slice(i, i + rowsPerStatement);
}

const countColumn = {
  ERROR: "errorRows",
  NO_MATCH: "noMatch",
  OUT_OF_SCOPE: "outOfScope",
  NO_HIT: "noHit",
  LEAD_CREATED: "leadsCreated",
  ALREADY_OPEN: "alreadyOpen",
  ALREADY_RAISED: "alreadyRaised",
  DUPLICATE_ROW: "duplicateRows",
} as const satisfies Record<ScreeningOutcome, keyof ImportRow>;

/** One row's line of the report, as stored in ScreeningRow. */
interface RowResult {
  rowNumber: number;
  outcome: ScreeningOutcome;
  errors: StoredIssue[];
  idNumberMasked: string | null;
  nameMasked: string | null;
  householdId: string | null;
  caseId: string | null;
  ruleIds: string[];
  duplicateOf: number | null;
}

/** A valid row, not a repeat, waiting in the run's temporary table for its household. */
interface RowToMatch {
  rowNumber: number;
  hash: string;
  idNumberMasked: string;
  nameMasked: string | null;
  /** The rules it trips on its own values. */
  fieldHits: RuleHit[];
}

/** The rows of one household that tripped a rule, in file order, as the run's temporary tables give them back. */
interface HitGroup {
  householdId: string;
  rows: number[];
  idNumberMasked: (string | null)[];
  nameMasked: (string | null)[];
  /** Per row: the rules it tripped on its own values. */
  fieldHits: RuleHit[][];
  /** The rules the household's figures trip, for all its rows. */
  householdHits: RuleHit[];
}

export interface ScreeningUpload {
  department: Department;
  period: string;
  fileName: string;
  file: Readable;
}

/**
 * A report line's id: its import's id with the row number in the last 12
 * hex digits. Rows of one import thus sit side by side in the primary key:
 * a million inserts fill pages in turn instead of each touching a random one
 * (a random read each, once the index outgrows the database's cache).
 */
function rowId(importId: string, rowNumber: Prisma.Sql) {
  return Prisma.sql`(left(${importId}, 24) || lpad(to_hex(${rowNumber}), 12, '0'))::uuid`;
}

function nameMaskOf(values: Record<string, CellValue>) {
  return typeof values.name === "string" && values.name ? maskName(values.name) : null;
}

/** What the rules need of an assessment (a hit carries it into the lead's description). */
function standingOf(a: HouseholdStanding): HouseholdStanding {
  return {
    belowLine: a.belowLine,
    belowLineAfterRigidExpenses: a.belowLineAfterRigidExpenses,
    perCapitaNetIncome: a.perCapitaNetIncome,
    perCapitaAfterRigidExpenses: a.perCapitaAfterRigidExpenses,
    incomeLine: a.incomeLine,
  };
}

/**
 * Department screening (部门筛查预警): a county office uploads a department's
 * file, confirms which column is which, and runs the rules. Every row ends
 * with an outcome; households that trip a rule get a lead at their village.
 * Files are kept once per content under screening/ab/<sha256> in the file
 * store; no clear ID number is stored (rows keep a masked one).
 */
export class ScreeningService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly leads: LeadService,
    private readonly rules: ScreeningRules,
    private readonly files: FileStore,
    /** Where an upload is received and hashed before it is stored (a local directory). */
    private readonly scratchDir: string,
    /** A data file may have at most this many rows (SCREENING_MAX_ROWS); larger files are split by the department. */
    private readonly maxRows: number,
  ) {}

  // ---------- labels ----------

  private departmentLabel(t: Translate, department: string) {
    return t(`screening.departments.${department}`, {
      defaultValue: this.rules.departments[department as Department]?.label?.["zh-CN"] ?? department,
    });
  }

  private fieldLabel(t: Translate, locale: Locale, field: string) {
    const label = this.rules.fields[field]?.label;
    return t(`screening.fields.${field}`, { defaultValue: label?.[locale] ?? label?.["zh-CN"] ?? field });
  }

  private ruleLabel(t: Translate, locale: Locale, ruleId: string) {
    const label = this.rules.rules.find((r) => r.id === ruleId)?.label;
    return t(`screening.rules.${ruleId}`, { defaultValue: label?.[locale] ?? label?.["zh-CN"] ?? ruleId });
  }

  private valueText(t: Translate, value: CellValue | string[]): string {
    if (Array.isArray(value)) return value.join(t("screening.listSeparator"));
    if (typeof value === "boolean") return t(value ? "screening.yes" : "screening.no");
    return String(value);
  }

  private condition(t: Translate, locale: Locale, rule: ScreeningRule): string {
    if (rule.kind === "assessment") return t(`screening.conditions.${rule.check}`);
    const expected = rule.op === "in" ? (rule.values ?? []) : (rule.value ?? "");
    return t(`screening.conditions.${rule.op}`, { field: this.fieldLabel(t, locale, rule.field), value: this.valueText(t, expected) });
  }

  private hitText(t: Translate, locale: Locale, hit: RuleHit): string {
    const rule = this.ruleLabel(t, locale, hit.ruleId);
    if (hit.kind === "assessment")
      return t("screening.hits.assessment", { rule, perCapita: hit.standing.perCapitaAfterRigidExpenses, line: hit.standing.incomeLine });
    return t("screening.hits.field", {
      rule,
      field: this.fieldLabel(t, locale, hit.field),
      actual: this.valueText(t, hit.actual),
      condition: this.condition(
        t,
        locale,
        this.rules.rules.find((r) => r.id === hit.ruleId)!,
      ),
    });
  }

  /** The departments, the fields their files carry and the rules, labelled for the mapping screen. */
  rulesView(locale: Locale) {
    const t = translator(locale);
    return {
      departments: departmentsOf(this.rules).map((department) => {
        const required = new Set(requiredFieldsOf(this.rules, department));
        return {
          department,
          label: this.departmentLabel(t, department),
          fields: fieldsOf(this.rules, department).map((field) => ({
            field,
            label: this.fieldLabel(t, locale, field),
            type: this.rules.fields[field]!.type,
            required: required.has(field),
            synonyms: this.rules.fields[field]!.synonyms,
          })),
          rules: rulesOf(this.rules, department).map((rule) => ({
            id: rule.id,
            label: this.ruleLabel(t, locale, rule.id),
            kind: rule.kind,
            field: rule.kind === "field" ? rule.field : null,
            condition: this.condition(t, locale, rule),
            riskTypes: rule.riskTypes,
            riskTypeLabels: rule.riskTypes.map((r) => t(`riskTypes.${r}`)),
          })),
        };
      }),
    };
  }

  // ---------- upload ----------

  private keyOf(sha256: string) {
    return contentKey("screening", sha256);
  }

  /** The stored file, read from the start on each pass. */
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

  private async head(source: ByteSource) {
    try {
      return await readHead(source, sampleSize);
    } catch (error) {
      throw error instanceof SpreadsheetError ? this.spreadsheetProblem(error) : error;
    }
  }

  /**
   * Stores the file and reads its headers and first rows; the rest is read
   * when the import runs (a file with too many rows, or that cannot be read
   * further down, is refused then). The same bytes uploaded again for the
   * same department and period answer with the import they made before.
   */
  async upload(principal: StaffPrincipal, upload: ScreeningUpload, locale: Locale) {
    const { prisma } = this.deps;
    const received = await receiveToScratch(upload.file, this.scratchDir);
    try {
      if (received.size === 0) throw new InvalidInputError("FILE_MISSING", "file");
      if (!this.rules.departments[upload.department])
        throw new InvalidInputError("SCREENING_DEPARTMENT_NOT_CONFIGURED", "department", {
          department: this.departmentLabel(translator(locale), upload.department),
        });
      const sheet = await this.head(fileSource(received.file));
      const identity = {
        regionPath: principal.regionPath,
        department: upload.department,
        period: upload.period,
        fileSha256: received.sha256,
      };
      let row = await prisma.screeningImport.findUnique({ where: { regionPath_department_period_fileSha256: identity } });
      const duplicate = !!row;
      if (row && (row.fileDeletedAt || !(await this.files.exists(this.keyOf(received.sha256))))) {
        // Retention removed the file (it holds ID numbers in clear): stored again, its retention starts over.
        await this.keep(received.file, received.sha256);
        row = await prisma.screeningImport.update({ where: { id: row.id }, data: { fileStoredAt: this.deps.now(), fileDeletedAt: null } });
      }
      if (!row) {
        await this.keep(received.file, received.sha256);
        try {
          row = await prisma.screeningImport.create({
            data: {
              ...identity,
              fileName: upload.fileName.slice(0, 200) || `${upload.department}-${upload.period}.${sheet.format}`,
              fileSize: received.size,
              format: sheet.format,
              headers: sheet.headers,
              headerRow: sheet.headerRow,
              uploadedById: principal.id,
              createdAt: this.deps.now(),
              fileStoredAt: this.deps.now(),
            },
          });
        } catch (error) {
          // Two uploads of the same file raced: the loser answers with the winner's import.
          row = await prisma.screeningImport.findUnique({ where: { regionPath_department_period_fileSha256: identity } });
          if (!row) throw error;
        }
      }
      const headers = row.headers as string[];
      const idColumns = new Set(
        Object.entries(suggestMapping(this.rules, upload.department, headers))
          .filter(([field]) => this.rules.fields[field]?.type === "idNumber")
          .map(([, header]) => headers.indexOf(header)),
      );
      return {
        importId: row.id,
        duplicate,
        encoding: sheet.encoding,
        headerRow: row.headerRow,
        headers,
        sampleRows: sheet.rows.map((r) => ({
          row: r.rowNumber,
          cells: headers.map((_, i) => {
            const cell = r.cells[i] ?? "";
            return cell && (idColumns.has(i) || looksLikeIdNumber(cell)) ? maskIdNumber(cell) : cell;
          }),
        })),
        suggestedMapping: (row.mapping as Record<string, string> | null) ?? suggestMapping(this.rules, upload.department, headers),
        import: await this.view(row, locale),
      };
    } finally {
      await fs.rm(received.file, { force: true });
    }
  }

  /** Stored whole before the import row that names it is written. */
  private async keep(received: string, sha256: string) {
    await this.files.put(this.keyOf(sha256), createReadStream(received));
  }

  private async find(principal: StaffPrincipal, importId: string): Promise<ImportRow> {
    const row = await this.deps.prisma.screeningImport.findFirst({
      where: { id: importId, regionPath: { startsWith: principal.regionPath } },
    });
    if (!row) throw new NotFoundError("SCREENING_IMPORT_NOT_FOUND");
    return row;
  }

  // ---------- run ----------

  /**
   * Validates every row with the mapping, matches ID numbers to households in
   * the caller's region, runs the department's rules and raises one lead per
   * household that tripped any, all leads and the row report in one
   * transaction. Running again (a corrected mapping) replaces the row report
   * and raises nothing twice.
   *
   * Built for files of a million rows against a million households:
   *  1. the file is streamed; each chunk of rows is checked in Node (cells,
   *     exact repeats, ID hashes, the rules on the row's own values) and
   *     written with one statement, the rows to match into a temporary table;
   *  2. all rows are matched to households at once, and the households'
   *     figures read at once, for the rules that need their standing: a few
   *     scans and hash joins, where a look-up per row (or per chunk) costs a
   *     random read per row once the tables outgrow the database's cache;
   *  3. rows with an outcome of their own (no match, out of scope, no rule
   *     tripped) are written in one statement; rows that tripped a rule are
   *     read back a household at a time (a household's rows may be far apart
   *     and make one lead) and leads raised a thousand households at a time.
   * Node holds a chunk of rows, one digest per distinct row (for repeats) and
   * the leads to announce, never the file.
   */
  async run(principal: StaffPrincipal, importId: string, mapping: Record<string, string>, locale: Locale) {
    const { prisma } = this.deps;
    const t = translator(locale);
    const imported = await this.find(principal, importId);
    const department = imported.department as Department;
    const [problem] = checkMapping(this.rules, department, imported.headers as string[], mapping);
    if (problem) {
      throw new InvalidInputError(problem.code, "mapping", {
        field: this.fieldLabel(t, locale, problem.field),
        header: problem.header ?? "",
        department: this.departmentLabel(t, department),
      });
    }
    // Rows are matched to households by ID hash in one join; while the lookup key is rotated, some stored hashes are still under the old key.
    if (this.deps.cipher.rotatingLookupKey) throw new AppError(409, "LOOKUP_KEY_ROTATION_IN_PROGRESS");
    if (imported.fileDeletedAt) throw new AppError(409, "SCREENING_FILE_DELETED");
    if (!(await this.files.exists(this.keyOf(imported.fileSha256)))) throw new AppError(409, "SCREENING_FILE_MISSING");

    const now = this.deps.now();
    // Read before the transaction: on the embedded database it holds the only connection.
    const starts = await this.leads.startsWithin(principal.regionPath, now);
    const counts = Object.fromEntries(screeningOutcomes.map((o) => [o, 0])) as Record<ScreeningOutcome, number>;
    const created: LeadResult[] = [];
    try {
      await prisma.$transaction(
        async (tx) => {
          // One run of an import at a time: a second waits and then finds the first one's leads.
          await tx.$queryRaw`SELECT 1 FROM "ScreeningImport" WHERE "id" = ${imported.id}::uuid FOR UPDATE`;
          // Hash joins and aggregates over a million rows, in memory rather than in batches on disk; the cursors below are read to the end,
          // so planned for all their rows, not for the first few.
          await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
          await tx.$executeRaw`SET LOCAL cursor_tuple_fraction = 1`;
          await tx.screeningRow.deleteMany({ where: { importId: imported.id } });
          await tx.$executeRaw`CREATE TEMPORARY TABLE screening_row (row_number int NOT NULL, hash text NOT NULL, id_masked text, name_masked text, field_hits jsonb) ON COMMIT DROP`;
          const store = (rows: RowResult[]) => {
            for (const r of rows) counts[r.outcome]++;
            return this.storeRows(tx, imported.id, rows);
          };
          await this.checkRows(tx, imported, mapping, this.storedSource(imported.fileSha256), store);
          await this.matchRows(tx, principal, imported, counts);
          created.push(...(await this.raiseLeads(tx, principal, imported, starts, now, locale, store)));
          const columns = Object.fromEntries(screeningOutcomes.map((o) => [countColumn[o], counts[o]]));
          const rowsTotal = screeningOutcomes.reduce((sum, o) => sum + counts[o], 0);
          await tx.screeningImport.update({
            where: { id: imported.id },
            data: { status: "COMPLETED", mapping, rowsTotal, ...columns, ranById: principal.id, ranAt: now },
          });
        },
        // A guard against a stuck run, not a budget: a minute, plus 10 ms per kB of file (a 50 MB million-row file: 9 minutes).
        { maxWait: 10_000, timeout: 60_000 + Math.ceil(imported.fileSize / 100) },
      );
    } catch (error) {
      throw error instanceof SpreadsheetError ? this.spreadsheetProblem(error) : error;
    }
    this.leads.announce(created);
    return this.detail(principal, imported.id, { offset: 0, limit: 100 }, locale);
  }

  /**
   * Step 1, a chunk of rows at a time: rows with cell errors and exact
   * repeats of an earlier row get their outcome; the others go to
   * screening_row with their ID hash and the rules they trip on their own
   * values. Writing a chunk overlaps with reading the next.
   */
  private async checkRows(
    tx: Tx,
    imported: ImportRow,
    mapping: Record<string, string>,
    source: ByteSource,
    store: (rows: RowResult[]) => Promise<unknown>,
  ) {
    const department = imported.department as Department;
    const headers = imported.headers as string[];
    const validate = rowValidator(this.rules, department, mapping, headers);
    const idColumn = mapping.idNumber ? headers.indexOf(mapping.idNumber) : -1;
    // A SHA-256 of each distinct row's values (the mapping fixes their order) → its row number: a few dozen bytes a row.
    const seen = new Map<string, number>();
    let writing: Promise<unknown> = Promise.resolve();
    for await (const batch of dataRows(source, imported.headerRow, this.maxRows)) {
      const done: RowResult[] = [];
      const toMatch: RowToMatch[] = [];
      for (const row of batch) {
        const { values, issues } = validate(row.cells);
        if (issues.length > 0) {
          done.push(this.rowResult(row, values, issues, "ERROR", idColumn));
          continue;
        }
        const digest = crypto.hash("sha256", JSON.stringify(values), "binary");
        const first = seen.get(digest);
        if (first !== undefined) {
          done.push({ ...this.rowResult(row, values, [], "DUPLICATE_ROW", idColumn), duplicateOf: first });
          continue;
        }
        seen.set(digest, row.rowNumber);
        toMatch.push({
          rowNumber: row.rowNumber,
          hash: this.deps.cipher.lookupHash(values.idNumber as string),
          idNumberMasked: maskIdNumber(values.idNumber as string),
          nameMasked: nameMaskOf(values),
          // Without a standing, only the rules on the row's own values run; those on the household's figures come in step 2.
          fieldHits: evaluateRules(this.rules, department, values, null),
        });
      }
      await writing;
      writing = Promise.all([store(done), this.toMatch(tx, toMatch)]);
      // Awaited with the next chunk; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    }
    await writing;
  }

  private async toMatch(tx: Tx, all: RowToMatch[]) {
    for (const rows of slices(all)) {
      await tx.$executeRaw`
        INSERT INTO screening_row (row_number, hash, id_masked, name_masked, field_hits)
        SELECT * FROM unnest(${rows.map((r) => r.rowNumber)}::int[], ${rows.map((r) => r.hash)}::text[], ${rows.map((r) => r.idNumberMasked)}::text[],
                             ${rows.map((r) => r.nameMasked)}::text[], ${rows.map((r) => (r.fieldHits.length > 0 ? JSON.stringify(r.fieldHits) : null))}::jsonb[])`;
    }
  }

  private rowResult(
    row: SheetRow,
    values: Record<string, CellValue>,
    issues: RowIssue[],
    outcome: "ERROR" | "DUPLICATE_ROW",
    idColumn: number,
  ): RowResult {
    const idText = idColumn >= 0 ? (row.cells[idColumn] ?? "") : "";
    return {
      rowNumber: row.rowNumber,
      outcome,
      errors: issues,
      idNumberMasked: typeof values.idNumber === "string" ? maskIdNumber(values.idNumber) : idText ? maskIdNumber(idText) : null,
      nameMasked: nameMaskOf(values),
      householdId: null,
      caseId: null,
      ruleIds: [],
      duplicateOf: null,
    };
  }

  /**
   * Step 2: every row of screening_row to its household (by the member's ID
   * hash) in one join, into screening_match; the in-scope households'
   * standing where the department's rules need it (households tripping such
   * a rule, with its hits, into screening_tripped); then, in one statement,
   * the report lines of rows without a household, out of scope or tripping
   * nothing.
   */
  private async matchRows(tx: Tx, principal: StaffPrincipal, imported: ImportRow, counts: Record<ScreeningOutcome, number>) {
    const department = imported.department as Department;
    await tx.$executeRaw`ANALYZE screening_row`;
    await tx.$executeRaw`
      CREATE TEMPORARY TABLE screening_match ON COMMIT DROP AS
      SELECT s.row_number, s.id_masked, s.name_masked, s.field_hits, h.id AS household_id, r.code AS region_code, coalesce(starts_with(r.path, ${principal.regionPath}), false) AS in_scope
      FROM screening_row s
      LEFT JOIN ("HouseholdMember" m JOIN "Household" h ON h.id = m."householdId" JOIN "Region" r ON r.id = h."regionId") ON m."idNumberHash" = s.hash`;
    await tx.$executeRaw`ANALYZE screening_match`;
    await tx.$executeRaw`CREATE TEMPORARY TABLE screening_tripped (household_id uuid PRIMARY KEY, hits jsonb NOT NULL) ON COMMIT DROP`;
    if (needsStanding(this.rules, department)) {
      // assessPoorer answers the households that may be below a line; the others' belowLine and belowLineAfterRigidExpenses are false,
      // which is all the assessment rules (those two checks) look at.
      const households = Prisma.sql`SELECT DISTINCT household_id AS id, region_code FROM screening_match WHERE in_scope`;
      for await (const page of this.deps.assessor.assessPoorer(tx, households)) {
        const tripped = [...page].flatMap(([householdId, assessment]) => {
          const hits = evaluateRules(this.rules, department, {}, standingOf(assessment));
          return hits.length > 0 ? [{ householdId, hits }] : [];
        });
        for (const rows of slices(tripped)) {
          await tx.$executeRaw`
            INSERT INTO screening_tripped (household_id, hits)
            SELECT * FROM unnest(${rows.map((h) => h.householdId)}::uuid[], ${rows.map((h) => JSON.stringify(h.hits))}::jsonb[])`;
        }
      }
    }
    await tx.$executeRaw`ANALYZE screening_tripped`;
    const outcomes = await tx.$queryRaw<{ outcome: ScreeningOutcome; n: number }[]>`
      WITH stored AS (
        INSERT INTO "ScreeningRow" ("id", "importId", "rowNumber", "outcome", "idNumberMasked", "nameMasked", "householdId")
        SELECT ${rowId(imported.id, Prisma.sql`m.row_number`)}, ${imported.id}::uuid, m.row_number,
               (CASE WHEN m.household_id IS NULL THEN 'NO_MATCH' WHEN NOT m.in_scope THEN 'OUT_OF_SCOPE' ELSE 'NO_HIT' END)::"ScreeningOutcome",
               m.id_masked, m.name_masked, m.household_id
        FROM screening_match m
        WHERE NOT m.in_scope OR (m.field_hits IS NULL AND NOT EXISTS (SELECT 1 FROM screening_tripped t WHERE t.household_id = m.household_id))
        RETURNING "outcome")
      SELECT outcome::text AS outcome, count(*)::int AS n FROM stored GROUP BY outcome`;
    for (const { outcome, n } of outcomes) counts[outcome] += n;
  }

  /** Report lines, many in one statement. */
  private async storeRows(tx: Tx, importId: string, all: RowResult[]) {
    for (const rows of slices(all)) {
      await tx.$executeRaw`
        INSERT INTO "ScreeningRow" ("id", "importId", "rowNumber", "outcome", "errors", "idNumberMasked", "nameMasked", "householdId", "caseId", "ruleIds", "duplicateOf")
        SELECT ${rowId(importId, Prisma.sql`r.n`)}, ${importId}::uuid, r.n, r.o::"ScreeningOutcome", r.e::jsonb, r.i, r.m, r.h, r.c, string_to_array(r.ru, ','), r.d
        FROM unnest(
          ${rows.map((r) => r.rowNumber)}::int[], ${rows.map((r) => r.outcome)}::text[], ${rows.map((r) => JSON.stringify(r.errors))}::text[],
          ${rows.map((r) => r.idNumberMasked)}::text[], ${rows.map((r) => r.nameMasked)}::text[], ${rows.map((r) => r.householdId)}::uuid[],
          ${rows.map((r) => r.caseId)}::uuid[], ${rows.map((r) => r.ruleIds.join(","))}::text[], ${rows.map((r) => r.duplicateOf)}::int[]
        ) AS r(n, o, e, i, m, h, c, ru, d)`;
    }
  }

  /**
   * Step 3: one lead per in-scope household with rows that tripped a rule,
   * naming every rule its rows tripped, in the order of the households'
   * first such rows; then those rows' report lines, with the lead's outcome.
   * Answers the created leads, to announce.
   */
  private async raiseLeads(
    tx: Tx,
    principal: StaffPrincipal,
    imported: ImportRow,
    starts: Map<string, LeadStart>,
    now: Date,
    locale: Locale,
    store: (rows: RowResult[]) => Promise<unknown>,
  ) {
    const t = translator(locale);
    const department = imported.department as Department;
    const departmentLabel = this.departmentLabel(t, department);
    const order = new Map(this.rules.rules.map((r, i) => [r.id, i]));
    const byRule = (a: RuleHit, b: RuleHit) => order.get(a.ruleId)! - order.get(b.ruleId)!;
    const hitText = (hit: RuleHit) => this.hitText(t, locale, hit);
    const ruleLabel = (hit: RuleHit) => this.ruleLabel(t, locale, hit.ruleId);
    const created: LeadResult[] = [];
    await tx.$executeRaw`
      DECLARE screening_hits NO SCROLL CURSOR FOR
      SELECT m.household_id AS "householdId", array_agg(m.row_number ORDER BY m.row_number) AS rows, array_agg(m.id_masked ORDER BY m.row_number) AS "idNumberMasked",
             array_agg(m.name_masked ORDER BY m.row_number) AS "nameMasked", jsonb_agg(coalesce(m.field_hits, '[]') ORDER BY m.row_number) AS "fieldHits",
             coalesce((array_agg(t.hits))[1], '[]') AS "householdHits"
      FROM screening_match m LEFT JOIN screening_tripped t ON t.household_id = m.household_id
      WHERE m.in_scope AND (m.field_hits IS NOT NULL OR t.household_id IS NOT NULL)
      GROUP BY m.household_id ORDER BY min(m.row_number)`;
    for (;;) {
      const groups = await tx.$queryRawUnsafe<HitGroup[]>(`FETCH ${leadBatch} FROM screening_hits`);
      if (groups.length === 0) break;
      // Each row: the rules it tripped on its own values and those its household's figures trip, in the rules file's order.
      const rowHits = groups.map((group) => group.fieldHits.map((hits) => [...hits, ...group.householdHits].sort(byRule)));
      const drafts = groups.map((group, g): LeadDraft => {
        const hits: RuleHit[] = [];
        for (const hit of rowHits[g]!.flat()) if (!hits.some((h) => h.ruleId === hit.ruleId)) hits.push(hit);
        hits.sort(byRule);
        return {
          householdId: group.householdId,
          channel: "DEPARTMENT_SCREENING",
          riskTypes: [...new Set(hits.flatMap((h) => h.riskTypes))],
          action: "LEAD_FROM_SCREENING",
          payload: {
            source: "SCREENING",
            importId: imported.id,
            department,
            period: imported.period,
            ruleIds: hits.map((h) => h.ruleId),
            rows: group.rows,
          },
          idempotencyKey: screeningLeadKey(department, imported.period, group.householdId, hits[0]!.ruleId),
          raisedBeforePrefix: screeningLeadKeyPrefix(department, imported.period, group.householdId),
          // Worded only for the leads opened: most households that trip a rule already have a case under way.
          get description() {
            return t("screening.leadDescription", {
              department: departmentLabel,
              period: imported.period,
              hits: hits.map(hitText).join(t("screening.hitSeparator")),
            });
          },
          get reason() {
            return t("screening.leadReason", {
              department: departmentLabel,
              period: imported.period,
              rules: hits.map(ruleLabel).join(t("screening.listSeparator")),
            });
          },
        };
      });
      const leads = await this.leads.raiseDrafts(tx, principal, drafts, now, locale, starts);
      await store(
        groups.flatMap((group, g) =>
          group.rows.map((rowNumber, j) => ({
            rowNumber,
            outcome: leads[g]!.outcome,
            errors: [],
            idNumberMasked: group.idNumberMasked[j] ?? null,
            nameMasked: group.nameMasked[j] ?? null,
            householdId: group.householdId,
            caseId: leads[g]!.caseId,
            ruleIds: rowHits[g]![j]!.map((h) => h.ruleId),
            duplicateOf: null,
          })),
        ),
      );
      created.push(...leads.filter((lead) => lead.notice));
    }
    return created;
  }

  // ---------- reading ----------

  async list(principal: StaffPrincipal, query: { department?: Department; limit: number }, locale: Locale) {
    const rows = await this.deps.prisma.screeningImport.findMany({
      where: { regionPath: { startsWith: principal.regionPath }, ...(query.department ? { department: query.department } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit,
    });
    const names = await this.staffNames(rows.map((r) => r.uploadedById));
    return { items: rows.map((row) => this.viewWith(row, names, locale)) };
  }

  async detail(
    principal: StaffPrincipal,
    importId: string,
    query: { outcome?: ScreeningOutcome; offset: number; limit: number },
    locale: Locale,
  ) {
    const { prisma } = this.deps;
    const imported = await this.find(principal, importId);
    const where = { importId, ...(query.outcome ? { outcome: query.outcome } : {}) };
    const [total, page, errorRows] = await Promise.all([
      prisma.screeningRow.count({ where }),
      prisma.screeningRow.findMany({ where, orderBy: { rowNumber: "asc" }, skip: query.offset, take: query.limit }),
      prisma.screeningRow.findMany({
        where: { importId, outcome: "ERROR" },
        orderBy: { rowNumber: "asc" },
        take: maxListedErrors + 1,
        select: { rowNumber: true, errors: true },
      }),
    ]);
    const t = translator(locale);
    const errors = errorRows.flatMap((r) => this.errorViews(t, locale, r.rowNumber, r.errors));
    return {
      import: await this.view(imported, locale),
      rows: { total, offset: query.offset, limit: query.limit, items: await this.rowViews(page, locale) },
      errors: errors.slice(0, maxListedErrors),
      errorsTruncated: errors.length > maxListedErrors,
    };
  }

  private errorViews(t: Translate, locale: Locale, row: number, stored: Prisma.JsonValue) {
    return ((stored ?? []) as unknown as StoredIssue[]).map((issue) => ({
      row,
      column: issue.column,
      field: issue.field,
      code: issue.code,
      message: t(`screening.rowErrors.${issue.code}`, {
        column: issue.column,
        field: this.fieldLabel(t, locale, issue.field),
        ...(issue.params ?? {}),
      }),
    }));
  }

  private async rowViews(rows: Prisma.ScreeningRowGetPayload<object>[], locale: Locale) {
    const { prisma } = this.deps;
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    const householdIds = [...new Set(rows.flatMap((r) => (r.householdId ? [r.householdId] : [])))];
    const caseIds = [...new Set(rows.flatMap((r) => (r.caseId ? [r.caseId] : [])))];
    const [households, cases] = await Promise.all([
      householdIds.length
        ? prisma.household.findMany({ where: { id: { in: householdIds } }, select: { id: true, number: true, regionId: true } })
        : [],
      caseIds.length ? prisma.case.findMany({ where: { id: { in: caseIds } }, select: { id: true, number: true } }) : [],
    ]);
    const householdById = new Map(households.map((h) => [h.id, h]));
    const caseNumber = new Map(cases.map((c) => [c.id, c.number]));
    return rows.map((r) => {
      const household = r.householdId ? householdById.get(r.householdId) : undefined;
      const region = household ? tree.get(household.regionId) : undefined;
      const village = region ? (tree.ancestorAt(region, "VILLAGE") ?? region) : undefined;
      const number = r.caseId ? (caseNumber.get(r.caseId) ?? null) : null;
      const errors = this.errorViews(t, locale, r.rowNumber, r.errors);
      const rules = r.ruleIds.map((id) => ({ id, label: this.ruleLabel(t, locale, id) }));
      return {
        row: r.rowNumber,
        outcome: r.outcome,
        outcomeLabel: t(`screening.outcomes.${r.outcome}`),
        idNumber: r.idNumberMasked,
        name: r.nameMasked,
        // A household outside the caller's region is not named.
        householdNumber: r.outcome === "OUT_OF_SCOPE" ? null : (household?.number ?? null),
        villageName: r.outcome === "OUT_OF_SCOPE" ? null : (village?.name ?? null),
        rules,
        caseNumber: number,
        duplicateOf: r.duplicateOf,
        note:
          r.outcome === "ERROR"
            ? errors.map((e) => e.message).join(t("screening.hitSeparator"))
            : t(`screening.notes.${r.outcome}`, {
                caseNumber: number ?? "",
                row: r.duplicateOf ?? "",
                rules: rules.map((x) => x.label).join(t("screening.listSeparator")),
              }),
        errors,
      };
    });
  }

  private async staffNames(ids: string[]) {
    const staff = await this.deps.prisma.staffAccount.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, displayName: true },
    });
    return new Map(staff.map((s) => [s.id, s.displayName]));
  }

  private async view(row: ImportRow, locale: Locale) {
    return this.viewWith(row, await this.staffNames([row.uploadedById]), locale);
  }

  private viewWith(row: ImportRow, names: Map<string, string>, locale: Locale) {
    const t = translator(locale);
    return {
      id: row.id,
      department: row.department as Department,
      departmentLabel: this.departmentLabel(t, row.department),
      period: row.period,
      fileName: row.fileName,
      fileSha256: row.fileSha256,
      fileSize: row.fileSize,
      format: row.format as "csv" | "xlsx",
      status: row.status,
      headerRow: row.headerRow,
      headers: row.headers as string[],
      mapping: row.mapping as Record<string, string> | null,
      counts: { rows: row.rowsTotal, ...Object.fromEntries(screeningOutcomes.map((o) => [o, row[countColumn[o]]])) } as Record<
        "rows" | ScreeningOutcome,
        number
      >,
      uploadedBy: names.get(row.uploadedById) ?? "",
      createdAt: row.createdAt.toISOString(),
      ranAt: row.ranAt?.toISOString() ?? null,
      fileDeletedAt: row.fileDeletedAt?.toISOString() ?? null,
    };
  }

  // ---------- the row report as a file ----------

  /** The row report as XLSX or CSV, streamed page by page like the ledgers; masked as on screen. */
  async report(principal: StaffPrincipal, importId: string, format: "xlsx" | "csv", locale: Locale) {
    const imported = await this.find(principal, importId);
    const t = translator(locale);
    const headers = ["row", "outcome", "idNumber", "name", "householdNumber", "village", "rules", "caseNumber", "note"].map((c) =>
      t(`screening.report.columns.${c}`),
    );
    const widths = [8, 14, 22, 10, 20, 12, 30, 14, 60];
    const stream = streamSpreadsheet(
      format,
      t("screening.report.sheet"),
      headers.map((header, i) => ({ header, width: widths[i] })),
      this.reportPages(imported.id, locale),
    );
    const stamp = chinaDateText(this.deps.now())!;
    return {
      stream,
      contentType: spreadsheetContentTypes[format],
      contentDisposition: contentDisposition(
        `${t("screening.report.title")}-${this.departmentLabel(t, imported.department)}-${imported.period}-${stamp}.${format}`,
        `screening-${imported.department.toLowerCase()}-${imported.period}-${stamp}.${format}`,
      ),
    };
  }

  private async *reportPages(importId: string, locale: Locale): AsyncGenerator<LedgerCell[][]> {
    let after = 0;
    for (;;) {
      const page = await this.deps.prisma.screeningRow.findMany({
        where: { importId, rowNumber: { gt: after } },
        orderBy: { rowNumber: "asc" },
        take: 500,
      });
      if (page.length === 0) return;
      const views = await this.rowViews(page, locale);
      yield views.map((v) => [
        v.row,
        v.outcomeLabel,
        v.idNumber,
        v.name,
        v.householdNumber,
        v.villageName,
        v.rules.map((r) => r.label).join(translator(locale)("screening.listSeparator")),
        v.caseNumber,
        v.note,
      ]);
      if (page.length < 500) return;
      after = page.at(-1)!.rowNumber;
    }
  }
}
