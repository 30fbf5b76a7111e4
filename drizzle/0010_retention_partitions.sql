-- Executions, their steps and events become tables partitioned by UTC day (executions and steps by
-- the execution's created_at, events by their timestamp), so retention drops whole days. Every row is
-- copied with its ids, transaction ids and seqs, and events keep their id sequence: every cursor stays valid.
-- A key of a partitioned table must contain its partition key, so the primary keys gain it; the
-- foreign keys to executions go (retention drops days, nothing deletes executions one by one), and
-- "one execution per external id" is kept by the write path's lock on the external id.
-- Writers wait for the copy (readers go on), so a write of an instance still on the old version cannot
-- land in a table after it was copied.
LOCK TABLE "executions", "steps", "events" IN EXCLUSIVE MODE;
--> statement-breakpoint
-- LIKE copies each table's columns as they are when this runs (whatever migrations added), with
-- their defaults and NOT NULL constraints (events keep their id sequence as default).
CREATE TABLE "executions_partitioned" (
	LIKE "executions" INCLUDING DEFAULTS,
	CONSTRAINT "executions_id_created_at_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE TABLE "steps_partitioned" (
	LIKE "steps" INCLUDING DEFAULTS,
	"execution_created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "steps_id_execution_created_at_pk" PRIMARY KEY("id","execution_created_at")
) PARTITION BY RANGE ("execution_created_at");
--> statement-breakpoint
CREATE TABLE "events_partitioned" (
	LIKE "events" INCLUDING DEFAULTS,
	CONSTRAINT "events_id_timestamp_pk" PRIMARY KEY("id","timestamp")
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
CREATE TABLE "executions_default" PARTITION OF "executions_partitioned" DEFAULT;
--> statement-breakpoint
CREATE TABLE "steps_default" PARTITION OF "steps_partitioned" DEFAULT;
--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events_partitioned" DEFAULT;
--> statement-breakpoint
-- A partition per UTC day of the last 40 that holds rows, and three days ahead of today. Older rows
-- go to the default partitions (one partition per day of years of history would exhaust the lock
-- table); the first retention pass removes those past retention, and makes day partitions for kept ones.
DO $$
DECLARE
	first_day date := greatest(least(
		(SELECT min(created_at AT TIME ZONE 'UTC')::date FROM "executions"),
		(SELECT min("timestamp" AT TIME ZONE 'UTC')::date FROM "events"),
		(now() AT TIME ZONE 'UTC')::date), (now() AT TIME ZONE 'UTC')::date - 40);
	last_day date := greatest(
		(SELECT max(created_at AT TIME ZONE 'UTC')::date FROM "executions"),
		(SELECT max("timestamp" AT TIME ZONE 'UTC')::date FROM "events"),
		(now() AT TIME ZONE 'UTC')::date + 3);
	day date;
	parent text;
BEGIN
	FOR day IN SELECT generate_series(first_day, last_day, interval '1 day')::date LOOP
		FOREACH parent IN ARRAY ARRAY['executions', 'steps', 'events'] LOOP
			EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
				parent || '_p' || to_char(day, 'YYYYMMDD'), parent || '_partitioned',
				to_char(day, 'YYYY-MM-DD') || 'T00:00:00Z', to_char(day + 1, 'YYYY-MM-DD') || 'T00:00:00Z');
		END LOOP;
	END LOOP;
END $$;
--> statement-breakpoint
INSERT INTO "executions_partitioned" SELECT * FROM "executions";
--> statement-breakpoint
INSERT INTO "steps_partitioned" SELECT s.*, e."created_at" FROM "steps" s JOIN "executions" e ON e."id" = s."execution_id";
--> statement-breakpoint
INSERT INTO "events_partitioned" SELECT * FROM "events";
--> statement-breakpoint
ALTER SEQUENCE "events_id_seq" OWNED BY NONE;
--> statement-breakpoint
DROP TABLE "events", "steps", "executions" CASCADE;
--> statement-breakpoint
ALTER TABLE "executions_partitioned" RENAME TO "executions";
--> statement-breakpoint
ALTER TABLE "steps_partitioned" RENAME TO "steps";
--> statement-breakpoint
ALTER TABLE "events_partitioned" RENAME TO "events";
--> statement-breakpoint
ALTER SEQUENCE "events_id_seq" OWNED BY "events"."id";
--> statement-breakpoint
CREATE INDEX "executions_namespace_external_id_idx" ON "executions" USING btree ("namespace","external_id");--> statement-breakpoint
CREATE INDEX "executions_namespace_created_idx" ON "executions" USING btree ("namespace","created_at","id");--> statement-breakpoint
CREATE INDEX "executions_created_idx" ON "executions" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "executions_finished_idx" ON "executions" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "executions_active_idx" ON "executions" USING btree ("status") WHERE status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL');--> statement-breakpoint
CREATE INDEX "executions_sla_breached_idx" ON "executions" USING btree ("sla_breached_at") WHERE sla_breached_at is not null;--> statement-breakpoint
CREATE INDEX "executions_timeout_breached_idx" ON "executions" USING btree ("timeout_breached_at") WHERE timeout_breached_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "steps_execution_position_key" ON "steps" USING btree ("execution_id","position","execution_created_at");--> statement-breakpoint
CREATE INDEX "events_feed_idx" ON "events" USING btree ("tx_id","id");--> statement-breakpoint
CREATE INDEX "events_namespace_feed_idx" ON "events" USING btree ("namespace","tx_id","id");--> statement-breakpoint
CREATE INDEX "events_execution_seq_idx" ON "events" USING btree ("execution_id","seq");--> statement-breakpoint
CREATE INDEX "events_timestamp_idx" ON "events" USING btree ("timestamp");--> statement-breakpoint
CREATE TABLE "retention_settings" (
	"namespace" text PRIMARY KEY NOT NULL,
	"raw_days" integer,
	"rollup_days" integer,
	"minute_rollup_days" integer,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"last_run_at" timestamp (3) with time zone,
	"last_success_at" timestamp (3) with time zone,
	"last_error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"dropped_through_tx_id" bigint,
	"dropped_through_id" bigint,
	"raw_kept_from" timestamp (3) with time zone
);
