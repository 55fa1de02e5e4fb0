#!/bin/sh
# Run once by the postgres image when its volume is first initialised (docker-entrypoint-initdb.d):
# the API's login, `sunshine_api`, a member of `sunshine_app` (the role the migrations grant rows
# to), owning nothing. The migrations run as the image's superuser (DATABASE_OWNER_URL).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE sunshine_app NOLOGIN;
CREATE ROLE sunshine_api LOGIN PASSWORD :'password' IN ROLE sunshine_app;
SQL
