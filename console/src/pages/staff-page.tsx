import { Alert, App, Button, Card, Drawer, Form, Input, Modal, Select, Space, Table, Tag, TreeSelect, Typography, Upload } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type {
  staffHistorySchema,
  StaffAccountView,
  StaffImportResult,
  staffListResponseSchema,
  staffWithPasswordSchema,
} from "../../../server/features/staff/staff-schemas.ts";
import { staffRoleSchema, type StaffRole } from "../../../server/core/vocabulary.ts";
import { api, ApiError, saveBlob } from "../api.ts";
import { regionTree, useConsole, useLoader } from "../console-context.tsx";
import { formatDateTime } from "../i18n.ts";

type StaffList = z.output<typeof staffListResponseSchema>;
type WithPassword = z.output<typeof staffWithPasswordSchema>;
type History = z.output<typeof staffHistorySchema>;
type Action = "DEACTIVATE" | "REACTIVATE" | "RESET_PASSWORD" | "UNLOCK";

/** What a county desk may grant (the server checks it too); an administrator grants every role. */
const countyGrants: readonly StaffRole[] = ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "DEPARTMENT"];

/** Staff accounts of the caller's region: created, edited, deactivated, their passwords reset, imported from a list. */
export function StaffPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<"ACTIVE" | "INACTIVE" | "ALL">("ACTIVE");
  const [editing, setEditing] = useState<StaffAccountView | "new" | null>(null);
  const [acting, setActing] = useState<{ account: StaffAccountView; action: Action } | null>(null);
  const [handover, setHandover] = useState<WithPassword | null>(null);
  const [history, setHistory] = useState<StaffAccountView | null>(null);
  const [imported, setImported] = useState<StaffImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => call<StaffList>("GET", "/api/admin/staff", { query: { q, status } }), [call, q, status]);
  const { data, loading, reload } = useLoader(load, [load]);
  const grantable = session.staff.role === "ADMIN" ? staffRoleSchema.options : countyGrants;

  const upload = async (file: File) => {
    setError(null);
    const form = new FormData();
    form.append("file", file);
    try {
      setImported(await api<StaffImportResult>("POST", "/api/admin/staff-imports", { token: session.token, form }));
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e));
    }
  };

  const passwordsSheet = (result: StaffImportResult) => {
    const lines = [
      [t("staff.columns.username"), t("console.staff.oneTimePassword")],
      ...result.rows.filter((r) => r.temporaryPassword).map((r) => [r.username ?? "", r.temporaryPassword ?? ""]),
    ];
    saveBlob(
      new Blob(["\uFEFF" + lines.map((l) => l.join(",")).join("\r\n")], { type: "text/csv;charset=utf-8" }),
      t("console.staff.passwordsFile"),
    );
  };

  return (
    <>
      <Typography.Title level={4}>{t("console.staff.title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("console.staff.intro")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="staff-error" />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={t("console.staff.search")} onSearch={setQ} style={{ width: 240 }} />
        <Select
          value={status}
          onChange={setStatus}
          style={{ width: 140 }}
          options={(["ACTIVE", "INACTIVE", "ALL"] as const).map((value) => ({ value, label: t(`console.staff.status.${value}`) }))}
        />
        <Button type="primary" onClick={() => setEditing("new")} data-testid="staff-new">
          {t("console.staff.create")}
        </Button>
        <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={(file) => void upload(file).then(() => false)}>
          <Button data-testid="staff-import">{t("console.staff.import")}</Button>
        </Upload>
      </Space>
      <Table<StaffAccountView>
        data-testid="staff-table"
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t("staff.columns.username"), dataIndex: "username" },
          { title: t("staff.columns.displayName"), dataIndex: "displayName" },
          { title: t("staff.columns.role"), dataIndex: "roleLabel" },
          { title: t("console.staff.region"), render: (_, a) => a.region.name },
          {
            title: t("console.staff.state"),
            render: (_, a) => (
              <Space size={4} wrap>
                {!a.active && <Tag color="default">{t("console.staff.inactive")}</Tag>}
                {a.lockedUntil && <Tag color="red">{t("console.staff.locked")}</Tag>}
                {a.mustChangePassword && <Tag color="gold">{t("console.staff.mustChange")}</Tag>}
                {a.wechatBound && <Tag color="green">{t("console.staff.wechat")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("console.staff.actions"),
            render: (_, a) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => setEditing(a)}>
                  {t("console.staff.edit")}
                </Button>
                {a.active ? (
                  <Button
                    size="small"
                    danger
                    onClick={() => setActing({ account: a, action: "DEACTIVATE" })}
                    data-testid={`deactivate-${a.username}`}
                  >
                    {t("console.staff.do.DEACTIVATE")}
                  </Button>
                ) : (
                  <Button size="small" onClick={() => setActing({ account: a, action: "REACTIVATE" })}>
                    {t("console.staff.do.REACTIVATE")}
                  </Button>
                )}
                <Button
                  size="small"
                  onClick={() => setActing({ account: a, action: "RESET_PASSWORD" })}
                  data-testid={`reset-${a.username}`}
                >
                  {t("console.staff.do.RESET_PASSWORD")}
                </Button>
                {a.lockedUntil && (
                  <Button size="small" onClick={() => setActing({ account: a, action: "UNLOCK" })}>
                    {t("console.staff.do.UNLOCK")}
                  </Button>
                )}
                <Button size="small" type="link" onClick={() => setHistory(a)}>
                  {t("console.staff.history")}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <AccountForm
          account={editing === "new" ? null : editing}
          grantable={grantable}
          onClose={() => setEditing(null)}
          onSaved={(answer) => {
            setEditing(null);
            if (answer.temporaryPassword) setHandover(answer);
            reload();
          }}
        />
      )}
      {acting && (
        <ActionForm
          {...acting}
          onClose={() => setActing(null)}
          onDone={(answer) => {
            setActing(null);
            if (answer.temporaryPassword) setHandover(answer);
            reload();
          }}
        />
      )}
      <Modal
        open={!!handover}
        title={t("console.staff.handoverTitle")}
        onOk={() => setHandover(null)}
        onCancel={() => setHandover(null)}
        cancelButtonProps={{ style: { display: "none" } }}
      >
        {handover && (
          <div data-testid="staff-handover">
            <Typography.Paragraph>
              {t("console.staff.handover", { name: handover.account.displayName, username: handover.account.username })}
            </Typography.Paragraph>
            <Typography.Title level={3} copyable code data-testid="staff-one-time-password">
              {handover.temporaryPassword}
            </Typography.Title>
          </div>
        )}
      </Modal>
      <Modal
        open={!!imported}
        width={820}
        title={t("console.staff.importTitle")}
        onOk={() => setImported(null)}
        onCancel={() => setImported(null)}
        cancelButtonProps={{ style: { display: "none" } }}
      >
        {imported && (
          <div data-testid="staff-import-result">
            <Typography.Paragraph>{t("console.staff.importSummary", imported)}</Typography.Paragraph>
            {imported.created > 0 && (
              <Button onClick={() => passwordsSheet(imported)} style={{ marginBottom: 12 }}>
                {t("console.staff.downloadPasswords")}
              </Button>
            )}
            <Table
              size="small"
              rowKey="rowNumber"
              pagination={{ pageSize: 20 }}
              dataSource={imported.rows}
              columns={[
                { title: t("console.staff.row"), dataIndex: "rowNumber", width: 60 },
                { title: t("staff.columns.username"), dataIndex: "username", width: 140 },
                {
                  title: t("console.staff.outcome"),
                  dataIndex: "outcomeLabel",
                  width: 120,
                  render: (label: string, r) => <Tag color={r.outcome === "ERROR" ? "red" : "green"}>{label}</Tag>,
                },
                { title: t("console.staff.problems"), render: (_, r) => r.errors.map((e) => `${e.column}:${e.message}`).join(";") },
              ]}
            />
          </div>
        )}
      </Modal>
      <Drawer
        open={!!history}
        width={480}
        title={history ? t("console.staff.historyOf", { name: history.displayName }) : ""}
        onClose={() => setHistory(null)}
      >
        {history && <HistoryList id={history.id} />}
      </Drawer>
    </>
  );
}

interface AccountValues {
  username: string;
  displayName: string;
  role: StaffRole;
  regionCode: string;
  department?: string;
  phone?: string;
  reason?: string;
}

function AccountForm({
  account,
  grantable,
  onClose,
  onSaved,
}: {
  account: StaffAccountView | null;
  grantable: readonly StaffRole[];
  onClose: () => void;
  onSaved: (answer: WithPassword) => void;
}) {
  const { t } = useTranslation();
  const { call, regions, session } = useConsole();
  const [form] = Form.useForm<AccountValues>();
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch("role", form);
  const save = async (values: AccountValues) => {
    setBusy(true);
    try {
      const body = {
        ...(account ? {} : { username: values.username }),
        displayName: values.displayName,
        role: values.role,
        regionCode: values.regionCode,
        ...(values.role === "DEPARTMENT" && values.department ? { department: values.department } : {}),
        ...(values.phone ? { phone: values.phone } : {}),
        ...(account ? { reason: values.reason } : {}),
      };
      onSaved(await call<WithPassword>("POST", account ? `/api/admin/staff/${account.id}` : "/api/admin/staff", { body }));
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0)
        form.setFields(
          (["username", "displayName", "role", "regionCode", "department", "phone", "reason"] as const).map((name) => ({
            name,
            errors: e.fields.filter((f) => f.path === name).map((f) => f.message),
          })),
        );
      else form.setFields([{ name: account ? "reason" : "username", errors: [e instanceof Error ? e.message : String(e)] }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(account ? "console.staff.editTitle" : "console.staff.createTitle")}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, id: "staff-save" }}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => void save(values)}
        initialValues={
          account
            ? {
                username: account.username,
                displayName: account.displayName,
                role: account.role,
                regionCode: account.region.code,
                department: account.department ?? undefined,
              }
            : { role: "VILLAGE" }
        }
      >
        <Form.Item name="username" label={t("staff.columns.username")} rules={[{ required: true }]}>
          <Input disabled={!!account} data-testid="staff-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t("staff.columns.displayName")} rules={[{ required: true }]}>
          <Input data-testid="staff-display-name" />
        </Form.Item>
        <Form.Item name="role" label={t("staff.columns.role")} rules={[{ required: true }]}>
          <Select options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))} data-testid="staff-role" />
        </Form.Item>
        <Form.Item name="regionCode" label={t("console.staff.region")} rules={[{ required: true }]}>
          <TreeSelect
            treeData={regionTree(regions, session.staff.region.code, { withGroups: true })}
            treeDefaultExpandAll={false}
            showSearch
            treeNodeFilterProp="title"
            data-testid="staff-region"
          />
        </Form.Item>
        {role === "DEPARTMENT" && (
          <Form.Item name="department" label={t("staff.columns.department")} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="phone" label={t("staff.columns.phone")}>
          <Input />
        </Form.Item>
        {account && (
          <Form.Item name="reason" label={t("fields.reason")} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function ActionForm({
  account,
  action,
  onClose,
  onDone,
}: {
  account: StaffAccountView;
  action: Action;
  onClose: () => void;
  onDone: (answer: WithPassword) => void;
}) {
  const { t } = useTranslation();
  const { call } = useConsole();
  const { message } = App.useApp();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const answer = await call<WithPassword>("POST", `/api/admin/staff/${account.id}/actions`, { body: { action, reason } });
      void message.success(t(`console.staff.done.${action}`, { name: account.displayName }));
      onDone(answer);
    } catch (e) {
      void message.error(e instanceof ApiError ? [e.message, ...e.fields.map((f) => f.message)].join(" ") : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(`console.staff.do.${action}`) + ":" + account.displayName}
      onCancel={onClose}
      onOk={() => void run()}
      okButtonProps={{ loading: busy, disabled: reason.trim().length < 2, id: "staff-action-ok" }}
    >
      <Typography.Paragraph type="secondary">{t(`console.staff.explain.${action}`)}</Typography.Paragraph>
      <Input.TextArea
        rows={2}
        placeholder={t("fields.reason")}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        data-testid="staff-action-reason"
      />
    </Modal>
  );
}

function HistoryList({ id }: { id: string }) {
  const { call } = useConsole();
  const load = useCallback(() => call<History>("GET", `/api/admin/staff/${id}/history`), [call, id]);
  const { data } = useLoader(load, [load]);
  return (
    <Card size="small">
      {(data?.items ?? []).map((e, i) => (
        <Typography.Paragraph key={i}>
          {formatDateTime(e.at)} · {e.actionLabel} · {e.actorName}
          {e.reason ? ` · ${e.reason}` : ""}
          {Object.keys(e.changes).length > 0 && (
            <Typography.Text type="secondary">
              {" "}
              (
              {Object.entries(e.changes)
                .map(([field, [before, after]]) => `${field}: ${shown(before)} → ${shown(after)}`)
                .join(";")}
              )
            </Typography.Text>
          )}
        </Typography.Paragraph>
      ))}
    </Card>
  );
}

/** A recorded value as text (they are names, codes and flags). */
function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}
