import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api.ts";
import type { StaffSession } from "../session.ts";

interface Values {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

/**
 * Changing one's own password: required before anything else when someone else set it (a new account, a
 * reset), and open to everyone from the header. Every other session of the account ends; this one goes on
 * with the new session the server answers.
 */
export function PasswordPage({
  session,
  required,
  onChanged,
  onCancel,
}: {
  session: StaffSession;
  required: boolean;
  onChanged: (next: StaffSession) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: Values) => {
    setError(null);
    setBusy(true);
    try {
      onChanged(
        await api<StaffSession>("POST", "/api/auth/staff/password", {
          token: session.token,
          body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
        }),
      );
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        form.setFields(
          (["currentPassword", "newPassword"] as const).map((name) => ({
            name,
            errors: e.fields.filter((f) => f.path === name).map((f) => f.message),
          })),
        );
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: "100%", display: "grid", placeItems: "center", padding: 24 }}>
      <Card style={{ width: 420 }} data-testid="password-change">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t("console.password.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {t(required ? "console.password.required" : "console.password.intro", { name: session.staff.displayName })}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
          <Form.Item
            name="currentPassword"
            label={t("fields.currentPassword")}
            rules={[{ required: true, message: t("console.password.currentRequired") }]}
          >
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t("fields.newPassword")}
            extra={t("console.password.rule")}
            rules={[{ required: true, message: t("console.password.newRequired") }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="repeat"
            label={t("console.password.repeat")}
            dependencies={["newPassword"]}
            rules={[
              { required: true, message: t("console.password.repeatRequired") },
              ({ getFieldValue }) => ({
                validator: (_rule, value) =>
                  value === getFieldValue("newPassword") ? Promise.resolve() : Promise.reject(new Error(t("console.password.mismatch"))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block data-testid="password-submit">
            {t("console.password.submit")}
          </Button>
          {!required && onCancel && (
            <Button type="link" block onClick={onCancel} style={{ marginTop: 8 }}>
              {t("console.cancel")}
            </Button>
          )}
        </Form>
      </Card>
    </div>
  );
}
