DROP INDEX "binance"."outbox_status_available_at_idx";--> statement-breakpoint
CREATE INDEX "outbox_dead_created_at_idx" ON "binance"."outbox" USING btree ("created_at") WHERE status = 'dead';