import { z } from "zod";
import { isValidIdNumber, riskTypeSchema, type RiskType } from "../../core/vocabulary.ts";
import { departmentSchema, type Department } from "../workflow/workflow-schemas.ts";
import shippedRulesJson from "./screening-rules.json" with { type: "json" };

/**
 * Department screening (部门筛查预警, 004 篇六 §比对筛选): county departments hand
 * over their files at least quarterly; households whose rows trip a rule are
 * pushed down to the village to verify. What a department's file carries and
 * which rules apply are configuration (server/features/screening-and-leads/screening-rules.json,
 * or SCREENING_RULES_FILE), validated here; nothing here knows about Prisma,
 * HTTP or a file format: rows arrive as text cells.
 */

/** A label the rules file may carry for a field or rule it adds; the shipped ones are in the locale files. */
const labelSchema = z.strictObject({ "zh-CN": z.string().min(1), en: z.string().min(1).optional() });
export type ConfiguredLabel = z.infer<typeof labelSchema>;

const fieldKeySchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/);
const ruleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/);

const fieldDefinitionSchema = z.strictObject({
  type: z.enum(["idNumber", "text", "number", "boolean", "choice"]),
  /** Column headers that mean this field, as departments write them (matched ignoring spaces, case and units in brackets). */
  synonyms: z.array(z.string().min(1)).min(1),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  /** For "choice": the allowed values and how files spell them. */
  choices: z.array(z.strictObject({ value: z.string().min(1), synonyms: z.array(z.string().min(1)).default([]) })).optional(),
  label: labelSchema.optional(),
});
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

const comparisonOps = ["gt", "gte", "lt", "lte"] as const;
const fieldRuleSchema = z.strictObject({
  id: ruleIdSchema,
  kind: z.literal("field").default("field"),
  department: departmentSchema,
  field: fieldKeySchema,
  op: z.enum([...comparisonOps, "eq", "in"]),
  value: z.union([z.number(), z.boolean(), z.string()]).optional(),
  values: z.array(z.string().min(1)).min(1).optional(),
  riskTypes: z.array(riskTypeSchema).min(1),
  label: labelSchema.optional(),
});

/** Compares the household's recorded figures with the monitoring standard (server/features/households/household-assessment.ts). */
const assessmentRuleSchema = z.strictObject({
  id: ruleIdSchema,
  kind: z.literal("assessment"),
  check: z.enum(["belowLineAfterRigidExpenses", "belowLine"]),
  departments: z.array(departmentSchema).min(1),
  riskTypes: z.array(riskTypeSchema).min(1),
  label: labelSchema.optional(),
});

export type FieldRule = z.infer<typeof fieldRuleSchema>;
export type AssessmentRule = z.infer<typeof assessmentRuleSchema>;
export type ScreeningRule = FieldRule | AssessmentRule;

export const screeningRulesFileSchema = z
  .strictObject({
    fields: z.record(fieldKeySchema, fieldDefinitionSchema),
    departments: z.partialRecord(
      departmentSchema,
      z.strictObject({
        fields: z.array(fieldKeySchema).min(1),
        required: z.array(fieldKeySchema).default([]),
        label: labelSchema.optional(),
      }),
    ),
    rules: z.array(z.union([assessmentRuleSchema, fieldRuleSchema])),
  })
  .superRefine((file, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (file.fields.idNumber?.type !== "idNumber")
      issue(["fields", "idNumber"], 'a field "idNumber" of type "idNumber" is required: rows are matched to households by it');
    for (const [key, field] of Object.entries(file.fields)) {
      if (field.type === "choice" && !field.choices?.length) issue(["fields", key, "choices"], "a choice field needs its choices");
      if (field.min !== undefined && field.max !== undefined && field.min > field.max) issue(["fields", key, "max"], "max is below min");
    }
    for (const [department, entry] of Object.entries(file.departments)) {
      if (!entry.fields.includes("idNumber")) issue(["departments", department, "fields"], "every department's file carries idNumber");
      for (const key of [...entry.fields, ...entry.required])
        if (!file.fields[key]) issue(["departments", department], `unknown field "${key}"`);
      for (const key of entry.required)
        if (!entry.fields.includes(key)) issue(["departments", department, "required"], `"${key}" is required but not among the fields`);
    }
    const seen = new Set<string>();
    file.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) issue(["rules", index, "id"], `duplicate rule id "${rule.id}"`);
      seen.add(rule.id);
      const departments = rule.kind === "assessment" ? rule.departments : [rule.department];
      for (const department of departments)
        if (!file.departments[department]) issue(["rules", index], `department ${department} has no entry under "departments"`);
      if (rule.kind !== "field") return;
      const field = file.fields[rule.field];
      if (!field || !file.departments[rule.department]?.fields.includes(rule.field))
        return issue(["rules", index, "field"], `"${rule.field}" is not a field of ${rule.department}`);
      const ok = (comparisonOps as readonly string[]).includes(rule.op)
        ? field.type === "number" && typeof rule.value === "number"
        : rule.op === "eq"
          ? (field.type === "boolean" && typeof rule.value === "boolean") ||
            (field.type === "number" && typeof rule.value === "number") ||
            (field.type === "choice" && typeof rule.value === "string")
          : field.type === "choice" && !!rule.values && rule.values.every((v) => field.choices?.some((c) => c.value === v));
      if (!ok) issue(["rules", index, "op"], `op "${rule.op}" with this value does not fit the ${field.type} field "${rule.field}"`);
    });
  });
export type ScreeningRules = z.infer<typeof screeningRulesFileSchema>;

export const shippedScreeningRules: ScreeningRules = screeningRulesFileSchema.parse(shippedRulesJson);

export function departmentsOf(rules: ScreeningRules): Department[] {
  return departmentSchema.options.filter((d) => !!rules.departments[d]);
}

export function fieldsOf(rules: ScreeningRules, department: Department): string[] {
  return rules.departments[department]?.fields ?? [];
}

/** idNumber is always required: without it a row matches no household. */
export function requiredFieldsOf(rules: ScreeningRules, department: Department): string[] {
  return [...new Set(["idNumber", ...(rules.departments[department]?.required ?? [])])];
}

export function rulesOf(rules: ScreeningRules, department: Department): ScreeningRule[] {
  return rules.rules.filter((rule) =>
    rule.kind === "assessment" ? rule.departments.includes(department) : rule.department === department,
  );
}

// ---------- column mapping ----------

/** Header text as compared with synonyms: no spaces, no "*", no unit in brackets, lower case, full-width brackets folded. */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKC")
    .replace(/[(（][^)）]*[)）]/g, "")
    .replace(/[\s*:：]/g, "")
    .toLowerCase();
}

/**
 * A first guess at which column holds which field: an exact (normalised) match
 * with a synonym first, then a header containing a synonym, the longest
 * synonym winning. Each field and each header is used at most once.
 */
export function suggestMapping(rules: ScreeningRules, department: Department, headers: readonly string[]): Record<string, string> {
  const candidates: { field: string; header: string; score: number }[] = [];
  for (const field of fieldsOf(rules, department)) {
    const synonyms = rules.fields[field]!.synonyms.map(normaliseHeader).filter(Boolean);
    headers.forEach((header, index) => {
      const text = normaliseHeader(header);
      if (!text) return;
      for (const synonym of synonyms) {
        // Exact matches outrank any containment; among each, longer synonyms and earlier columns win.
        const score = text === synonym ? 10_000 + synonym.length * 10 : text.includes(synonym) ? synonym.length * 10 : -1;
        if (score >= 0) candidates.push({ field, header, score: score * 1000 - index });
      }
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  const mapping: Record<string, string> = {};
  const usedHeaders = new Set<string>();
  for (const c of candidates) {
    if (mapping[c.field] !== undefined || usedHeaders.has(c.header)) continue;
    mapping[c.field] = c.header;
    usedHeaders.add(c.header);
  }
  return mapping;
}

export interface MappingProblem {
  code: "MAPPING_UNKNOWN_FIELD" | "MAPPING_UNKNOWN_HEADER" | "MAPPING_REQUIRED_FIELD" | "MAPPING_HEADER_TWICE";
  field: string;
  header?: string;
}

/** What is wrong with a column mapping ({ field: header }) for a department's file with these headers; empty when it can run. */
export function checkMapping(
  rules: ScreeningRules,
  department: Department,
  headers: readonly string[],
  mapping: Record<string, string>,
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const fields = fieldsOf(rules, department);
  const byHeader = new Map<string, string>();
  for (const [field, header] of Object.entries(mapping)) {
    if (!fields.includes(field)) problems.push({ code: "MAPPING_UNKNOWN_FIELD", field });
    else if (!headers.includes(header)) problems.push({ code: "MAPPING_UNKNOWN_HEADER", field, header });
    else if (byHeader.has(header)) problems.push({ code: "MAPPING_HEADER_TWICE", field, header });
    else byHeader.set(header, field);
  }
  for (const field of requiredFieldsOf(rules, department))
    if (mapping[field] === undefined) problems.push({ code: "MAPPING_REQUIRED_FIELD", field });
  return problems;
}

// ---------- row validation ----------

export type CellValue = string | number | boolean;

export type RowIssueCode =
  | "REQUIRED"
  | "ID_INVALID"
  | "ID_AS_NUMBER"
  | "NOT_A_NUMBER"
  | "NOT_AN_INTEGER"
  | "OUT_OF_RANGE"
  | "NOT_YES_NO"
  | "NOT_ALLOWED_VALUE"
  | "TOO_LONG";

/** One problem in one cell; `column` is the header the user mapped. Localized when shown. */
export interface RowIssue {
  column: string;
  field: string;
  code: RowIssueCode;
  params?: Record<string, string | number>;
}

const yes = new Set(["是", "有", "y", "yes", "true", "1", "√", "✓"]);
const no = new Set(["否", "无", "没有", "n", "no", "false", "0", "×", "✗"]);

type Parsed = { ok: true; value: CellValue } | { ok: false; code: RowIssueCode; params?: Record<string, string | number> };

/** A cell that could not be read (row codes are localized under screening.rowErrors, not errors.). */
function fail(code: RowIssueCode, params?: Record<string, string | number>): Parsed {
  return params ? { ok: false, code, params } : { ok: false, code };
}

/** One cell's text read as the field's type; "" is handled by the caller (missing). */
export function parseCell(field: FieldDefinition, raw: string): Parsed {
  const text = raw.normalize("NFKC").trim();
  switch (field.type) {
    case "idNumber": {
      const compact = text.replace(/\s/g, "");
      // Excel shows an 18-digit number as 9.90101E+17 and keeps only 15 digits of it.
      if (/^\d(\.\d+)?e\+?\d+$/i.test(compact)) return fail("ID_AS_NUMBER");
      const upper = compact.toUpperCase();
      return isValidIdNumber(upper) ? { ok: true, value: upper } : fail("ID_INVALID");
    }
    case "text":
      return text.length > 200 ? fail("TOO_LONG", { max: 200 }) : { ok: true, value: text };
    case "number": {
      const compact = text.replace(/[,\s元¥￥]/g, "");
      if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(compact)) return fail("NOT_A_NUMBER");
      const value = Number(compact);
      if (field.integer && !Number.isInteger(value)) return fail("NOT_AN_INTEGER");
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
        return fail("OUT_OF_RANGE", { min: field.min ?? "-∞", max: field.max ?? "∞" });
      }
      return { ok: true, value };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (yes.has(lower)) return { ok: true, value: true };
      if (no.has(lower)) return { ok: true, value: false };
      return fail("NOT_YES_NO");
    }
    case "choice": {
      const upper = text.toUpperCase();
      const choice = field.choices?.find(
        (c) => c.value.toUpperCase() === upper || c.synonyms.some((s) => s.normalize("NFKC").toUpperCase() === upper),
      );
      return choice
        ? { ok: true, value: choice.value }
        : fail("NOT_ALLOWED_VALUE", { allowed: (field.choices ?? []).map((c) => c.value).join("/") });
    }
  }
}

export interface ValidatedRow {
  values: Record<string, CellValue>;
  issues: RowIssue[];
}

interface MappedField {
  field: string;
  header: string;
  definition: FieldDefinition;
  required: boolean;
}

function mappedFields(rules: ScreeningRules, department: Department, mapping: Record<string, string>): MappedField[] {
  const required = new Set(requiredFieldsOf(rules, department));
  return Object.entries(mapping).flatMap(([field, header]) => {
    const definition = rules.fields[field];
    return definition ? [{ field, header, definition, required: required.has(field) }] : [];
  });
}

function checkFields<F extends MappedField>(fields: readonly F[], cellOf: (field: F) => string): ValidatedRow {
  const values: Record<string, CellValue> = {};
  const issues: RowIssue[] = [];
  const missing: RowIssueCode = "REQUIRED";
  for (const mapped of fields) {
    const { field, header } = mapped;
    const raw = cellOf(mapped);
    if (raw.trim() === "") {
      if (mapped.required) issues.push({ column: header, field, code: missing });
      continue;
    }
    const parsed = parseCell(mapped.definition, raw);
    if (parsed.ok) values[field] = parsed.value;
    else issues.push({ column: header, field, code: parsed.code, ...(parsed.params ? { params: parsed.params } : {}) });
  }
  return { values, issues };
}

/**
 * Every mapped cell of one row read and checked; all problems are reported,
 * not only the first. `cellOf` gives a header's cell text ("" when empty).
 */
export function validateRow(
  rules: ScreeningRules,
  department: Department,
  mapping: Record<string, string>,
  cellOf: (header: string) => string,
): ValidatedRow {
  return checkFields(mappedFields(rules, department, mapping), (mapped) => cellOf(mapped.header));
}

/** validateRow for the rows of one file, given as cells in the order of its headers: the mapping is resolved once, not per row. */
export function rowValidator(
  rules: ScreeningRules,
  department: Department,
  mapping: Record<string, string>,
  headers: readonly string[],
): (cells: readonly string[]) => ValidatedRow {
  const fields = mappedFields(rules, department, mapping).map((mapped) => ({ ...mapped, column: headers.indexOf(mapped.header) }));
  return (cells) => checkFields(fields, (mapped) => cells[mapped.column] ?? "");
}

// ---------- rules ----------

/** The household's standing against the monitoring standard, when the service could assess it. */
export interface HouseholdStanding {
  belowLine: boolean;
  belowLineAfterRigidExpenses: boolean;
  perCapitaNetIncome: number;
  perCapitaAfterRigidExpenses: number;
  incomeLine: number;
}

export type RuleHit =
  | {
      ruleId: string;
      kind: "field";
      riskTypes: RiskType[];
      field: string;
      actual: CellValue;
      op: FieldRule["op"];
      expected: CellValue | string[];
    }
  | { ruleId: string; kind: "assessment"; riskTypes: RiskType[]; check: AssessmentRule["check"]; standing: HouseholdStanding };

function compare(op: FieldRule["op"], actual: CellValue, rule: FieldRule): boolean {
  if (op === "in") return typeof actual === "string" && !!rule.values?.includes(actual);
  if (op === "eq") return actual === rule.value;
  if (typeof actual !== "number" || typeof rule.value !== "number") return false;
  return op === "gt" ? actual > rule.value : op === "gte" ? actual >= rule.value : op === "lt" ? actual < rule.value : actual <= rule.value;
}

/** The department's rules a validated row trips, in the rules file's order; assessment rules need the household's standing. */
export function evaluateRules(
  rules: ScreeningRules,
  department: Department,
  values: Record<string, CellValue>,
  standing: HouseholdStanding | null,
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const rule of rulesOf(rules, department)) {
    if (rule.kind === "assessment") {
      if (standing && standing[rule.check])
        hits.push({ ruleId: rule.id, kind: "assessment", riskTypes: rule.riskTypes, check: rule.check, standing });
      continue;
    }
    const actual = values[rule.field];
    if (actual === undefined || !compare(rule.op, actual, rule)) continue;
    hits.push({
      ruleId: rule.id,
      kind: "field",
      riskTypes: rule.riskTypes,
      field: rule.field,
      actual,
      op: rule.op,
      expected: rule.op === "in" ? (rule.values ?? []) : (rule.value ?? ""),
    });
  }
  return hits;
}

/** Whether any of the department's rules needs the household's standing (so the service assesses only then). */
export function needsStanding(rules: ScreeningRules, department: Department): boolean {
  return rulesOf(rules, department).some((rule) => rule.kind === "assessment");
}

/** The idempotency key of a lead: one per department, period, household and (first) rule; the prefix finds any lead of the first three. */
export function screeningLeadKey(department: Department, period: string, householdId: string, ruleId: string): string {
  return `${screeningLeadKeyPrefix(department, period, householdId)}${ruleId}`;
}

export function screeningLeadKeyPrefix(department: Department, period: string, householdId: string): string {
  return `screening:${department}:${period}:${householdId}:`;
}

/** An ID-number-like value (18 characters, or the old 15 digits), to be masked wherever cells are shown. */
export function looksLikeIdNumber(value: string): boolean {
  return /^\d{15}(\d{2}[\dXx])?$/.test(value.trim());
}
