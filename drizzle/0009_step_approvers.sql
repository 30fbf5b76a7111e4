ALTER TABLE "steps" ADD COLUMN "approvers" jsonb;--> statement-breakpoint
-- Steps waiting for approval when this lands keep the approvers their request named (read through the execution's events index).
UPDATE "steps" SET "approvers" = (
  SELECT "events"."data"->'approvers' FROM "events"
  WHERE "events"."execution_id" = "steps"."execution_id" AND "events"."step_id" = "steps"."id" AND "events"."type" = 'APPROVAL_REQUESTED'
  ORDER BY "events"."seq" DESC LIMIT 1
) WHERE "status" = 'WAITING_APPROVAL';--> statement-breakpoint
UPDATE "steps" SET "approvers" = NULL WHERE "approvers" = '[]'::jsonb OR jsonb_typeof("approvers") <> 'array';
