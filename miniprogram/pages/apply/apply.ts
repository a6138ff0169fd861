import { check, submitCaseRequestSchema } from "../../vendor/shared";
import { strings, t } from "../../lib/i18n";
import { outbox } from "../../lib/outbox";
import { settings } from "../../lib/settings";
import { villageChoices } from "../../lib/regions";

type Kind = "MONITORING_APPLICATION" | "ASSISTANCE_APPLICATION";
interface Member {
  name: string;
  relation: string;
  birthYear: string;
  labourCapacity: string;
  health: string;
  idNumber: string;
}
interface Entry {
  type: string;
  amount: string;
}
interface Form {
  kind: Kind;
  applicantName: string;
  phone: string;
  idNumber: string;
  regionCode: string;
  description: string;
  /** The account payments go to (惠民惠农"一卡通"): optional here, the village can take it down at the visit. */
  bankName: string;
  bankAccountNumber: string;
  members: Member[];
  incomes: Entry[];
  expenses: Entry[];
  personalInformation: boolean;
  familyEconomicCheck: boolean;
  alsoAgreed: string[];
}

const draftKey = "apply-draft";
const options = {
  relation: ["HEAD", "SPOUSE", "CHILD", "PARENT", "GRANDCHILD", "GRANDPARENT", "SIBLING", "OTHER"],
  labour: ["FULL", "PARTIAL", "NONE", "NOT_WORKING_AGE"],
  health: ["HEALTHY", "CHRONIC_ILLNESS", "SERIOUS_ILLNESS", "DISABLED"],
  incomeSources: ["WAGE", "BUSINESS", "PROPERTY", "TRANSFER"],
  expenseKinds: ["MEDICAL", "EDUCATION", "OTHER"],
};
const newMember = (relation: string): Member => ({
  name: "",
  relation,
  birthYear: "",
  labourCapacity: "FULL",
  health: "HEALTHY",
  idNumber: "",
});
const emptyForm = (): Form => ({
  kind: "MONITORING_APPLICATION",
  applicantName: "",
  phone: "",
  idNumber: "",
  regionCode: "",
  description: "",
  bankName: "",
  bankAccountNumber: "",
  members: [newMember("HEAD")],
  incomes: [],
  expenses: [],
  personalInformation: false,
  familyEconomicCheck: false,
  alsoAgreed: [],
});
/** 18 or older in the current year: who may confirm on the applicant's phone. */
const adult = (m: Member) => !!m.name && Number(m.birthYear) > 0 && new Date().getFullYear() - Number(m.birthYear) >= 18;

/**
 * Applications for monitoring support or assistance: the household's members,
 * incomes and expenses, checked on the phone by the server's own schema, kept
 * as a draft while filled in, sent through the outbox like a report.
 */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    form: emptyForm(),
    errors: {} as Record<string, string>,
    villages: [] as { code: string; label: string }[],
    villageIndex: -1,
    choices: {} as Record<string, { value: string; label: string }[]>,
    /** The same choices by value, for showing what is picked. */
    labels: {} as Record<string, Record<string, string>>,
    otherAdults: [] as { name: string; checked: boolean }[],
    state: "editing" as "editing" | "sending" | "queued" | "sent",
    notice: "",
    ack: null as null | { number: string; nextStep: string },
  },

  onLoad() {
    const draft = wx.getStorageSync(draftKey) as Form | "";
    const prefixes = {
      relation: "mp.relations",
      labour: "mp.labour",
      health: "mp.health",
      incomeSources: "mp.incomeSources",
      expenseKinds: "mp.expenseKinds",
    } as const;
    const choices = Object.fromEntries(
      Object.entries(prefixes).map(([name, prefix]) => [
        name,
        options[name as keyof typeof options].map((value) => ({ value, label: t(`${prefix}.${value}`) })),
      ]),
    );
    const labels = Object.fromEntries(
      Object.entries(choices).map(([name, list]) => [name, Object.fromEntries(list.map((c) => [c.value, c.label]))]),
    );
    this.setData({ s: strings("mp.apply"), elderly: settings.elderly(), choices, labels });
    this.save(draft ? { ...emptyForm(), ...draft } : emptyForm());
    void this.loadVillages();
  },

  async loadVillages() {
    const villages = await villageChoices();
    this.setData({ villages, villageIndex: villages.findIndex((v) => v.code === this.data.form.regionCode) });
  },

  save(form: Form, clear: string[] = []) {
    const errors = { ...this.data.errors };
    for (const key of clear) delete errors[key];
    const otherAdults = form.members
      .slice(1)
      .filter(adult)
      .map((m) => ({ name: m.name, checked: form.alsoAgreed.includes(m.name) }));
    this.setData({ form, errors, otherAdults });
    wx.setStorageSync(draftKey, form);
  },

  onField(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: keyof Form }).field;
    this.save({ ...this.data.form, [field]: e.detail.value }, [field]);
  },

  onKind(e: WechatMiniprogram.RadioGroupChange) {
    this.save({ ...this.data.form, kind: e.detail.value as Kind });
  },

  onVillage(e: WechatMiniprogram.PickerChange) {
    const index = Number(e.detail.value);
    this.setData({ villageIndex: index });
    this.save({ ...this.data.form, regionCode: this.data.villages[index]?.code ?? "" }, ["regionCode"]);
  },

  /** Inputs and pickers inside the members, incomes and expenses lists: data-list, data-index, data-field. */
  onListField(e: WechatMiniprogram.Input | WechatMiniprogram.PickerChange) {
    const { list, index, field, choices } = e.currentTarget.dataset as {
      list: "members" | "incomes" | "expenses";
      index: number;
      field: string;
      choices?: string;
    };
    const raw = String(e.detail.value);
    const value = choices ? (this.data.choices[choices]?.[Number(raw)]?.value ?? raw) : raw;
    const rows = this.data.form[list].map((row, i) => (i === Number(index) ? { ...row, [field]: value } : row));
    this.save({ ...this.data.form, [list]: rows }, [list]);
  },

  onAdd(e: WechatMiniprogram.BaseEvent) {
    const list = (e.currentTarget.dataset as { list: "members" | "incomes" | "expenses" }).list;
    const row = list === "members" ? newMember("SPOUSE") : { type: list === "incomes" ? "WAGE" : "MEDICAL", amount: "" };
    this.save({ ...this.data.form, [list]: [...this.data.form[list], row] });
  },

  onRemove(e: WechatMiniprogram.BaseEvent) {
    const { list, index } = e.currentTarget.dataset as { list: "members" | "incomes" | "expenses"; index: number };
    // The head (first member) stays: an application is always about a household with a head.
    if (list === "members" && Number(index) === 0) return;
    this.save({ ...this.data.form, [list]: this.data.form[list].filter((_, i) => i !== Number(index)) });
  },

  onConsent(e: WechatMiniprogram.CheckboxGroupChange) {
    this.save(
      {
        ...this.data.form,
        personalInformation: e.detail.value.includes("personal"),
        familyEconomicCheck: e.detail.value.includes("economic"),
      },
      ["personalInformation", "familyEconomicCheck"],
    );
  },

  onAlsoAgreed(e: WechatMiniprogram.CheckboxGroupChange) {
    this.save({ ...this.data.form, alsoAgreed: e.detail.value });
  },

  body() {
    const f = this.data.form;
    const head = f.members[0]!;
    return {
      kind: f.kind,
      applicantName: f.applicantName,
      phone: f.phone,
      idNumber: f.idNumber || undefined,
      regionCode: f.regionCode || undefined,
      description: f.description,
      // Given only when either part is filled in; then the schema wants both.
      bankAccount: f.bankName || f.bankAccountNumber ? { bankName: f.bankName, accountNumber: f.bankAccountNumber } : undefined,
      household: {
        // The applicant is the head: the first row carries their name and ID number.
        members: f.members.map((m, i) => ({
          name: i === 0 ? f.applicantName || head.name : m.name,
          relation: m.relation,
          idNumber: (i === 0 ? f.idNumber : m.idNumber) || undefined,
          birthYear: Number(m.birthYear) || 0,
          labourCapacity: m.labourCapacity,
          health: m.health,
        })),
        incomes: f.incomes.map((x) => ({ source: x.type, amount: Number(x.amount) || 0 })),
        expenses: f.expenses.map((x) => ({ kind: x.type, amount: Number(x.amount) || 0 })),
      },
      consent: { personalInformation: f.personalInformation, familyEconomicCheck: f.familyEconomicCheck, alsoAgreed: f.alsoAgreed },
      attachmentIds: [],
      locale: settings.locale(),
    };
  },

  async onSubmit() {
    const body = this.body();
    const checked = check(submitCaseRequestSchema, body, settings.locale());
    const errors = checked.ok ? {} : errorsByFormPath(checked.errors);
    // The server accepts a report without it; an application cannot go on without the authorisation.
    if (!body.consent.familyEconomicCheck) errors.familyEconomicCheck = t("mp.apply.economicRequired");
    if (!checked.ok || Object.keys(errors).length > 0) {
      this.setData({ errors, notice: t("mp.report.fixErrors") });
      return;
    }
    wx.removeStorageSync(draftKey);
    this.setData({ state: "sending", notice: t("mp.report.sending") });
    const sent = await outbox.submit(checked.value as never, []);
    if (sent.outcome === "sent")
      this.setData({ state: "sent", notice: "", ack: { number: sent.ack.number, nextStep: sent.ack.nextStep.text } });
    else if (sent.outcome === "refused") {
      wx.setStorageSync(draftKey, this.data.form);
      this.setData({ state: "editing", errors: errorsByFormPath(sent.error.fieldErrors), notice: sent.error.message });
    } else this.setData({ state: "queued", notice: t("mp.report.queued") });
  },
});

/**
 * "household.members.1.birthYear" → "members.1.birthYear", "consent.personalInformation" → "personalInformation",
 * "bankAccount.accountNumber" → "bankAccountNumber": keys the template shows errors under.
 */
function errorsByFormPath(errors: Record<string, string>): Record<string, string> {
  const key = (path: string) =>
    path === "bankAccount.bankName"
      ? "bankName"
      : path === "bankAccount.accountNumber"
        ? "bankAccountNumber"
        : path.replace(/^household\./, "").replace(/^consent\./, "");
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => [key(path), message]));
}
