import { call } from "./api";

export interface VillageChoice {
  code: string;
  /** "柳溪镇 石门村": the township too, since two townships may both have a 桃园村. */
  label: string;
}

/** The villages for a picker; empty when offline (the form still takes a typed address, and the picker fills next time). */
export async function villageChoices(): Promise<VillageChoice[]> {
  try {
    const { items } = await call("GET /api/regions");
    const names = new Map(items.map((r) => [r.code, r.name]));
    return items
      .filter((r) => r.level === "VILLAGE")
      .map((r) => ({ code: r.code, label: `${names.get(r.parentCode ?? "") ?? ""} ${r.name}`.trim() }));
  } catch {
    return [];
  }
}
