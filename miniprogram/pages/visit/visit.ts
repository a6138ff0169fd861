import { check, formatDate, taskActionSchema } from "../../vendor/shared";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { visitOutbox, type QueuedVisit, type VisitPhoto } from "../../lib/visit-outbox";
import { keepFile } from "../../lib/kept-files";
import { errorsByField } from "../../lib/form-errors";

const guarantees = ["foodAndClothing", "education", "medical", "housing", "drinkingWater"] as const;
type Guarantee = (typeof guarantees)[number];
type Answer = "" | "SECURE" | "AT_RISK";

interface Form {
  date: string;
  time: string;
  investigators: string[];
  annualIncome: string;
  rigidExpenses: string;
  guarantees: Record<Guarantee, Answer>;
  notes: string;
  photos: VisitPhoto[];
}

/** The national rule (002 §(四): 每组成员不得少于2人); a county's workflow may ask for more, and the server then says so. */
const minInvestigators = 2;
const maxPhotos = 20;
const draftKey = (taskId: string) => `visit-draft-${taskId}`;

const pad = (n: number) => String(n).padStart(2, "0");
function emptyForm(now = new Date()): Form {
  return {
    date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    time: `${pad(now.getHours())}:${pad(now.getMinutes())}`,
    investigators: ["", ""],
    annualIncome: "",
    rigidExpenses: "",
    guarantees: { foodAndClothing: "", education: "", medical: "", housing: "", drinkingWater: "" },
    notes: "",
    photos: [],
  };
}

/** 入户核查: the home-visit checklist, kept on the phone as it is filled and sent through the visit outbox. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    taskId: "",
    caseNumber: "",
    title: "",
    today: "",
    form: emptyForm(),
    errors: {} as Record<string, string>,
    rows: [] as { key: Guarantee; label: string; value: Answer }[],
    photoRows: [] as { path: string; caption: string }[],
    state: "editing" as "editing" | "sending" | "queued" | "sent" | "elsewhere",
    notice: "",
  },

  onLoad(query: { taskId?: string; caseNumber?: string }) {
    const taskId = query.taskId ?? "";
    const caseNumber = decodeURIComponent(query.caseNumber ?? "");
    const fresh = emptyForm();
    const draft = taskId ? (wx.getStorageSync(draftKey(taskId)) as Form | "") : "";
    // A visit the server turned down comes back here, with its reason, to be corrected.
    const refused = visitOutbox.refused().find((r) => r.visit.taskId === taskId);
    const form = draft
      ? { ...fresh, ...draft, guarantees: { ...fresh.guarantees, ...draft.guarantees } }
      : refused && !refused.handledElsewhere
        ? formOf(refused.visit)
        : fresh;
    const queued = visitOutbox.list().some((v) => v.taskId === taskId);
    this.setData({
      s: strings("mp.grid.visit"),
      elderly: settings.elderly(),
      taskId,
      caseNumber,
      title: caseNumber ? t("mp.grid.visit.caseNumber", { number: caseNumber }) : "",
      today: fresh.date,
      form,
      errors: refused?.fields ? errorsByField(refused.fields) : {},
      state: refused?.handledElsewhere ? "elsewhere" : queued ? "queued" : "editing",
      notice: !taskId
        ? t("mp.grid.visit.noTask")
        : refused
          ? refused.handledElsewhere
            ? t("mp.grid.visit.handledElsewhere")
            : t("mp.grid.visit.refused", { message: refused.message })
          : queued
            ? t("mp.grid.visit.queued")
            : draft
              ? t("mp.grid.visit.draftRestored")
              : "",
    });
    void wx.setNavigationBarTitle({ title: t("mp.grid.visit.title") });
    this.show(form);
  },

  /** What the template shows that is derived from the form: the guarantee rows and the photos' captions. */
  show(form: Form) {
    const locale = settings.locale();
    this.setData({
      rows: guarantees.map((key) => ({ key, label: t(`mp.grid.visit.${key}`), value: form.guarantees[key] })),
      photoRows: form.photos.map((p) => {
        const taken = new Date(p.takenAt);
        // China time for the hour as for the date, whatever zone the phone is set to.
        const time = `${formatDate(taken, locale)} ${new Intl.DateTimeFormat(locale, { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(taken)}`;
        return {
          path: p.path,
          caption:
            p.latitude === null || p.longitude === null
              ? t("mp.grid.visit.photoNoPlace", { time })
              : t("mp.grid.visit.photoPlace", { time, latitude: p.latitude.toFixed(5), longitude: p.longitude.toFixed(5) }),
        };
      }),
    });
  },

  update(patch: Partial<Form>, clear: string[] = Object.keys(patch)) {
    const form = { ...this.data.form, ...patch };
    const errors = { ...this.data.errors };
    for (const field of clear) delete errors[field];
    this.setData({ form, errors });
    // Every change is kept: a visit interrupted by a call, a dead battery or a closed app is not lost.
    if (this.data.taskId) wx.setStorageSync(draftKey(this.data.taskId), form);
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: "annualIncome" | "rigidExpenses" | "notes" }).field;
    this.update({ [field]: e.detail.value });
  },

  onDate(e: WechatMiniprogram.PickerChange) {
    this.update({ date: String(e.detail.value) }, ["visitedAt"]);
  },

  onTime(e: WechatMiniprogram.PickerChange) {
    this.update({ time: String(e.detail.value) }, ["visitedAt"]);
  },

  onInvestigator(e: WechatMiniprogram.Input) {
    const index = Number((e.currentTarget.dataset as { index: number }).index);
    const investigators = [...this.data.form.investigators];
    investigators[index] = e.detail.value;
    this.update({ investigators });
  },

  onAddInvestigator() {
    this.update({ investigators: [...this.data.form.investigators, ""] }, []);
  },

  onGuarantee(e: WechatMiniprogram.RadioGroupChange) {
    const key = (e.currentTarget.dataset as { key: Guarantee }).key;
    const form = { ...this.data.form, guarantees: { ...this.data.form.guarantees, [key]: e.detail.value as Answer } };
    this.update({ guarantees: form.guarantees }, [key]);
    this.show(form);
  },

  onTakePhoto() {
    // The camera only: the time and place recorded are those of this moment at this house, which an album photo's would not be.
    wx.chooseMedia({
      count: Math.min(9, maxPhotos - this.data.form.photos.length),
      mediaType: ["image"],
      sourceType: ["camera"],
      sizeType: ["compressed"],
      success: async (res) => {
        const takenAt = new Date().toISOString();
        const place = await locate();
        const saved = await Promise.all(res.tempFiles.map((f) => keepFile(f.tempFilePath)));
        const photos = [
          ...this.data.form.photos,
          ...saved.map((path) => ({ path, takenAt, latitude: place?.latitude ?? null, longitude: place?.longitude ?? null })),
        ].slice(0, maxPhotos);
        this.update({ photos }, ["photoIds", "photoPlaces"]);
        this.show(this.data.form);
        if (!place) this.setData({ notice: t("mp.grid.visit.noLocation") });
      },
    });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },

  async onSubmit() {
    const f = this.data.form;
    const input = {
      type: "RECORD_HOME_VISIT",
      visitedAt: new Date(`${f.date}T${f.time}:00`).toISOString(),
      investigators: f.investigators.map((name) => name.trim()).filter(Boolean),
      findings: { annualIncome: amount(f.annualIncome), rigidExpenses: amount(f.rigidExpenses), ...f.guarantees, notes: f.notes },
      photoIds: [],
    };
    const checked = check(taskActionSchema, input, settings.locale());
    const errors: Record<string, string> = checked.ok ? {} : errorsByField(checked.errors);
    // The schema takes one name; the home visit needs two different people, as the server will insist.
    if (new Set(input.investigators.map((name) => name.replace(/\s+/g, ""))).size < minInvestigators) {
      errors.investigators = t("errors.TOO_FEW_INVESTIGATORS", { min: minInvestigators });
    }
    // Plainer words than the schema's for a question not yet answered.
    for (const key of guarantees) if (!f.guarantees[key]) errors[key] = t("mp.grid.visit.chooseOne");
    for (const key of ["annualIncome", "rigidExpenses"] as const) if (f[key].trim() === "") errors[key] = t("mp.grid.visit.required");
    if (!checked.ok || checked.value.type !== "RECORD_HOME_VISIT" || Object.keys(errors).length > 0) {
      this.setData({ errors, notice: t("mp.grid.visit.fixErrors") });
      return;
    }
    const { photoIds: _ids, photoPlaces: _places, ...visit } = checked.value;

    const { taskId, caseNumber } = this.data;
    visitOutbox.add({ taskId, caseNumber, visit, photos: f.photos });
    wx.removeStorageSync(draftKey(taskId));
    this.setData({ state: "sending", notice: t("mp.grid.visit.sending"), errors: {} });
    const result = await visitOutbox.flush();
    const sent = result.sent.find((s) => s.taskId === taskId);
    const refused = result.refused.find((r) => r.visit.taskId === taskId);
    if (sent) {
      const stage = sent.result.nextTask?.stageLabel;
      this.setData({
        state: "sent",
        notice: [t("mp.grid.visit.sent"), stage ? t("mp.grid.visit.movedTo", { stage }) : ""].filter(Boolean).join(" "),
      });
    } else if (refused?.handledElsewhere) {
      this.setData({ state: "elsewhere", notice: t("mp.grid.visit.handledElsewhere") });
    } else if (refused) {
      // Back to the checklist, with the photos already uploaded kept by id so they are not sent twice.
      const form = { ...f, photos: refused.visit.photos };
      // The refusal stays listed on the workbench until the corrected visit is sent.
      wx.setStorageSync(draftKey(taskId), form);
      this.setData({
        state: "editing",
        form,
        errors: errorsByField(refused.fields),
        notice: t("mp.grid.visit.refused", { message: refused.message }),
      });
    } else {
      this.setData({ state: "queued", notice: t("mp.grid.visit.queued") });
    }
  },

  onBack() {
    void wx.navigateBack({ delta: 1 });
  },
});

/** A yuan amount as typed; empty stays missing, so the check asks for it. */
function amount(text: string): number | undefined {
  return text.trim() === "" ? undefined : Number(text);
}

/** The checklist again from a queued visit (one the server refused while the page was closed). */
function formOf(queued: QueuedVisit): Form {
  const { visit } = queued;
  const at = new Date(visit.visitedAt);
  const names = [...visit.investigators];
  while (names.length < minInvestigators) names.push("");
  const { notes, annualIncome, rigidExpenses, ...answers } = visit.findings;
  return {
    ...emptyForm(at),
    investigators: names,
    annualIncome: String(annualIncome),
    rigidExpenses: String(rigidExpenses),
    guarantees: answers,
    notes: notes ?? "",
    photos: queued.photos,
  };
}

/** Where the phone is, or null when location is refused or unavailable: a photo without a place still counts. */
function locate(): Promise<{ latitude: number; longitude: number } | null> {
  return new Promise((resolve) => {
    wx.getLocation({
      type: "wgs84",
      success: (res) => resolve({ latitude: res.latitude, longitude: res.longitude }),
      fail: () => resolve(null),
    });
  });
}
