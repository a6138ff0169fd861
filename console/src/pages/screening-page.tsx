import { Alert, App, Button, Card, Descriptions, Empty, Input, Select, Space, Statistic, Table, Tag, Typography, Upload } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type {
  screeningImportDetailSchema,
  screeningImportListSchema,
  screeningRulesResponseSchema,
  screeningUploadResponseSchema,
} from "../../../server/features/screening-and-leads/screening-schemas.ts";
import { screeningOutcomes } from "../../../server/features/screening-and-leads/screening-schemas.ts";
import { api, ApiError, download, saveBlob } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { go, href } from "../hash-route.ts";
import { formatDate, formatDateTime } from "../i18n.ts";

type Rules = z.output<typeof screeningRulesResponseSchema>;
type UploadAnswer = z.output<typeof screeningUploadResponseSchema>;
type Detail = z.output<typeof screeningImportDetailSchema>;
type ImportList = z.output<typeof screeningImportListSchema>;

// The mapping the server suggested at upload, kept for the import's page (it is not stored until the first run).
const suggestions = new Map<string, UploadAnswer>();

function currentQuarter(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  return `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

export function ScreeningPage({ importId }: { importId?: string }) {
  return importId ? <ImportPage id={importId} /> : <ImportsPage />;
}

/** Upload a department's file, and the imports so far. */
function ImportsPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [department, setDepartment] = useState<string>();
  const [period, setPeriod] = useState(currentQuarter);
  const [error, setError] = useState<string | null>(null);
  const loadRules = useCallback(() => call<Rules>("GET", "/api/staff/screening/rules"), [call]);
  const rules = useLoader(loadRules, [loadRules]).data;
  const loadList = useCallback(() => call<ImportList>("GET", "/api/staff/screening/imports"), [call]);
  const list = useLoader(loadList, [loadList]).data;
  const rulesOf = rules?.departments.find((d) => d.department === department);

  const upload = async (file: File) => {
    setError(null);
    const form = new FormData();
    form.append("file", file);
    try {
      const answer = await api<UploadAnswer>(
        "POST",
        `/api/staff/screening/imports?department=${encodeURIComponent(department ?? "")}&period=${encodeURIComponent(period)}`,
        { token: session.token, form },
      );
      suggestions.set(answer.importId, answer);
      go("screening", answer.importId);
    } catch (e) {
      setError(e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e));
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("console.screening.title")}
      </Typography.Title>
      <Card size="small" title={t("console.screening.upload")}>
        <Typography.Paragraph type="secondary">{t("console.screening.intro")}</Typography.Paragraph>
        <Space wrap align="start">
          <Select
            data-testid="screening-department"
            placeholder={t("console.screening.department")}
            style={{ width: 220 }}
            value={department}
            onChange={setDepartment}
            options={(rules?.departments ?? []).map((d) => ({ value: d.department, label: d.label }))}
          />
          <Input
            data-testid="screening-period"
            addonBefore={t("console.screening.period")}
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            style={{ width: 200 }}
          />
          <Upload
            accept=".xlsx,.csv"
            showUploadList={false}
            disabled={!department}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button type="primary" disabled={!department} data-testid="screening-file">
              {t("console.screening.chooseFile")}
            </Button>
          </Upload>
        </Space>
        {rulesOf && (
          <div style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">{t("console.screening.rules")}</Typography.Text>
            <ul style={{ margin: "4px 0 0" }}>
              {rulesOf.rules.map((rule) => (
                <li key={rule.id}>
                  {rule.label}({rule.riskTypeLabels.join(t("mp.review.separator"))})
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="screening-upload-error" />}
      </Card>
      <Card size="small" title={t("console.screening.history")}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={list?.items ?? []}
          locale={{ emptyText: <Empty description={t("console.screening.noImports")} /> }}
          columns={[
            {
              title: t("console.screening.file"),
              dataIndex: "fileName",
              render: (name: string, row) => <a href={href("screening", row.id)}>{name}</a>,
            },
            { title: t("console.screening.department"), dataIndex: "departmentLabel" },
            { title: t("console.screening.period"), dataIndex: "period" },
            { title: t("console.screening.rows"), render: (_, row) => row.counts.rows },
            { title: t("screening.outcomes.LEAD_CREATED"), render: (_, row) => row.counts.LEAD_CREATED },
            {
              title: t("screening.outcomes.ERROR"),
              render: (_, row) => (row.counts.ERROR ? <span className="overdue">{row.counts.ERROR}</span> : 0),
            },
            { title: t("console.screening.uploaded"), dataIndex: "createdAt", render: (at: string) => formatDateTime(at) },
          ]}
        />
      </Card>
    </Space>
  );
}

/** One import: map its columns, run the rules, read the row-by-row report. */
function ImportPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const { message } = App.useApp();
  const [outcome, setOutcome] = useState<string | undefined>();
  const [mapping, setMapping] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadRules = useCallback(() => call<Rules>("GET", "/api/staff/screening/rules"), [call]);
  const rules = useLoader(loadRules, [loadRules]).data;
  const load = useCallback(
    () => call<Detail>("GET", `/api/staff/screening/imports/${id}`, { query: { outcome, limit: 200 } }),
    [call, id, outcome],
  );
  const loaded = useLoader(load, [load]);
  const current = loaded.data;
  if (loaded.error && !current) return <Alert type="error" showIcon message={loaded.error.message} />;
  if (!current) return null;
  const imp = current.import;
  const fields = rules?.departments.find((d) => d.department === imp.department)?.fields ?? [];
  const chosen = mapping ?? imp.mapping ?? suggestions.get(id)?.suggestedMapping ?? {};

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await call<Detail>("POST", `/api/staff/screening/imports/${id}/run`, { body: { mapping: chosen } });
      setOutcome(undefined);
      loaded.reload();
      void message.success(t("console.screening.ran", { leads: answer.import.counts.LEAD_CREATED, errors: answer.import.counts.ERROR }));
    } catch (e) {
      setError(e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e));
    } finally {
      setBusy(false);
    }
  };
  const report = async (format: "xlsx" | "csv") => {
    const file = await download(`/api/staff/screening/imports/${id}/report?format=${format}`, { token: session.token });
    saveBlob(file.blob, file.fileName ?? `report.${format}`);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space>
        <a href={href("screening")}>‹ {t("console.screening.title")}</a>
      </Space>
      <Descriptions size="small" bordered column={3} title={imp.fileName}>
        <Descriptions.Item label={t("console.screening.department")}>{imp.departmentLabel}</Descriptions.Item>
        <Descriptions.Item label={t("console.screening.period")}>{imp.period}</Descriptions.Item>
        <Descriptions.Item label={t("console.screening.rows")}>{imp.counts.rows}</Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t("console.screening.mapping")}>
        <Typography.Paragraph type="secondary">{t("console.screening.mappingHint")}</Typography.Paragraph>
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
                style={{ width: 180 }}
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
        {imp.fileDeletedAt && (
          <Alert
            type="info"
            showIcon
            message={t("console.screening.fileDeleted", { date: formatDate(imp.fileDeletedAt) })}
            style={{ marginTop: 12 }}
            data-testid="screening-file-deleted"
          />
        )}
        <div style={{ marginTop: 12 }}>
          <Button type="primary" loading={busy} onClick={() => void run()} disabled={!!imp.fileDeletedAt} data-testid="screening-run">
            {imp.status === "COMPLETED" ? t("console.screening.rerun") : t("console.screening.run")}
          </Button>
        </div>
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="screening-run-error" />}
      </Card>
      {imp.status === "COMPLETED" && (
        <>
          <Space wrap size="large" data-testid="screening-counts">
            {screeningOutcomes.map((o) => (
              <Statistic
                key={o}
                title={t(`screening.outcomes.${o}`)}
                value={imp.counts[o]}
                valueStyle={o === "ERROR" && imp.counts.ERROR ? { color: "#cf1322" } : undefined}
              />
            ))}
          </Space>
          {current.errors.length > 0 && (
            <Card size="small" title={t("console.screening.errors", { count: imp.counts.ERROR })}>
              <Table
                data-testid="screening-errors"
                size="small"
                rowKey={(e) => `${e.row}.${e.column}.${e.code}`}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={current.errors}
                columns={[
                  { title: t("console.screening.row"), dataIndex: "row", width: 80 },
                  { title: t("console.screening.column"), dataIndex: "column", width: 160 },
                  { title: t("console.screening.problem"), dataIndex: "message" },
                ]}
              />
              {current.errorsTruncated && <Typography.Text type="secondary">{t("console.screening.truncated")}</Typography.Text>}
            </Card>
          )}
          <Card
            size="small"
            title={t("console.screening.report")}
            extra={
              <Space>
                <Select
                  allowClear
                  placeholder={t("console.screening.outcome")}
                  style={{ width: 160 }}
                  value={outcome}
                  onChange={setOutcome}
                  options={screeningOutcomes.map((o) => ({ value: o, label: t(`screening.outcomes.${o}`) }))}
                />
                <Button onClick={() => void report("xlsx")}>{t("console.ledgers.download", { format: "XLSX" })}</Button>
                <Button onClick={() => void report("csv")}>{t("console.ledgers.download", { format: "CSV" })}</Button>
              </Space>
            }
          >
            <Table
              data-testid="screening-rows"
              size="small"
              rowKey="row"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={current.rows.items}
              columns={[
                { title: t("console.screening.row"), dataIndex: "row", width: 70 },
                {
                  title: t("console.screening.outcome"),
                  dataIndex: "outcome",
                  render: (o: string, r) => (
                    <Tag color={o === "ERROR" ? "red" : o === "LEAD_CREATED" ? "green" : undefined}>{r.outcomeLabel}</Tag>
                  ),
                  width: 140,
                },
                { title: t("console.case.name"), dataIndex: "name", width: 90 },
                { title: t("mp.review.task.idNumber"), dataIndex: "idNumber", width: 180 },
                { title: t("console.queue.region"), dataIndex: "villageName", width: 100 },
                { title: t("console.queue.number"), dataIndex: "caseNumber", width: 120 },
                { title: t("console.screening.note"), dataIndex: "note" },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}
