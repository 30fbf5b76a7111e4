CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"namespace" text,
	"subject" text NOT NULL,
	"message" text NOT NULL,
	"value" double precision,
	"threshold" double precision,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"clear_since" timestamp (3) with time zone,
	"occurrences" integer NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" text,
	"resolved_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "monitor_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"last_evaluated_at" timestamp (3) with time zone NOT NULL,
	"health_status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "system_streams" (
	"namespace" text PRIMARY KEY NOT NULL,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_fingerprint_key" ON "alerts" USING btree ("fingerprint") WHERE status <> 'RESOLVED';--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","first_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "executions_finished_idx" ON "executions" USING btree ("finished_at");