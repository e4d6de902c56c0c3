CREATE SCHEMA IF NOT EXISTS "config";
--> statement-breakpoint
CREATE TABLE "config"."inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "config"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"aggregate_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "outbox_status_check" CHECK ("config"."outbox"."status" in ('pending', 'sent', 'dead'))
);
--> statement-breakpoint
CREATE INDEX "outbox_status_available_at_idx" ON "config"."outbox" USING btree ("status","available_at");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_id_created_at_idx" ON "config"."outbox" USING btree ("aggregate_id","created_at");