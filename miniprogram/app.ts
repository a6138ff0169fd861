import { outbox } from "./lib/outbox";
import { visitOutbox } from "./lib/visit-outbox";

// Reports and home visits made without a network wait in their outboxes; they go as soon as the phone is back online.
App({
  onLaunch() {
    wx.onNetworkStatusChange((res) => {
      if (res.isConnected) {
        void outbox.flush();
        void visitOutbox.flush();
      }
    });
  },
  onShow() {
    void outbox.flush();
    void visitOutbox.flush();
  },
});
