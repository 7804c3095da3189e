import { DatabaseUnavailableError } from "@sigil/core";
import { QueryFailedError } from "typeorm";
import { asDatabaseUnavailable, isDatabaseConnectionError } from "./database-connection-error.js";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isDatabaseConnectionError", () => {
  it.each([
    ["refused connect", withCode("ECONNREFUSED")],
    ["reset socket", withCode("ECONNRESET")],
    ["server starting up (57P03)", withCode("57P03", "the database system is not yet accepting connections")],
    ["admin shutdown (57P01)", withCode("57P01")],
    ["connection failure class 08", withCode("08006")],
    ["dropped connection", new Error("Connection terminated unexpectedly")],
    [
      "wrapped by TypeORM",
      new QueryFailedError("SELECT 1", [], new Error("Connection terminated unexpectedly")),
    ],
  ])("G2: %s is an outage", (_name, error) => {
    expect(isDatabaseConnectionError(error)).toBe(true);
    expect(asDatabaseUnavailable(error)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it.each([
    ["unique violation", new QueryFailedError("INSERT", [], withCode("23505"))],
    ["syntax error", withCode("42601")],
    ["plain bug", new TypeError("undefined is not a function")],
    [
      "a fetch failure wrapping ECONNREFUSED (an RPC, not the database)",
      new TypeError("fetch failed", { cause: withCode("ECONNREFUSED") }),
    ],
    ["not an object", "ECONNREFUSED"],
  ])("G2: %s is not", (_name, error) => {
    expect(isDatabaseConnectionError(error)).toBe(false);
    expect(asDatabaseUnavailable(error)).toBe(error);
  });
});
