import { createContext, useContext, useEffect, useRef, useState, useCallback } from "react";
import type { z } from "zod";
import type { ConsoleFeatures } from "../../server/features/console/console-schemas.ts";
import type { regionListResponseSchema } from "../../server/features/regions/region-schemas.ts";
import { api, type RequestOptions } from "./api.ts";
import type { RealtimeMessage, RealtimeState } from "./realtime.ts";
import type { StaffSession } from "./session.ts";

export type RegionNode = z.output<typeof regionListResponseSchema>["items"][number];

export interface ConsoleContextValue {
  session: StaffSession;
  call: <T>(method: "GET" | "POST", url: string, options?: Omit<RequestOptions, "token">) => Promise<T>;
  /** Every region at or below the user's own, in tree order. */
  regions: RegionNode[];
  realtime: RealtimeState;
  /** Listens to pushes from /ws while the component is mounted. */
  subscribe: (listener: (message: RealtimeMessage) => void) => () => void;
  features: ConsoleFeatures;
  logout: () => void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside the console");
  return value;
}

/** Loads data and reloads it on demand; keeps the last answer while reloading so tables do not flash. */
export function useLoader<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: Error | null; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    const run = ++current.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => run === current.current && setState({ data, error: null, loading: false }),
      (error: Error) => run === current.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Reloads when something moves in the user's region (debounced: a bulk action sends a burst). */
export function useLiveReload(reload: () => void, filter: (message: RealtimeMessage) => boolean = () => true): void {
  const { subscribe } = useConsole();
  const filterRef = useRef(filter);
  filterRef.current = filter;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribe((message) => {
      const moved = ["case.updated", "task.opened", "task.escalated"].includes(message.type) && filterRef.current(message);
      // "resync": the server may have missed pushes, so whatever is shown is reloaded.
      if (!moved && message.type !== "resync") return;
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [subscribe, reload]);
}

export function useRegionsLoader(): RegionNode[] {
  const [regions, setRegions] = useState<RegionNode[]>([]);
  useEffect(() => {
    api<{ items: RegionNode[] }>("GET", "/api/regions").then(
      (r) => setRegions(r.items),
      () => setRegions([]),
    );
  }, []);
  return regions;
}

/** The regions under (and including) one code, for pickers. */
export function subtree(regions: RegionNode[], rootCode: string): RegionNode[] {
  const inside = new Set([rootCode]);
  const out: RegionNode[] = [];
  for (const node of regions) {
    if (node.code === rootCode || (node.parentCode && inside.has(node.parentCode))) {
      inside.add(node.code);
      out.push(node);
    }
  }
  return out;
}

export interface TreeOption {
  value: string;
  title: string;
  children?: TreeOption[];
  disabled?: boolean;
}

/** antd TreeSelect data for the user's own region downwards (villagers' groups left out unless asked). */
export function regionTree(
  regions: RegionNode[],
  rootCode: string,
  options: { withGroups?: boolean; selectable?: (node: RegionNode) => boolean } = {},
): TreeOption[] {
  const nodes = subtree(regions, rootCode).filter((n) => options.withGroups || n.level !== "GROUP");
  const byParent = new Map<string | null, RegionNode[]>();
  for (const node of nodes) {
    const parent = node.code === rootCode ? null : node.parentCode;
    byParent.set(parent, [...(byParent.get(parent) ?? []), node]);
  }
  const build = (parent: string | null): TreeOption[] =>
    (byParent.get(parent) ?? []).map((node) => {
      const children = build(node.code);
      return {
        value: node.code,
        title: node.name,
        disabled: options.selectable ? !options.selectable(node) : false,
        ...(children.length ? { children } : {}),
      };
    });
  return build(null);
}
