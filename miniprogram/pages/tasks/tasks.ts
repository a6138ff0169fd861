import { formatDate } from "../../vendor/shared";
import type { Endpoints } from "../../lib/api";
import { ApiError, call } from "../../lib/api";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { logOutStaff, staffProfileKey, toStaffLogin } from "../../lib/staff";

type Task = Endpoints["GET /api/staff/tasks"]["response"]["items"][number];
type View = "mine" | "escalated";

interface Row {
  id: string;
  caseId: string;
  caseNumber: string;
  stageLabel: string;
  regionName: string;
  due: string;
  overdue: boolean;
  escalated: boolean;
  /** The whole row in one sentence, marks included, for screen readers. */
  a11y: string;
}

function row(task: Task): Row {
  const due = task.dueAt
    ? formatDate(new Date(task.dueAt), settings.locale()) + (task.dueProvisional ? t("provisionalShort") : "")
    : t("mp.review.noDue");
  const marks = [task.overdue ? t("mp.review.overdue") : "", task.escalated ? t("mp.review.escalated") : ""].filter(Boolean);
  const sentence = t("mp.review.rowLabel", { number: task.caseNumber, stage: task.stageLabel, region: task.regionName, date: due });
  return {
    id: task.id,
    caseId: task.caseId,
    caseNumber: task.caseNumber,
    stageLabel: task.stageLabel,
    regionName: task.regionName,
    due,
    overdue: task.overdue,
    escalated: task.escalated,
    a11y: marks.length > 0 ? t("mp.review.withMarks", { text: sentence, marks: marks.join(t("mp.review.separator")) }) : sentence,
  };
}

/** 待办任务: the reviewer's queue at their desk (soonest deadline first, as the server sorts it), or the late tasks escalated to them. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    view: "mine" as View,
    // Nothing is escalated to a village desk, and grid workers may not ask.
    canSeeEscalated: true,
    state: "loading" as "loading" | "ready" | "failed",
    items: [] as Row[],
    notice: "",
  },

  onLoad() {
    const profile = wx.getStorageSync(staffProfileKey) as { role?: string } | "";
    const role = profile ? profile.role : undefined;
    this.setData({ s: strings("mp.review"), elderly: settings.elderly(), canSeeEscalated: role !== "VILLAGE" && role !== "GRID_WORKER" });
    void wx.setNavigationBarTitle({ title: t("mp.review.title") });
  },

  // Every show, not only the first: coming back from a task just handled must not list it any more.
  onShow() {
    void this.load();
  },

  onPullDownRefresh() {
    void this.load().finally(() => wx.stopPullDownRefresh());
  },

  async load() {
    if (this.data.state !== "ready") this.setData({ notice: t("mp.common.loading") });
    try {
      const { items } = await call("GET /api/staff/tasks", { query: { view: this.data.view, limit: 100 } });
      this.setData({ state: "ready", notice: "", items: items.map(row) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        toStaffLogin();
        return;
      }
      this.setData({ state: "failed", notice: error instanceof ApiError ? error.message : t("mp.common.networkDown") });
    }
  },

  onSwitchView(e: WechatMiniprogram.SwitchChange) {
    this.setData({ view: e.detail.value ? "escalated" : "mine", items: [], state: "loading" });
    void this.load();
  },

  onOpen(e: WechatMiniprogram.TouchEvent) {
    const { id, caseId } = e.currentTarget.dataset as { id: string; caseId: string };
    // The task page tells a task the user can act on from one escalated to them only by the view it came from.
    const view = this.data.view === "escalated" ? "&view=escalated" : "";
    void wx.navigateTo({ url: `/pages/task/task?id=${encodeURIComponent(id)}&caseId=${encodeURIComponent(caseId)}${view}` });
  },

  onRefresh() {
    void this.load();
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
