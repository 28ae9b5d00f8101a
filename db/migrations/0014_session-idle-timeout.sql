ALTER TABLE "sessions" ADD COLUMN "idle_minutes" integer DEFAULT 480 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;