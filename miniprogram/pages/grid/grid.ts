import { check, formatDate, submitCaseRequestSchema } from "../../vendor/shared";
import type { Endpoints } from "../../lib/api";
import { ApiError, NetworkError, call } from "../../lib/api";
import { strings, t } from "../../lib/i18n";
import { outbox } from "../../lib/outbox";
import { settings } from "../../lib/settings";
import { visitOutbox } from "../../lib/visit-outbox";
import { errorsByField } from "../../lib/form-errors";

type Household = Endpoints["GET /api/households"]["response"]["items"][number];
type Task = Endpoints["GET /api/staff/tasks"]["response"]["items"][number];
type Method = "WECHAT_CONFIRMATION" | "SIGNED_PAPER" | "VERBAL_WITNESSED";

interface Filing {
  applicantName: string;
  phone: string;
  description: string;
  confirmationMethod: Method | "";
  personalInformation: boolean;
  familyEconomicCheck: boolean;
}

const methods: Method[] = ["WECHAT_CONFIRMATION", "SIGNED_PAPER", "VERBAL_WITNESSED"];
/** The last task list seen online: on a village road the worker can still open a checklist. */
const tasksKey = "grid-tasks";
const emptyFiling = (): Filing => ({
  applicantName: "",
  phone: "",
  description: "",
  confirmationMethod: "",
  personalInformation: false,
  familyEconomicCheck: false,
});

/** 网格员工作台: find a household and file for it, see what I filed, and the home visits waiting for me. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    query: "",
    searchError: "",
    searched: false,
    households: [] as Household[],
    household: null as Household | null,
    filing: emptyFiling(),
    methods: [] as { value: Method; label: string; checked: boolean }[],
    errors: {} as Record<string, string>,
    state: "editing" as "editing" | "sending" | "queued" | "sent",
    notice: "",
    ack: null as null | { number: string; nextStep: string },
    forwarded: [] as { number: string; stageLabel: string; submitted: string }[],
    tasks: [] as {
      id: string;
      caseNumber: string;
      stageLabel: string;
      regionName: string;
      due: string;
      overdue: boolean;
      queued: boolean;
    }[],
    tasksNotice: "",
    pendingVisits: "",
    refusedVisits: [] as { taskId: string; caseNumber: string; message: string }[],
  },

  onLoad() {
    this.setData({ s: strings("mp.grid"), elderly: settings.elderly() });
    void wx.setNavigationBarTitle({ title: t("mp.grid.title") });
    this.showMethods("");
  },

  onShow() {
    void this.refresh();
  },

  async refresh() {
    this.showVisitQueue();
    await Promise.all([this.loadForwarded(), this.loadTasks()]);
  },

  showMethods(selected: string) {
    this.setData({ methods: methods.map((value) => ({ value, label: t(`mp.grid.methods.${value}`), checked: value === selected })) });
  },

  /** Visits still on the phone, and those the server turned down (a visit recorded by someone else first, a rule not met). */
  showVisitQueue() {
    const waiting = visitOutbox.list().length;
    this.setData({
      pendingVisits: waiting > 0 ? t("mp.grid.pendingVisits", { n: waiting }) : "",
      refusedVisits: visitOutbox.refused().map((r) => ({
        taskId: r.visit.taskId,
        caseNumber: r.visit.caseNumber,
        message: r.handledElsewhere ? t("mp.grid.visit.handledElsewhere") : r.message,
      })),
    });
  },

  async loadForwarded() {
    try {
      const { items } = await call("GET /api/staff/cases/forwarded");
      const locale = settings.locale();
      this.setData({
        forwarded: items.map((c) => ({
          number: c.number,
          stageLabel: c.stageLabel,
          submitted: t("mp.grid.submittedAt", { date: formatDate(new Date(c.submittedAt), locale) }),
        })),
      });
    } catch {
      // Offline: the list fills when the page is shown online again.
    }
  },

  async loadTasks() {
    let items: Task[];
    let cached = false;
    try {
      items = (await call("GET /api/staff/tasks")).items.filter((task) => task.actions.includes("RECORD_HOME_VISIT"));
      wx.setStorageSync(tasksKey, items);
    } catch (error) {
      if (!(error instanceof NetworkError)) return;
      items = (wx.getStorageSync(tasksKey) as Task[] | "") || [];
      cached = true;
    }
    const locale = settings.locale();
    const queued = new Set(visitOutbox.list().map((v) => v.taskId));
    // Online the server's clock decides what is late; a list kept from earlier grows late by the phone's.
    const lateByPhone = (dueAt: string | null) => cached && !!dueAt && new Date(dueAt).getTime() < Date.now();
    this.setData({
      tasksNotice: cached ? t("mp.grid.offlineCached") : "",
      tasks: items.map((task) => ({
        id: task.id,
        caseNumber: task.caseNumber,
        stageLabel: task.stageLabel,
        regionName: task.regionName,
        due: task.dueAt
          ? t("mp.grid.dueBy", { date: formatDate(new Date(task.dueAt), locale) + (task.dueProvisional ? t("provisionalShort") : "") })
          : t("mp.grid.noDeadline"),
        overdue: task.overdue || lateByPhone(task.dueAt),
        queued: queued.has(task.id),
      })),
    });
  },

  onQuery(e: WechatMiniprogram.Input) {
    this.setData({ query: e.detail.value, searchError: "" });
  },

  async onSearch() {
    const q = this.data.query.trim();
    if (q.length < 2) {
      this.setData({ searchError: t("validation.searchTooShort"), households: [], searched: false });
      return;
    }
    try {
      const { items } = await call("GET /api/households", { query: { q } });
      this.setData({ households: items, searched: true, searchError: "" });
    } catch (error) {
      this.setData({
        searchError: error instanceof ApiError ? error.message : t("mp.common.networkDown"),
        households: [],
        searched: false,
      });
    }
  },

  onPick(e: WechatMiniprogram.TouchEvent) {
    const id = (e.currentTarget.dataset as { id: string }).id;
    const household = this.data.households.find((h) => h.id === id) ?? null;
    this.setData({ household, state: "editing", ack: null, notice: "", errors: {} });
  },

  onChangeHousehold() {
    this.setData({ household: null, errors: {}, notice: "" });
  },

  update(patch: Partial<Filing>) {
    const filing = { ...this.data.filing, ...patch };
    const errors = { ...this.data.errors };
    for (const field of Object.keys(patch)) delete errors[field];
    this.setData({ filing, errors });
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: "applicantName" | "phone" | "description" }).field;
    this.update({ [field]: e.detail.value });
  },

  onMethod(e: WechatMiniprogram.RadioGroupChange) {
    this.update({ confirmationMethod: e.detail.value as Method });
    this.showMethods(e.detail.value);
  },

  onConsent(e: WechatMiniprogram.CheckboxGroupChange) {
    this.update({ personalInformation: e.detail.value.includes("personal"), familyEconomicCheck: e.detail.value.includes("economic") });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },

  async onSubmit() {
    const { household, filing: f } = this.data;
    if (!household) return;
    const body = {
      kind: "HARDSHIP_REPORT" as const,
      applicantName: f.applicantName,
      phone: f.phone,
      description: f.description,
      householdId: household.id,
      onBehalf: f.confirmationMethod ? { confirmationMethod: f.confirmationMethod } : undefined,
      consent: { personalInformation: f.personalInformation as true, familyEconomicCheck: f.familyEconomicCheck },
      attachmentIds: [],
      locale: settings.locale(),
    };
    const checked = check(submitCaseRequestSchema, body, settings.locale());
    const errors = checked.ok ? {} : errorsByField(checked.errors);
    // The schema lets a resident leave it out; for a filing on someone's behalf the server requires it.
    if (!f.confirmationMethod) errors.confirmationMethod = t("errors.PROXY_NOT_CONFIRMED");
    if (Object.keys(errors).length > 0) {
      this.setData({ errors, notice: t("mp.grid.fixErrors") });
      return;
    }
    this.setData({ state: "sending", notice: t("mp.grid.sending") });
    const sent = await outbox.submit(body, []);
    if (sent.outcome === "sent") {
      this.setData({
        state: "sent",
        notice: "",
        ack: { number: sent.ack.number, nextStep: sent.ack.nextStep.text },
        filing: emptyFiling(),
        household: null,
        households: [],
        query: "",
        searched: false,
      });
      this.showMethods("");
      void this.loadForwarded();
    } else if (sent.outcome === "refused") {
      this.setData({ state: "editing", errors: errorsByField(sent.error.fieldErrors), notice: sent.error.message });
    } else {
      this.setData({ state: "queued", notice: t("mp.grid.filingQueued"), filing: emptyFiling(), household: null });
      this.showMethods("");
    }
  },

  onAnother() {
    this.setData({ state: "editing", ack: null, notice: "", errors: {} });
  },

  onOpenTask(e: WechatMiniprogram.TouchEvent) {
    const { id, number } = e.currentTarget.dataset as { id: string; number: string };
    void wx.navigateTo({ url: `/pages/visit/visit?taskId=${encodeURIComponent(id)}&caseNumber=${encodeURIComponent(number)}` });
  },

  onDismissRefused(e: WechatMiniprogram.TouchEvent) {
    visitOutbox.dismiss((e.currentTarget.dataset as { id: string }).id);
    this.showVisitQueue();
  },

  onRefresh() {
    void this.refresh();
  },
});
