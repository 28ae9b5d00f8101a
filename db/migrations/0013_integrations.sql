CREATE TYPE "public"."webhook_delivery_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "label_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "label_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"tx" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"category_id" integer,
	"source" "label_source",
	"annotation_id" bigint,
	"model_version_id" integer,
	"confidence" double precision,
	"user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"webhook_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	"message_id" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "webhook_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"response_excerpt" text,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhooks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"project_id" integer NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events" text[] NOT NULL,
	"description" text,
	"active" boolean DEFAULT true NOT NULL,
	"labels_cursor" text,
	"created_by_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "label_changes_project_tx_idx" ON "label_changes" USING btree ("project_id","tx","id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_message_uq" ON "webhook_deliveries" USING btree ("webhook_id","message_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_created_idx" ON "webhook_deliveries" USING btree ("webhook_id","created_at");--> statement-breakpoint
CREATE INDEX "webhooks_project_idx" ON "webhooks" USING btree ("project_id");--> statement-breakpoint
-- Every change of a current label lands in label_changes, whoever writes it: statement
-- triggers with transition tables keep bulk writes (auto-accept, imports) to one insert.
-- An update that changes nothing a pipeline sees (only the confidence, or nothing) is
-- not a change; an item left unlabelled (undo, delete) is a tombstone.
CREATE FUNCTION "loupe_label_changes_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "label_changes" ("project_id", "item_id", "category_id", "source", "annotation_id", "model_version_id", "confidence", "user_id")
  SELECT "project_id", "item_id", "category_id", "source", "annotation_id", "model_version_id", "confidence", "user_id"
  FROM "new_rows" ORDER BY "item_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "loupe_label_changes_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "label_changes" ("project_id", "item_id", "category_id", "source", "annotation_id", "model_version_id", "confidence", "user_id")
  SELECT n."project_id", n."item_id", n."category_id", n."source", n."annotation_id", n."model_version_id", n."confidence", n."user_id"
  FROM "new_rows" n JOIN "old_rows" o ON o."item_id" = n."item_id"
  WHERE (n."category_id", n."source", n."annotation_id", n."model_version_id", n."user_id")
    IS DISTINCT FROM (o."category_id", o."source", o."annotation_id", o."model_version_id", o."user_id")
  ORDER BY n."item_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "loupe_label_changes_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "label_changes" ("project_id", "item_id", "deleted")
  SELECT "project_id", "item_id", true FROM "old_rows" ORDER BY "item_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "labels_changes_inserted" AFTER INSERT ON "labels"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "loupe_label_changes_inserted"();
--> statement-breakpoint
CREATE TRIGGER "labels_changes_updated" AFTER UPDATE ON "labels"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "loupe_label_changes_updated"();
--> statement-breakpoint
CREATE TRIGGER "labels_changes_deleted" AFTER DELETE ON "labels"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "loupe_label_changes_deleted"();
--> statement-breakpoint
-- Labels that existed before the log: one change each, so a pull from the start sees them.
INSERT INTO "label_changes" ("project_id", "item_id", "category_id", "source", "annotation_id", "model_version_id", "confidence", "user_id", "created_at")
SELECT "project_id", "item_id", "category_id", "source", "annotation_id", "model_version_id", "confidence", "user_id", "updated_at"
FROM "labels" ORDER BY "project_id", "updated_at", "item_id";
