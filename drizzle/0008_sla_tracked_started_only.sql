-- SLA compliance tracks only executions that started: earlier versions also counted the finished ones that never
-- did (cancelled from the queue, say) as compliant. Take them out of the rollups, in the bucket of their creation.
UPDATE "execution_minutes" t SET "sla_tracked" = greatest(0, t."sla_tracked" - x.n)
FROM (SELECT namespace, workflow, to_timestamp(floor(extract(epoch from "created_at") / 60) * 60) AS at, count(*)::int AS n
  FROM "executions" WHERE "sla_ms" IS NOT NULL AND "started_at" IS NULL AND "finished_at" IS NOT NULL GROUP BY namespace, workflow, at) x
WHERE t.namespace = x.namespace AND t.workflow = x.workflow AND t."minute" = x.at;
--> statement-breakpoint
UPDATE "execution_hours" t SET "sla_tracked" = greatest(0, t."sla_tracked" - x.n)
FROM (SELECT namespace, workflow, to_timestamp(floor(extract(epoch from "created_at") / 3600) * 3600) AS at, count(*)::int AS n
  FROM "executions" WHERE "sla_ms" IS NOT NULL AND "started_at" IS NULL AND "finished_at" IS NOT NULL GROUP BY namespace, workflow, at) x
WHERE t.namespace = x.namespace AND t.workflow = x.workflow AND t."hour" = x.at;
--> statement-breakpoint
UPDATE "execution_days" t SET "sla_tracked" = greatest(0, t."sla_tracked" - x.n)
FROM (SELECT namespace, workflow, to_timestamp(floor(extract(epoch from "created_at") / 86400) * 86400) AS at, count(*)::int AS n
  FROM "executions" WHERE "sla_ms" IS NOT NULL AND "started_at" IS NULL AND "finished_at" IS NOT NULL GROUP BY namespace, workflow, at) x
WHERE t.namespace = x.namespace AND t.workflow = x.workflow AND t."day" = x.at;
--> statement-breakpoint
UPDATE "execution_namespace_hours" t SET "sla_tracked" = greatest(0, t."sla_tracked" - x.n)
FROM (SELECT namespace, to_timestamp(floor(extract(epoch from "created_at") / 3600) * 3600) AS at, count(*)::int AS n
  FROM "executions" WHERE "sla_ms" IS NOT NULL AND "started_at" IS NULL AND "finished_at" IS NOT NULL GROUP BY namespace, at) x
WHERE t.namespace = x.namespace AND t."hour" = x.at;
