#!/usr/bin/env bash
# Database chores: ./scripts/db.sh reset | seed | console
set -euo pipefail

cmd="${1:-}"

case "$cmd" in
  reset)
    # vuln: Human Error
    psql "$DATABASE_URL" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
    dbmate --url "$DATABASE_URL" up
    ;;
  seed)
    if [[ "${APP_ENV:-development}" == "production" || "$DATABASE_URL" == *prod* ]]; then
      echo "refusing to seed a production database" >&2
      exit 1
    fi
    # safe: Human Error
    psql "$DATABASE_URL" -c "TRUNCATE users, orders, order_items RESTART IDENTITY CASCADE;"
    psql "$DATABASE_URL" -f db/seed.sql
    ;;
  console)
    psql "$DATABASE_URL"
    ;;
  *)
    echo "usage: $0 reset|seed|console" >&2
    exit 2
    ;;
esac
