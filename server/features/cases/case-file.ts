import { formatDate, translator } from "../../core/i18n/i18n.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { maskDigitsInText, maskPhone } from "../../core/personal-data.ts";

/**
 * The case file: what each desk recorded, worded for the desks above it. Each
 * kind of event shows its own fields from what the workflow stored with it (a
 * list kept here, so nothing stored for another reason leaks); phones are
 * masked, and digits that look like a phone, an ID or an account number in
 * free text too.
 */

export interface RecordedField {
  label: string;
  value: string;
}

type Payload = Record<string, unknown>;

const text = (value: unknown) => (typeof value === "string" && value.trim() ? maskDigitsInText(value.trim()) : null);
const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

function dateTime(value: unknown, locale: Locale): string | null {
  if (typeof value !== "string") return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return null;
  const time = at.toLocaleTimeString(locale, { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
  return `${formatDate(at, locale)} ${time}`;
}

const guarantees = ["foodAndClothing", "education", "medical", "housing", "drinkingWater"] as const;

/** The fields an event recorded, labelled; empty for events that record nothing beyond their title and reason. */
export function recordedFields(action: string, payload: unknown, reason: string | null, locale: Locale): RecordedField[] {
  const t = translator(locale);
  const p = (payload ?? {}) as Payload;
  const fields: RecordedField[] = [];
  const add = (key: string, value: string | null) => {
    if (value !== null && value !== "") fields.push({ label: t(`caseFile.fields.${key}`), value });
  };
  const yuan = (value: unknown) => {
    const amount = number(value);
    return amount === null ? null : t("caseFile.values.yuan", { amount: amount.toLocaleString(locale) });
  };
  switch (action) {
    case "HOME_VISIT_RECORDED":
    case "SAMPLE_SURVEY_RECORDED": {
      const findings = (p.findings ?? {}) as Payload;
      add("visitedAt", dateTime(p.visitedAt, locale));
      add("investigators", Array.isArray(p.investigators) ? p.investigators.filter((x) => typeof x === "string").join("、") : null);
      add("annualIncome", yuan(findings.annualIncome));
      add("rigidExpenses", yuan(findings.rigidExpenses));
      for (const guarantee of guarantees) {
        const status = findings[guarantee];
        if (status === "SECURE" || status === "AT_RISK") add(guarantee, t(`caseFile.values.${status}`));
      }
      add("notes", text(findings.notes));
      const photos = Array.isArray(p.photoIds) ? p.photoIds.length : 0;
      const placed = Array.isArray(p.photoPlaces) ? p.photoPlaces.length : 0;
      if (photos > 0) add("photos", t("caseFile.values.photos", { count: photos, placed }));
      break;
    }
    case "APPRAISAL_PROPOSED":
    case "APPRAISAL_DECLINED": {
      add("meetingAt", dateTime(p.meetingAt, locale));
      const total = number(p.membersTotal);
      const present = number(p.present);
      if (total !== null && present !== null) add("attendance", t("caseFile.values.attendance", { total, present }));
      const votesFor = number(p.votesFor);
      const votesAgainst = number(p.votesAgainst);
      if (votesFor !== null && votesAgainst !== null) add("votes", t("caseFile.values.votes", { for: votesFor, against: votesAgainst }));
      add("opinion", text(p.note));
      break;
    }
    case "PUBLICITY_OBJECTION":
      add("objection", text(p.objection));
      break;
    case "DATA_COMPARISON_CLEAR":
    case "DATA_COMPARISON_DOUBTFUL":
      add("comparison", text(p.notes));
      break;
    case "APPROVED":
      add("opinion", text(p.note));
      break;
    case "DISPATCHED":
      if (Array.isArray(p.needs))
        for (const need of p.needs as Payload[])
          add(
            "need",
            t("caseFile.values.need", {
              risk: t(`riskTypes.${String(need.riskType)}`),
              department: t(`screening.departments.${String(need.department)}`),
              measure: text(need.measure) ?? "",
            }),
          );
      break;
    case "HELPER_ASSIGNED":
      add("helper", text(p.helperName));
      add("helperPhone", typeof p.helperPhone === "string" ? maskPhone(p.helperPhone) : null);
      break;
    case "FOLLOW_UP_RECORDED":
      add("visitedAt", dateTime(p.visitedAt, locale));
      add("followUp", text(p.notes));
      break;
    case "ELIMINATION_PROPOSED":
      add("eliminationReason", text(p.reason));
      break;
    case "DEPARTMENT_REPORTED":
      add("department", typeof p.department === "string" ? t(`screening.departments.${p.department}`) : null);
      add("measure", text(p.measure));
      add("report", text(p.report));
      break;
    case "SUPPLEMENT_ADDED":
      add("supplement", text(reason));
      break;
  }
  return fields;
}

/** Who did it, as a reviewer needs to know: the applicant is not any resident (a neighbour objecting is not the applicant). */
export function actorLabel(
  e: { actorType: string; actorId: string | null; actorRole: string | null },
  applicantResidentId: string | null,
  staffNames: ReadonlyMap<string, string>,
  locale: Locale,
): string {
  const t = translator(locale);
  if (e.actorType === "SYSTEM") return t("caseFile.bySystem");
  if (e.actorType === "RESIDENT")
    return e.actorId && e.actorId === applicantResidentId ? t("caseFile.byApplicant") : t("caseFile.byOtherResident");
  const role = e.actorRole ? t(`roles.${e.actorRole}`, { defaultValue: e.actorRole }) : "";
  const name = e.actorId ? staffNames.get(e.actorId) : undefined;
  return name ? t("caseFile.byStaff", { name, role }) : role;
}

/** Actions whose reason is shown as a recorded field instead (so it is not labelled "理由"). */
export const reasonShownAsField = new Set(["SUPPLEMENT_ADDED"]);
