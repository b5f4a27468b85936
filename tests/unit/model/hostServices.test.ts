import { validateStackConfig } from "../../../targets";
import { buildHostServices } from "../../../model/hostServices";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
function stockAnalysisPostgres(edit?: (pg: Record<string, any>) => void) {
  const raw: Record<string, any> = rawStackConfig("stock-analysis");
  edit?.(raw["hostServices"]["stock-analysis"].postgres);
  const host = buildHostServices(validateStackConfig(raw, "stock-analysis"), "stock-analysis").find((h) => h.host === "stock-analysis");
  return host!.postgres!;
}

// The PostgreSQL renderer takes a fully resolved spec: these are the defaults the model (not the
// renderer) applies, each in one place; the schema applies the rest.
describe("the model resolves every PostgreSQL default", () => {
  it("for the stock-analysis guest: cluster, 25% shared_buffers, login, connection limit, event store writers", () => {
    const pg = stockAnalysisPostgres((p) => delete p.eventStore.writerRoles);
    expect(pg).toMatchObject({ version: 15, cluster: "main", listenAddresses: ["localhost"], maxConnections: 100, sharedBuffersMb: 2048, settings: {}, clients: [] });
    expect(pg.roles).toEqual([{ name: "stock_analysis_user", passwordSecret: "PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD", login: true, bypassRls: false, memberOf: [], connectionLimit: -1 }]);
    expect(pg.databases[0]).toEqual({ name: "stock_analysis_event_store", owner: "stock_analysis_user", readWriteRoles: [], readOnlyRoles: [], extensions: [{ name: "pgcrypto", package: undefined }] });
    // Writers default to the database's owner.
    expect(pg.eventStore).toEqual({ database: "stock_analysis_event_store", writerRoles: ["stock_analysis_user"], readerRoles: [], refreshOnCalendar: "*:0/5" });
  });

  it("a role without a password is NOLOGIN unless it says login; localhost is always listened on", () => {
    const pg = stockAnalysisPostgres((p) => {
      p.roles.push({ name: "readers" }, { name: "batch", login: true });
      p.listenAddresses = ["10.0.0.5"];
      p.sharedBuffersMb = 512;
    });
    expect(pg.roles.slice(1).map((r) => [r.name, r.login, r.passwordSecret])).toEqual([["readers", false, undefined], ["batch", true, undefined]]);
    expect(pg.listenAddresses).toEqual(["localhost", "10.0.0.5"]);
    expect(pg.sharedBuffersMb).toBe(512);
    expect(stockAnalysisPostgres((p) => (p.listenAddresses = ["*"])).listenAddresses).toEqual(["*"]);
  });

  it("a client without databases or roles may reach every database as every role with a password", () => {
    const pg = stockAnalysisPostgres((p) => {
      p.roles.push({ name: "readers" });
      p.clients = [{ cidr: "10.231.0.0/24" }, { cidr: "10.232.0.0/24", roles: ["readers"] }];
    });
    expect(pg.clients).toEqual([
      { cidr: "10.231.0.0/24", databases: ["stock_analysis_event_store"], roles: ["stock_analysis_user"] },
      { cidr: "10.232.0.0/24", databases: ["stock_analysis_event_store"], roles: ["readers"] },
    ]);
  });
});
