import { Segmented } from "antd";
import { useTranslation } from "react-i18next";
import { switchLocale } from "../i18n.ts";

/** 中文 / English, remembered on this browser. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  return (
    <Segmented
      size="small"
      value={i18n.language === "en" ? "en" : "zh-CN"}
      options={[
        { label: "中文", value: "zh-CN" },
        { label: "English", value: "en" },
      ]}
      onChange={(value) => void switchLocale(value as "zh-CN" | "en")}
    />
  );
}
