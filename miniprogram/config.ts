/**
 * Where the server is. For WeChat DevTools against a local `npm start`, the
 * default works (with "不校验合法域名" ticked, which project.config.json sets);
 * a phone or a deployment needs the HTTPS address of the server here. Testers
 * can override it at run time in the settings page.
 */
export const defaultServerUrl = "http://127.0.0.1:3000";

/**
 * WeChat subscription-message templates for "tell me when my case moves".
 * Each county's mini-program has its own template ids: the county picks the
 * templates in the WeChat admin console (mp.weixin.qq.com → 订阅消息) and fills
 * their ids in here. While this is empty the case page hides its subscribe
 * button, since WeChat refuses a request without templates.
 */
export const subscribeTemplateIds: string[] = [];
