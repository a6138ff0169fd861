import { describe, expect, it } from "vitest";
import { findSchemaDrift } from "../../../../server/platform/database/schema-drift.ts";

describe("migrations and schema", () => {
  it("the committed migrations build exactly the database prisma/schema.prisma describes", async () => {
    expect(await findSchemaDrift()).toEqual({ onlyInMigrations: [], onlyInSchema: [] });
  }, 120_000);
});
