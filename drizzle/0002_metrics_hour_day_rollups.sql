CREATE TABLE "execution_days" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
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
	"day" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "execution_days_namespace_workflow_day_pk" PRIMARY KEY("namespace","workflow","day")
);
--> statement-breakpoint
CREATE TABLE "execution_hours" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
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
	"hour" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "execution_hours_namespace_workflow_hour_pk" PRIMARY KEY("namespace","workflow","hour")
);
--> statement-breakpoint
CREATE TABLE "step_days" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
	"type" text NOT NULL,
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
	"day" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "step_days_namespace_workflow_type_day_pk" PRIMARY KEY("namespace","workflow","type","day")
);
--> statement-breakpoint
CREATE TABLE "step_hours" (
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
	"type" text NOT NULL,
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
	"hour" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "step_hours_namespace_workflow_type_hour_pk" PRIMARY KEY("namespace","workflow","type","hour")
);
--> statement-breakpoint
CREATE INDEX "execution_days_day_idx" ON "execution_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "execution_hours_hour_idx" ON "execution_hours" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "step_days_day_idx" ON "step_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "step_hours_hour_idx" ON "step_hours" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "events_timestamp_idx" ON "events" USING btree ("timestamp");