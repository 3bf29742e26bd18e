// The first schema. Dialect-neutral by construction: only text, integer and double precision columns,
// no auto-increment, no JSON or date types, no partial indexes, so SQLite and PostgreSQL run it unchanged.
import type { Kysely } from "kysely";

const ts = "text";
const dbl = "double precision";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("region")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("district")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("region_code", "text", (c) => c.notNull().references("region.code"))
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("cluster")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("industry")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("industry_type", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("organization")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("credit_code", "text", (c) => c.unique())
    .addColumn("industry_code", "text", (c) => c.notNull())
    .addColumn("industry_division", "text", (c) => c.notNull().references("industry.code"))
    .addColumn("industry_type", "text", (c) => c.notNull())
    .addColumn("district_code", "text", (c) => c.notNull().references("district.code"))
    .addColumn("region_code", "text", (c) => c.notNull().references("region.code"))
    .addColumn("cluster_code", "text", (c) => c.references("cluster.code"))
    .addColumn("above_scale", "integer", (c) => c.notNull())
    .addColumn("employees", "integer", (c) => c.notNull())
    .addColumn("revenue_band", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The bureau portfolio filters and groups by these.
  await db.schema.createIndex("organization_region_district").on("organization").columns(["region_code", "district_code"]).execute();
  await db.schema.createIndex("organization_industry").on("organization").columns(["industry_division", "industry_code"]).execute();
  await db.schema.createIndex("organization_cluster").on("organization").column("cluster_code").execute();
  await db.schema.createIndex("organization_scale").on("organization").columns(["above_scale", "revenue_band"]).execute();
  await db.schema.createIndex("organization_name").on("organization").column("name").execute();

  await db.schema
    .createTable("organization_flag")
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("flag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("organization_flag_pk", ["organization_id", "flag"])
    .execute();
  await db.schema.createIndex("organization_flag_flag").on("organization_flag").columns(["flag", "organization_id"]).execute();

  await db.schema
    .createTable("user")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("region_code", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("membership")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("membership_pk", ["user_id", "organization_id"])
    .execute();
  await db.schema.createIndex("membership_organization").on("membership").column("organization_id").execute();

  await db.schema
    .createTable("consultant_grant")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("consultant_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("granted_by", "text", (c) => c.notNull())
    .addColumn("granted_at", ts, (c) => c.notNull())
    .addColumn("revoked_at", ts)
    .addColumn("revoked_by", "text")
    .execute();
  await db.schema.createIndex("consultant_grant_consultant").on("consultant_grant").columns(["consultant_id", "organization_id"]).execute();
  await db.schema.createIndex("consultant_grant_organization").on("consultant_grant").column("organization_id").execute();

  await db.schema
    .createTable("session")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("session_user").on("session").column("user_id").execute();

  await db.schema
    .createTable("login_failure")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_failure_bucket_at").on("login_failure").columns(["bucket", "at"]).execute();

  await db.schema
    .createTable("assessment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("framework_id", "text", (c) => c.notNull())
    .addColumn("framework_version", "text", (c) => c.notNull())
    .addColumn("industry_type", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("submitted_at", ts)
    .execute();
  await db.schema.createIndex("assessment_organization_created").on("assessment").columns(["organization_id", "created_at"]).execute();
  await db.schema.createIndex("assessment_framework_status").on("assessment").columns(["framework_id", "status"]).execute();

  await db.schema
    .createTable("answer")
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("question_id", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("answer_pk", ["assessment_id", "question_id"])
    .execute();

  await db.schema
    .createTable("evidence")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("question_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("file_name", "text")
    .addColumn("stored_name", "text")
    .addColumn("content_type", "text")
    .addColumn("size_bytes", "integer")
    .addColumn("sha256", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("evidence_assessment_question").on("evidence").columns(["assessment_id", "question_id"]).execute();

  await db.schema
    .createTable("result")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("audit_version", "integer", (c) => c.notNull())
    .addColumn("framework_id", "text", (c) => c.notNull())
    .addColumn("framework_version", "text", (c) => c.notNull())
    .addColumn("level", "integer")
    .addColumn("level_ceiling", "integer")
    .addColumn("total_score", dbl, (c) => c.notNull())
    .addColumn("total_max", dbl, (c) => c.notNull())
    .addColumn("completeness", dbl, (c) => c.notNull())
    .addColumn("scored_at", ts, (c) => c.notNull())
    .addColumn("result_json", "text", (c) => c.notNull())
    .addUniqueConstraint("result_assessment_kind_version", ["assessment_id", "kind", "audit_version"])
    .execute();
  await db.schema.createIndex("result_organization_scored").on("result").columns(["organization_id", "scored_at"]).execute();
  await db.schema.createIndex("result_framework_level").on("result").columns(["framework_id", "kind", "level"]).execute();

  await db.schema
    .createTable("result_node")
    .addColumn("result_id", "text", (c) => c.notNull().references("result.id").onDelete("cascade"))
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("parent_id", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("depth", "integer", (c) => c.notNull())
    .addColumn("score", dbl, (c) => c.notNull())
    .addColumn("max", dbl, (c) => c.notNull())
    .addColumn("ratio", dbl, (c) => c.notNull())
    .addPrimaryKeyConstraint("result_node_pk", ["result_id", "node_id"])
    .execute();
  await db.schema.createIndex("result_node_node").on("result_node").columns(["node_id", "ratio"]).execute();

  await db.schema
    .createTable("audit")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("consultant_id", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("signed_at", ts)
    .addColumn("signed_by", "text")
    .addUniqueConstraint("audit_assessment_version", ["assessment_id", "version"])
    .execute();

  await db.schema
    .createTable("audit_answer")
    .addColumn("audit_id", "text", (c) => c.notNull().references("audit.id").onDelete("cascade"))
    .addColumn("question_id", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("evidence_checked", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("audit_answer_pk", ["audit_id", "question_id"])
    .execute();

  await db.schema
    .createTable("audit_event")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("assessment_id", "text")
    .addColumn("actor_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_event_organization").on("audit_event").columns(["organization_id", "id"]).execute();
  await db.schema.createIndex("audit_event_assessment").on("audit_event").columns(["assessment_id", "id"]).execute();

  await db.schema
    .createTable("api_token")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("token_prefix", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("last_used_at", ts)
    .addColumn("revoked_at", ts)
    .execute();
  await db.schema.createIndex("api_token_organization").on("api_token").column("organization_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "api_token", "audit_event", "audit_answer", "audit", "result_node", "result", "evidence", "answer", "assessment",
    "login_failure", "session", "consultant_grant", "membership", "user", "organization_flag", "organization",
    "industry", "cluster", "district", "region",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
