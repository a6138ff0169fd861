import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api.ts";
import { LanguageSwitch } from "../components/language-switch.tsx";
import type { StaffSession } from "../session.ts";

export function LoginPage({ onLogin }: { onLogin: (session: StaffSession) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onLogin(await api<StaffSession>("POST", "/api/auth/staff/login", { body: values }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: "100%", display: "grid", placeItems: "center", background: "#f5f5f5" }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("console.login.title")}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t("console.login.intro")}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={(values: Parameters<typeof submit>[0]) => void submit(values)} requiredMark={false}>
          <Form.Item
            name="username"
            label={t("console.login.username")}
            rules={[{ required: true, message: t("console.login.usernameRequired") }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("console.login.password")}
            rules={[{ required: true, message: t("console.login.passwordRequired") }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("console.login.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
