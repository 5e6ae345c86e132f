-- migrate:up
-- Legacy invoices were migrated to the billing service in Q1.
-- vuln: Recovery
DROP TABLE legacy_invoices;
-- vuln: Recovery
ALTER TABLE users DROP COLUMN phone;
-- safe: Recovery
TRUNCATE sessions;

-- migrate:down
