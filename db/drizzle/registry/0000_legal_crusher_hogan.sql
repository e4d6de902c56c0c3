CREATE SCHEMA IF NOT EXISTS "registry";
--> statement-breakpoint
CREATE TABLE "registry"."inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "registry"."instance_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"service" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry"."outbox" (
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
	CONSTRAINT "outbox_status_check" CHECK ("registry"."outbox"."status" in ('pending', 'sent', 'dead'))
);
--> statement-breakpoint
CREATE INDEX "instance_history_instance_id_at_idx" ON "registry"."instance_history" USING btree ("instance_id","at");--> statement-breakpoint
CREATE INDEX "outbox_status_available_at_idx" ON "registry"."outbox" USING btree ("status","available_at");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_id_created_at_idx" ON "registry"."outbox" USING btree ("aggregate_id","created_at");