CREATE TABLE "monitor"."journal" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"subject" text,
	"source" text NOT NULL,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "journal_occurred_at_idx" ON "monitor"."journal" USING btree ("occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);