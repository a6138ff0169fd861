import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Locale } from "../api/common-schemas.ts";
import { screeningOutcomes, type ScreeningOutcome } from "../api/screening-schemas.ts";
import type { Department } from "../api/workflow-schemas.ts";
import type { Prisma } from "../db/generated/client.ts";
import { chinaDateText, contentDisposition, ledgerContentTypes, type CellValue as LedgerCell } from "../domain/ledgers.ts";
import {
  checkMapping,
  departmentsOf,
  evaluateRules,
  fieldsOf,
  looksLikeIdNumber,
  needsStanding,
  requiredFieldsOf,
  rulesOf,
  screeningLeadKey,
  screeningLeadKeyPrefix,
  suggestMapping,
  validateRow,
  type CellValue,
  type HouseholdStanding,
  type RowIssue,
  type RuleHit,
  type ScreeningRule,
  type ScreeningRules,
} from "../domain/screening.ts";
import { translator, type Translate } from "../i18n/i18n.ts";
import { AppError, InvalidInputError, NotFoundError } from "../lib/errors.ts";
import { maskIdNumber, maskName } from "../lib/personal-data.ts";
import { readSpreadsheet, SpreadsheetError, type Sheet } from "../lib/spreadsheet-reader.ts";
import { LeadService, type LeadDraft } from "./lead-service.ts";
import type { StaffPrincipal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";
import { streamSpreadsheet } from "./spreadsheet-stream.ts";

type ImportRow = Prisma.ScreeningImportGetPayload<object>;
/** As kept in ScreeningRow.errors: codes and params, localized when read. */
type StoredIssue = RowIssue;

/** A data file may have at most this many rows; larger files are split by the department. */
export const maxScreeningRows = 50_000;
const sampleSize = 5;
const maxListedErrors = 1000;

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

export interface ScreeningUpload {
  department: Department;
  period: string;
  fileName: string;
  bytes: Buffer;
}

/**
 * Department screening (部门筛查预警): a county office uploads a department's
 * file, confirms which column is which, and runs the rules. Every row ends
 * with an outcome; households that trip a rule get a lead at their village.
 * Files are kept once per content under dataDir/screening/ab/<sha256>; no
 * clear ID number is stored (rows keep a masked one).
 */
export class ScreeningService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly leads: LeadService,
    private readonly rules: ScreeningRules,
    private readonly dir: string,
    private readonly maxRows = maxScreeningRows,
  ) {}

  // ---------- labels ----------

  private departmentLabel(t: Translate, department: string) {
    return t(`screening.departments.${department}`, { defaultValue: this.rules.departments[department as Department]?.label?.["zh-CN"] ?? department });
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
    if (hit.kind === "assessment") return t("screening.hits.assessment", { rule, perCapita: hit.standing.perCapitaAfterRigidExpenses, line: hit.standing.incomeLine });
    return t("screening.hits.field", { rule, field: this.fieldLabel(t, locale, hit.field), actual: this.valueText(t, hit.actual), condition: this.condition(t, locale, this.rules.rules.find((r) => r.id === hit.ruleId)!) });
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

  private fileOf(sha256: string) {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  private async readSheet(bytes: Buffer): Promise<Sheet> {
    try {
      return await readSpreadsheet(bytes, this.maxRows);
    } catch (error) {
      if (error instanceof SpreadsheetError) {
        if (error.code === "SPREADSHEET_UNSUPPORTED") throw new AppError(415, error.code, error.params);
        throw new InvalidInputError(error.code, "file", error.params);
      }
      throw error;
    }
  }

  /**
   * Stores the file and reads its headers. The same bytes uploaded again for
   * the same department and period answer with the import they made before.
   */
  async upload(principal: StaffPrincipal, upload: ScreeningUpload, locale: Locale) {
    const { prisma } = this.deps;
    if (upload.bytes.length === 0) throw new InvalidInputError("FILE_MISSING", "file");
    if (!this.rules.departments[upload.department]) throw new InvalidInputError("SCREENING_DEPARTMENT_NOT_CONFIGURED", "department", { department: this.departmentLabel(translator(locale), upload.department) });
    const sha256 = crypto.createHash("sha256").update(upload.bytes).digest("hex");
    const sheet = await this.readSheet(upload.bytes);
    const identity = { regionPath: principal.regionPath, department: upload.department, period: upload.period, fileSha256: sha256 };
    let row = await prisma.screeningImport.findUnique({ where: { regionPath_department_period_fileSha256: identity } });
    const duplicate = !!row;
    if (!row) {
      await this.keep(sha256, upload.bytes);
      try {
        row = await prisma.screeningImport.create({
          data: {
            ...identity,
            fileName: upload.fileName.slice(0, 200) || `${upload.department}-${upload.period}.${sheet.format}`,
            fileSize: upload.bytes.length,
            format: sheet.format,
            headers: sheet.headers,
            headerRow: sheet.headerRow,
            uploadedById: principal.id,
            createdAt: this.deps.now(),
          },
        });
      } catch (error) {
        // Two uploads of the same file raced: the loser answers with the winner's import.
        row = await prisma.screeningImport.findUnique({ where: { regionPath_department_period_fileSha256: identity } });
        if (!row) throw error;
      }
    }
    const headers = row.headers as string[];
    const idColumns = new Set(Object.entries(suggestMapping(this.rules, upload.department, headers)).filter(([field]) => this.rules.fields[field]?.type === "idNumber").map(([, header]) => headers.indexOf(header)));
    return {
      importId: row.id,
      duplicate,
      encoding: sheet.encoding,
      headerRow: row.headerRow,
      headers,
      sampleRows: sheet.rows.slice(0, sampleSize).map((r) => ({
        row: r.rowNumber,
        cells: headers.map((_, i) => {
          const cell = r.cells[i] ?? "";
          return cell && (idColumns.has(i) || looksLikeIdNumber(cell)) ? maskIdNumber(cell) : cell;
        }),
      })),
      suggestedMapping: (row.mapping as Record<string, string> | null) ?? suggestMapping(this.rules, upload.department, headers),
      import: await this.view(row, locale),
    };
  }

  private async keep(sha256: string, bytes: Buffer) {
    const target = this.fileOf(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed, so a crash never leaves a half file under the final name.
    const temporary = `${target}.${process.pid}.${crypto.randomUUID()}.part`;
    await fs.writeFile(temporary, bytes, { flag: "wx" });
    await fs.rename(temporary, target);
  }

  private async find(principal: StaffPrincipal, importId: string): Promise<ImportRow> {
    const row = await this.deps.prisma.screeningImport.findFirst({ where: { id: importId, regionPath: { startsWith: principal.regionPath } } });
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
   */
  async run(principal: StaffPrincipal, importId: string, mapping: Record<string, string>, locale: Locale) {
    const { prisma, cipher } = this.deps;
    const t = translator(locale);
    const imported = await this.find(principal, importId);
    const department = imported.department as Department;
    const headers = imported.headers as string[];
    const [problem] = checkMapping(this.rules, department, headers, mapping);
    if (problem) {
      throw new InvalidInputError(problem.code, "mapping", { field: this.fieldLabel(t, locale, problem.field), header: problem.header ?? "", department: this.departmentLabel(t, department) });
    }

    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.fileOf(imported.fileSha256));
    } catch {
      throw new AppError(409, "SCREENING_FILE_MISSING");
    }
    const sheet = await this.readSheet(bytes);
    const column = new Map(sheet.headers.map((header, i) => [header, i]));

    // 1. Every row read and checked; exact repeats of an earlier row set aside.
    const results: RowResult[] = [];
    const pending: { result: RowResult; values: Record<string, CellValue>; hash: string }[] = [];
    const seen = new Map<string, number>();
    for (const row of sheet.rows) {
      const cellOf = (header: string) => row.cells[column.get(header) ?? -1] ?? "";
      const { values, issues } = validateRow(this.rules, department, mapping, cellOf);
      const idText = mapping.idNumber ? cellOf(mapping.idNumber) : "";
      const result: RowResult = {
        rowNumber: row.rowNumber,
        outcome: "ERROR",
        errors: issues,
        idNumberMasked: typeof values.idNumber === "string" ? maskIdNumber(values.idNumber) : idText ? maskIdNumber(idText) : null,
        nameMasked: typeof values.name === "string" && values.name ? maskName(values.name) : null,
        householdId: null,
        caseId: null,
        ruleIds: [],
        duplicateOf: null,
      };
      results.push(result);
      if (issues.length > 0) continue;
      const signature = JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
      const first = seen.get(signature);
      if (first !== undefined) {
        Object.assign(result, { outcome: "DUPLICATE_ROW", duplicateOf: first });
        continue;
      }
      seen.set(signature, row.rowNumber);
      pending.push({ result, values, hash: cipher.lookupHash(values.idNumber as string) });
    }

    // 2. ID numbers to households (by their lookup hash), only inside the caller's region.
    const members = new Map<string, { id: string; number: string; regionPath: string; regionCode: string }>();
    const hashes = [...new Set(pending.map((p) => p.hash))];
    for (let i = 0; i < hashes.length; i += 1000) {
      const found = await prisma.householdMember.findMany({
        where: { idNumberHash: { in: hashes.slice(i, i + 1000) } },
        select: { idNumberHash: true, household: { select: { id: true, number: true, region: { select: { path: true, code: true } } } } },
      });
      for (const m of found) members.set(m.idNumberHash, { id: m.household.id, number: m.household.number, regionPath: m.household.region.path, regionCode: m.household.region.code });
    }

    // 3. The rules, with the household's standing against the monitoring standard where a rule needs it.
    const standings = new Map<string, HouseholdStanding | null>();
    const hitsByHousehold = new Map<string, { results: RowResult[]; hits: RuleHit[] }>();
    for (const p of pending) {
      const household = members.get(p.hash);
      if (!household) {
        p.result.outcome = "NO_MATCH";
        continue;
      }
      p.result.householdId = household.id;
      if (!household.regionPath.startsWith(principal.regionPath)) {
        p.result.outcome = "OUT_OF_SCOPE";
        continue;
      }
      if (needsStanding(this.rules, department) && !standings.has(household.id)) {
        const assessed = await this.deps.assessor.assess(prisma, { householdId: household.id, regionCode: household.regionCode });
        standings.set(household.id, assessed);
      }
      const hits = evaluateRules(this.rules, department, p.values, standings.get(household.id) ?? null);
      if (hits.length === 0) {
        p.result.outcome = "NO_HIT";
        continue;
      }
      p.result.ruleIds = hits.map((h) => h.ruleId);
      const group = hitsByHousehold.get(household.id) ?? { results: [], hits: [] };
      group.results.push(p.result);
      for (const hit of hits) if (!group.hits.some((h) => h.ruleId === hit.ruleId)) group.hits.push(hit);
      hitsByHousehold.set(household.id, group);
    }

    // 4. One lead per household, naming every rule its rows tripped.
    const order = new Map(this.rules.rules.map((r, i) => [r.id, i]));
    const departmentLabel = this.departmentLabel(t, department);
    const drafts: LeadDraft[] = [...hitsByHousehold].map(([householdId, group]) => {
      const hits = [...group.hits].sort((a, b) => order.get(a.ruleId)! - order.get(b.ruleId)!);
      const riskTypes = [...new Set(hits.flatMap((h) => h.riskTypes))];
      const ruleLabels = hits.map((h) => this.ruleLabel(t, locale, h.ruleId));
      return {
        householdId,
        channel: "DEPARTMENT_SCREENING",
        riskTypes,
        description: t("screening.leadDescription", { department: departmentLabel, period: imported.period, hits: hits.map((h) => this.hitText(t, locale, h)).join(t("screening.hitSeparator")) }),
        action: "LEAD_FROM_SCREENING",
        reason: t("screening.leadReason", { department: departmentLabel, period: imported.period, rules: ruleLabels.join(t("screening.listSeparator")) }),
        payload: { source: "SCREENING", importId: imported.id, department, period: imported.period, ruleIds: hits.map((h) => h.ruleId), rows: group.results.map((r) => r.rowNumber) },
        idempotencyKey: screeningLeadKey(department, imported.period, householdId, hits[0]!.ruleId),
        raisedBeforePrefix: screeningLeadKeyPrefix(department, imported.period, householdId),
      };
    });
    const now = this.deps.now();
    const planned = await this.leads.plan(drafts, now);

    const raised = await prisma.$transaction(async (tx) => {
      // One run of an import at a time: a second waits and then finds the first one's leads.
      await tx.$queryRaw`SELECT 1 FROM "ScreeningImport" WHERE "id" = ${imported.id}::uuid FOR UPDATE`;
      const leadResults = await this.leads.raise(tx, principal, planned, now, locale);
      for (const lead of leadResults) {
        for (const result of hitsByHousehold.get(lead.householdId)?.results ?? []) Object.assign(result, { outcome: lead.outcome, caseId: lead.caseId });
      }
      await tx.screeningRow.deleteMany({ where: { importId: imported.id } });
      for (let i = 0; i < results.length; i += 1000) {
        await tx.screeningRow.createMany({
          data: results.slice(i, i + 1000).map((r) => ({ importId: imported.id, ...r, errors: r.errors as unknown as Prisma.InputJsonValue })),
        });
      }
      const counts = Object.fromEntries(screeningOutcomes.map((o) => [countColumn[o], results.filter((r) => r.outcome === o).length]));
      await tx.screeningImport.update({ where: { id: imported.id }, data: { status: "COMPLETED", mapping, rowsTotal: results.length, ...counts, ranById: principal.id, ranAt: now } });
      return leadResults;
    }, LeadService.transactionOptions(planned.length));
    this.leads.announce(raised);
    return this.detail(principal, imported.id, { offset: 0, limit: 100 }, locale);
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

  async detail(principal: StaffPrincipal, importId: string, query: { outcome?: ScreeningOutcome; offset: number; limit: number }, locale: Locale) {
    const { prisma } = this.deps;
    const imported = await this.find(principal, importId);
    const where = { importId, ...(query.outcome ? { outcome: query.outcome } : {}) };
    const [total, page, errorRows] = await Promise.all([
      prisma.screeningRow.count({ where }),
      prisma.screeningRow.findMany({ where, orderBy: { rowNumber: "asc" }, skip: query.offset, take: query.limit }),
      prisma.screeningRow.findMany({ where: { importId, outcome: "ERROR" }, orderBy: { rowNumber: "asc" }, take: maxListedErrors + 1, select: { rowNumber: true, errors: true } }),
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
      message: t(`screening.rowErrors.${issue.code}`, { column: issue.column, field: this.fieldLabel(t, locale, issue.field), ...(issue.params ?? {}) }),
    }));
  }

  private async rowViews(rows: Prisma.ScreeningRowGetPayload<object>[], locale: Locale) {
    const { prisma } = this.deps;
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    const householdIds = [...new Set(rows.flatMap((r) => (r.householdId ? [r.householdId] : [])))];
    const caseIds = [...new Set(rows.flatMap((r) => (r.caseId ? [r.caseId] : [])))];
    const [households, cases] = await Promise.all([
      householdIds.length ? prisma.household.findMany({ where: { id: { in: householdIds } }, select: { id: true, number: true, regionId: true } }) : [],
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
            : t(`screening.notes.${r.outcome}`, { caseNumber: number ?? "", row: r.duplicateOf ?? "", rules: rules.map((x) => x.label).join(t("screening.listSeparator")) }),
        errors,
      };
    });
  }

  private async staffNames(ids: string[]) {
    const staff = await this.deps.prisma.staffAccount.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, displayName: true } });
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
      counts: { rows: row.rowsTotal, ...Object.fromEntries(screeningOutcomes.map((o) => [o, row[countColumn[o]]])) } as Record<"rows" | ScreeningOutcome, number>,
      uploadedBy: names.get(row.uploadedById) ?? "",
      createdAt: row.createdAt.toISOString(),
      ranAt: row.ranAt?.toISOString() ?? null,
    };
  }

  // ---------- the row report as a file ----------

  /** The row report as XLSX or CSV, streamed page by page like the ledgers; masked as on screen. */
  async report(principal: StaffPrincipal, importId: string, format: "xlsx" | "csv", locale: Locale) {
    const imported = await this.find(principal, importId);
    const t = translator(locale);
    const headers = ["row", "outcome", "idNumber", "name", "householdNumber", "village", "rules", "caseNumber", "note"].map((c) => t(`screening.report.columns.${c}`));
    const widths = [8, 14, 22, 10, 20, 12, 30, 14, 60];
    const stream = streamSpreadsheet(format, t("screening.report.sheet"), headers.map((header, i) => ({ header, width: widths[i] })), this.reportPages(imported.id, locale));
    const stamp = chinaDateText(this.deps.now())!;
    return {
      stream,
      contentType: ledgerContentTypes[format],
      contentDisposition: contentDisposition(
        `${t("screening.report.title")}-${this.departmentLabel(t, imported.department)}-${imported.period}-${stamp}.${format}`,
        `screening-${imported.department.toLowerCase()}-${imported.period}-${stamp}.${format}`,
      ),
    };
  }

  private async *reportPages(importId: string, locale: Locale): AsyncGenerator<LedgerCell[][]> {
    let after = 0;
    for (;;) {
      const page = await this.deps.prisma.screeningRow.findMany({ where: { importId, rowNumber: { gt: after } }, orderBy: { rowNumber: "asc" }, take: 500 });
      if (page.length === 0) return;
      const views = await this.rowViews(page, locale);
      yield views.map((v) => [v.row, v.outcomeLabel, v.idNumber, v.name, v.householdNumber, v.villageName, v.rules.map((r) => r.label).join(translator(locale)("screening.listSeparator")), v.caseNumber, v.note]);
      if (page.length < 500) return;
      after = page.at(-1)!.rowNumber;
    }
  }
}
