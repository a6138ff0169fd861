import { formatDate } from "../../vendor/shared";
import { ApiError, call, session } from "../../lib/api";
import { ensureResident } from "../../lib/auth";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";

interface Row {
  number: string;
  kindLabel: string;
  statusLabel: string;
  stageLabel: string;
  nextStep: string;
  expected: string;
}

/** 我的申请: the resident's cases, each with where it stands and what comes next. */
Page({
  data: {
    s: {} as Record<string, string>,
    common: {} as Record<string, string>,
    elderly: false,
    state: "loading" as "loading" | "ready" | "failed",
    /** Once the list has come, a failed reload keeps it on screen under the banner. */
    loaded: false,
    items: [] as Row[],
    notice: "",
  },

  onLoad() {
    this.setData({ s: strings("mp.cases"), common: strings("mp.common"), elderly: settings.elderly() });
    void wx.setNavigationBarTitle({ title: t("mp.cases.title") });
  },

  // On every show, not only the first: coming back from a case or a new report should show the news.
  onShow() {
    void this.load();
  },

  onPullDownRefresh() {
    void this.load().finally(() => wx.stopPullDownRefresh());
  },

  async load() {
    if (!this.data.loaded) this.setData({ notice: t("mp.common.loading") });
    try {
      await ensureResident();
      const { items } = await call("GET /api/me/cases");
      const locale = settings.locale();
      this.setData({
        state: "ready",
        loaded: true,
        notice: "",
        items: items.map((c) => ({
          number: c.number,
          kindLabel: c.kindLabel,
          statusLabel: t(`statuses.${c.status}`),
          stageLabel: c.stageLabel,
          nextStep: c.nextStep?.text ?? "",
          expected: c.nextStep?.dueAt
            ? t("mp.cases.expectedBy", {
                date: formatDate(new Date(c.nextStep.dueAt), locale) + (c.nextStep.provisional ? t("provisionalShort") : ""),
              })
            : "",
        })),
      });
    } catch (error) {
      // A refused login is stale: forget it, so "retry" logs in afresh.
      if (error instanceof ApiError && error.status === 401) session.clear();
      // Anything but an answer from the server (no network, wx.login failing offline) reads as "no network".
      this.setData({ state: "failed", notice: error instanceof ApiError ? error.message : t("mp.cases.offline") });
    }
  },

  onRetry() {
    void this.load();
  },

  onOpen(e: WechatMiniprogram.TouchEvent) {
    const { number } = e.currentTarget.dataset as { number: string };
    void wx.navigateTo({ url: `/pages/case/case?number=${encodeURIComponent(number)}` });
  },

  onReport() {
    void wx.navigateTo({ url: "/pages/report/report" });
  },

  onObject() {
    void wx.navigateTo({ url: "/pages/objection/objection" });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
