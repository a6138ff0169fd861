import { strings, t } from "../../lib/i18n";
import { outbox } from "../../lib/outbox";
import { settings } from "../../lib/settings";

/** The first screen: four plain choices for residents, a way in for staff, and the two settings elderly users need most. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    pending: "",
  },

  onShow() {
    this.refresh();
  },

  refresh() {
    const waiting = outbox.list().length;
    this.setData({
      s: strings("mp.home"),
      elderly: settings.elderly(),
      pending: waiting > 0 ? t("mp.home.pending", { count: waiting }) : "",
    });
    void wx.setNavigationBarTitle({ title: t("mp.home.title") });
  },

  onOpen(e: WechatMiniprogram.BaseEvent) {
    void wx.navigateTo({ url: (e.currentTarget.dataset as { url: string }).url });
  },

  onToggleElderly() {
    settings.setElderly(!settings.elderly());
    this.refresh();
  },

  onToggleLanguage() {
    settings.setLocale(settings.locale() === "en" ? "zh-CN" : "en");
    this.refresh();
  },
});
