import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../server/platform/database/database.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-admin-create-"));

/** npm run admin:create as an operator runs it, the password piped to standard input. */
function adminCreate(args: string[], password: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "server/cli/admin-create.ts", ...args],
      { cwd: root, env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: "" } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

describe("the first administrator, from the command line (embedded database)", () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it(
    "creates the county and its administrator on an empty database, refuses a weak password, another county and a taken name",
    { timeout: 120_000 },
    async () => {
      expect((await adminCreate(["--username", "admin", "--county", "433124"], "demo1234")).stderr).toContain("至少要 10 位");
      const made = await adminCreate(["--username", "admin", "--county", "433124"], "Huayuan-County-2027");
      expect(made).toMatchObject({ code: 0, stdout: expect.stringContaining("花垣县 (433124)") });
      expect((await adminCreate(["--username", "admin", "--county", "433124"], "Huayuan-County-2027")).stderr).toContain("taken");
      expect((await adminCreate(["--username", "admin2", "--county", "110101"], "Huayuan-County-2027")).stderr).toContain(
        "already serves county 433124",
      );
      // A second administrator: the county is the one the database serves.
      expect(await adminCreate(["--username", "deputy-admin"], "Huayuan-County-2027")).toMatchObject({
        code: 0,
        stdout: expect.stringContaining("花垣县 (433124)"),
      });
      const db = await openDatabase({ url: "", embeddedDir: path.join(dataDir, "pglite") });
      try {
        const admin = await db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "admin" }, include: { region: true } });
        expect(admin).toMatchObject({
          role: "ADMIN",
          mustChangePassword: false,
          region: { code: "433124", name: "花垣县", level: "COUNTY" },
        });
        expect(await db.prisma.staffAdminEvent.count({ where: { staffId: admin.id, action: "CREATED" } })).toBe(1);
      } finally {
        await db.close();
      }
    },
  );
});
