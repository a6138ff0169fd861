import type { CalendarLoadRequest, CalendarLoadResult, CalendarOutlookView, CalendarOverview } from "./calendar-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { calendarOutlook, yearCalendarSchema, type YearCalendar } from "../../core/calendar/working-days.ts";
import type { CalendarYear } from "../../platform/database/generated/client.ts";
import type { DeadlineRefresh, RefreshReport } from "./deadline-refresh.ts";
import type { NotifierLog } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";

export type CalendarSource = "API" | "CLI" | "FILE";

/** Who loads an arrangement: a staff account, or the operator at a command line. */
export interface CalendarLoader {
  id: string | null;
  name: string;
  source: CalendarSource;
}

/**
 * The working-day calendars every instance counts deadlines on: official
 * arrangements an administrator loads (stored, versioned, never changed in
 * place), shared through the database; each instance reads them at start and
 * again whenever any instance loads one (a notice on the bus). Loading one
 * counts every open deadline again on it (DeadlineRefresh).
 */
export class CalendarService {
  constructor(
    private readonly deps: Pick<ServiceDeps, "prisma" | "calendar" | "now" | "notifier">,
    private readonly refresh: DeadlineRefresh,
    private readonly log: NotifierLog,
  ) {}

  /** At start: the files of CALENDAR_FILES for years the database has nothing for, then the database's arrangements into force. */
  async start(files: YearCalendar[]): Promise<void> {
    for (const file of files) {
      const latest = await this.latest(file.year);
      if (!latest) await this.store(file, { id: null, name: "CALENDAR_FILES", source: "FILE" }, "loaded from CALENDAR_FILES");
      else if (!sameDays(latest, file))
        this.log.info(
          { year: file.year, version: latest.version },
          "CALENDAR_FILES names a year already loaded; the loaded version stays in force",
        );
    }
    await this.reload();
  }

  /** Reads the arrangements in force (each year's latest version) into this instance's calendar. */
  async reload(): Promise<void> {
    const rows = await this.deps.prisma.calendarYear.findMany({ orderBy: [{ year: "asc" }, { version: "desc" }] });
    const inForce = new Map<number, YearCalendar>();
    for (const row of rows) {
      if (inForce.has(row.year)) continue;
      const parsed = yearCalendarSchema.safeParse({ year: row.year, holidays: row.holidays, makeupWorkdays: row.makeupWorkdays });
      if (parsed.success) inForce.set(row.year, parsed.data);
      else
        this.log.error(
          { year: row.year, version: row.version },
          "a stored holiday arrangement no longer passes the checks; it is not applied",
        );
    }
    this.deps.calendar.setOfficialYears([...inForce.values()]);
  }

  /**
   * Stores a year's arrangement as its next version (unless the same days are
   * in force already), puts it into force on every instance and counts every
   * open deadline again on it.
   */
  async load(request: CalendarLoadRequest, by: CalendarLoader): Promise<CalendarLoadResult> {
    const { note, ...days } = request;
    const stored = await this.store(days, by, note ?? null);
    await this.reload();
    this.deps.notifier.calendarChanged();
    this.log.info({ year: request.year, version: stored.row.version, by: by.name, source: by.source }, "holiday arrangement loaded");
    const recount = await this.refresh.run([request.year]);
    return { year: request.year, version: stored.row.version, created: stored.created, recount };
  }

  /** Deadlines counted again now (at start, and daily): what changed. */
  refreshDeadlines(): Promise<RefreshReport> {
    return this.refresh.run();
  }

  /**
   * The daily check: the arrangements read again (a notice may have been
   * missed), deadlines counted again, and a warning in the log while a year
   * that matters is still provisional.
   */
  async dailyCheck(): Promise<RefreshReport & { yearsMissing: number }> {
    await this.reload();
    const report = await this.refresh.run();
    const { missingYear } = this.warnIfMissing();
    return { ...report, yearsMissing: missingYear === null ? 0 : 1 };
  }

  /** Logs the missing year, if any; returns the outlook. */
  warnIfMissing() {
    const outlook = calendarOutlook(this.deps.calendar, this.deps.now());
    if (outlook.missingYear !== null) {
      this.log.warn(
        { year: outlook.missingYear },
        `the official holiday arrangement for ${outlook.missingYear} is not loaded: deadlines in ${outlook.missingYear} are counted on the statutory holidays alone (provisional). Load it in the console (节假日安排), by POST /api/admin/calendars or npm run calendar:load.`,
      );
    }
    return outlook;
  }

  outlook(locale: Locale): CalendarOutlookView {
    const outlook = calendarOutlook(this.deps.calendar, this.deps.now());
    return {
      ...outlook,
      message: outlook.missingYear === null ? null : translator(locale)("calendar.missing", { year: outlook.missingYear }),
    };
  }

  /** Last year, this year and the next two, and any other year loaded. */
  async overview(locale: Locale): Promise<CalendarOverview> {
    const outlook = this.outlook(locale);
    const rows = await this.latestOfEveryYear();
    const years = new Set([outlook.year - 1, outlook.year, outlook.year + 1, outlook.year + 2, ...rows.keys()]);
    return { outlook, years: [...years].sort((a, b) => a - b).map((year) => this.view(year, rows.get(year) ?? null)) };
  }

  async history(year: number) {
    const rows = await this.deps.prisma.calendarYear.findMany({ where: { year }, orderBy: { version: "desc" } });
    return {
      current: this.view(year, rows[0] ?? null),
      versions: rows.map((row) => ({ ...loadedView(row), holidays: row.holidays, makeupWorkdays: row.makeupWorkdays })),
    };
  }

  private view(year: number, row: CalendarYear | null) {
    const cal = this.deps.calendar.yearCalendar(year);
    return {
      year,
      source: cal.source,
      loaded: row && cal.source === "official" ? loadedView(row) : null,
      holidays: cal.holidays,
      makeupWorkdays: cal.makeupWorkdays,
    };
  }

  private async latestOfEveryYear(): Promise<Map<number, CalendarYear>> {
    const rows = await this.deps.prisma.calendarYear.findMany({ orderBy: [{ year: "asc" }, { version: "desc" }] });
    const latest = new Map<number, CalendarYear>();
    for (const row of rows) if (!latest.has(row.year)) latest.set(row.year, row);
    return latest;
  }

  private latest(year: number): Promise<CalendarYear | null> {
    return this.deps.prisma.calendarYear.findFirst({ where: { year }, orderBy: { version: "desc" } });
  }

  private async store(days: YearCalendar, by: CalendarLoader, note: string | null): Promise<{ row: CalendarYear; created: boolean }> {
    const holidays = [...new Set(days.holidays)].sort();
    const makeupWorkdays = [...new Set(days.makeupWorkdays)].sort();
    return this.deps.prisma.$transaction(async (tx) => {
      // Two loads of one year take turns, so versions never collide.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(727004, ${days.year})`;
      const latest = await tx.calendarYear.findFirst({ where: { year: days.year }, orderBy: { version: "desc" } });
      if (latest && sameDays(latest, { holidays, makeupWorkdays })) return { row: latest, created: false };
      const row = await tx.calendarYear.create({
        data: {
          year: days.year,
          version: (latest?.version ?? 0) + 1,
          holidays,
          makeupWorkdays,
          source: by.source,
          note,
          loadedById: by.id,
          loadedByName: by.name,
          createdAt: this.deps.now(),
        },
      });
      return { row, created: true };
    });
  }
}

function loadedView(row: CalendarYear) {
  return {
    version: row.version,
    source: row.source as CalendarSource,
    loadedAt: row.createdAt.toISOString(),
    loadedByName: row.loadedByName,
    note: row.note,
  };
}

function sameDays(a: { holidays: string[]; makeupWorkdays: string[] }, b: { holidays: string[]; makeupWorkdays: string[] }): boolean {
  const key = (days: string[]) => [...new Set(days)].sort().join(",");
  return key(a.holidays) === key(b.holidays) && key(a.makeupWorkdays) === key(b.makeupWorkdays);
}
