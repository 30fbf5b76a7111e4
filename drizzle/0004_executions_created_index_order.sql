DROP INDEX "executions_namespace_created_idx";--> statement-breakpoint
DROP INDEX "executions_created_idx";--> statement-breakpoint
CREATE INDEX "executions_namespace_created_idx" ON "executions" USING btree ("namespace","created_at","id");--> statement-breakpoint
CREATE INDEX "executions_created_idx" ON "executions" USING btree ("created_at","id");