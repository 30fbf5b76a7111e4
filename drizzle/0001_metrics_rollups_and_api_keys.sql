CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"namespaces" text[],
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "execution_minutes" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
	"minute" timestamp (3) with time zone NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"timed_out" integer DEFAULT 0 NOT NULL,
	"duration_count" integer DEFAULT 0 NOT NULL,
	"duration_sum_ms" double precision DEFAULT 0 NOT NULL,
	"duration_min_ms" double precision,
	"duration_max_ms" double precision,
	"duration_histogram" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"queue_count" integer DEFAULT 0 NOT NULL,
	"queue_sum_ms" double precision DEFAULT 0 NOT NULL,
	"queue_min_ms" double precision,
	"queue_max_ms" double precision,
	"queue_histogram" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"sla_tracked" integer DEFAULT 0 NOT NULL,
	"sla_violations" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "execution_minutes_namespace_workflow_minute_pk" PRIMARY KEY("namespace","workflow","minute")
);
--> statement-breakpoint
CREATE TABLE "step_minutes" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
	"type" text NOT NULL,
	"minute" timestamp (3) with time zone NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"first_attempt_completed" integer DEFAULT 0 NOT NULL,
	"duration_count" integer DEFAULT 0 NOT NULL,
	"duration_sum_ms" double precision DEFAULT 0 NOT NULL,
	"duration_min_ms" double precision,
	"duration_max_ms" double precision,
	"duration_histogram" integer[] DEFAULT '{}'::integer[] NOT NULL,
	CONSTRAINT "step_minutes_namespace_workflow_type_minute_pk" PRIMARY KEY("namespace","workflow","type","minute")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "execution_minutes_minute_idx" ON "execution_minutes" USING btree ("minute");--> statement-breakpoint
CREATE INDEX "step_minutes_minute_idx" ON "step_minutes" USING btree ("minute");