/**
 * Where the server is. For WeChat DevTools against a local `npm start`, the
 * default works (with "不校验合法域名" ticked, which project.config.json sets);
 * a phone or a deployment needs the HTTPS address of the server here. Testers
 * can override it at run time in the settings page.
 */
export const defaultServerUrl = "http://127.0.0.1:3000";
