import { Alert, Button, Input, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { queueResponseSchema } from "../../../server/features/cases/case-schemas.ts";
import { regionTree, useConsole, useLiveReload, useLoader } from "../console-context.tsx";
import { href } from "../hash-route.ts";
import { formatDate } from "../i18n.ts";
import { DueDate } from "../components/due-date.tsx";
import { caseStatuses, channels, riskTypes, stageKeys } from "../labels.ts";

type Queue = z.output<typeof queueResponseSchema>;
type QueueItem = Queue["items"][number];

export interface QueueFilters {
  status?: string;
  stage?: string;
  riskType?: string;
  channel?: string;
  regionCode?: string;
  overdue?: boolean;
  q?: string;
}

/** The filter bar the queue and the ledgers share. */
export function FilterBar({
  value,
  onChange,
  withSearch = true,
}: {
  value: QueueFilters;
  onChange: (next: QueueFilters) => void;
  withSearch?: boolean;
}) {
  const { t } = useTranslation();
  const { regions, session } = useConsole();
  const set = (patch: Partial<QueueFilters>) => onChange({ ...value, ...patch });
  return (
    <div className="filters">
      {withSearch && (
        <Input.Search
          allowClear
          data-testid="queue-search"
          placeholder={t("console.queue.searchPlaceholder")}
          defaultValue={value.q}
          onSearch={(q) => set({ q: q.trim() || undefined })}
          style={{ width: 240 }}
        />
      )}
      <Select
        allowClear
        data-testid="filter-status"
        placeholder={t("console.queue.status")}
        value={value.status}
        onChange={(status) => set({ status })}
        options={caseStatuses.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
      />
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        data-testid="filter-stage"
        placeholder={t("console.queue.stage")}
        value={value.stage}
        onChange={(stage) => set({ stage })}
        options={stageKeys.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
        style={{ width: 180 }}
      />
      <Select
        allowClear
        data-testid="filter-risk"
        placeholder={t("console.queue.riskType")}
        value={value.riskType}
        onChange={(riskType) => set({ riskType })}
        options={riskTypes.map((r) => ({ value: r, label: t(`riskTypes.${r}`) }))}
      />
      <Select
        allowClear
        data-testid="filter-channel"
        placeholder={t("console.queue.channel")}
        value={value.channel}
        onChange={(channel) => set({ channel })}
        options={channels.map((c) => ({ value: c, label: t(`ledgers.channels.${c}`) }))}
      />
      <TreeSelect
        allowClear
        treeDefaultExpandAll
        data-testid="filter-region"
        placeholder={t("console.queue.region")}
        value={value.regionCode}
        onChange={(regionCode) => set({ regionCode })}
        treeData={regionTree(regions, session.staff.region.code)}
        style={{ width: 180 }}
      />
      <Space>
        <Switch data-testid="filter-overdue" checked={!!value.overdue} onChange={(overdue) => set({ overdue: overdue || undefined })} />
        {t("console.queue.overdueOnly")}
      </Space>
    </div>
  );
}

export function QueuePage() {
  const { t } = useTranslation();
  const { call } = useConsole();
  const [filters, setFilters] = useState<QueueFilters>({ status: "OPEN" });
  const [pages, setPages] = useState<string[]>([]);
  const [flash, setFlash] = useState<Set<string>>(new Set());
  const load = useCallback(async () => {
    // Reloading keeps the pages already opened ("more"), so a live update does not throw the user back to page one.
    let items: QueueItem[] = [];
    let cursor: string | null = null;
    for (let i = 0; i <= pages.length; i++) {
      const page: Queue = await call<Queue>("GET", "/api/staff/cases", {
        query: { ...filters, limit: 50, cursor: i === 0 ? undefined : cursor },
      });
      items = items.concat(page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return { items, nextCursor: cursor };
  }, [call, filters, pages.length]);
  const { data, error, loading, reload } = useLoader(load, [load]);
  useLiveReload(reload, (message) => {
    if (message.type === "case.updated") setFlash((s) => new Set(s).add(message.caseNumber));
    return true;
  });

  return (
    <>
      <Typography.Title level={4}>{t("console.queue.title")}</Typography.Title>
      <FilterBar
        value={filters}
        onChange={(next) => {
          setPages([]);
          setFilters(next);
        }}
      />
      {error && <Alert type="error" showIcon message={error.message} style={{ marginBottom: 12 }} />}
      <Table<QueueItem>
        data-testid="queue-table"
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        rowClassName={(row) => (flash.has(row.number) ? "row-flash" : "")}
        columns={[
          {
            title: t("console.queue.number"),
            dataIndex: "number",
            render: (number: string, row) => <a href={href("cases", row.id)}>{number}</a>,
            width: 120,
          },
          { title: t("console.queue.applicant"), dataIndex: "applicantName", width: 100 },
          { title: t("console.queue.phone"), dataIndex: "phoneMasked", width: 120 },
          { title: t("console.queue.kind"), dataIndex: "kind", render: (kind: string) => t(`kinds.${kind}`), width: 140 },
          {
            title: t("console.queue.riskType"),
            dataIndex: "riskTypes",
            render: (types: string[]) => types.map((r) => <Tag key={r}>{t(`riskTypes.${r}`)}</Tag>),
          },
          { title: t("console.queue.region"), dataIndex: "regionName", width: 100 },
          {
            title: t("console.queue.stage"),
            dataIndex: "stageLabel",
            render: (label: string, row) => (row.status === "OPEN" ? label : `${label}(${t(`statuses.${row.status}`)})`),
            width: 150,
          },
          {
            title: t("console.queue.due"),
            dataIndex: "stageDueAt",
            width: 120,
            render: (due: string | null, row) => <DueDate at={due} provisional={row.stageDueProvisional} overdue={row.overdue} />,
          },
          {
            title: t("console.queue.channel"),
            dataIndex: "channel",
            render: (channel: string) => t(`ledgers.channels.${channel}`),
            width: 110,
          },
          { title: t("console.queue.submitted"), dataIndex: "submittedAt", render: (at: string) => formatDate(at), width: 110 },
        ]}
      />
      {data?.nextCursor && (
        <Button style={{ marginTop: 12 }} onClick={() => setPages((p) => [...p, data.nextCursor!])}>
          {t("console.queue.more")}
        </Button>
      )}
    </>
  );
}
