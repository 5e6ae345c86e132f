-- migrate:up
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  -- vuln: Data Integrity
  email TEXT NOT NULL,
  name TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  -- vuln: Data Integrity
  total_amount REAL NOT NULL,
  -- vuln: State Machine
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_id_idx ON orders (user_id);

CREATE TABLE order_items (
  id BIGSERIAL PRIMARY KEY,
  -- vuln: Throughput
  order_id BIGINT NOT NULL REFERENCES orders(id),
  sku TEXT NOT NULL,
  quantity INT NOT NULL CHECK (quantity > 0),
  -- safe: Data Integrity
  unit_price_cents BIGINT NOT NULL CHECK (unit_price_cents >= 0)
);

CREATE TABLE payments (
  id BIGSERIAL PRIMARY KEY,
  -- vuln: Data Integrity
  order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  amount_cents BIGINT NOT NULL,
  provider_ref TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_id_idx ON payments (order_id);

CREATE TABLE shipments (
  id BIGSERIAL PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id),
  -- safe: State Machine
  status TEXT NOT NULL CHECK (status IN ('label_created', 'in_transit', 'delivered', 'returned')),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  -- safe: Data Integrity
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- migrate:down
DROP TABLE sessions;
DROP TABLE shipments;
DROP TABLE payments;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE users;
