CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tx_id" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL,
	"namespace" text NOT NULL,
	"execution_id" uuid,
	"step_id" uuid,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb,
	"timestamp" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"workflow" text NOT NULL,
	"external_id" text,
	"status" text NOT NULL,
	"labels" jsonb,
	"error" text,
	"sla_ms" integer,
	"timeout_ms" integer,
	"created_at" timestamp (3) with time zone NOT NULL,
	"queued_at" timestamp (3) with time zone,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"execution_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"progress_percent" double precision DEFAULT 0 NOT NULL,
	"message" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"error" text,
	"decision" text,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_feed_idx" ON "events" USING btree ("tx_id","id");--> statement-breakpoint
CREATE INDEX "events_namespace_feed_idx" ON "events" USING btree ("namespace","tx_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_execution_seq_key" ON "events" USING btree ("execution_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "executions_namespace_external_id_key" ON "executions" USING btree ("namespace","external_id");--> statement-breakpoint
CREATE INDEX "executions_namespace_created_idx" ON "executions" USING btree ("namespace","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "executions_created_idx" ON "executions" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "executions_active_idx" ON "executions" USING btree ("status") WHERE status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL');--> statement-breakpoint
CREATE UNIQUE INDEX "steps_execution_position_key" ON "steps" USING btree ("execution_id","position");