import Fastify, { type FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { accessPlugin, declarationProblem, messageRefusal, pathParams, publicAccess, withAccess } from "../../../server/http/access.ts";

describe("route access declarations", () => {
  it("reads a path's parameters, wildcards included", () => {
    expect(pathParams("/api/staff/cases/:id/tasks")).toEqual(["id"]);
    expect(pathParams("/api/publicity/:villageCode")).toEqual(["villageCode"]);
    expect(pathParams("/console/assets/*")).toEqual(["*"]);
    expect(pathParams("/api/staff/cases")).toEqual([]);
  });

  it("accepts what a route may declare", () => {
    expect(declarationProblem(publicAccess, "/console/assets/*")).toBeNull();
    expect(declarationProblem({ bot: true }, "/api/bot/messages")).toBeNull();
    expect(declarationProblem({ staff: ["COUNTY"], scope: "region" }, "/api/staff/cases")).toBeNull();
    expect(declarationProblem({ staff: ["VILLAGE"], scope: "case" }, "/api/staff/cases/:id")).toBeNull();
    expect(declarationProblem({ residents: true, scope: "case" }, "/api/me/cases/:number")).toBeNull();
    expect(declarationProblem({ residents: true, staff: ["VILLAGE"], scope: "village" }, "/api/publicity/:villageCode")).toBeNull();
  });

  it("refuses a declaration that leaves who may call, or what the path names, unsaid", () => {
    expect(declarationProblem(undefined, "/x")).toBe("declares no access rule");
    expect(declarationProblem({ staff: [], scope: "region" }, "/x")).toBe("admits nobody");
    expect(declarationProblem({ staff: ["COUNTY"], scope: "everywhere" as never }, "/x")).toBe('has an unknown scope "everywhere"');
    expect(declarationProblem({ staff: ["COUNTY"], scope: "region" }, "/api/staff/cases/:id")).toMatch(
      /path parameters \(id\) but no object scope/,
    );
    expect(declarationProblem({ staff: ["COUNTY"], scope: "case" }, "/api/staff/cases")).toMatch(
      /must name its case by one path parameter, :id or :number/,
    );
    expect(declarationProblem({ staff: ["COUNTY"], scope: "case" }, "/api/staff/cases/:caseId")).toMatch(/must name its case/);
    expect(declarationProblem({ staff: ["COUNTY"], scope: "task" }, "/api/staff/cases/:id/tasks/:taskId")).toMatch(/must name its task/);
    // No resident may address a task: declaring them is a mistake, not a permission.
    expect(declarationProblem({ residents: true, scope: "task" }, "/api/tasks/:id")).toBe("admits residents, who reach no task");
  });

  it("stops the start at a route whose declaration is missing or wrong", async () => {
    const probe = Fastify();
    await probe.register(accessPlugin);
    expect(() => probe.get("/undeclared", async () => "oops")).toThrow(/GET \/undeclared declares no access rule/);
    expect(() => probe.get("/cases/:id", { config: { access: { staff: ["COUNTY"], scope: "region" } } }, async () => "oops")).toThrow(
      /GET \/cases\/:id has path parameters/,
    );
    expect(() => probe.get("/declared", { config: { access: publicAccess } }, async () => "ok")).not.toThrow();
    await probe.close();
  });

  it("declares a third-party plugin's routes, which take no options of ours, in one place", async () => {
    const probe = Fastify();
    await probe.register(accessPlugin);
    const plugin = async (scope: FastifyInstance) => {
      scope.get("/docs/page", async () => "docs");
    };
    await probe.register(withAccess(publicAccess, plugin, {}));
    // Outside that registration the rule does not apply.
    expect(() => probe.get("/elsewhere", async () => "oops")).toThrow(/declares no access rule/);
    expect((await probe.inject({ method: "GET", url: "/docs/page" })).body).toBe("docs");
    await probe.close();
  });
});

describe("WebSocket message access", () => {
  it("lets anyone send what is open, only the bot what is the bot's, and only logged-in kinds what is theirs", () => {
    expect(messageRefusal("anyone", null)).toBeNull();
    expect(messageRefusal("bot", "bot")).toBeNull();
    expect(messageRefusal("bot", null)).toBe("UNAUTHORIZED");
    expect(messageRefusal("bot", "staff")).toBe("FORBIDDEN");
    expect(messageRefusal(["staff"], "staff")).toBeNull();
    expect(messageRefusal(["staff"], "resident")).toBe("FORBIDDEN");
    expect(messageRefusal(["staff", "resident"], "bot")).toBe("FORBIDDEN");
    expect(messageRefusal(["resident"], null)).toBe("UNAUTHORIZED");
  });
});
