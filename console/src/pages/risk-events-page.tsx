import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Progress,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import {
  riskEventScopeSchema,
  riskEventTypeSchema,
  type riskEventDetailSchema,
  type riskEventListSchema,
  type declareRiskEventResponseSchema,
} from "../../../server/features/screening-and-leads/risk-event-schemas.ts";
import { ApiError, fieldErrors } from "../api.ts";
import { regionTree, useConsole, useLiveReload, useLoader } from "../console-context.tsx";
import { go, href } from "../hash-route.ts";
import { formatDate } from "../i18n.ts";
import { DueDate } from "../components/due-date.tsx";

type EventList = z.output<typeof riskEventListSchema>;
type EventDetail = z.output<typeof riskEventDetailSchema>;
type RiskEvent = EventList["items"][number];

export function RiskEventsPage({ eventId }: { eventId?: string }) {
  return eventId ? <EventPage id={eventId} /> : <EventsPage />;
}

/** How far an event's checks have got: the households still open out of all it tracks (the list, the event page, the dashboard). */
export function EventProgress({ event }: { event: RiskEvent }) {
  const { t } = useTranslation();
  const { open, overdue, leadsCreated, alreadyOpen } = event.progress;
  const total = leadsCreated + alreadyOpen;
  return (
    <div data-testid="event-progress" data-open={open} data-total={total}>
      <Progress
        percent={total ? Math.round((100 * (total - open)) / total) : 100}
        size="small"
        status={open === 0 ? "success" : "active"}
      />
      <Typography.Text type="secondary">{t("console.events.openOf", { open, total })}</Typography.Text>
      {overdue > 0 && <span className="overdue"> · {t("console.events.overdue", { count: overdue })}</span>}
    </div>
  );
}

function EventsPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [declaring, setDeclaring] = useState(false);
  const load = useCallback(() => call<EventList>("GET", "/api/staff/risk-events"), [call]);
  const { data, error, reload } = useLoader(load, [load]);
  useLiveReload(reload);
  const county = session.staff.role === "COUNTY" || session.staff.role === "ADMIN";
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("console.events.title")}
        </Typography.Title>
        {county && (
          <Button type="primary" onClick={() => setDeclaring(true)} data-testid="declare-event">
            {t("console.events.declare")}
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary">{t("console.events.intro")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error.message} />}
      <Table<RiskEvent>
        data-testid="events-table"
        rowKey="id"
        size="middle"
        pagination={false}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty description={t("console.events.none")} /> }}
        columns={[
          { title: t("console.events.name"), dataIndex: "title", render: (title: string, e) => <a href={href("events", e.id)}>{title}</a> },
          { title: t("console.events.type"), dataIndex: "typeLabel", width: 110 },
          {
            title: t("console.events.villages"),
            dataIndex: "villages",
            render: (v: RiskEvent["villages"]) => v.map((x) => x.name).join(t("mp.review.separator")),
          },
          {
            title: t("console.events.period"),
            render: (_, e) => `${formatDate(e.startsOn)} – ${e.endsOn ? formatDate(e.endsOn) : ""}`,
            width: 200,
          },
          {
            title: t("console.events.progress"),
            width: 240,
            render: (_, e) => <EventProgress event={e} />,
          },
        ]}
      />
      {declaring && <DeclareForm onClose={() => setDeclaring(false)} />}
    </Space>
  );
}

function DeclareForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { call, regions, session } = useConsole();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per opened form: pressing "declare" twice on a slow network declares once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const submit = async (values: {
    type: string;
    title: string;
    description?: string;
    villageCodes?: string[];
    period?: [Dayjs, Dayjs | null];
    scope: string;
  }) => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        type: values.type,
        title: values.title ?? "",
        description: values.description || undefined,
        villageCodes: values.villageCodes ?? [],
        startsOn: values.period?.[0]?.format("YYYY-MM-DD") ?? "",
        endsOn: values.period?.[1]?.format("YYYY-MM-DD") || undefined,
        scope: values.scope,
      };
      const answer = await call<z.output<typeof declareRiskEventResponseSchema>>("POST", "/api/staff/risk-events", {
        body,
        idempotencyKey,
      });
      void message.success(
        t("console.events.declared", { leads: answer.event.progress.leadsCreated, open: answer.event.progress.alreadyOpen }),
      );
      go("events", answer.event.id);
    } catch (e) {
      const byField = fieldErrors(e);
      const map: Record<string, string> = { startsOn: "period", endsOn: "period" };
      form.setFields(Object.entries(byField).map(([name, errors]) => ({ name: map[name] ?? name, errors: [errors] })));
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t("console.events.declare")} footer={null} onCancel={onClose} width={640} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values: Parameters<typeof submit>[0]) => void submit(values)}
        initialValues={{ type: "FLOOD", scope: "MONITORED", period: [dayjs(), null] }}
        data-testid="event-form"
      >
        <Form.Item name="type" label={t("console.events.type")}>
          <Select options={riskEventTypeSchema.options.map((type) => ({ value: type, label: t(`riskEvents.types.${type}`) }))} />
        </Form.Item>
        <Form.Item name="title" label={t("console.events.name")}>
          <Input data-testid="event-title" placeholder={t("console.events.titlePlaceholder")} />
        </Form.Item>
        <Form.Item name="villageCodes" label={t("console.events.villages")}>
          <TreeSelect
            data-testid="event-villages"
            multiple
            treeCheckable
            treeDefaultExpandAll
            showCheckedStrategy={TreeSelect.SHOW_CHILD}
            treeData={regionTree(regions, session.staff.region.code, { selectable: (n) => n.level === "VILLAGE" })}
          />
        </Form.Item>
        <Form.Item name="period" label={t("console.events.period")}>
          <DatePicker.RangePicker allowEmpty={[false, true]} data-testid="event-period" />
        </Form.Item>
        <Form.Item name="scope" label={t("console.events.scope")}>
          <Radio.Group options={riskEventScopeSchema.options.map((scope) => ({ value: scope, label: t(`riskEvents.scopes.${scope}`) }))} />
        </Form.Item>
        <Form.Item name="description" label={t("console.events.description")}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="event-error" />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="event-submit">
            {t("console.events.declareSubmit")}
          </Button>
          <Button onClick={onClose}>{t("console.cancel")}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

function EventPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { call } = useConsole();
  const load = useCallback(() => call<EventDetail>("GET", `/api/staff/risk-events/${id}`), [call, id]);
  const { data, error, reload } = useLoader(load, [load]);
  useLiveReload(reload);
  if (error && !data) return <Alert type="error" showIcon message={error.message} />;
  if (!data) return null;
  const e = data.event;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <a href={href("events")}>‹ {t("console.events.title")}</a>
      <Descriptions title={e.title} bordered size="small" column={3}>
        <Descriptions.Item label={t("console.events.type")}>{e.typeLabel}</Descriptions.Item>
        <Descriptions.Item label={t("console.events.period")}>
          {formatDate(e.startsOn)} – {e.endsOn ? formatDate(e.endsOn) : ""}
        </Descriptions.Item>
        <Descriptions.Item label={t("console.events.scope")}>{e.scopeLabel}</Descriptions.Item>
        <Descriptions.Item label={t("console.events.riskTypes")}>
          {e.riskTypes.map((r) => (
            <Tag key={r}>{t(`riskTypes.${r}`)}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t("console.events.declaredBy")}>{e.declaredBy}</Descriptions.Item>
        <Descriptions.Item label={t("console.events.progress")}>
          <EventProgress event={e} />
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t("console.events.byVillage")}>
        <Table
          size="small"
          rowKey="villageCode"
          pagination={false}
          dataSource={e.progress.byVillage}
          columns={[
            { title: t("console.queue.region"), dataIndex: "villageName" },
            { title: t("console.events.households"), dataIndex: "households" },
            { title: t("console.events.leads"), dataIndex: "leadsCreated" },
            { title: t("console.events.alreadyOpen"), dataIndex: "alreadyOpen" },
            { title: t("console.events.open"), dataIndex: "open" },
            { title: t("console.events.decided"), render: (_, v) => v.decided.total },
            {
              title: t("console.queue.overdue"),
              dataIndex: "overdue",
              render: (n: number) => (n ? <span className="overdue">{n}</span> : 0),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t("console.events.householdList")}>
        <Table
          data-testid="event-households"
          size="small"
          rowKey="householdNumber"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={data.households}
          columns={[
            { title: t("console.events.household"), dataIndex: "householdNumber" },
            { title: t("console.events.head"), dataIndex: "headName" },
            { title: t("console.queue.region"), dataIndex: "villageName" },
            { title: t("console.queue.number"), dataIndex: "caseNumber" },
            { title: t("console.events.outcome"), dataIndex: "outcomeLabel" },
            { title: t("console.queue.stage"), dataIndex: "stageLabel" },
            {
              title: t("console.queue.due"),
              dataIndex: "stageDueAt",
              render: (v: string | null, h) => <DueDate at={v} provisional={h.stageDueProvisional} overdue={h.overdue} />,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
