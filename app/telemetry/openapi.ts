// The OpenAPI description of /api/v1/telemetry/lines (merged into /api/openapi.json by app/api/openapi.server.ts).
const nullableTime = { type: ["string", "null"], description: "ISO 8601, the last usable reading within 30 days; null when none" };

export function telemetryLinesPath(unauthorized: unknown) {
  return {
    get: {
      operationId: "listTelemetryLines",
      summary: "The organisation's registered lines, machines and signals (its ingest registry) with last data times and source states",
      responses: {
        "200": {
          description: "The registration",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["enterprise", "items"],
                properties: {
                  enterprise: {
                    oneOf: [
                      { type: "null" },
                      { type: "object", properties: { key: { type: "string" }, sparkplugGroup: { type: "string" }, topicRoot: { type: "string" } } },
                    ],
                  },
                  items: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        id: { type: "string" }, key: { type: "string" }, name: { type: "string" }, calendar: { type: "object" },
                        sources: { type: "array", items: { type: "object", properties: { name: { type: "string" }, state: { enum: ["connecting", "connected", "disconnected", "error", "unknown"] } } } },
                        machines: {
                          type: "array",
                          items: {
                            type: "object",
                            properties: {
                              key: { type: "string" }, name: { type: "string" }, idealCycleTimeS: { type: ["number", "null"] }, roles: { type: "object" }, lastDataAt: nullableTime,
                              signals: {
                                type: "array",
                                items: {
                                  type: "object",
                                  properties: {
                                    key: { type: "string" }, kind: { enum: ["gauge", "counter", "state", "flag", "text"] }, unit: { type: ["string", "null"] },
                                    addresses: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } }, lastDataAt: nullableTime,
                                  },
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        "401": unauthorized,
      },
    },
  };
}
