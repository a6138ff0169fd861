import { Alert, Card, Col, Empty, Row, Space, Statistic, Table, TreeSelect, Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { dashboardSchema } from "../../../server/features/dashboard-and-ledgers/dashboard-schemas.ts";
import type { riskEventListSchema } from "../../../server/features/screening-and-leads/risk-event-schemas.ts";
import { Chart, type ChartOption } from "../components/chart.tsx";
import { regionTree, useConsole, useLiveReload, useLoader } from "../console-context.tsx";
import { href } from "../hash-route.ts";
import { DueDate } from "../components/due-date.tsx";
import { EventProgress } from "./risk-events-page.tsx";

type Dashboard = z.output<typeof dashboardSchema>;
type RiskEvents = z.output<typeof riskEventListSchema>;

const palette = [
  "#c0392b",
  "#e67e22",
  "#f1c40f",
  "#27ae60",
  "#2980b9",
  "#8e44ad",
  "#16a085",
  "#7f8c8d",
  "#d35400",
  "#2c3e50",
  "#c2185b",
  "#5d4037",
];

/** Where the region stands: open cases by stage, risk type and place, late work, time per stage, intake by channel, and the large-scale events. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { call, regions, session } = useConsole();
  const [regionCode, setRegionCode] = useState<string | undefined>();
  const load = useCallback(
    async () => ({
      dashboard: await call<Dashboard>("GET", "/api/staff/dashboard", { query: { regionCode } }),
      events: await call<RiskEvents>("GET", "/api/staff/risk-events", { query: { limit: 20 } }).catch(() => ({ items: [] })),
    }),
    [call, regionCode],
  );
  const { data, error, reload } = useLoader(load, [load]);
  useLiveReload(reload);
  const charts = useMemo(() => (data ? chartOptions(data.dashboard, t) : null), [data, t]);

  if (error && !data) return <Alert type="error" showIcon message={error.message} />;
  if (!data || !charts) return null;
  const d = data.dashboard;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("console.dashboard.title", { region: d.region.name })}
        </Typography.Title>
        <TreeSelect
          allowClear
          treeDefaultExpandAll
          placeholder={t("console.queue.region")}
          value={regionCode}
          onChange={setRegionCode}
          treeData={regionTree(regions, session.staff.region.code)}
          style={{ width: 200 }}
        />
      </Space>
      <Row gutter={16}>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t("console.dashboard.open")} value={d.openCases} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t("console.dashboard.overdueTasks")}
              value={d.overdueTasks.count}
              valueStyle={d.overdueTasks.count ? { color: "#cf1322" } : undefined}
            />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t("console.dashboard.receivedWindow", { days: d.receivedPerDay.dates.length })}
              value={d.receivedPerDay.totals.reduce((a, b) => a + b, 0)}
            />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t("console.dashboard.eventLeadsOpen")} value={data.events.items.reduce((n, e) => n + e.progress.open, 0)} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t("console.dashboard.households", { total: d.households.total })} data-testid="dashboard-households">
        <Space wrap size="large">
          {d.households.byCategory
            .filter((c) => c.category !== "NONE" || c.count > 0)
            .map((c) => (
              <Statistic key={c.category} title={c.label} value={c.count} />
            ))}
          {d.households.byMonitoringStatus
            .filter((m) => m.status !== "NONE")
            .map((m) => (
              <Statistic
                key={m.status}
                title={m.label}
                value={m.count}
                valueStyle={m.status === "AT_RISK" && m.count ? { color: "#cf1322" } : undefined}
              />
            ))}
        </Space>
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.byStage")}>
            <Chart option={charts.byStage} testId="chart-stage" />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.byRiskType")}>
            <Chart option={charts.byRiskType} testId="chart-risk" />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.byRegion")}>
            <Chart option={charts.byRegion} testId="chart-region" />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.stageTimes", { days: d.stageTimes.windowDays })}>
            {d.stageTimes.items.length ? (
              <Chart option={charts.stageTimes} testId="chart-stage-times" />
            ) : (
              <Empty description={t("console.dashboard.noStays")} />
            )}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t("console.dashboard.received")}>
        <Chart option={charts.received} testId="chart-received" height={240} />
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.mostOverdue")}>
            <Table
              size="small"
              rowKey="caseNumber"
              pagination={false}
              dataSource={d.overdueTasks.mostOverdue}
              locale={{ emptyText: t("console.dashboard.noneOverdue") }}
              columns={[
                { title: t("console.queue.number"), dataIndex: "caseNumber" },
                { title: t("console.queue.stage"), dataIndex: "stageLabel" },
                { title: t("console.queue.region"), dataIndex: "regionName" },
                {
                  title: t("console.queue.due"),
                  dataIndex: "dueAt",
                  render: (v: string, task) => <DueDate at={v} provisional={task.dueProvisional} />,
                },
                {
                  title: t("console.dashboard.workingDaysLate"),
                  dataIndex: "workingDaysLate",
                  render: (v: number) => <span className="overdue">{v}</span>,
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={t("console.dashboard.events")} data-testid="dashboard-events">
            {data.events.items.length === 0 ? (
              <Empty description={t("console.events.none")} />
            ) : (
              data.events.items.map((e) => (
                <div key={e.id} style={{ marginBottom: 8 }}>
                  <a href={href("events", e.id)}>{e.title}</a>
                  <EventProgress event={e} />
                </div>
              ))
            )}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function chartOptions(
  d: Dashboard,
  t: (key: string, options?: Record<string, unknown>) => string,
): Record<"byStage" | "byRiskType" | "byRegion" | "stageTimes" | "received", ChartOption> {
  const bar = (labels: string[], values: number[], horizontal = false): ChartOption => ({
    color: palette,
    tooltip: { trigger: "axis" },
    grid: { left: horizontal ? 110 : 40, right: 20, top: 16, bottom: horizontal ? 24 : 48 },
    [horizontal ? "yAxis" : "xAxis"]: { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } },
    [horizontal ? "xAxis" : "yAxis"]: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: values, barMaxWidth: 28, label: { show: true, position: horizontal ? "right" : "top" } }],
  });
  const risks = d.openByRiskType.filter((r) => r.count > 0);
  return {
    byStage: bar(
      d.openByStage.map((s) => s.label),
      d.openByStage.map((s) => s.count),
      true,
    ),
    byRiskType: {
      color: palette,
      tooltip: { trigger: "item" },
      legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
      series: [
        {
          type: "pie",
          radius: ["40%", "70%"],
          center: ["38%", "50%"],
          data: risks.map((r) => ({ name: r.label, value: r.count })),
          label: { formatter: "{b}: {c}" },
        },
      ],
    },
    byRegion: bar(
      d.openByRegion.map((r) => (r.self ? t("console.dashboard.selfQueue", { name: r.name }) : r.name)),
      d.openByRegion.map((r) => r.count),
    ),
    stageTimes: {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 110, right: 20, top: 28, bottom: 24 },
      yAxis: { type: "category", data: d.stageTimes.items.map((s) => s.label) },
      xAxis: { type: "value", name: t("console.dashboard.workingDays") },
      series: [
        { name: t("console.dashboard.average"), type: "bar", data: d.stageTimes.items.map((s) => s.averageWorkingDays) },
        { name: t("console.dashboard.median"), type: "bar", data: d.stageTimes.items.map((s) => s.medianWorkingDays) },
      ],
    },
    received: {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 30, bottom: 24 },
      xAxis: { type: "category", data: d.receivedPerDay.dates.map((date) => date.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: d.receivedPerDay.series.map((s) => ({ name: s.label, type: "bar", stack: "all", data: s.counts })),
    },
  };
}
