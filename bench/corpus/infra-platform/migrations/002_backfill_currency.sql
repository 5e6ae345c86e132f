-- migrate:up transaction:false
ALTER TABLE orders ADD COLUMN currency CHAR(3);
-- vuln: Throughput
UPDATE orders SET currency = 'USD' WHERE currency IS NULL;
-- safe: Throughput
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
-- vuln: Throughput
CREATE INDEX order_items_sku_idx ON order_items (sku);

-- migrate:down
DROP INDEX IF EXISTS order_items_sku_idx;
DROP INDEX IF EXISTS orders_created_at_idx;
ALTER TABLE orders DROP COLUMN currency;
