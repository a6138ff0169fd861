import { riskTypes, submitCaseRequestSchema, check } from "../../vendor/shared";
import { strings, t } from "../../lib/i18n";
import { outbox } from "../../lib/outbox";
import { settings } from "../../lib/settings";
import { villageChoices } from "../../lib/regions";
import { keepFile } from "../../lib/kept-files";
import { errorsByField } from "../../lib/form-errors";

interface Form {
  applicantName: string;
  phone: string;
  idNumber: string;
  description: string;
  regionCode: string;
  address: string;
  riskTypes: string[];
  personalInformation: boolean;
  familyEconomicCheck: boolean;
  photos: string[];
}

const draftKey = "report-draft";
const emptyForm = (): Form => ({
  applicantName: "",
  phone: "",
  idNumber: "",
  description: "",
  regionCode: "",
  address: "",
  riskTypes: [],
  personalInformation: false,
  familyEconomicCheck: false,
  photos: [],
});

/** 一键申报: the report form, checked on the phone by the server's own schema, kept as a draft, sent through the outbox. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    form: emptyForm(),
    errors: {} as Record<string, string>,
    villages: [] as { code: string; label: string }[],
    villageIndex: -1,
    risks: [] as { value: string; label: string; checked: boolean }[],
    state: "editing" as "editing" | "sending" | "queued" | "sent",
    notice: "",
    ack: null as null | { number: string; nextStep: string; message: string },
  },

  onLoad() {
    const draft = wx.getStorageSync(draftKey) as Form | "";
    const form = draft ? { ...emptyForm(), ...draft } : emptyForm();
    this.setData({ s: strings("mp.report"), elderly: settings.elderly(), form, notice: draft ? t("mp.report.draftRestored") : "" });
    this.showRisks(form.riskTypes);
    void this.loadVillages();
  },

  async loadVillages() {
    const villages = await villageChoices();
    this.setData({ villages, villageIndex: villages.findIndex((v) => v.code === this.data.form.regionCode) });
  },

  showRisks(selected: string[]) {
    this.setData({ risks: riskTypes.map((value) => ({ value, label: t(`riskTypes.${value}`), checked: selected.includes(value) })) });
  },

  update(patch: Partial<Form>) {
    const form = { ...this.data.form, ...patch };
    const errors = { ...this.data.errors };
    for (const field of Object.keys(patch)) delete errors[field];
    this.setData({ form, errors });
    // Every change is kept, so a report interrupted by a call or a closed app is not lost.
    wx.setStorageSync(draftKey, form);
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: keyof Form }).field;
    this.update({ [field]: e.detail.value } as Partial<Form>);
  },

  onVillage(e: WechatMiniprogram.PickerChange) {
    const index = Number(e.detail.value);
    this.setData({ villageIndex: index });
    this.update({ regionCode: this.data.villages[index]?.code ?? "" });
  },

  onRisks(e: WechatMiniprogram.CheckboxGroupChange) {
    this.update({ riskTypes: e.detail.value });
    this.showRisks(e.detail.value);
  },

  onConsent(e: WechatMiniprogram.CheckboxGroupChange) {
    this.update({ personalInformation: e.detail.value.includes("personal"), familyEconomicCheck: e.detail.value.includes("economic") });
  },

  onAddPhoto() {
    wx.chooseMedia({
      count: 9 - this.data.form.photos.length,
      mediaType: ["image"],
      sizeType: ["compressed"],
      success: async (res) => {
        const kept = await Promise.all(res.tempFiles.map((f) => keepFile(f.tempFilePath)));
        this.update({ photos: [...this.data.form.photos, ...kept].slice(0, 9) });
      },
    });
  },

  onChooseLocation() {
    wx.chooseLocation({ success: (res) => this.update({ address: [res.address, res.name].filter(Boolean).join(" ") }) });
  },

  onSaveDraft() {
    wx.setStorageSync(draftKey, this.data.form);
    this.setData({ notice: t("mp.report.draftSaved") });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },

  async onSubmit() {
    const f = this.data.form;
    const body = {
      kind: "HARDSHIP_REPORT" as const,
      applicantName: f.applicantName,
      phone: f.phone,
      idNumber: f.idNumber || undefined,
      description: f.description,
      regionCode: f.regionCode || undefined,
      address: f.address || undefined,
      riskTypes: f.riskTypes.length > 0 ? (f.riskTypes as never) : undefined,
      consent: { personalInformation: f.personalInformation as true, familyEconomicCheck: f.familyEconomicCheck },
      attachmentIds: [],
      locale: settings.locale(),
    };
    const checked = check(submitCaseRequestSchema, body, settings.locale());
    if (!checked.ok) {
      this.setData({ errors: errorsByField(checked.errors), notice: t("mp.report.fixErrors") });
      return;
    }
    wx.removeStorageSync(draftKey);
    this.setData({ state: "sending", notice: t("mp.report.sending") });
    const sent = await outbox.submit(body, f.photos);
    if (sent.outcome === "sent") {
      this.setData({
        state: "sent",
        notice: "",
        ack: { number: sent.ack.number, nextStep: sent.ack.nextStep.text, message: sent.ack.message },
        form: emptyForm(),
      });
    } else if (sent.outcome === "refused") {
      // The server saw something the phone could not (an unknown region, a changed rule): back to the form.
      wx.setStorageSync(draftKey, f);
      this.setData({ state: "editing", errors: errorsByField(sent.error.fieldErrors), notice: sent.error.message });
    } else {
      this.setData({ state: "queued", notice: t("mp.report.queued"), form: emptyForm() });
    }
  },

  onAnother() {
    this.setData({ state: "editing", ack: null, notice: "", errors: {}, form: emptyForm() });
    this.showRisks([]);
  },
});
