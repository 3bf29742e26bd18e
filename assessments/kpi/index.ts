// The KPI engine: pure functions from plain series to numbers with their provenance (ISO 22400-2).
export * from "./series";
export * from "./states";
export * from "./counters";
export * from "./oee";
export * from "./reliability";
export * from "./coverage";
