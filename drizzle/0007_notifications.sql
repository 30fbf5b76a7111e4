CREATE TABLE "alert_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"receiver_id" uuid NOT NULL,
	"namespace" text,
	"group_key" text NOT NULL,
	"status" text NOT NULL,
	"alert_ids" uuid[] NOT NULL,
	"firing_count" integer NOT NULL,
	"resolved_count" integer NOT NULL,
	"body" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"next_attempt_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"delivered_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_receivers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"timeout_ms" integer,
	"namespace" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alert_receivers_namespace_name_key" UNIQUE NULLS NOT DISTINCT("namespace","name")
);
--> statement-breakpoint
CREATE TABLE "alert_routes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"receiver_id" uuid NOT NULL,
	"matchers" jsonb NOT NULL,
	"namespaces" text[],
	"group_by" text[] NOT NULL,
	"group_wait_ms" integer NOT NULL,
	"group_interval_ms" integer NOT NULL,
	"repeat_interval_ms" integer NOT NULL,
	"send_resolved" boolean NOT NULL,
	"continue" boolean NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_silences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"matchers" jsonb NOT NULL,
	"namespaces" text[],
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"comment" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_groups" (
	"key" text PRIMARY KEY NOT NULL,
	"route_id" uuid NOT NULL,
	"labels" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_notified_at" timestamp (3) with time zone,
	"notified" uuid[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_receiver_id_alert_receivers_id_fk" FOREIGN KEY ("receiver_id") REFERENCES "public"."alert_receivers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_routes" ADD CONSTRAINT "alert_routes_receiver_id_alert_receivers_id_fk" FOREIGN KEY ("receiver_id") REFERENCES "public"."alert_receivers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_groups" ADD CONSTRAINT "notification_groups_route_id_alert_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."alert_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_deliveries_seq_key" ON "alert_deliveries" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "alert_deliveries_pending_idx" ON "alert_deliveries" USING btree ("seq") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "alert_deliveries_fifo_idx" ON "alert_deliveries" USING btree ("receiver_id","group_key","seq") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "alert_deliveries_alert_ids_idx" ON "alert_deliveries" USING gin ("alert_ids");--> statement-breakpoint
CREATE INDEX "alert_routes_position_idx" ON "alert_routes" USING btree ("position","id");--> statement-breakpoint
CREATE INDEX "alert_silences_ends_idx" ON "alert_silences" USING btree ("ends_at");