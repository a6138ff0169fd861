import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { JSDOM } from "jsdom";
import ts from "typescript";
import type { TestApp } from "../helpers/test-app.ts";

/**
 * Runs mini-program pages in Node with miniprogram-simulate (jsdom), the page
 * code as it is (TypeScript transpiled on require), and a `wx` whose network
 * calls reach the real server running in the test. Tests can take the network
 * away and give it back, as on a village road.
 */
const require = createRequire(import.meta.url);
export const miniprogramRoot = path.resolve(import.meta.dirname, "../../miniprogram");

/**
 * A DOM for miniprogram-simulate, added to Node's globals rather than replacing them (vitest's jsdom
 * environment swaps typed arrays and FormData too, which breaks the server running in the same process).
 */
function installDom(): void {
  if ((globalThis as Record<string, unknown>).document) return;
  const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  const globals = globalThis as Record<string, unknown>;
  globals.window = window;
  for (const name of [
    "document",
    "navigator",
    "Node",
    "Element",
    "HTMLElement",
    "Text",
    "Event",
    "CustomEvent",
    "MutationObserver",
    "getComputedStyle",
    "DocumentFragment",
    "ShadowRoot",
    "CSSStyleDeclaration",
    "requestAnimationFrame",
    "cancelAnimationFrame",
  ]) {
    // Node has Event and CustomEvent of its own, which jsdom's elements refuse: the DOM's win for these names.
    if (!(name in globals) || ["navigator", "Event", "CustomEvent"].includes(name)) {
      const value = (window as unknown as Record<string, unknown>)[name];
      Object.defineProperty(globals, name, {
        value: typeof value === "function" && /^[a-z]/.test(name) ? (value as () => unknown).bind(window) : value,
        configurable: true,
        writable: true,
      });
    }
  }
}

let hooked = false;
function registerTypeScript(): void {
  if (hooked) return;
  hooked = true;
  // Node tries extensions in insertion order: ".ts" must come before ".json", or "pages/report/report" loads report.json.
  const extensions = require.extensions as Record<string, (module: NodeJS.Module, filename: string) => void>;
  const later = { ".json": extensions[".json"]!, ".node": extensions[".node"]! };
  delete extensions[".json"];
  delete extensions[".node"];
  extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        esModuleInterop: true,
        verbatimModuleSyntax: false,
      },
      fileName: filename,
    });
    (module as unknown as { _compile(code: string, file: string): void })._compile(outputText, filename);
  };
  Object.assign(extensions, later);
}

/** The parts of wx.request / wx.uploadFile options the pages use (the typings are the mini-program's, not Node's). */
interface RequestOptions {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: unknown;
  success?: (res: { statusCode: number; data: unknown; header: Record<string, string>; errMsg: string }) => void;
  fail?: (err: { errMsg: string }) => void;
}
interface UploadOptions {
  url: string;
  filePath: string;
  name: string;
  header?: Record<string, string>;
  success?: (res: { statusCode: number; data: string; errMsg: string }) => void;
  fail?: (err: { errMsg: string }) => void;
}

export interface WxCall {
  api: string;
  options: Record<string, unknown>;
}

export interface FakeWx {
  /** Storage as the phone keeps it across page loads. */
  storage: Map<string, unknown>;
  online: boolean;
  /** Every wx.* call the pages made that is not network or storage (toasts, navigation, media…). */
  calls: WxCall[];
  /** The files wx.chooseMedia answers with next. */
  nextMedia: string[];
  /** The code wx.login answers with ("dev:<name>" for the development provider). */
  loginCode: string;
  /** Where wx.getLocation says the phone is; null: location refused or no fix. */
  location: { latitude: number; longitude: number } | null;
  /** Requests in flight; await settled() before asserting. */
  settled(): Promise<void>;
  setOnline(online: boolean): void;
}

/** Installs `wx`, `Page` and `getApp` for one test file, talking to the test app at `serverUrl`. */
export function installMiniprogram(t: TestApp, serverUrl: string, user = "mp-user"): FakeWx {
  registerTypeScript();
  installDom();
  const simulate = require("miniprogram-simulate");
  void simulate;
  const inflight = new Set<Promise<unknown>>();
  const networkListeners: ((res: { isConnected: boolean; networkType: string }) => void)[] = [];
  const fake: FakeWx = {
    storage: new Map([["server-url", serverUrl]]),
    online: true,
    calls: [],
    nextMedia: [],
    loginCode: `dev:${user}`,
    location: { latitude: 27.83612, longitude: 113.15077 },
    async settled() {
      // A page often chains calls (log in, upload, submit): quiet means no request for a few turns in a row.
      for (let quiet = 0; quiet < 3;) {
        if (inflight.size > 0) {
          quiet = 0;
          await Promise.allSettled([...inflight]);
        } else {
          quiet++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    },
    setOnline(online) {
      fake.online = online;
      for (const listener of networkListeners) listener({ isConnected: online, networkType: online ? "4g" : "none" });
    },
  };
  /** Runs one network call; a failure of the fetch itself reaches the page as WeChat's "fail", as on a phone. */
  const network = (fail: ((err: { errMsg: string }) => void) | undefined, run: () => Promise<void>) =>
    track(
      run().catch((error: unknown) => {
        fail?.({ errMsg: `fail ${error instanceof Error ? error.message : String(error)}` });
      }),
    );
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inflight.add(promise);
    void promise.finally(() => inflight.delete(promise)).catch(() => undefined);
    return promise;
  };
  const record =
    (api: string) =>
    (options: Record<string, unknown> = {}) => {
      fake.calls.push({ api, options });
      (options.success as ((res: unknown) => void) | undefined)?.({ errMsg: `${api}:ok` });
    };

  const wx = {
    getStorageSync: (key: string) => (fake.storage.has(key) ? structuredClone(fake.storage.get(key)) : ""),
    setStorageSync: (key: string, value: unknown) => void fake.storage.set(key, structuredClone(value)),
    removeStorageSync: (key: string) => void fake.storage.delete(key),
    request(options: RequestOptions) {
      void network(options.fail, async () => {
        if (!fake.online) return options.fail?.({ errMsg: "request:fail -101 net::ERR_INTERNET_DISCONNECTED" });
        const response = await fetch(options.url, {
          method: options.method ?? "GET",
          headers: options.header as Record<string, string>,
          body: options.data as string | undefined,
        });
        const text = await response.text();
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // not JSON: handed over as the text it is
        }
        options.success?.({ statusCode: response.status, data, header: Object.fromEntries(response.headers), errMsg: "request:ok" });
      });
      return { abort() {} };
    },
    uploadFile(options: UploadOptions) {
      void network(options.fail, async () => {
        if (!fake.online) return options.fail?.({ errMsg: "uploadFile:fail -101" });
        // Built by hand: under jsdom, FormData and Blob are jsdom's, which Node's fetch cannot send.
        const boundary = `----wx${Date.now().toString(16)}`;
        const body = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${options.name}"; filename="${path.basename(options.filePath)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          fs.readFileSync(options.filePath),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const response = await fetch(options.url, {
          method: "POST",
          headers: { ...options.header, "content-type": `multipart/form-data; boundary=${boundary}` },
          body,
        });
        options.success?.({ statusCode: response.status, data: await response.text(), errMsg: "uploadFile:ok" });
      });
      return { abort() {} };
    },
    login(options: { success?: (res: { code: string; errMsg: string }) => void; fail?: (err: { errMsg: string }) => void }) {
      if (!fake.online) return options.fail?.({ errMsg: "login:fail" });
      options.success?.({ code: fake.loginCode, errMsg: "login:ok" });
    },
    chooseMedia(options: { success?: (res: unknown) => void }) {
      fake.calls.push({ api: "chooseMedia", options });
      const files = fake.nextMedia
        .splice(0)
        .map((tempFilePath) => ({ tempFilePath, size: fs.statSync(tempFilePath).size, fileType: "image" }));
      options.success?.({ tempFiles: files, type: "image", errMsg: "chooseMedia:ok" });
    },
    getLocation(options: { success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void }) {
      fake.calls.push({ api: "getLocation", options });
      // Satellites need no network: the location comes offline too.
      if (fake.location) options.success?.({ ...fake.location, accuracy: 10, errMsg: "getLocation:ok" });
      else options.fail?.({ errMsg: "getLocation:fail auth deny" });
    },
    /** Saved files live in a folder of their own, as a phone's user data does, so removing one never touches a fixture. */
    getFileSystemManager: () => ({
      saveFile(options: { tempFilePath: string; success?: (res: { savedFilePath: string; errMsg: string }) => void }) {
        const savedFilePath = path.join(
          savedFiles(),
          `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}${path.extname(options.tempFilePath)}`,
        );
        fs.copyFileSync(options.tempFilePath, savedFilePath);
        options.success?.({ savedFilePath, errMsg: "saveFile:ok" });
      },
      removeSavedFile(options: {
        filePath: string;
        success?: (res: { errMsg: string }) => void;
        fail?: (err: { errMsg: string }) => void;
      }) {
        if (!options.filePath.startsWith(savedFiles())) return options.fail?.({ errMsg: "removeSavedFile:fail not a saved file" });
        fs.rmSync(options.filePath, { force: true });
        options.success?.({ errMsg: "removeSavedFile:ok" });
      },
    }),
    onNetworkStatusChange: (listener: (res: { isConnected: boolean; networkType: string }) => void) => void networkListeners.push(listener),
    getNetworkType: (options: { success?: (res: unknown) => void }) => options.success?.({ networkType: fake.online ? "4g" : "none" }),
    showToast: record("showToast"),
    showModal: record("showModal"),
    showLoading: record("showLoading"),
    hideLoading: record("hideLoading"),
    navigateTo: record("navigateTo"),
    redirectTo: record("redirectTo"),
    navigateBack: record("navigateBack"),
    setNavigationBarTitle: record("setNavigationBarTitle"),
    stopPullDownRefresh: record("stopPullDownRefresh"),
    chooseLocation: record("chooseLocation"),
    requestSubscribeMessage: record("requestSubscribeMessage"),
  };
  (globalThis as Record<string, unknown>).wx = wx;
  (globalThis as Record<string, unknown>).getApp = () => ({ globalData: {} });
  // app.ts as WeChat runs it: launched once, shown once.
  (globalThis as Record<string, unknown>).App = (definition: { onLaunch?: () => void; onShow?: () => void }) => {
    definition.onLaunch?.();
    definition.onShow?.();
  };
  require(path.join(miniprogramRoot, "app.ts"));
  // Pages are written with Page(); miniprogram-simulate renders components, so a page becomes one.
  (globalThis as Record<string, unknown>).Page = (definition: Record<string, unknown>) => {
    const { data, onLoad, onShow, onUnload, ...rest } = definition as {
      data?: object;
      onLoad?: (q: object) => void;
      onShow?: () => void;
      onUnload?: () => void;
    };
    const methods = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === "function"));
    (globalThis as unknown as { Component(def: object): void }).Component({
      data,
      methods: { ...methods, onLoad, onShow, onUnload },
      lifetimes: {
        attached(this: { onLoad?: (q: object) => void; onShow?: () => void }) {
          this.onLoad?.(pageQuery);
          this.onShow?.();
        },
      },
    });
  };
  void t;
  return fake;
}

let pageQuery: Record<string, string> = {};
let savedDir: string | undefined;
function savedFiles(): string {
  if (!savedDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wx-saved-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    savedDir = dir;
  }
  return savedDir;
}

/** A test app (the demo county, in memory) listening on a free port, and the mini-program's `wx` pointed at it. */
export async function startMiniprogram(user?: string): Promise<{ t: TestApp; wx: FakeWx }> {
  const { createTestApp } = await import("../helpers/test-app.ts");
  const t = await createTestApp({ logLevel: "error" });
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  return { t, wx: installMiniprogram(t, `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`, user) };
}

export interface RenderedPage {
  /** The component instance: its data, and its methods (the page's handlers). */
  instance: Record<string, (...args: unknown[]) => unknown> & { data: Record<string, unknown> };
  /** The rendered page's text, whitespace squeezed. */
  text(): string;
  query(selector: string): { dom: HTMLElement; dispatchEvent(name: string, detail?: object): void } | undefined;
  all(selector: string): { dom: HTMLElement; dispatchEvent(name: string, detail?: object): void }[];
}

/** Loads and attaches a page ("pages/report/report") with the query it was opened with. */
export function renderPage(page: string, query: Record<string, string> = {}): RenderedPage {
  const simulate = require("miniprogram-simulate");
  pageQuery = query;
  const id = simulate.load(path.join(miniprogramRoot, page), { compiler: "simulate", rootPath: miniprogramRoot });
  const component = simulate.render(id);
  component.attach(document.createElement("parent-wrapper"));
  return {
    instance: component.instance,
    text: () => component.dom.textContent.replace(/\s+/g, " ").trim(),
    query: (selector: string) => component.querySelector(selector) ?? undefined,
    all: (selector: string) => component.querySelectorAll(selector),
  };
}

/** Lets setData and the page's async handlers run. */
export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
