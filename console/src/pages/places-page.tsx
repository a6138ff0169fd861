import { Alert, Button, Card, Form, Input, Select, Space, Statistic, Table, Tag, Timeline, Tree, Typography, Upload } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { regionHistorySchema, regionImportResultSchema } from "../../../server/features/regions/region-admin-schemas.ts";
import type { regionListResponseSchema } from "../../../server/features/regions/region-schemas.ts";
import { api, ApiError } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { formatDateTime } from "../i18n.ts";

type ImportResult = z.output<typeof regionImportResultSchema>;
type History = z.output<typeof regionHistorySchema>;
type Node = z.output<typeof regionListResponseSchema>["items"][number];

function problemText(e: unknown): string {
  return e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e);
}

/** The county's administrative tree: loaded from the national dataset or a spreadsheet, groups added, places renamed or merged. */
export function PlacesPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const countyCode = session.staff.region.code.slice(0, 6);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const loadTree = useCallback(() => call<{ items: Node[] }>("GET", "/api/regions"), [call]);
  const tree = useLoader(loadTree, [loadTree]);
  const nodes = useMemo(() => (tree.data?.items ?? []).filter((n) => n.code.startsWith(countyCode)), [tree.data, countyCode]);
  const treeData = useMemo(() => {
    type TreeNode = { key: string; title: string; children: TreeNode[] };
    const byCode = new Map<string, TreeNode>(nodes.map((n) => [n.code, { key: n.code, title: `${n.name}(${n.code})`, children: [] }]));
    const roots: TreeNode[] = [];
    for (const n of nodes) {
      const parent = n.parentCode ? byCode.get(n.parentCode) : undefined;
      if (parent) parent.children.push(byCode.get(n.code)!);
      else roots.push(byCode.get(n.code)!);
    }
    return roots;
  }, [nodes]);
  const selectedNode = nodes.find((n) => n.code === selected) ?? null;
  const loadHistory = useCallback(
    () => (selected ? call<History>("GET", "/api/admin/regions/history", { query: { code: selected } }) : Promise.resolve(null)),
    [call, selected],
  );
  const history = useLoader(loadHistory, [loadHistory]);

  const done = (answer: ImportResult) => {
    setResult(answer);
    tree.reload();
  };
  const importDataset = async () => {
    setBusy(true);
    setError(null);
    try {
      done(await call<ImportResult>("POST", "/api/admin/regions/dataset-imports", { body: { countyCode } }));
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const importFile = async (file: File) => {
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append("file", file);
    try {
      done(await api<ImportResult>("POST", "/api/admin/regions/imports", { token: session.token, form }));
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = async (url: string, body: Record<string, unknown>) => {
    setError(null);
    try {
      await call("POST", url, { body });
      tree.reload();
      history.reload();
      return true;
    } catch (e) {
      setError(problemText(e));
      return false;
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("console.places.title")}
      </Typography.Title>
      <Card size="small" title={t("console.places.load")}>
        <Typography.Paragraph type="secondary">{t("console.places.intro", { code: countyCode })}</Typography.Paragraph>
        <Space wrap>
          <Button type="primary" loading={busy} onClick={() => void importDataset()} data-testid="places-dataset">
            {t("console.places.fromDataset", { code: countyCode })}
          </Button>
          <Upload
            accept=".xlsx,.csv"
            showUploadList={false}
            beforeUpload={(file) => {
              void importFile(file);
              return false;
            }}
          >
            <Button loading={busy}>{t("console.places.fromFile")}</Button>
          </Upload>
        </Space>
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="places-error" />}
        {result && (
          <div style={{ marginTop: 12 }} data-testid="places-result">
            <Space wrap size="large">
              <Statistic title={t("console.places.outcomes.CREATED")} value={result.created} />
              <Statistic title={t("console.places.outcomes.RENAMED")} value={result.renamed} />
              <Statistic title={t("console.places.outcomes.UPDATED")} value={result.updated} />
              <Statistic title={t("console.places.outcomes.UNCHANGED")} value={result.unchanged} />
              <Statistic
                title={t("console.places.outcomes.ERROR")}
                value={result.errors}
                valueStyle={result.errors ? { color: "#cf1322" } : undefined}
              />
            </Space>
            {result.errors > 0 && (
              <Table
                style={{ marginTop: 8 }}
                size="small"
                rowKey="rowNumber"
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={result.rows.filter((r) => r.outcome === "ERROR")}
                columns={[
                  { title: t("console.screening.row"), dataIndex: "rowNumber", width: 70 },
                  { title: t("console.places.code"), dataIndex: "code", width: 150 },
                  { title: t("console.places.name"), dataIndex: "name", width: 180 },
                  { title: t("console.screening.problem"), render: (_, r) => r.errors.map((e) => e.message).join(" ") },
                ]}
              />
            )}
          </div>
        )}
      </Card>
      <Space align="start" wrap style={{ width: "100%" }}>
        <Card
          size="small"
          title={t("console.places.tree", { count: nodes.length })}
          style={{ width: 420, maxHeight: 560, overflow: "auto" }}
        >
          <Tree
            data-testid="places-tree"
            treeData={treeData}
            defaultExpandedKeys={[countyCode]}
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
          />
        </Card>
        {selectedNode && (
          <Space direction="vertical" style={{ minWidth: 420 }}>
            <Card size="small" title={`${selectedNode.name}(${selectedNode.code})`}>
              <ChangeForm
                key={selectedNode.code}
                node={selectedNode}
                siblings={nodes.filter((n) => n.level === selectedNode.level && n.code !== selectedNode.code)}
                onSubmit={(body) => submit("/api/admin/regions/changes", { code: selectedNode.code, ...body })}
              />
            </Card>
            {selectedNode.level === "VILLAGE" && (
              <Card size="small" title={t("console.places.addGroup")}>
                <Form
                  layout="inline"
                  onFinish={(v: { name: string }) =>
                    void submit("/api/admin/regions/groups", { villageCode: selectedNode.code, name: v.name })
                  }
                >
                  <Form.Item name="name" rules={[{ required: true, message: t("console.places.nameRequired") }]}>
                    <Input placeholder={t("console.places.groupName")} style={{ width: 160 }} />
                  </Form.Item>
                  <Button htmlType="submit">{t("console.places.add")}</Button>
                </Form>
              </Card>
            )}
            <Card size="small" title={t("console.places.history")}>
              <Timeline
                items={(history.data?.items ?? []).map((h) => ({
                  children: (
                    <>
                      <Tag>{t(`console.places.actions.${h.action}`, { defaultValue: h.action })}</Tag>
                      {formatDateTime(h.at)} · {h.actorName}
                      {h.reason && <div>{h.reason}</div>}
                      {Object.entries(h.changes).map(([field, [from, to]]) => (
                        <div key={field}>
                          <Typography.Text type="secondary">{field}</Typography.Text> {JSON.stringify(from)} → {JSON.stringify(to)}
                        </div>
                      ))}
                    </>
                  ),
                }))}
              />
            </Card>
          </Space>
        )}
      </Space>
    </Space>
  );
}

function ChangeForm({
  node,
  siblings,
  onSubmit,
}: {
  node: Node;
  siblings: Node[];
  onSubmit: (body: Record<string, unknown>) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ name: node.name }}
      onFinish={(v: { name?: string; aliases?: string; contactPhone?: string; mergeInto?: string; reason: string }) =>
        void onSubmit({
          ...(v.name && v.name !== node.name ? { name: v.name } : {}),
          ...(v.aliases ? { aliases: v.aliases.split(/[,，、\s]+/).filter(Boolean) } : {}),
          ...(v.contactPhone ? { contactPhone: v.contactPhone } : {}),
          ...(v.mergeInto ? { mergeInto: v.mergeInto } : {}),
          reason: v.reason,
        }).then((ok) => ok && form.resetFields(["aliases", "contactPhone", "mergeInto", "reason"]))
      }
    >
      <Form.Item name="name" label={t("console.places.name")}>
        <Input />
      </Form.Item>
      <Form.Item name="aliases" label={t("console.places.aliases")} extra={t("console.places.aliasesHint")}>
        <Input />
      </Form.Item>
      <Form.Item name="contactPhone" label={t("console.places.phone")}>
        <Input />
      </Form.Item>
      <Form.Item name="mergeInto" label={t("console.places.mergeInto")} extra={t("console.places.mergeHint")}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          options={siblings.map((s) => ({ value: s.code, label: `${s.name}(${s.code})` }))}
        />
      </Form.Item>
      <Form.Item name="reason" label={t("console.places.reason")} rules={[{ required: true, message: t("console.places.reasonRequired") }]}>
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit" data-testid="places-change">
        {t("console.places.save")}
      </Button>
    </Form>
  );
}
