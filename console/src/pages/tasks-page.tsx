import { Alert, App, Button, Input, Modal, Radio, Segmented, Space, Table, Tag, Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import {
  bulkActionTypes,
  type bulkActionResultSchema,
  type taskListResponseSchema,
} from "../../../server/features/workflow/workflow-schemas.ts";
import { ApiError } from "../api.ts";
import { useConsole, useLiveReload, useLoader } from "../console-context.tsx";
import { href } from "../hash-route.ts";
import { DueDate } from "../components/due-date.tsx";

type Task = z.output<typeof taskListResponseSchema>["items"][number];
type BulkResult = z.output<typeof bulkActionResultSchema>;
type BulkType = (typeof bulkActionTypes)[number];

/** My desk's tasks, soonest deadline first, with one decision on many at once where the workflow allows it. */
export function TasksPage() {
  const { t } = useTranslation();
  const { call } = useConsole();
  const { message } = App.useApp();
  const [view, setView] = useState<"mine" | "escalated">("mine");
  const [selected, setSelected] = useState<string[]>([]);
  const [bulk, setBulk] = useState<BulkType | null>(null);
  const [reason, setReason] = useState("");
  const [comparison, setComparison] = useState<"CLEAR" | "DOUBTFUL">("CLEAR");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => call<{ items: Task[] }>("GET", "/api/staff/tasks", { query: { view, limit: 100 } }), [call, view]);
  const { data, loading, reload, error: loadError } = useLoader(load, [load]);
  useLiveReload(reload);
  const tasks = data?.items ?? [];
  const chosen = tasks.filter((task) => selected.includes(task.id));
  // Only a decision every selected task accepts now can be taken on all of them.
  const common = useMemo(
    () => bulkActionTypes.filter((type) => chosen.length > 0 && chosen.every((task) => task.actions.includes(type))),
    [chosen],
  );

  const run = async () => {
    if (!bulk) return;
    setBusy(true);
    setError(null);
    const action =
      bulk === "RETURN" || bulk === "REJECT"
        ? { type: bulk, reason }
        : bulk === "RECORD_DATA_COMPARISON"
          ? { type: bulk, result: comparison }
          : { type: bulk };
    try {
      const answer = await call<BulkResult>("POST", "/api/staff/tasks/bulk-actions", { body: { taskIds: selected, action } });
      setResult(answer);
      setBulk(null);
      setSelected([]);
      setReason("");
      if (answer.failed === 0) void message.success(t("console.tasks.bulkDone", { count: answer.done }));
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? (e.fields[0]?.message ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={4}>{t("console.tasks.title")}</Typography.Title>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented
          value={view}
          onChange={(v) => {
            setSelected([]);
            setView(v as "mine" | "escalated");
          }}
          options={[
            { value: "mine", label: t("console.tasks.mine") },
            { value: "escalated", label: t("console.tasks.escalated") },
          ]}
        />
        <Typography.Text type="secondary">{t("console.tasks.selected", { count: selected.length })}</Typography.Text>
        {common.map((type) => (
          <Button key={type} data-testid={`bulk-${type}`} onClick={() => setBulk(type)} danger={type === "REJECT"}>
            {t(`mp.review.actions.${type}`)}
          </Button>
        ))}
        {selected.length > 0 && common.length === 0 && (
          <Typography.Text type="secondary">{t("console.tasks.noCommonAction")}</Typography.Text>
        )}
      </Space>
      {loadError && <Alert type="error" showIcon message={loadError.message} style={{ marginBottom: 12 }} />}
      {result && result.failed > 0 && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setResult(null)}
          style={{ marginBottom: 12 }}
          message={t("console.tasks.bulkPartial", { done: result.done, failed: result.failed })}
          description={
            <ul data-testid="bulk-failures">
              {result.results.map((r) =>
                !r.ok ? (
                  <li key={r.taskId}>
                    {tasks.find((task) => task.id === r.taskId)?.caseNumber ?? r.taskId}: {r.error.message}
                  </li>
                ) : null,
              )}
            </ul>
          }
        />
      )}
      <Table<Task>
        data-testid="tasks-table"
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={tasks}
        pagination={false}
        rowSelection={view === "mine" ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
        columns={[
          {
            title: t("console.queue.number"),
            dataIndex: "caseNumber",
            render: (number: string, task) => <a href={href("cases", task.caseId)}>{number}</a>,
          },
          { title: t("console.queue.stage"), dataIndex: "stageLabel" },
          { title: t("console.queue.region"), dataIndex: "regionName" },
          {
            title: t("console.queue.due"),
            dataIndex: "dueAt",
            render: (due: string | null, task) => <DueDate at={due} provisional={task.dueProvisional} overdue={task.overdue} />,
          },
          {
            title: t("console.tasks.actions"),
            dataIndex: "actions",
            render: (actions: string[], task) =>
              task.escalated ? (
                <Tag color="red">{t("mp.review.escalated")}</Tag>
              ) : (
                actions.map((a) => <Tag key={a}>{t(`mp.review.actions.${a}`)}</Tag>)
              ),
          },
        ]}
      />
      <Modal
        open={!!bulk}
        title={bulk ? t("console.tasks.confirmTitle", { action: t(`mp.review.actions.${bulk}`), count: selected.length }) : ""}
        okText={t("console.tasks.confirm")}
        cancelText={t("console.cancel")}
        okButtonProps={{ loading: busy }}
        onOk={() => void run()}
        onCancel={() => setBulk(null)}
      >
        <Typography.Paragraph>{chosen.map((task) => task.caseNumber).join(t("mp.review.separator"))}</Typography.Paragraph>
        {(bulk === "RETURN" || bulk === "REJECT") && (
          <Input.TextArea
            data-testid="bulk-reason"
            rows={3}
            placeholder={t("mp.review.task.reasonHint")}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
        {bulk === "RECORD_DATA_COMPARISON" && (
          <Radio.Group value={comparison} onChange={(e) => setComparison(e.target.value as "CLEAR" | "DOUBTFUL")}>
            <Radio value="CLEAR">{t("mp.review.task.clear")}</Radio>
            <Radio value="DOUBTFUL">{t("mp.review.task.doubtful")}</Radio>
          </Radio.Group>
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      </Modal>
    </>
  );
}
