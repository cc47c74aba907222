#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: the application's login role.
# Its privileges are granted by the migrate service (manage.py grant_app_role) after every
# migration, so tables added later are covered too.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
SQL
