DROP INDEX "registry"."outbox_status_available_at_idx";--> statement-breakpoint
CREATE INDEX "outbox_dead_created_at_idx" ON "registry"."outbox" USING btree ("created_at") WHERE status = 'dead';