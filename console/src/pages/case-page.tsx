import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Image,
  Input,
  Modal,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { caseDetailSchema } from "../../../server/features/cases/case-schemas.ts";
import type { taskListResponseSchema } from "../../../server/features/workflow/workflow-schemas.ts";
import { ApiError, download, saveBlob } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { useConsole, useLiveReload, useLoader } from "../console-context.tsx";
import { formatDate, formatDateTime, formatNumber } from "../i18n.ts";
import { DueDate } from "../components/due-date.tsx";

type CaseDetail = z.output<typeof caseDetailSchema>;
type Task = z.output<typeof taskListResponseSchema>["items"][number];

export function CasePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const [acting, setActing] = useState<{ task: Task; action: string } | null>(null);
  const load = useCallback(
    async () => ({
      detail: await call<CaseDetail>("GET", `/api/staff/cases/${id}`),
      tasks: (await call<{ items: Task[] }>("GET", `/api/staff/cases/${id}/tasks`)).items,
    }),
    [call, id],
  );
  const { data, error, loading, reload } = useLoader(load, [load]);
  useLiveReload(reload, (message) => "caseNumber" in message && message.caseNumber === data?.detail.number);

  if (error && !data) return <Alert type="error" showIcon message={error.message} />;
  if (!data) return <Spin />;
  const c = data.detail;
  const a = c.assessment;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space align="baseline" wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("console.case.title", { number: c.number })}
        </Typography.Title>
        <Tag color={c.status === "OPEN" ? "processing" : c.status === "REJECTED" ? "error" : "success"} data-testid="case-stage">
          {c.stageLabel} · {t(`statuses.${c.status}`)}
        </Tag>
        {c.stageDueAt && c.status === "OPEN" && (
          <Typography.Text type="secondary">
            {t("console.case.dueLabel")} <DueDate at={c.stageDueAt} provisional={c.stageDueProvisional} />
          </Typography.Text>
        )}
        {loading && <Spin size="small" />}
        {session.staff.role === "AUDITOR" && <TraceExport caseId={c.id} />}
      </Space>
      {c.personalDataErasedAt && (
        <Alert type="info" showIcon message={t("console.case.erased", { date: formatDate(c.personalDataErasedAt) })} />
      )}

      <Card size="small" title={t("console.case.whatToDo")} data-testid="case-actions">
        {data.tasks.every((task) => task.actions.length === 0) ? (
          <Typography.Text type="secondary">{t("console.case.nothingToDo")}</Typography.Text>
        ) : (
          data.tasks.map((task) => (
            <Space key={task.id} wrap style={{ marginBottom: 8 }}>
              <Typography.Text strong>{task.stageLabel}</Typography.Text>
              {task.actions.map((action) => (
                <Button
                  key={action}
                  data-testid={`action-${action}`}
                  type={action === "APPROVE" ? "primary" : "default"}
                  danger={action === "REJECT"}
                  onClick={() => setActing({ task, action })}
                >
                  {t([`mp.review.stageActions.${task.stage}.${action}`, `mp.review.actions.${action}`])}
                </Button>
              ))}
            </Space>
          ))
        )}
        {acting && (
          <ActionForm
            task={acting.task}
            action={acting.action}
            caseRegionCode={c.region.code}
            onCancel={() => setActing(null)}
            onDone={() => {
              setActing(null);
              reload();
            }}
          />
        )}
      </Card>

      <Row gutter={16}>
        <Col span={14}>
          <Card size="small" title={t("console.case.report")}>
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t("mp.review.task.applicant")}>{c.applicantName}</Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.phone")}>
                <Revealable caseId={c.id} field="PHONE" masked={c.phoneMasked} revealable={c.revealable} />
              </Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.idNumber")}>
                {c.idNumberMasked ? (
                  <Revealable caseId={c.id} field="ID_NUMBER" masked={c.idNumberMasked} revealable={c.revealable} />
                ) : (
                  t("mp.review.task.none")
                )}
              </Descriptions.Item>
              {c.bankAccount && (
                <Descriptions.Item label={t("console.case.bankAccount")} span={2}>
                  {c.bankAccount.bankName}{" "}
                  <Revealable caseId={c.id} field="BANK_ACCOUNT" masked={c.bankAccount.numberMasked} revealable={c.revealable} />
                  {c.bankAccount.alsoNamedBy.length > 0 && (
                    <Typography.Text type="warning">
                      {" "}
                      {t("console.case.bankAccountShared", { numbers: c.bankAccount.alsoNamedBy.join(t("ledgers.listSeparator")) })}
                    </Typography.Text>
                  )}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t("console.queue.region")}>{c.region.name}</Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.kind")}>{t(`kinds.${c.kind}`)}</Descriptions.Item>
              <Descriptions.Item label={t("console.queue.channel")}>{t(`ledgers.channels.${c.channel}`)}</Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.riskTypes")} span={2}>
                {c.riskTypes.map((r) => (
                  <Tag key={r}>{t(`riskTypes.${r}`)}</Tag>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.address")} span={2}>
                {c.address ?? c.household?.address ?? t("mp.review.task.none")}
              </Descriptions.Item>
              <Descriptions.Item label={t("mp.review.task.description")} span={2}>
                {c.description}
              </Descriptions.Item>
              <Descriptions.Item label={t("console.case.reporter")}>
                {c.reporter.type === "STAFF" ? (c.reporter.name ?? "—") : t("mp.review.task.byResident")}
              </Descriptions.Item>
              <Descriptions.Item label={t("console.queue.submitted")}>{formatDateTime(c.submittedAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t("console.case.assessment")} data-testid="assessment">
            {a ? (
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t("console.case.year")}>{a.year}</Descriptions.Item>
                <Descriptions.Item label={t("console.case.perCapita")}>
                  {formatNumber(a.perCapitaNetIncome)} / {formatNumber(a.incomeLine)}{" "}
                  {a.belowLine && <Tag color="red">{t("console.case.belowLine")}</Tag>}
                </Descriptions.Item>
                <Descriptions.Item label={t("console.case.afterRigid")}>
                  {formatNumber(a.perCapitaAfterRigidExpenses)}{" "}
                  {a.belowLineAfterRigidExpenses && <Tag color="red">{t("console.case.belowLine")}</Tag>}
                </Descriptions.Item>
                <Descriptions.Item label={t("console.case.rigidExpenses")}>{formatNumber(a.rigidExpenses)}</Descriptions.Item>
                <Descriptions.Item label={t("console.case.guaranteesAtRisk")}>
                  {a.guaranteesAtRisk.length ? a.guaranteesAtRisk.map((g) => <Tag key={g}>{t(`ledgers.guarantees.${g}`)}</Tag>) : "—"}
                </Descriptions.Item>
                <Descriptions.Item label={t("console.case.grade")}>
                  {a.grade ? (
                    <Tag color={a.grade === "RED" ? "red" : a.grade === "YELLOW" ? "gold" : "green"}>
                      {t(`console.case.grades.${a.grade}`)}
                    </Tag>
                  ) : (
                    "—"
                  )}
                </Descriptions.Item>
                {a.reasons.length > 0 && (
                  <Descriptions.Item label={t("console.case.reasons")}>
                    {a.reasons.map((r) => reasonText(r, a, t)).join(t("ledgers.factSeparator"))}
                  </Descriptions.Item>
                )}
              </Descriptions>
            ) : c.declaredHousehold ? (
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t("console.case.declared")}>{t("console.case.declaredHint")}</Descriptions.Item>
                <Descriptions.Item label={t("console.case.perCapita")}>
                  {formatNumber(c.declaredHousehold.perCapitaNetIncome)} / {formatNumber(c.declaredHousehold.incomeLine)}{" "}
                  {c.declaredHousehold.belowLine && <Tag color="red">{t("console.case.belowLine")}</Tag>}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Empty description={t("console.case.noFigures")} />
            )}
          </Card>
        </Col>
      </Row>

      {(c.household || c.declaredHousehold) && (
        <Card size="small" title={c.household ? t("console.case.household", { number: c.household.number }) : t("console.case.declared")}>
          <Table<MemberRow>
            size="small"
            pagination={false}
            rowKey={(_, i) => String(i)}
            dataSource={membersOf(c)}
            columns={[
              { title: t("console.case.name"), dataIndex: "name" },
              { title: t("console.case.relation"), dataIndex: "relation", render: (r: string) => t(`mp.relations.${r}`) },
              { title: t("console.case.born"), dataIndex: "born" },
              { title: t("mp.review.task.idNumber"), dataIndex: "idNumberMasked", render: (v: string | null) => v ?? "—" },
              { title: t("mp.apply.labour"), dataIndex: "labourCapacity", render: (v: string) => t(`mp.labour.${v}`) },
              { title: t("mp.apply.health"), dataIndex: "health", render: (v: string | null) => (v ? t(`mp.health.${v}`) : "—") },
              {
                title: t("console.case.schooling"),
                dataIndex: "schooling",
                render: (v: string | null) => (v ? t(`ledgers.schooling.${v}`) : "—"),
              },
            ]}
          />
        </Card>
      )}

      <Row gutter={16}>
        <Col span={14}>
          <Card size="small" title={t("caseFile.title")}>
            <Timeline
              data-testid="case-timeline"
              items={c.events.map((e) => ({
                color: e.action.startsWith("REJECT") ? "red" : e.action === "OVERDUE_ESCALATED" ? "orange" : "blue",
                children: (
                  <>
                    <Typography.Text strong>{e.title}</Typography.Text>{" "}
                    <Typography.Text type="secondary">
                      {formatDateTime(e.at)} · {e.by}
                    </Typography.Text>
                    {e.reason && <div>{t("mp.review.task.reasonLabel", { reason: e.reason })}</div>}
                    {e.details.length > 0 && (
                      <Descriptions
                        size="small"
                        column={1}
                        colon={false}
                        data-testid={`case-file-${e.action}`}
                        items={e.details.map((d, i) => ({ key: `${i}`, label: d.label, children: d.value }))}
                      />
                    )}
                  </>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t("mp.review.task.attachments")}>
            {c.attachments.length === 0 ? (
              <Typography.Text type="secondary">{t("mp.review.task.noAttachments")}</Typography.Text>
            ) : (
              <Attachments items={c.attachments} />
            )}
          </Card>
          <Card size="small" title={t("console.case.consents")} style={{ marginTop: 16 }}>
            {c.consents.map((x, i) => (
              <div key={i}>
                {x.grantorName} · {t(`console.consentScopes.${x.scope}`)} · {t(`console.consentMethods.${x.method}`)} ·{" "}
                {formatDate(x.grantedAt)}
              </div>
            ))}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

/** The assessment's reasons in words, with the figures they rest on. */
function reasonText(
  reason: string,
  a: NonNullable<CaseDetail["assessment"]>,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  const [code, guarantee] = reason.split(":");
  if (code === "BELOW_LINE") return t("ledgers.facts.BELOW_LINE", { income: a.perCapitaNetIncome, line: a.incomeLine });
  if (code === "BELOW_LINE_AFTER_RIGID_EXPENSES")
    return t("ledgers.facts.BELOW_LINE_AFTER_RIGID_EXPENSES", { income: a.perCapitaAfterRigidExpenses, line: a.incomeLine });
  if (code === "GUARANTEE_AT_RISK") return t("ledgers.facts.GUARANTEE_AT_RISK", { guarantee: t(`ledgers.guarantees.${guarantee}`) });
  return t("console.case.withinYellowBand");
}

type RevealField = CaseDetail["revealable"][number];

/** A masked value, with a way to see it in full for the roles that may: a reason is asked for and kept in the staff-access log. */
function Revealable({
  caseId,
  field,
  masked,
  revealable,
}: {
  caseId: string;
  field: RevealField;
  masked: string;
  revealable: readonly RevealField[];
}) {
  const { t } = useTranslation();
  const { call } = useConsole();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [value, setValue] = useState<string | null>(null);
  if (value)
    return (
      <Typography.Text copyable data-testid={`revealed-${field}`}>
        {value}
      </Typography.Text>
    );
  const submit = async () => {
    try {
      setValue((await call<{ value: string }>("POST", `/api/staff/cases/${caseId}/reveal`, { body: { field, reason } })).value);
      setAsking(false);
    } catch (error) {
      setProblem(error instanceof ApiError ? (error.fields[0]?.message ?? error.message) : String(error));
    }
  };
  return (
    <>
      {masked}
      {revealable.includes(field) && (
        <Button type="link" size="small" onClick={() => setAsking(true)} data-testid={`reveal-${field}`}>
          {t("console.case.reveal")}
        </Button>
      )}
      <Modal
        open={asking}
        title={t("console.case.revealTitle")}
        okText={t("console.case.reveal")}
        onOk={() => void submit()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t("console.case.revealHint")}</Typography.Paragraph>
        <Input.TextArea
          value={reason}
          maxLength={200}
          rows={2}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t("console.case.revealReason")}
        />
        {problem && <Alert type="error" showIcon message={problem} style={{ marginTop: 8 }} />}
      </Modal>
    </>
  );
}

/** The auditor's export of the case's full trace (the export is itself logged). */
function TraceExport({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { session } = useConsole();
  const save = async (format: "json" | "xlsx") => {
    const file = await download(`/api/audit/cases/${caseId}/trace?format=${format}`, { token: session.token });
    saveBlob(file.blob, file.fileName ?? `case-trace.${format}`);
  };
  return (
    <Space>
      <Button size="small" onClick={() => void save("xlsx")}>
        {t("console.case.exportTrace", { format: "XLSX" })}
      </Button>
      <Button size="small" onClick={() => void save("json")}>
        {t("console.case.exportTrace", { format: "JSON" })}
      </Button>
    </Space>
  );
}

interface MemberRow {
  name: string;
  relation: string;
  born: string;
  idNumberMasked: string | null;
  labourCapacity: string;
  health: string | null;
  schooling: string | null;
}

/** The household on record, or else the one the application declared. */
function membersOf(c: CaseDetail): MemberRow[] {
  if (c.household) return c.household.members.map((m) => ({ ...m, born: m.birthDate.slice(0, 4) }));
  return (c.declaredHousehold?.members ?? []).map((m) => ({ ...m, born: String(m.birthYear), schooling: null }));
}

/** Photos are fetched with the staff token (an <img> cannot send it) and shown from blob URLs. */
function Attachments({ items }: { items: CaseDetail["attachments"] }) {
  const { t } = useTranslation();
  const { session } = useConsole();
  const [urls, setUrls] = useState<Record<string, string>>({});
  useEffect(() => {
    const made: string[] = [];
    let live = true;
    for (const item of items) {
      download(`/api/staff/attachments/${item.id}`, { token: session.token }).then(
        ({ blob }) => {
          const url = URL.createObjectURL(blob);
          made.push(url);
          if (live) setUrls((u) => ({ ...u, [item.id]: url }));
        },
        () => undefined,
      );
    }
    return () => {
      live = false;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [items, session.token]);
  return (
    <Image.PreviewGroup>
      <Space wrap>
        {items.map((item) =>
          item.kind === "PHOTO" ? (
            <Image
              key={item.id}
              width={96}
              height={96}
              style={{ objectFit: "cover" }}
              src={urls[item.id]}
              alt={t("mp.review.task.attachmentKinds.PHOTO")}
              data-testid="attachment-photo"
            />
          ) : (
            <a key={item.id} href={urls[item.id]} download>
              {t(`mp.review.task.attachmentKinds.${item.kind}`)} ({Math.ceil(item.size / 1024)} KB)
            </a>
          ),
        )}
      </Space>
    </Image.PreviewGroup>
  );
}
