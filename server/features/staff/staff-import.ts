import type { z } from "zod";
import { staffRoleSchema, type StaffRole } from "../../core/vocabulary.ts";
import { staffCreateRequestSchema, type StaffCreateRequest } from "./staff-schemas.ts";

/**
 * Reading a county's staff list (a spreadsheet: user name, name, role, region code, phone, department)
 * into accounts to create or update. Headers are recognised in Chinese or English; roles by their code
 * or the words offices use. Pure: the service stores what it gives.
 */

export const staffImportFields = ["username", "displayName", "role", "regionCode", "phone", "department"] as const;
export type StaffImportField = (typeof staffImportFields)[number];

const headerWords: Record<StaffImportField, string[]> = {
  username: ["用户名", "账号", "帐号", "登录名", "username", "user name", "login"],
  displayName: ["姓名", "名字", "name", "display name", "displayname"],
  role: ["角色", "岗位", "职责", "role"],
  regionCode: ["地区代码", "区划代码", "行政区划代码", "单位代码", "所在地区代码", "region code", "regioncode", "region"],
  phone: ["电话", "手机", "手机号", "手机号码", "联系电话", "phone", "mobile"],
  department: ["部门", "所属部门", "department"],
};

const roleWords: Record<StaffRole, string[]> = {
  GRID_WORKER: ["网格员", "网格"],
  VILLAGE: ["村", "村级", "村干部", "村委", "村委会"],
  TOWNSHIP: ["乡镇", "乡", "镇", "乡镇干部", "乡镇工作人员", "街道"],
  COUNTY: ["县", "县级", "县区", "区县", "县级工作人员"],
  DEPARTMENT: ["部门", "行业部门", "部门经办", "部门经办人"],
  ADMIN: ["管理员", "系统管理员"],
  AUDITOR: ["审计", "审计员", "纪检", "审计监督人员"],
};

const normalise = (text: string) => text.replace(/\s+/g, "").toLowerCase();

/** Which column holds which field, by the header's words; -1 where none does. */
export function mapStaffHeaders(headers: readonly string[]): Record<StaffImportField, number> {
  const normalised = headers.map(normalise);
  const mapping = {} as Record<StaffImportField, number>;
  for (const field of staffImportFields) {
    const words = headerWords[field].map(normalise);
    mapping[field] = normalised.findIndex((header) => words.includes(header));
  }
  return mapping;
}

/** The role a cell names: its code (GRID_WORKER) or an office's word for it (网格员). */
export function parseRole(text: string): StaffRole | null {
  const value = text.trim();
  const code = staffRoleSchema.safeParse(value.toUpperCase());
  if (code.success) return code.data;
  const word = normalise(value);
  for (const [role, words] of Object.entries(roleWords) as [StaffRole, string[]][]) if (words.includes(word)) return role;
  return null;
}

export type StaffRowOutcome =
  | { ok: true; account: StaffCreateRequest }
  | {
      ok: false;
      username: string | null;
      errors: { field: StaffImportField; issue: z.core.$ZodIssue | { code: "custom"; message: string; path: string[] } }[];
    };

/** One data row read against the mapping and checked by the same schema as an account created by hand. */
export function readStaffRow(cells: readonly string[], mapping: Record<StaffImportField, number>): StaffRowOutcome {
  const cell = (field: StaffImportField) => (mapping[field] >= 0 ? (cells[mapping[field]] ?? "").trim() : "");
  const roleText = cell("role");
  const role = roleText ? parseRole(roleText) : null;
  const raw = {
    username: cell("username"),
    displayName: cell("displayName"),
    role: role ?? roleText,
    // Statistical codes come as 12 digits; a county's 6 or a township's 9 are padded with zeros.
    regionCode: cell("regionCode").replace(/^(\d{6}|\d{9})0+$/, "$1"),
    ...(cell("phone") ? { phone: cell("phone") } : {}),
    ...(cell("department") ? { department: cell("department") } : {}),
  };
  const parsed = staffCreateRequestSchema.safeParse(raw);
  const errors: Extract<StaffRowOutcome, { ok: false }>["errors"] = [];
  if (roleText && !role) errors.push({ field: "role", issue: { code: "custom", message: "validation.staffRole", path: ["role"] } });
  if (parsed.success && parsed.data.role === "DEPARTMENT" && !parsed.data.department)
    errors.push({ field: "department", issue: { code: "custom", message: "validation.departmentRequired", path: ["department"] } });
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as StaffImportField;
      if (field === "role" && roleText && !role) continue;
      errors.push({ field, issue });
    }
  if (errors.length > 0 || !parsed.success) return { ok: false, username: raw.username || null, errors };
  return { ok: true, account: parsed.data };
}
