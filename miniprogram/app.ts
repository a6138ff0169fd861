import { outbox } from "./lib/outbox";

// Reports made without a network wait in the outbox; they go as soon as the phone is back online.
App({
  onLaunch() {
    wx.onNetworkStatusChange((res) => {
      if (res.isConnected) void outbox.flush();
    });
  },
  onShow() {
    void outbox.flush();
  },
});
