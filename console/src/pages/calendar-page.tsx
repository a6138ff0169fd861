import { Alert, App, Button, Card, Form, Input, InputNumber, List, Table, Tag, Typography } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { CalendarLoadResult, CalendarOverview, calendarHistorySchema } from "../../../server/features/calendar/calendar-schemas.ts";
import { ApiError } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { formatDateTime } from "../i18n.ts";

type YearView = CalendarOverview["years"][number];
type History = z.output<typeof calendarHistorySchema>;

const sourceColors = { official: "green", "built-in": "blue", provisional: "gold" } as const;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const range = /^(\d{4}-\d{2}-\d{2})\s*(?:至|到|~|～|to|–|—)\s*(\d{4}-\d{2}-\d{2})$/i;

/**
 * The dates an office types from the State Council notice: one per line (or several, separated by commas),
 * or a range "2027-02-05 至 2027-02-11". The server checks each date; this only reads the text.
 */
export function parseDateLines(text: string): { dates: string[]; bad: { line: number; text: string }[] } {
  const dates: string[] = [];
  const bad: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const span = range.exec(line);
    if (span) {
      const from = Date.parse(`${span[1]}T00:00:00Z`);
      const to = Date.parse(`${span[2]}T00:00:00Z`);
      // A range of more than a year is a typo, not a holiday.
      if (Number.isNaN(from) || Number.isNaN(to) || to < from || to - from > 366 * 86_400_000) bad.push({ line: index + 1, text: line });
      else for (let day = from; day <= to; day += 86_400_000) dates.push(new Date(day).toISOString().slice(0, 10));
      return;
    }
    for (const part of line.split(/[,，、;；\s]+/).filter(Boolean)) {
      if (isoDate.test(part)) dates.push(part);
      else bad.push({ line: index + 1, text: part });
    }
  });
  return { dates, bad };
}

/** The working-day calendars deadlines are counted on: which years are official, which provisional; the administrator loads a year. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const admin = session.staff.role === "ADMIN";
  const load = useCallback(() => call<CalendarOverview>("GET", "/api/admin/calendars"), [call]);
  const { data, error, reload } = useLoader(load, [load]);

  return (
    <>
      <Typography.Title level={4}>{t("console.calendar.title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("console.calendar.intro")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error.message} />}
      {data?.outlook.message && (
        <Alert type="warning" showIcon message={data.outlook.message} style={{ marginBottom: 16 }} data-testid="calendar-outlook" />
      )}
      <Table<YearView>
        data-testid="calendar-years"
        rowKey="year"
        size="middle"
        loading={!data && !error}
        dataSource={data?.years ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (year) => <YearDetail year={year} /> }}
        columns={[
          { title: t("console.calendar.year"), dataIndex: "year", width: 90 },
          {
            title: t("console.calendar.source"),
            dataIndex: "source",
            render: (source: YearView["source"]) => (
              <Tag color={sourceColors[source]} data-testid={`calendar-source-${source}`}>
                {t(`console.calendar.sources.${source}`)}
              </Tag>
            ),
          },
          {
            title: t("console.calendar.holidays"),
            dataIndex: "holidays",
            render: (days: string[]) => t("console.calendar.days", { count: days.length }),
          },
          {
            title: t("console.calendar.makeupWorkdays"),
            dataIndex: "makeupWorkdays",
            render: (days: string[]) => (days.length ? days.join("、") : t("console.calendar.none")),
          },
          {
            title: t("console.calendar.loaded"),
            dataIndex: "loaded",
            render: (loaded: YearView["loaded"]) =>
              loaded ? (
                <>
                  {t("console.calendar.loadedBy", {
                    version: loaded.version,
                    name: loaded.loadedByName,
                    at: formatDateTime(loaded.loadedAt),
                  })}
                  {loaded.note && <Typography.Text type="secondary"> · {loaded.note}</Typography.Text>}
                </>
              ) : (
                "—"
              ),
          },
        ]}
      />
      {admin ? (
        // Mounted once the overview is in, so the year it proposes is the one awaited.
        data && <LoadForm defaultYear={data.outlook.missingYear ?? data.outlook.nextYear} onLoaded={reload} />
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          {t("console.calendar.viewOnly")}
        </Typography.Paragraph>
      )}
    </>
  );
}

function YearDetail({ year }: { year: YearView }) {
  const { t } = useTranslation();
  const { call } = useConsole();
  const load = useCallback(
    () => (year.loaded ? call<History>("GET", `/api/admin/calendar-versions?year=${year.year}`) : Promise.resolve(null)),
    [call, year],
  );
  const { data } = useLoader(load, [load]);
  return (
    <>
      <Typography.Paragraph>
        <Typography.Text strong>{t("console.calendar.holidays")}:</Typography.Text> {year.holidays.join("、")}
      </Typography.Paragraph>
      {data && data.versions.length > 0 && (
        <List
          size="small"
          header={t("console.calendar.history")}
          dataSource={data.versions}
          renderItem={(v) => (
            <List.Item>
              {t("console.calendar.loadedBy", { version: v.version, name: v.loadedByName, at: formatDateTime(v.loadedAt) })}
              {v.note ? ` · ${v.note}` : ""} · {t("console.calendar.days", { count: v.holidays.length })} ·{" "}
              {v.makeupWorkdays.join("、") || t("console.calendar.none")}
            </List.Item>
          )}
        />
      )}
    </>
  );
}

interface LoadValues {
  year: number;
  holidays: string;
  makeupWorkdays?: string;
  note?: string;
}

function LoadForm({ defaultYear, onLoaded }: { defaultYear: number; onLoaded: () => void }) {
  const { t } = useTranslation();
  const { call } = useConsole();
  const { message } = App.useApp();
  const [form] = Form.useForm<LoadValues>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: LoadValues) => {
    const holidays = parseDateLines(values.holidays);
    const makeupWorkdays = parseDateLines(values.makeupWorkdays ?? "");
    const unreadable = (bad: { line: number; text: string }[]) => bad.map((b) => t("console.calendar.badLine", b));
    form.setFields([
      { name: "holidays", errors: unreadable(holidays.bad) },
      { name: "makeupWorkdays", errors: unreadable(makeupWorkdays.bad) },
    ]);
    if (holidays.bad.length + makeupWorkdays.bad.length > 0) return;
    setBusy(true);
    try {
      const result = await call<CalendarLoadResult>("POST", "/api/admin/calendars", {
        body: {
          year: values.year,
          holidays: holidays.dates,
          makeupWorkdays: makeupWorkdays.dates,
          ...(values.note ? { note: values.note } : {}),
        },
      });
      void message.success(
        t(result.created ? "console.calendar.loadedResult" : "console.calendar.sameResult", {
          year: result.year,
          version: result.version,
          changed: result.recount.changed,
        }),
      );
      onLoaded();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        // Each message names its date, so the field's list of them reads on its own.
        const byField = (field: string) => e.fields.filter((f) => f.path === field || f.path.startsWith(`${field}.`)).map((f) => f.message);
        form.setFields((["year", "holidays", "makeupWorkdays", "note"] as const).map((name) => ({ name, errors: byField(name) })));
      } else void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t("console.calendar.loadTitle")} style={{ marginTop: 16 }} data-testid="calendar-load">
      <Typography.Paragraph type="secondary">{t("console.calendar.loadIntro")}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} initialValues={{ year: defaultYear }}>
        <Form.Item name="year" label={t("console.calendar.year")} rules={[{ required: true }]}>
          <InputNumber min={2004} max={2199} />
        </Form.Item>
        <Form.Item name="holidays" label={t("console.calendar.holidays")} rules={[{ required: true }]}>
          <Input.TextArea rows={6} placeholder={t("console.calendar.holidaysPlaceholder")} data-testid="calendar-holidays" />
        </Form.Item>
        <Form.Item name="makeupWorkdays" label={t("console.calendar.makeupWorkdays")}>
          <Input.TextArea rows={3} placeholder={t("console.calendar.makeupPlaceholder")} data-testid="calendar-makeup" />
        </Form.Item>
        <Form.Item name="note" label={t("console.calendar.note")}>
          <Input placeholder={t("console.calendar.notePlaceholder")} maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="calendar-submit">
          {t("console.calendar.submit")}
        </Button>
      </Form>
    </Card>
  );
}
