import { Alert, Button, Card, Descriptions, Empty, Progress, Select, Space, Statistic, Table, Tag, Typography, Upload } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type {
  householdImportDetailSchema,
  householdImportFieldsSchema,
  householdImportListSchema,
  householdImportStartedSchema,
  householdImportUploadResponseSchema,
} from "../../../server/features/households/household-import-schemas.ts";
import { householdImportOutcomes } from "../../../server/features/households/household-import-schemas.ts";
import type { jobSchema } from "../../../server/features/jobs/job-schemas.ts";
import { api, ApiError, download, saveBlob } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { go, href } from "../hash-route.ts";
import { formatDateTime } from "../i18n.ts";

type Fields = z.output<typeof householdImportFieldsSchema>;
type UploadAnswer = z.output<typeof householdImportUploadResponseSchema>;
type Detail = z.output<typeof householdImportDetailSchema>;
type ImportList = z.output<typeof householdImportListSchema>;
type Started = z.output<typeof householdImportStartedSchema>;
type Job = z.output<typeof jobSchema>;

// The mapping and first rows the server answered at upload, kept for the import's page.
const uploads = new Map<string, UploadAnswer>();
const pageSize = 50;

function problemText(e: unknown): string {
  return e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e);
}

/** Households from the national monitoring system's export: upload, map, import in the background; export in the same layout. */
export function HouseholdsPage({ importId }: { importId?: string }) {
  return importId ? <ImportPage id={importId} /> : <ImportsPage />;
}

function ImportsPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const loadList = useCallback(() => call<ImportList>("GET", "/api/admin/household-imports"), [call]);
  const list = useLoader(loadList, [loadList]).data;

  const upload = async (file: File) => {
    setError(null);
    const form = new FormData();
    form.append("file", file);
    try {
      const answer = await api<UploadAnswer>("POST", "/api/admin/household-imports", { token: session.token, form });
      uploads.set(answer.importId, answer);
      go("households", answer.importId);
    } catch (e) {
      setError(problemText(e));
    }
  };
  const exportAll = async (format: "xlsx" | "csv") => {
    setExporting(true);
    try {
      const file = await download(`/api/admin/household-exports?format=${format}`, { token: session.token });
      saveBlob(file.blob, file.fileName ?? `households.${format}`);
    } catch (e) {
      setError(problemText(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("console.households.title")}
      </Typography.Title>
      <Card size="small" title={t("console.households.upload")}>
        <Typography.Paragraph type="secondary">{t("console.households.intro")}</Typography.Paragraph>
        <Space wrap>
          <Upload
            accept=".xlsx,.csv"
            showUploadList={false}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button type="primary" data-testid="households-file">
              {t("console.households.chooseFile")}
            </Button>
          </Upload>
          <Button loading={exporting} onClick={() => void exportAll("xlsx")} data-testid="households-export">
            {t("console.households.export", { format: "XLSX" })}
          </Button>
          <Button loading={exporting} onClick={() => void exportAll("csv")}>
            {t("console.households.export", { format: "CSV" })}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("console.households.exportHint")}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="households-error" />}
      </Card>
      <Card size="small" title={t("console.households.history")}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={list?.items ?? []}
          locale={{ emptyText: <Empty description={t("console.households.noImports")} /> }}
          columns={[
            {
              title: t("console.screening.file"),
              dataIndex: "fileName",
              render: (name: string, row) => <a href={href("households", row.id)}>{name}</a>,
            },
            { title: t("console.households.status"), dataIndex: "statusLabel" },
            { title: t("console.screening.rows"), render: (_, row) => row.counts.rows },
            { title: t("households.import.outcomes.CREATED"), render: (_, row) => row.counts.created },
            { title: t("households.import.outcomes.UPDATED"), render: (_, row) => row.counts.updated },
            {
              title: t("console.households.refused"),
              render: (_, row) => (row.counts.refused ? <span className="overdue">{row.counts.refused}</span> : 0),
            },
            { title: t("console.screening.uploaded"), dataIndex: "createdAt", render: (at: string) => formatDateTime(at) },
          ]}
        />
      </Card>
    </Space>
  );
}

/** One import: confirm the columns, start it, follow it, read what became of every row. */
function ImportPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [outcome, setOutcome] = useState<string | undefined>();
  const [offset, setOffset] = useState(0);
  const [mapping, setMapping] = useState<Record<string, string> | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadFields = useCallback(() => call<Fields>("GET", "/api/admin/household-imports/fields"), [call]);
  const fields = useLoader(loadFields, [loadFields]).data?.fields ?? [];
  const load = useCallback(
    () => call<Detail>("GET", `/api/admin/household-imports/${id}`, { query: { outcome, offset, limit: pageSize } }),
    [call, id, outcome, offset],
  );
  const loaded = useLoader(load, [load]);
  const reload = loaded.reload;
  const current = loaded.data;
  const jobId = current?.import.jobId ?? null;
  const running = current?.import.status === "QUEUED" || current?.import.status === "RUNNING";

  // While the import runs, its job is asked after every second: the bar moves, and the page reloads when it ends.
  useEffect(() => {
    if (!jobId || !running) return;
    let stopped = false;
    const tick = async () => {
      try {
        const next = await call<Job>("GET", `/api/jobs/${jobId}`);
        if (stopped) return;
        setJob(next);
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(next.status)) return reload();
      } catch {
        // The next tick asks again.
      }
      if (!stopped) timer = setTimeout(() => void tick(), 1000);
    };
    let timer = setTimeout(() => void tick(), 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [call, jobId, running, reload]);

  if (loaded.error && !current) return <Alert type="error" showIcon message={loaded.error.message} />;
  if (!current) return null;
  const imp = current.import;
  const sample = uploads.get(id);
  const chosen = mapping ?? imp.mapping ?? sample?.suggestedMapping ?? {};
  const editable = imp.status === "UPLOADED" || imp.status === "FAILED" || imp.status === "CANCELLED";

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await call<Started>("POST", `/api/admin/household-imports/${id}/run`, { body: { mapping: chosen } });
      setJob(null);
      loaded.reload();
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!jobId) return;
    try {
      await call<Job>("POST", `/api/jobs/${jobId}/cancel`);
      loaded.reload();
    } catch (e) {
      setError(problemText(e));
    }
  };
  const report = async (format: "xlsx" | "csv") => {
    const file = await download(`/api/admin/household-imports/${id}/report?format=${format}`, { token: session.token });
    saveBlob(file.blob, file.fileName ?? `report.${format}`);
  };
  const percent = job?.progress.total ? Math.floor((100 * job.progress.done) / job.progress.total) : 0;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <a href={href("households")}>‹ {t("console.households.title")}</a>
      <Descriptions size="small" bordered column={3} title={imp.fileName}>
        <Descriptions.Item label={t("console.households.status")}>{imp.statusLabel}</Descriptions.Item>
        <Descriptions.Item label={t("console.households.uploadedBy")}>{imp.uploadedBy}</Descriptions.Item>
        <Descriptions.Item label={t("console.screening.uploaded")}>{formatDateTime(imp.createdAt)}</Descriptions.Item>
      </Descriptions>
      {editable && (
        <Card size="small" title={t("console.screening.mapping")}>
          <Typography.Paragraph type="secondary">{t("console.households.mappingHint")}</Typography.Paragraph>
          <Space wrap>
            {fields.map((f) => (
              <Space key={f.field} direction="vertical" size={2}>
                <Typography.Text>
                  {f.label}
                  {f.required ? " *" : ""}
                </Typography.Text>
                <Select
                  allowClear
                  data-testid={`map-${f.field}`}
                  style={{ width: 170 }}
                  value={chosen[f.field]}
                  placeholder={t("console.screening.notInFile")}
                  onChange={(header: string | undefined) => {
                    const next = { ...chosen };
                    if (header) next[f.field] = header;
                    else delete next[f.field];
                    setMapping(next);
                  }}
                  options={imp.headers.map((h) => ({ value: h, label: h }))}
                />
              </Space>
            ))}
          </Space>
          {sample && (
            <Table
              style={{ marginTop: 12 }}
              size="small"
              rowKey="row"
              pagination={false}
              scroll={{ x: true }}
              dataSource={sample.sampleRows}
              columns={[
                { title: t("console.screening.row"), dataIndex: "row", width: 60, fixed: "left" as const },
                ...sample.headers.map((h, i) => ({ title: h, key: `${i}`, render: (_: unknown, r: { cells: string[] }) => r.cells[i] })),
              ]}
            />
          )}
          <div style={{ marginTop: 12 }}>
            <Button type="primary" loading={busy} onClick={() => void start()} data-testid="households-run">
              {t("console.households.run")}
            </Button>
          </div>
          {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="households-run-error" />}
        </Card>
      )}
      {running && (
        <Card size="small" title={t("console.households.running")} data-testid="households-progress">
          <Progress percent={percent} status="active" />
          <Space>
            <Typography.Text type="secondary">
              {job
                ? t("console.households.progress", {
                    phase: job.progress.phaseLabel,
                    done: job.progress.done,
                    total: job.progress.total ?? "…",
                  })
                : imp.statusLabel}
            </Typography.Text>
            <Button size="small" onClick={() => void cancel()}>
              {t("console.households.cancel")}
            </Button>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t("console.households.runningHint")}
          </Typography.Paragraph>
        </Card>
      )}
      {imp.status === "FAILED" && job?.error && <Alert type="error" showIcon message={job.error.message} />}
      {imp.status !== "UPLOADED" && (
        <>
          <Space wrap size="large" data-testid="households-counts">
            <Statistic title={t("console.screening.rows")} value={imp.counts.rows} />
            <Statistic title={t("households.import.outcomes.CREATED")} value={imp.counts.created} />
            <Statistic title={t("households.import.outcomes.UPDATED")} value={imp.counts.updated} />
            <Statistic title={t("households.import.outcomes.UNCHANGED")} value={imp.counts.unchanged} />
            <Statistic
              title={t("console.households.refused")}
              value={imp.counts.refused}
              valueStyle={imp.counts.refused ? { color: "#cf1322" } : undefined}
            />
            <Statistic
              title={t("console.households.errorRows")}
              value={imp.counts.errorRows}
              valueStyle={imp.counts.errorRows ? { color: "#cf1322" } : undefined}
            />
          </Space>
          <Card
            size="small"
            title={t("console.screening.report")}
            extra={
              <Space>
                <Select
                  allowClear
                  placeholder={t("console.screening.outcome")}
                  style={{ width: 140 }}
                  value={outcome}
                  onChange={(o?: string) => {
                    setOutcome(o);
                    setOffset(0);
                  }}
                  options={householdImportOutcomes.map((o) => ({
                    value: o,
                    label: `${t(`households.import.outcomes.${o}`)} (${current.rowCounts[o] ?? 0})`,
                  }))}
                />
                <Button onClick={() => void report("xlsx")}>{t("console.ledgers.download", { format: "XLSX" })}</Button>
                <Button onClick={() => void report("csv")}>{t("console.ledgers.download", { format: "CSV" })}</Button>
              </Space>
            }
          >
            <Table
              data-testid="households-rows"
              size="small"
              rowKey="row"
              dataSource={current.rows.items}
              pagination={{
                current: Math.floor(offset / pageSize) + 1,
                pageSize,
                total: current.rows.total,
                showSizeChanger: false,
                showTotal: (total) => t("console.households.total", { total }),
                onChange: (page) => setOffset((page - 1) * pageSize),
              }}
              columns={[
                { title: t("console.screening.row"), dataIndex: "row", width: 70 },
                {
                  title: t("console.screening.outcome"),
                  dataIndex: "outcome",
                  width: 100,
                  render: (o: string, r) => (
                    <Tag color={o === "ERROR" || o === "REFUSED" ? "red" : o === "CREATED" ? "green" : undefined}>{r.outcomeLabel}</Tag>
                  ),
                },
                { title: t("households.import.fields.householdNumber"), dataIndex: "householdNumber", width: 190 },
                { title: t("console.case.name"), dataIndex: "name", width: 90 },
                { title: t("console.screening.note"), dataIndex: "note" },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}
