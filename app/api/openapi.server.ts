// The OpenAPI 3.1 description of Zhiping's JSON API, served at /api/openapi.json.
import { telemetryLinesPath } from "../telemetry/openapi";

const text = { type: "object", required: ["zh", "en"], properties: { zh: { type: "string" }, en: { type: "string" } } };

const answerValue = {
  oneOf: [
    { type: "object", required: ["type", "value"], properties: { type: { const: "rating" }, value: { enum: ["full", "most", "partial", "none", "na"] } } },
    { type: "object", required: ["type", "value"], properties: { type: { const: "single" }, value: { type: "string" } } },
    { type: "object", required: ["type", "value"], properties: { type: { const: "multi" }, value: { type: "array", items: { type: "string" } } } },
    { type: "object", required: ["type", "value"], properties: { type: { const: "numeric" }, value: { type: "number" } } },
    { type: "object", required: ["type", "value"], properties: { type: { const: "percentage" }, value: { type: "number", minimum: 0, maximum: 100 } } },
    { type: "object", required: ["type", "value"], properties: { type: { const: "sceneLevel" }, value: { type: "integer", minimum: 0, maximum: 4 } } },
  ],
};

const reason = { type: "object", required: ["code", "params", "text"], properties: { code: { type: "string" }, params: { type: "object" }, text: { $ref: "#/components/schemas/Text" } } };

const nodeScore = {
  type: "object",
  required: ["id", "kind", "name", "score", "max", "ratio", "answered", "total", "children"],
  properties: {
    id: { type: "string" }, kind: { type: "string" }, name: { $ref: "#/components/schemas/Text" },
    score: { type: "number" }, max: { type: "number" }, ratio: { type: "number", minimum: 0, maximum: 1 },
    answered: { type: "integer" }, total: { type: "integer" },
    children: { type: "array", items: { $ref: "#/components/schemas/NodeScore" } },
  },
};

const result = {
  type: "object",
  description: "The engine's AssessmentResult (assessments/types.ts), with the framework id and version it was scored with.",
  required: ["frameworkId", "frameworkVersion", "model", "completeness", "total", "level", "nodes", "gates", "why", "roadmap", "evidence"],
  properties: {
    frameworkId: { type: "string" },
    frameworkVersion: { type: "string" },
    model: { enum: ["maturity", "points", "readiness"] },
    industryType: { enum: ["discrete", "process", null] },
    completeness: { type: "object", properties: { answered: { type: "integer" }, total: { type: "integer" }, ratio: { type: "number" } } },
    total: { type: "object", properties: { score: { type: "number" }, max: { type: "number" } } },
    level: {
      type: "object",
      properties: {
        value: { type: ["integer", "null"] }, name: { oneOf: [{ $ref: "#/components/schemas/Text" }, { type: "null" }] },
        ceiling: { type: ["integer", "null"] }, byGate: { type: ["integer", "null"] }, byBands: { type: ["integer", "null"] },
        decidedBy: { enum: ["gate", "bands", "rule"] }, reasons: { type: "array", items: { $ref: "#/components/schemas/Reason" } },
      },
    },
    nodes: { type: "array", items: { $ref: "#/components/schemas/NodeScore" } },
    gates: { type: "array", items: { type: "object" } },
    why: { type: "array", items: { $ref: "#/components/schemas/Reason" } },
    roadmap: { type: "array", items: { type: "object" } },
    evidence: { type: "array", items: { type: "object" } },
    extras: { type: "object" },
  },
};

const assessment = {
  type: "object",
  required: ["id", "organizationId", "frameworkId", "frameworkVersion", "industryType", "status", "createdAt", "updatedAt", "submittedAt"],
  properties: {
    id: { type: "string" }, organizationId: { type: "string" }, frameworkId: { type: "string" }, frameworkVersion: { type: "string" },
    industryType: { enum: ["discrete", "process"] }, status: { enum: ["draft", "submitted"] },
    createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" },
    submittedAt: { type: ["string", "null"], format: "date-time" },
  },
};

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { enum: ["unauthorized", "not_found", "invalid_parameter", "method_not_allowed"] }, message: { type: "string" } },
    },
  },
};

const errors = {
  "401": { description: "Missing, unknown or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "404": { description: "No such assessment in the token's organisation", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

const idParam = { name: "assessmentId", in: "path", required: true, schema: { type: "string" } };

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Zhiping API",
      version: "1.0.0",
      description: "Read an organisation's assessments and results. Authenticate with an organisation API token (created on the organisation's API tokens page) as `Authorization: Bearer <token>`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/assessments": {
        get: {
          operationId: "listAssessments",
          summary: "The organisation's assessments, newest first",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
          ],
          responses: {
            "200": {
              description: "A page of assessments",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["items", "next"],
                    properties: {
                      items: {
                        type: "array",
                        items: {
                          type: "object",
                          properties: {
                            id: { type: "string" }, frameworkId: { type: "string" }, frameworkVersion: { type: "string" },
                            status: { enum: ["draft", "submitted"] }, createdAt: { type: "string" }, submittedAt: { type: ["string", "null"] },
                            selfResult: { oneOf: [{ type: "null" }, { type: "object", properties: { level: { type: ["integer", "null"] }, total: { type: "object" } } }] },
                          },
                        },
                      },
                      next: { type: ["string", "null"], description: "The next page's path, or null" },
                    },
                  },
                },
              },
            },
            "400": { description: "A query parameter is not valid", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
            "401": errors["401"],
          },
        },
      },
      "/api/v1/assessments/{assessmentId}": {
        get: {
          operationId: "getAssessment",
          summary: "One assessment with its self answers",
          parameters: [idParam],
          responses: {
            "200": {
              description: "The assessment",
              content: {
                "application/json": {
                  schema: {
                    allOf: [
                      { $ref: "#/components/schemas/Assessment" },
                      { type: "object", properties: { answers: { type: "object", additionalProperties: { $ref: "#/components/schemas/AnswerValue" } } } },
                    ],
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      "/api/v1/assessments/{assessmentId}/result": {
        get: {
          operationId: "getAssessmentResult",
          summary: "The self result (after submission) and the latest signed audited result",
          parameters: [idParam],
          responses: {
            "200": {
              description: "Results",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["assessmentId", "status", "self", "audited"],
                    properties: {
                      assessmentId: { type: "string" },
                      status: { enum: ["draft", "submitted"] },
                      self: { oneOf: [{ type: "null" }, { $ref: "#/components/schemas/AssessmentResult" }] },
                      audited: {
                        oneOf: [
                          { type: "null" },
                          { type: "object", properties: { version: { type: "integer" }, signedAt: { type: "string" }, result: { $ref: "#/components/schemas/AssessmentResult" } } },
                        ],
                      },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      "/api/v1/telemetry/lines": telemetryLinesPath(errors["401"]),
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An organisation API token, `zp_…`" } },
      schemas: { Text: text, AnswerValue: answerValue, Reason: reason, NodeScore: nodeScore, AssessmentResult: result, Assessment: assessment, Error: error },
    },
  };
}
