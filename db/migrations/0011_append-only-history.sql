-- The audit trail is append-only in the database, not only in code: people's decisions
-- (annotations: an undo is a new row) and audit events can be inserted, never changed or
-- removed, whoever connects. A project or item delete would cascade into them and is
-- refused too, so history is never dropped by accident.
CREATE OR REPLACE FUNCTION "loupe_refuse_history_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "annotations_append_only" BEFORE UPDATE OR DELETE ON "annotations"
  FOR EACH ROW EXECUTE FUNCTION "loupe_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "annotations_no_truncate" BEFORE TRUNCATE ON "annotations"
  FOR EACH STATEMENT EXECUTE FUNCTION "loupe_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "loupe_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "loupe_refuse_history_change"();
