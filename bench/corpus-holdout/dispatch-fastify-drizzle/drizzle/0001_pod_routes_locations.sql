ALTER TABLE "deliveries" ADD COLUMN "pod_photo_key" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "sequence" integer;--> statement-breakpoint
-- vuln: Recovery
ALTER TABLE "deliveries" RENAME COLUMN "notes" TO "instructions";--> statement-breakpoint
-- vuln: Recovery
ALTER TABLE "couriers" DROP COLUMN IF EXISTS "rating";--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "route_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"courier_id" uuid NOT NULL,
	"status" text DEFAULT 'processing' NOT NULL,
	"stop_order" jsonb,
	"model" text,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "courier_locations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"courier_id" uuid NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"recorded_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- safe: Data Integrity
ALTER TABLE "route_plans" ADD CONSTRAINT "route_plans_courier_id_couriers_id_fk" FOREIGN KEY ("courier_id") REFERENCES "public"."couriers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courier_locations" ADD CONSTRAINT "courier_locations_courier_id_couriers_id_fk" FOREIGN KEY ("courier_id") REFERENCES "public"."couriers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- safe: Throughput
CREATE INDEX IF NOT EXISTS "courier_locations_courier_id_recorded_at_idx" ON "courier_locations" USING btree ("courier_id","recorded_at");
