CREATE TABLE "model_artifact_parts" (
	"model_version_id" integer NOT NULL,
	"part" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "model_artifact_parts_model_version_id_part_pk" PRIMARY KEY("model_version_id","part")
);
--> statement-breakpoint
ALTER TABLE "model_artifact_parts" ADD CONSTRAINT "model_artifact_parts_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;