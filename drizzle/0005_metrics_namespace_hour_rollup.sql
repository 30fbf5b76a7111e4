CREATE TABLE "execution_namespace_hours" (
	"namespace" text NOT NULL,
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
	CONSTRAINT "execution_namespace_hours_namespace_hour_pk" PRIMARY KEY("namespace","hour")
);
--> statement-breakpoint
CREATE INDEX "execution_namespace_hours_hour_idx" ON "execution_namespace_hours" USING btree ("hour");--> statement-breakpoint
-- Backfill from the workflow hours, merging histograms the way the write path's upsert does.
CREATE FUNCTION pg_temp.histogram_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
  select coalesce(('[' || min(i) || ':' || max(i) || ']=' || array_agg(nullif(coalesce(a[i], 0) + coalesce(b[i], 0), 0) order by i)::text)::integer[], '{}'::integer[])
  from generate_series(least(array_lower(a, 1), array_lower(b, 1)), greatest(array_upper(a, 1), array_upper(b, 1))) i
$$;--> statement-breakpoint
CREATE AGGREGATE pg_temp.histogram_sum(integer[]) (sfunc = pg_temp.histogram_add, stype = integer[], initcond = '{}');--> statement-breakpoint
INSERT INTO "execution_namespace_hours" ("namespace", "hour", "total", "completed", "failed", "cancelled", "timed_out",
  "duration_count", "duration_sum_ms", "duration_min_ms", "duration_max_ms", "duration_histogram",
  "queue_count", "queue_sum_ms", "queue_min_ms", "queue_max_ms", "queue_histogram", "sla_tracked", "sla_violations")
SELECT "namespace", "hour", sum("total"), sum("completed"), sum("failed"), sum("cancelled"), sum("timed_out"),
  sum("duration_count"), sum("duration_sum_ms"), min("duration_min_ms"), max("duration_max_ms"), pg_temp.histogram_sum("duration_histogram"),
  sum("queue_count"), sum("queue_sum_ms"), min("queue_min_ms"), max("queue_max_ms"), pg_temp.histogram_sum("queue_histogram"),
  sum("sla_tracked"), sum("sla_violations")
FROM "execution_hours" GROUP BY "namespace", "hour";--> statement-breakpoint
DROP AGGREGATE pg_temp.histogram_sum(integer[]);--> statement-breakpoint
DROP FUNCTION pg_temp.histogram_add(integer[], integer[]);
