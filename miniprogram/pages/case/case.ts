import { formatDate } from "../../vendor/shared";
import { ApiError, call, session } from "../../lib/api";
import { ensureResident } from "../../lib/auth";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { subscribeTemplateIds } from "../../config";

interface View {
  number: string;
  kindLabel: string;
  statusLabel: string;
  stageLabel: string;
  regionName: string;
  submitted: string;
  nextStep: string;
  expected: string;
  timeline: { date: string; title: string; detail: string; detailLabel: string; isReason: boolean }[];
}

// The detail of these is why the case went back or stopped: the applicant has to see it to act on it.
const reasonActions = new Set(["RETURNED", "REJECTED", "APPRAISAL_DECLINED", "DATA_COMPARISON_DOUBTFUL"]);

/** 办理进度: one case's story in plain words, its next step, and WeChat notices of what comes next. */
Page({
  data: {
    s: {} as Record<string, string>,
    common: {} as Record<string, string>,
    elderly: false,
    number: "",
    state: "loading" as "loading" | "ready" | "failed",
    view: null as View | null,
    notice: "",
    canSubscribe: false,
  },

  onLoad(query: Record<string, string | undefined>) {
    this.setData({
      s: strings("mp.cases"),
      common: strings("mp.common"),
      elderly: settings.elderly(),
      number: query.number ?? "",
      canSubscribe: subscribeTemplateIds.length > 0,
    });
    void wx.setNavigationBarTitle({ title: t("mp.cases.case.title") });
    void this.load();
  },

  onPullDownRefresh() {
    void this.load().finally(() => wx.stopPullDownRefresh());
  },

  async load() {
    if (!this.data.view) this.setData({ notice: t("mp.common.loading") });
    try {
      await ensureResident();
      const c = await call("GET /api/me/cases/:number", { params: { number: this.data.number } });
      const locale = settings.locale();
      const view: View = {
        number: c.number,
        kindLabel: c.kindLabel,
        statusLabel: c.statusLabel,
        stageLabel: c.stageLabel,
        regionName: c.regionName,
        submitted: formatDate(new Date(c.submittedAt), locale),
        nextStep: c.nextStep?.text ?? "",
        expected: c.nextStep?.dueAt
          ? t("mp.cases.expectedBy", {
              date: formatDate(new Date(c.nextStep.dueAt), locale) + (c.nextStep.provisional ? t("provisionalShort") : ""),
            })
          : "",
        timeline: c.timeline.map((e) => ({
          date: formatDate(new Date(e.at), locale),
          title: e.title,
          detail: e.detail ?? "",
          isReason: reasonActions.has(e.action),
          detailLabel: t(reasonActions.has(e.action) ? "mp.cases.case.reason" : "mp.cases.case.note"),
        })),
      };
      this.setData({ state: "ready", view, notice: "" });
    } catch (error) {
      // A refused login is stale: forget it, so "retry" logs in afresh.
      if (error instanceof ApiError && error.status === 401) session.clear();
      // A refresh that fails keeps what was shown; the banner says why it is not newer.
      this.setData({ state: "failed", notice: error instanceof ApiError ? error.message : t("mp.cases.offline") });
    }
  },

  onRetry() {
    void this.load();
  },

  onSubscribe() {
    wx.requestSubscribeMessage({
      tmplIds: subscribeTemplateIds,
      success: (res) => {
        const accepted = subscribeTemplateIds.some((id) => res[id] === "accept");
        this.setData({ notice: t(accepted ? "mp.cases.case.subscribed" : "mp.cases.case.subscribeDeclined") });
      },
      fail: () => this.setData({ notice: t("mp.cases.case.subscribeDeclined") }),
    });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
