import { Alert, App, Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography, Upload } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { monitoringStandardsViewSchema } from "../../../server/features/monitoring-standards/monitoring-standard-schemas.ts";
import type {
  workflowDefinitionBodySchema,
  workflowDefinitionsViewSchema,
} from "../../../server/features/workflow/workflow-admin-schemas.ts";
import { ApiError, saveBlob } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { formatDateTime } from "../i18n.ts";

type Standards = z.output<typeof monitoringStandardsViewSchema>;
type Workflows = z.output<typeof workflowDefinitionsViewSchema>;
type DefinitionBody = z.output<typeof workflowDefinitionBodySchema>;

function problemText(e: unknown): string {
  return e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e);
}

/** The monitoring income standards and the county's review workflows, set by administrators here rather than in files. */
export function StandardsPage() {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("console.standards.title")}
      </Typography.Title>
      <StandardsCard />
      <WorkflowsCard />
    </Space>
  );
}

function StandardsCard() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => call<Standards>("GET", "/api/admin/monitoring-standards"), [call]);
  const loaded = useLoader(load, [load]);
  const data = loaded.data;
  const county = session.staff.region.code.slice(0, 6);

  const save = async (remove: boolean) => {
    setError(null);
    try {
      const v = (await form.validateFields()) as {
        year: number;
        regionCode: string;
        incomeLine?: number;
        yellowMultiple?: number | null;
        reason: string;
      };
      await call<Standards>("POST", "/api/admin/monitoring-standards", {
        body: { ...v, yellowMultiple: v.yellowMultiple ?? null, remove, ...(remove ? { incomeLine: undefined } : {}) },
      });
      form.resetFields(["reason"]);
      loaded.reload();
    } catch (e) {
      if (e instanceof Error || e instanceof ApiError) setError(problemText(e));
    }
  };

  return (
    <Card size="small" title={t("console.standards.standards")}>
      <Typography.Paragraph type="secondary">{t("console.standards.standardsIntro")}</Typography.Paragraph>
      {data && data.missingYears.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t("console.standards.missing", { years: data.missingYears.join("、") })}
          style={{ marginBottom: 12 }}
          data-testid="standards-missing"
        />
      )}
      <Table
        size="small"
        rowKey={(r) => `${r.year}/${r.regionCode}`}
        pagination={false}
        dataSource={data?.items ?? []}
        columns={[
          { title: t("console.standards.year"), dataIndex: "year", width: 80 },
          { title: t("console.standards.region"), render: (_, r) => `${r.regionName}(${r.regionCode})` },
          { title: t("console.standards.incomeLine"), dataIndex: "incomeLine", width: 160 },
          {
            title: t("console.standards.yellowMultiple"),
            render: (_, r) => r.yellowMultiple ?? t("console.standards.noGrading"),
            width: 170,
          },
          { title: t("console.standards.source"), render: (_, r) => <Tag>{t(`console.standards.sources.${r.source}`)}</Tag>, width: 100 },
          { title: t("console.standards.setBy"), render: (_, r) => (r.setBy ? `${r.setBy} · ${formatDateTime(r.setAt)}` : "") },
        ]}
      />
      <Form
        form={form}
        layout="inline"
        style={{ marginTop: 12, rowGap: 8 }}
        initialValues={{ year: new Date().getFullYear(), regionCode: county }}
      >
        <Form.Item name="year" label={t("console.standards.year")} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="regionCode" label={t("console.standards.regionCode")} rules={[{ required: true }]}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="incomeLine" label={t("console.standards.incomeLine")}>
          <InputNumber min={0} style={{ width: 120 }} data-testid="standard-income-line" />
        </Form.Item>
        <Form.Item name="yellowMultiple" label={t("console.standards.yellowMultiple")}>
          <InputNumber min={1} max={10} step={0.5} style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="reason" label={t("console.standards.reason")} rules={[{ required: true }]}>
          <Input style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" onClick={() => void save(false)} data-testid="standard-save">
          {t("console.standards.set")}
        </Button>
        <Button danger onClick={() => void save(true)}>
          {t("console.standards.remove")}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="standards-error" />}
      {data && data.history.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          title={() => t("console.standards.history")}
          size="small"
          rowKey={(r) => `${r.at}/${r.year}/${r.regionCode}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={data.history}
          columns={[
            { title: "", dataIndex: "at", render: (at: string) => formatDateTime(at), width: 170 },
            { title: t("console.standards.year"), dataIndex: "year", width: 70 },
            { title: t("console.standards.regionCode"), dataIndex: "regionCode", width: 110 },
            {
              title: t("console.standards.incomeLine"),
              render: (_, r) =>
                r.removed ? (
                  <Tag>{t("console.standards.removed")}</Tag>
                ) : (
                  `${r.incomeLine} / ${r.yellowMultiple ?? t("console.standards.noGrading")}`
                ),
            },
            { title: t("console.standards.setBy"), dataIndex: "actorName", width: 140 },
            { title: t("console.standards.reason"), dataIndex: "reason" },
          ]}
        />
      )}
    </Card>
  );
}

function WorkflowsCard() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const { message } = App.useApp();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => call<Workflows>("GET", "/api/admin/workflow-definitions"), [call]);
  const loaded = useLoader(load, [load]);
  const data = loaded.data;

  const upload = async (file: File) => {
    setError(null);
    let definition: unknown;
    try {
      definition = JSON.parse(await file.text());
    } catch {
      return setError(t("console.standards.notJson"));
    }
    try {
      await call<Workflows>("POST", "/api/admin/workflow-definitions", { body: { definition, reason } });
      void message.success(t("console.standards.uploaded"));
      loaded.reload();
    } catch (e) {
      setError(problemText(e));
    }
  };
  const download = async (id: string) => {
    const body = await call<DefinitionBody>("GET", `/api/admin/workflow-definitions/${id}`);
    saveBlob(new Blob([JSON.stringify(body.definition, null, 2)], { type: "application/json" }), `${body.key}-v${body.version}.json`);
  };

  return (
    <Card size="small" title={t("console.standards.workflows")}>
      <Typography.Paragraph type="secondary">{t("console.standards.workflowsIntro")}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={data?.items ?? []}
        columns={[
          { title: t("console.standards.key"), dataIndex: "key" },
          { title: t("console.standards.region"), render: (_, r) => r.regionCode || t("console.standards.defaultRegion") },
          { title: t("console.standards.appliesTo"), render: (_, r) => r.appliesTo.map((k) => t(`kinds.${k}`)).join("、") },
          { title: t("console.standards.version"), dataIndex: "version", width: 70 },
          { title: t("console.standards.stages"), dataIndex: "stages", width: 80 },
          { title: t("console.standards.source"), render: (_, r) => <Tag>{t(`console.standards.sources.${r.source}`)}</Tag>, width: 100 },
          {
            title: t("console.standards.setBy"),
            render: (_, r) => (r.uploadedBy ? `${r.uploadedBy} · ${formatDateTime(r.uploadedAt)}` : ""),
          },
          {
            title: "",
            render: (_, r) => (
              <Button size="small" onClick={() => void download(r.id)}>
                {t("console.standards.download")}
              </Button>
            ),
            width: 80,
          },
        ]}
      />
      {session.staff.role === "ADMIN" && (
        <Space style={{ marginTop: 12 }} wrap>
          <Input
            placeholder={t("console.standards.uploadReason")}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            style={{ width: 280 }}
          />
          <Upload
            accept=".json,application/json"
            showUploadList={false}
            disabled={reason.trim().length < 2}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button disabled={reason.trim().length < 2} data-testid="workflow-upload">
              {t("console.standards.upload")}
            </Button>
          </Upload>
        </Space>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="workflow-error" />}
      {data && data.history.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          title={() => t("console.standards.history")}
          size="small"
          rowKey={(r) => `${r.at}/${r.definitionId}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={data.history}
          columns={[
            { title: "", dataIndex: "at", render: (at: string) => formatDateTime(at), width: 170 },
            { title: t("console.standards.key"), dataIndex: "key" },
            { title: t("console.standards.version"), dataIndex: "version", width: 70 },
            { title: t("console.standards.setBy"), dataIndex: "actorName", width: 140 },
            { title: t("console.standards.reason"), dataIndex: "reason" },
          ]}
        />
      )}
    </Card>
  );
}
