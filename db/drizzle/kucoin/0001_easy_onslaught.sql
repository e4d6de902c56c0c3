DROP INDEX "kucoin"."outbox_aggregate_id_created_at_idx";--> statement-breakpoint
ALTER TABLE "kucoin"."outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_pending_seq_idx" ON "kucoin"."outbox" USING btree ("seq") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_pending_aggregate_seq_idx" ON "kucoin"."outbox" USING btree ("aggregate_id","seq") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "kucoin"."outbox" USING btree ("sent_at") WHERE status = 'sent';