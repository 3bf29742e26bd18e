/** The simulator's OPC UA namespace. Addresses use it (`nsu=`) so they survive namespace renumbering. */
export const SIMULATOR_NAMESPACE_URI = "urn:zhiping:simulator";
