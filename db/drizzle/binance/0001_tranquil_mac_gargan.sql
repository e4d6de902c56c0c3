DROP INDEX "binance"."outbox_aggregate_id_created_at_idx";--> statement-breakpoint
ALTER TABLE "binance"."outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_pending_seq_idx" ON "binance"."outbox" USING btree ("seq") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_pending_aggregate_seq_idx" ON "binance"."outbox" USING btree ("aggregate_id","seq") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "binance"."outbox" USING btree ("sent_at") WHERE status = 'sent';