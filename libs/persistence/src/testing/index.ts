// @sigil/persistence/testing: throwaway migrated databases for tests, off the production surface.
export * from "./create-test-data-source.js";
