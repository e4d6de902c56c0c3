CREATE TABLE "config"."applied" (
	"namespace" text NOT NULL,
	"instance_id" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"running_version" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applied_namespace_instance_id_pk" PRIMARY KEY("namespace","instance_id"),
	CONSTRAINT "applied_status_check" CHECK ("config"."applied"."status" in ('applied', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "config"."audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"version" integer,
	"reason" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "config"."namespaces" (
	"name" text PRIMARY KEY NOT NULL,
	"json_schema" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "config"."releases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"hash" text NOT NULL,
	"author" text NOT NULL,
	"message" text NOT NULL,
	"rollback_of" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "releases_namespace_version_unique" UNIQUE("namespace","version"),
	CONSTRAINT "releases_version_check" CHECK ("config"."releases"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "config"."releases" ADD CONSTRAINT "releases_namespace_namespaces_name_fk" FOREIGN KEY ("namespace") REFERENCES "config"."namespaces"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_namespace_at_idx" ON "config"."audit" USING btree ("namespace","at");