-- migrate:up
ALTER TABLE orders ADD COLUMN notes TEXT;
ALTER TABLE orders ADD COLUMN gift BOOLEAN NOT NULL DEFAULT false;

-- migrate:down
-- safe: Recovery
ALTER TABLE orders DROP COLUMN gift;
ALTER TABLE orders DROP COLUMN notes;
