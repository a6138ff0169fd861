import { check, formatDate, taskActionSchema } from "../../vendor/shared";
import type { Endpoints } from "../../lib/api";
import { ApiError, call } from "../../lib/api";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { toStaffLogin } from "../../lib/staff";

type Detail = Endpoints["GET /api/staff/cases/:id"]["response"];
type Task = Endpoints["GET /api/staff/tasks"]["response"]["items"][number];
type ActionBody = Endpoints["POST /api/staff/tasks/:id/actions"]["body"];

/** Actions this page has a form for; the rest need the web console's longer forms (photos, findings, needs, regions). */
const formActions = [
  "APPROVE",
  "RETURN",
  "REJECT",
  "RECORD_APPRAISAL",
  "CLOSE_PUBLICITY",
  "RECORD_OBJECTION",
  "RECORD_DATA_COMPARISON",
  "PROPOSE_ELIMINATION",
];

interface Form {
  note: string;
  reason: string;
  objection: string;
  proposal: "PROPOSE" | "DECLINE";
  meetingDate: string;
  membersTotal: string;
  present: string;
  votesFor: string;
  votesAgainst: string;
  result: "CLEAR" | "DOUBTFUL";
  notes: string;
}

/** Today's date in China, where meetings and deadlines are reckoned, whatever zone the phone is set to. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const emptyForm = (): Form => ({
  note: "",
  reason: "",
  objection: "",
  proposal: "PROPOSE",
  meetingDate: chinaToday(),
  membersTotal: "",
  present: "",
  votesFor: "",
  votesAgainst: "",
  result: "CLEAR",
  notes: "",
});

function number(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value.trim());
}

/** The form as the action the server takes; `check` then judges it by the server's own schema. */
function bodyOf(type: string, f: Form): ActionBody {
  switch (type) {
    case "APPROVE":
      return { type, note: f.note.trim() || undefined };
    case "RETURN":
    case "REJECT":
    case "PROPOSE_ELIMINATION":
      return { type, reason: f.reason };
    case "RECORD_OBJECTION":
      return { type, objection: f.objection };
    case "CLOSE_PUBLICITY":
      return { type };
    case "RECORD_DATA_COMPARISON":
      return { type, result: f.result, notes: f.notes };
    default: {
      // Recorded after the meeting: today's meeting is "a few minutes ago", so a phone clock slightly ahead of the server's is not refused as a future date.
      const meetingAt =
        f.meetingDate === chinaToday() ? new Date(Date.now() - 5 * 60_000).toISOString() : `${f.meetingDate}T12:00:00+08:00`;
      return {
        type: "RECORD_APPRAISAL",
        meetingAt,
        proposal: f.proposal,
        reason: f.reason,
        membersTotal: number(f.membersTotal),
        present: number(f.present),
        votesFor: number(f.votesFor),
        votesAgainst: number(f.votesAgainst),
      };
    }
  }
}

function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? t("mp.review.task.sizeKb", { size: Math.max(1, Math.round(bytes / 1024)) })
    : t("mp.review.task.sizeMb", { size: (bytes / 1024 / 1024).toFixed(1) });
}

/** The case as a reviewer reads it: labels instead of codes, history in plain words, personal numbers masked by the server. */
function present(d: Detail) {
  const locale = settings.locale();
  const stage = (key: string | null) => (key ? t(`stages.${key}`, { defaultValue: key }) : "");
  return {
    number: d.number,
    kind: t(`kinds.${d.kind}`),
    status: t(`statuses.${d.status}`),
    stage: d.stageLabel,
    region: d.region.name,
    due: d.stageDueAt ? formatDate(new Date(d.stageDueAt), locale) : t("mp.review.noDue"),
    applicant: d.applicantName,
    phone: d.phoneMasked,
    idNumber: d.idNumberMasked ?? t("mp.review.task.none"),
    address: d.address ?? t("mp.review.task.none"),
    description: d.description,
    riskTypes: d.riskTypes.map((r) => t(`riskTypes.${r}`)).join(t("mp.review.separator")) || t("mp.review.task.none"),
    attachments: d.attachments.map((a) => ({
      id: a.id,
      label: `${t(`mp.review.task.attachmentKinds.${a.kind}`, { defaultValue: a.kind })} · ${size(a.size)}`,
    })),
    history: d.events.map((e, i) => {
      const params = { region: d.region.name, stage: stage(e.fromStage), defaultValue: "" };
      // Staff wording first (some applicant wordings name the wrong office for staff), then the applicant's, then the bare code.
      const title =
        t(`mp.review.task.events.${e.action}`, params) ||
        t(`timeline.${e.action}`, params) ||
        t("mp.review.task.eventOther", { action: e.action });
      return {
        key: `${i}`,
        date: formatDate(new Date(e.at), locale),
        title,
        who: e.by,
        reason: e.reason ? t("mp.review.task.reasonLabel", { reason: e.reason }) : "",
        // The case file: what the desk below recorded (findings, votes, an objection's words, an opinion).
        details: e.details.map((d, j) => ({ key: `${i}-${j}`, text: `${d.label}:${d.value}` })),
      };
    }),
  };
}

/** 办理任务: one case in full, and the workflow actions its task allows now, each checked on the phone by the server's schema. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    taskId: "",
    caseId: "",
    escalatedView: false,
    state: "loading" as "loading" | "ready" | "failed" | "sending" | "done",
    notice: "",
    detail: null as null | ReturnType<typeof present>,
    /** The task's actions: those with a form here, and the names of those needing the web console. */
    actions: [] as { type: string; label: string }[],
    webConsole: [] as string[],
    /** Why there is nothing to do here, when there is nothing. */
    readOnly: "",
    selected: "",
    form: emptyForm(),
    errors: {} as Record<string, string>,
    voteFields: [] as { name: string; label: string }[],
    today: chinaToday(),
    result: null as null | { text: string; next: string },
  },

  onLoad(query: Record<string, string | undefined>) {
    this.setData({
      s: strings("mp.review"),
      elderly: settings.elderly(),
      taskId: query.id ?? "",
      caseId: query.caseId ?? "",
      escalatedView: query.view === "escalated",
      voteFields: ["membersTotal", "present", "votesFor", "votesAgainst"].map((name) => ({ name, label: t(`fields.${name}`) })),
    });
    void wx.setNavigationBarTitle({ title: t("mp.review.task.title") });
    void this.load();
  },

  async load() {
    this.setData({ notice: t("mp.common.loading") });
    try {
      // The server has no "one task" endpoint: the task is found in the desk's list, with what it allows now.
      const [detail, tasks] = await Promise.all([
        call("GET /api/staff/cases/:id", { params: { id: this.data.caseId } }),
        this.data.escalatedView ? Promise.resolve({ items: [] as Task[] }) : call("GET /api/staff/tasks", { query: { limit: 100 } }),
      ]);
      const task = tasks.items.find((x) => x.id === this.data.taskId);
      this.showActions(task);
      this.setData({ state: "ready", notice: "", detail: present(detail) });
    } catch (error) {
      this.fail(error);
    }
  },

  showActions(task: Task | undefined) {
    const allowed = task?.status === "OPEN" ? task.actions : [];
    // A stage may name its actions in its own words (a call-back's "已回电" rather than "审核通过").
    const label = (type: string) =>
      t([`mp.review.stageActions.${task?.stage ?? ""}.${type}`, `mp.review.actions.${type}`], { defaultValue: type });
    this.setData({
      actions: allowed.filter((a) => formActions.includes(a)).map((type) => ({ type, label: label(type) })),
      webConsole: allowed.filter((a) => !formActions.includes(a)).map((type) => t("mp.review.task.useWebConsole", { action: label(type) })),
      readOnly: allowed.length > 0 ? "" : t(this.data.escalatedView ? "mp.review.task.escalatedReadOnly" : "mp.review.task.noActions"),
    });
  },

  fail(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      toStaffLogin();
      return;
    }
    this.setData({
      state: this.data.detail ? "ready" : "failed",
      notice: error instanceof ApiError ? error.message : t("mp.common.networkDown"),
    });
  },

  onRetry() {
    void this.load();
  },

  onChoose(e: WechatMiniprogram.TouchEvent) {
    const { type } = e.currentTarget.dataset as { type: string };
    this.setData({ selected: type, form: emptyForm(), errors: {}, notice: "" });
  },

  onCancel() {
    this.setData({ selected: "", errors: {}, notice: "" });
  },

  update(patch: Partial<Form>) {
    const errors = { ...this.data.errors };
    for (const field of Object.keys(patch)) delete errors[field];
    this.setData({ form: { ...this.data.form, ...patch }, errors });
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: keyof Form }).field;
    this.update({ [field]: e.detail.value } as Partial<Form>);
  },

  onPick(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = (e.currentTarget.dataset as { field: keyof Form }).field;
    this.update({ [field]: e.detail.value } as Partial<Form>);
  },

  async onSubmit() {
    if (this.data.state === "sending" || !this.data.selected) return;
    const body = bodyOf(this.data.selected, this.data.form);
    const checked = check(taskActionSchema, body, settings.locale());
    if (!checked.ok) {
      this.setData({ errors: checked.errors, notice: t("mp.review.task.fixErrors") });
      return;
    }
    this.setData({ state: "sending", notice: t("mp.review.task.sending") });
    try {
      const result = await call("POST /api/staff/tasks/:id/actions", { params: { id: this.data.taskId }, body });
      const next = result.nextTask;
      this.setData({
        state: "done",
        notice: "",
        selected: "",
        actions: [],
        webConsole: [],
        readOnly: "",
        result: {
          text: t("mp.review.task.doneText", {
            number: result.caseNumber,
            stage: t(`stages.${result.toStage}`, { defaultValue: result.toStage }),
            status: t(`statuses.${result.status}`),
          }),
          next: next ? t("mp.review.task.nextDesk", { region: next.regionName, stage: next.stageLabel }) : "",
        },
      });
      // The history now ends with this action.
      const detail = await call("GET /api/staff/cases/:id", { params: { id: this.data.caseId } }).catch(() => null);
      if (detail) this.setData({ detail: present(detail) });
    } catch (error) {
      this.setData({ state: "ready" });
      if (error instanceof ApiError && error.status === 400) {
        this.setData({ errors: error.fieldErrors, notice: error.message });
        return;
      }
      this.fail(error);
      // A refusal (409) often means the case moved on meanwhile: show what the task allows now.
      if (error instanceof ApiError && error.status === 409) {
        const tasks = await call("GET /api/staff/tasks", { query: { limit: 100 } }).catch(() => null);
        if (tasks) {
          this.showActions(tasks.items.find((x) => x.id === this.data.taskId));
          if (!this.data.actions.some((a) => a.type === this.data.selected)) this.setData({ selected: "" });
        }
      }
    }
  },

  onBack() {
    // Opened from the queue it goes back to it (which reloads); opened on its own, the queue is opened instead.
    void wx.navigateBack({ fail: () => wx.redirectTo({ url: "/pages/tasks/tasks" }) });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
