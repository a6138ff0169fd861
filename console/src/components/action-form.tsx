import { Alert, Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, TreeSelect } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { riskTypeSchema, type RiskType } from "../../../server/core/vocabulary.ts";
import {
  departmentSchema,
  type Department,
  type TaskAction,
  type taskListResponseSchema,
} from "../../../server/features/workflow/workflow-schemas.ts";
import { ApiError, fieldErrors } from "../api.ts";
import { regionTree, useConsole } from "../console-context.tsx";

type Task = z.output<typeof taskListResponseSchema>["items"][number];
type Values = Record<string, unknown> & { needs?: { riskType: RiskType; department: Department; measure: string }[] };

const guarantees = ["foodAndClothing", "education", "medical", "housing", "drinkingWater"] as const;
const reasonActions = new Set(["RETURN", "REJECT", "PROPOSE_ELIMINATION", "REIDENTIFY"]);

/** Turns the form into the action the server's schema expects; the server validates it and answers per field. */
function toAction(action: string, v: Values): TaskAction {
  const iso = (value: unknown) => (value ? (value as dayjs.Dayjs).toISOString() : "");
  switch (action) {
    case "RECORD_HOME_VISIT":
      return {
        type: action,
        visitedAt: iso(v.visitedAt),
        investigators: (v.investigators as string[] | undefined) ?? [],
        findings: {
          annualIncome: v.annualIncome as number,
          rigidExpenses: v.rigidExpenses as number,
          ...(Object.fromEntries(guarantees.map((g) => [g, v[g] ?? "SECURE"])) as Record<
            (typeof guarantees)[number],
            "SECURE" | "AT_RISK"
          >),
          notes: (v.notes as string | undefined) ?? "",
        },
        photoIds: [],
      };
    case "RECORD_APPRAISAL":
      return {
        type: action,
        meetingAt: iso(v.meetingAt),
        proposal: v.proposal as "PROPOSE" | "DECLINE",
        reason: (v.reason as string | undefined) ?? "",
        ...(v.membersTotal
          ? {
              membersTotal: v.membersTotal as number,
              present: v.present as number,
              votesFor: v.votesFor as number,
              votesAgainst: v.votesAgainst as number,
            }
          : {}),
      };
    case "RECORD_OBJECTION":
      return { type: action, objection: (v.objection as string | undefined) ?? "" };
    case "RECORD_DATA_COMPARISON":
      return { type: action, result: v.result as "CLEAR" | "DOUBTFUL", notes: (v.notes as string | undefined) ?? "" };
    case "APPROVE":
      return { type: action, ...(v.note ? { note: v.note as string } : {}) };
    case "ASSIGN_REGION":
      return { type: action, regionCode: v.regionCode as string, ...(v.note ? { note: v.note as string } : {}) };
    case "DISPATCH":
      return { type: action, needs: v.needs ?? [] };
    case "ASSIGN_HELPER":
      return { type: action, helperName: v.helperName as string, ...(v.helperPhone ? { helperPhone: v.helperPhone as string } : {}) };
    case "RECORD_FOLLOW_UP":
      return { type: action, visitedAt: iso(v.visitedAt), notes: (v.notes as string | undefined) ?? "" };
    case "CLOSE_PUBLICITY":
      return { type: action };
    default:
      return { type: action as "RETURN", reason: (v.reason as string | undefined) ?? "" };
  }
}

export function ActionForm({
  task,
  action,
  caseRegionCode,
  onCancel,
  onDone,
}: {
  task: Task;
  action: string;
  caseRegionCode: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { call, regions } = useConsole();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = (field: string) => t(`fields.${field}`);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await call("POST", `/api/staff/tasks/${task.id}/actions`, { body: toAction(action, values) });
      onDone();
    } catch (e) {
      const byField = fieldErrors(e);
      const known = Object.keys(byField).filter((name) => form.getFieldInstance(name) !== undefined || name in values);
      form.setFields(known.map((name) => ({ name, errors: [byField[name]!] })));
      setError(
        e instanceof ApiError ? (known.length ? t("mp.review.task.fixErrors") : (Object.values(byField)[0] ?? e.message)) : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  const now = dayjs();
  return (
    <Modal
      open
      title={`${t([`mp.review.stageActions.${task.stage}.${action}`, `mp.review.actions.${action}`])} · ${task.caseNumber}`}
      onCancel={onCancel}
      footer={null}
      width={640}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{
          visitedAt: now,
          meetingAt: now,
          proposal: "PROPOSE",
          result: "CLEAR",
          ...Object.fromEntries(guarantees.map((g) => [g, "SECURE"])),
          needs: [{}],
        }}
        data-testid="action-form"
      >
        {action === "RECORD_HOME_VISIT" && (
          <>
            <Space wrap>
              <Form.Item name="visitedAt" label={label("visitedAt")}>
                <DatePicker showTime />
              </Form.Item>
              <Form.Item name="investigators" label={label("investigators")} extra={t("console.action.investigatorsHint")}>
                <Select mode="tags" style={{ width: 260 }} open={false} />
              </Form.Item>
            </Space>
            <Space wrap>
              <Form.Item name="annualIncome" label={label("annualIncome")}>
                <InputNumber min={0} addonAfter={t("console.yuan")} />
              </Form.Item>
              <Form.Item name="rigidExpenses" label={label("rigidExpenses")}>
                <InputNumber min={0} addonAfter={t("console.yuan")} />
              </Form.Item>
            </Space>
            <Space wrap>
              {guarantees.map((g) => (
                <Form.Item key={g} name={g} label={label(g)}>
                  <Radio.Group
                    optionType="button"
                    size="small"
                    options={[
                      { value: "SECURE", label: t("console.action.secure") },
                      { value: "AT_RISK", label: t("console.action.atRisk") },
                    ]}
                  />
                </Form.Item>
              ))}
            </Space>
            <Form.Item name="notes" label={label("notes")}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </>
        )}
        {action === "RECORD_APPRAISAL" && (
          <>
            <Space wrap>
              <Form.Item name="meetingAt" label={label("meetingAt")}>
                <DatePicker showTime />
              </Form.Item>
              <Form.Item name="proposal" label={label("proposal")}>
                <Radio.Group
                  options={[
                    { value: "PROPOSE", label: t("mp.review.task.propose") },
                    { value: "DECLINE", label: t("mp.review.task.decline") },
                  ]}
                />
              </Form.Item>
            </Space>
            <Space wrap>
              {(["membersTotal", "present", "votesFor", "votesAgainst"] as const).map((f) => (
                <Form.Item key={f} name={f} label={label(f)}>
                  <InputNumber min={0} />
                </Form.Item>
              ))}
            </Space>
            <Form.Item name="reason" label={label("reason")}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
        {action === "RECORD_OBJECTION" && (
          <Form.Item name="objection" label={label("objection")}>
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
        {action === "RECORD_DATA_COMPARISON" && (
          <>
            <Form.Item name="result" label={label("result")}>
              <Radio.Group
                options={[
                  { value: "CLEAR", label: t("mp.review.task.clear") },
                  { value: "DOUBTFUL", label: t("mp.review.task.doubtful") },
                ]}
              />
            </Form.Item>
            <Form.Item name="notes" label={label("notes")}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </>
        )}
        {action === "CLOSE_PUBLICITY" && (
          <Alert type="info" message={t("mp.review.task.closePublicityHint")} style={{ marginBottom: 16 }} />
        )}
        {(action === "APPROVE" || action === "ASSIGN_REGION") && (
          <>
            {action === "ASSIGN_REGION" && (
              <Form.Item name="regionCode" label={label("regionCode")}>
                <TreeSelect treeDefaultExpandAll treeData={regionTree(regions, caseRegionCode)} data-testid="assign-region" />
              </Form.Item>
            )}
            <Form.Item name="note" label={t("mp.review.task.note")}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </>
        )}
        {reasonActions.has(action) && (
          <Form.Item name="reason" label={label("reason")} extra={t("mp.review.task.reasonHint")}>
            <Input.TextArea rows={3} data-testid="action-reason" />
          </Form.Item>
        )}
        {action === "DISPATCH" && (
          <Form.List name="needs">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="start" wrap>
                    <Form.Item name={[field.name, "riskType"]} label={label("riskType")}>
                      <Select
                        style={{ width: 130 }}
                        options={riskTypeSchema.options.map((r) => ({ value: r, label: t(`riskTypes.${r}`) }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, "department"]} label={label("department")}>
                      <Select
                        style={{ width: 170 }}
                        options={departmentSchema.options.map((d) => ({ value: d, label: t(`screening.departments.${d}`) }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, "measure"]} label={label("measure")}>
                      <Input style={{ width: 200 }} />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button type="link" onClick={() => remove(field.name)} style={{ marginTop: 30 }}>
                        {t("console.remove")}
                      </Button>
                    )}
                  </Space>
                ))}
                <Button onClick={() => add({})} style={{ marginBottom: 16 }}>
                  {t("console.action.addNeed")}
                </Button>
              </>
            )}
          </Form.List>
        )}
        {action === "ASSIGN_HELPER" && (
          <Space wrap>
            <Form.Item name="helperName" label={label("helperName")}>
              <Input />
            </Form.Item>
            <Form.Item name="helperPhone" label={label("helperPhone")}>
              <Input />
            </Form.Item>
          </Space>
        )}
        {action === "RECORD_FOLLOW_UP" && (
          <>
            <Form.Item name="visitedAt" label={label("visitedAt")}>
              <DatePicker showTime />
            </Form.Item>
            <Form.Item name="notes" label={label("notes")}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="action-error" />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="action-submit">
            {t("mp.review.task.submit")}
          </Button>
          <Button onClick={onCancel}>{t("console.cancel")}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
