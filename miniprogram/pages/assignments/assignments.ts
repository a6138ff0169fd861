import { formatDate } from "../../vendor/shared";
import type { DepartmentAssignment } from "../../lib/api";
import { ApiError, call } from "../../lib/api";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { logOutStaff, toStaffLogin } from "../../lib/staff";

type Status = DepartmentAssignment["status"];

interface Row {
  id: string;
  caseNumber: string;
  applicantName: string;
  regionName: string;
  riskTypeLabel: string;
  measure: string;
  due: string;
  overdue: boolean;
  report: string;
  a11y: string;
}

function row(a: DepartmentAssignment): Row {
  const due = a.dueAt
    ? formatDate(new Date(a.dueAt), settings.locale()) + (a.dueProvisional ? t("provisionalShort") : "")
    : t("mp.review.noDue");
  const sentence = t("mp.review.rowLabel", { number: a.caseNumber, stage: a.measure, region: a.regionName, date: due });
  return {
    id: a.id,
    caseNumber: a.caseNumber,
    applicantName: a.applicantName,
    regionName: a.regionName,
    riskTypeLabel: a.riskTypeLabel,
    measure: a.measure,
    due,
    overdue: a.overdue,
    report: a.report ?? "",
    a11y: a.overdue ? t("mp.review.withMarks", { text: sentence, marks: t("mp.review.overdue") }) : sentence,
  };
}

/** 交办任务: the needs the county dispatched to this handler's department, and the report back on each (the server checks it). */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    status: "OPEN" as Status,
    state: "loading" as "loading" | "ready" | "failed",
    items: [] as Row[],
    /** What is typed for each assignment, by its id. */
    drafts: {} as Record<string, string>,
    errors: {} as Record<string, string>,
    sending: "",
    notice: "",
  },

  onLoad() {
    this.setData({ s: strings("mp.review"), elderly: settings.elderly() });
    void wx.setNavigationBarTitle({ title: t("mp.review.assignments.title") });
  },

  onShow() {
    void this.load();
  },

  onPullDownRefresh() {
    void this.load().finally(() => wx.stopPullDownRefresh());
  },

  async load(notice = "") {
    if (this.data.state !== "ready") this.setData({ notice: t("mp.common.loading") });
    try {
      const { items } = await call("GET /api/department/assignments", { query: { status: this.data.status } });
      this.setData({ state: "ready", notice, items: items.map(row) });
    } catch (error) {
      this.fail(error);
    }
  },

  fail(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      toStaffLogin();
      return;
    }
    this.setData({
      state: this.data.state === "ready" ? "ready" : "failed",
      notice: error instanceof ApiError ? error.message : t("mp.common.networkDown"),
    });
  },

  onStatus(e: WechatMiniprogram.TouchEvent) {
    const { status } = e.currentTarget.dataset as { status: Status };
    this.setData({ status, items: [], errors: {}, notice: "", state: "loading" });
    void this.load();
  },

  onInput(e: WechatMiniprogram.Input) {
    const { id } = e.currentTarget.dataset as { id: string };
    const errors = { ...this.data.errors };
    delete errors[id];
    this.setData({ drafts: { ...this.data.drafts, [id]: e.detail.value }, errors });
  },

  async onReport(e: WechatMiniprogram.TouchEvent) {
    const { id } = e.currentTarget.dataset as { id: string };
    if (this.data.sending) return;
    const assignment = this.data.items.find((a) => a.id === id);
    this.setData({ sending: id, notice: t("mp.review.assignments.sending") });
    try {
      await call("POST /api/department/assignments/:id/report", { params: { id }, body: { report: this.data.drafts[id] ?? "" } });
      const drafts = { ...this.data.drafts };
      delete drafts[id];
      this.setData({ sending: "", drafts });
      await this.load(t("mp.review.assignments.sent", { number: assignment?.caseNumber ?? "" }));
    } catch (error) {
      this.setData({ sending: "" });
      if (error instanceof ApiError && error.status === 400) {
        // No copy of this route's schema runs on the phone: the server's 400 names the field.
        this.setData({ errors: { ...this.data.errors, [id]: error.fieldErrors.report ?? error.message }, notice: error.message });
        return;
      }
      this.fail(error);
      // Reported by a colleague meanwhile: the list shows what is still open.
      if (error instanceof ApiError && error.status === 409) await this.load(error.message);
    }
  },

  async onLogout() {
    await logOutStaff();
    toStaffLogin();
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
