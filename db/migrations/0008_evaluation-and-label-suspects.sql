CREATE TYPE "public"."suspect_status" AS ENUM('open', 'confirmed', 'kept', 'superseded');--> statement-breakpoint
ALTER TYPE "public"."pick_reason" ADD VALUE 'evaluation';--> statement-breakpoint
ALTER TYPE "public"."pick_reason" ADD VALUE 'suspect';--> statement-breakpoint
CREATE TABLE "label_suspects" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "label_suspects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"project_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"model_version_id" integer NOT NULL,
	"given_category_id" integer NOT NULL,
	"suggested_category_id" integer NOT NULL,
	"score" double precision NOT NULL,
	"given_probability" double precision NOT NULL,
	"suggested_probability" double precision NOT NULL,
	"status" "suspect_status" DEFAULT 'open' NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" integer,
	"annotation_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "label_suspects" ADD CONSTRAINT "label_suspects_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_suspects" ADD CONSTRAINT "label_suspects_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_suspects" ADD CONSTRAINT "label_suspects_given_category_id_categories_id_fk" FOREIGN KEY ("given_category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_suspects" ADD CONSTRAINT "label_suspects_suggested_category_id_categories_id_fk" FOREIGN KEY ("suggested_category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_suspects" ADD CONSTRAINT "label_suspects_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "label_suspects_open_uq" ON "label_suspects" USING btree ("item_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "label_suspects_project_status_idx" ON "label_suspects" USING btree ("project_id","status","score");--> statement-breakpoint
CREATE INDEX "label_suspects_project_created_idx" ON "label_suspects" USING btree ("project_id","created_at");