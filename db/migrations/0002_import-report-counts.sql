ALTER TABLE "imports" ADD COLUMN "label_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "human_labels_kept" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "categories_created" integer DEFAULT 0 NOT NULL;