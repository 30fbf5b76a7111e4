CREATE TABLE "alert_executions" (
	"alert_id" uuid NOT NULL,
	"execution_id" uuid NOT NULL,
	"counted_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alert_executions_alert_id_execution_id_pk" PRIMARY KEY("alert_id","execution_id")
);
--> statement-breakpoint
CREATE TABLE "alert_rule_settings" (
	"namespace" text NOT NULL,
	"rule" text NOT NULL,
	"enabled" boolean,
	"severity" text,
	"threshold" double precision,
	"window_ms" integer,
	"min_sample" integer,
	"pending_ms" integer,
	"hold_ms" integer,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alert_rule_settings_namespace_rule_pk" PRIMARY KEY("namespace","rule")
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "workflow" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "sla_breached_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "timeout_breached_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "monitor_state" ADD COLUMN "leader_id" text;--> statement-breakpoint
ALTER TABLE "monitor_state" ADD COLUMN "leader_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "monitor_state" ADD COLUMN "rounds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_executions" ADD CONSTRAINT "alert_executions_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_executions" ADD CONSTRAINT "alert_executions_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_executions_execution_idx" ON "alert_executions" USING btree ("execution_id");--> statement-breakpoint
CREATE INDEX "executions_sla_breached_idx" ON "executions" USING btree ("sla_breached_at") WHERE sla_breached_at is not null;--> statement-breakpoint
CREATE INDEX "executions_timeout_breached_idx" ON "executions" USING btree ("timeout_breached_at") WHERE timeout_breached_at is not null;