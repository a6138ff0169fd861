import { check, objectionRequestSchema } from "../../vendor/shared";
import { ApiError, call, session } from "../../lib/api";
import { ensureResident } from "../../lib/auth";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";

interface Form {
  caseNumber: string;
  objection: string;
}

/** 公示异议: a resident questions a household on the village's publicity list; the village then surveys it again. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    form: { caseNumber: "", objection: "" } as Form,
    errors: {} as Record<string, string>,
    state: "editing" as "editing" | "sending" | "sent",
    notice: "",
    received: "",
  },

  onLoad(query: Record<string, string | undefined>) {
    this.setData({
      s: strings("mp.cases.objection"),
      elderly: settings.elderly(),
      form: { caseNumber: query.number ?? "", objection: "" },
    });
    void wx.setNavigationBarTitle({ title: t("mp.cases.objection.title") });
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: keyof Form }).field;
    const errors = { ...this.data.errors };
    delete errors[field];
    this.setData({ form: { ...this.data.form, [field]: e.detail.value }, errors });
  },

  async onSubmit() {
    if (this.data.state === "sending") return;
    const locale = settings.locale();
    // Checked on the phone by the server's own rules: a short reason is caught without a network round trip.
    const checked = check(objectionRequestSchema, this.data.form, locale);
    if (!checked.ok) {
      this.setData({ errors: checked.errors, notice: t("mp.cases.objection.fixErrors") });
      return;
    }
    this.setData({ state: "sending", errors: {}, notice: t("mp.cases.objection.sending") });
    try {
      await ensureResident();
      const answer = await call("POST /api/publicity/objections", { body: checked.value });
      this.setData({ state: "sent", notice: "", received: t("mp.cases.objection.received", { number: answer.caseNumber }) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) session.clear();
      // The form stays as typed, so sending again is one tap.
      this.setData({
        state: "editing",
        errors: error instanceof ApiError ? error.fieldErrors : {},
        notice: error instanceof ApiError ? error.message : t("mp.cases.objection.offline"),
      });
    }
  },

  onAnother() {
    this.setData({ state: "editing", notice: "", received: "", errors: {}, form: { caseNumber: "", objection: "" } });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
