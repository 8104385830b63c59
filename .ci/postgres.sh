#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (if missing), starts a throwaway cluster on a local
# port and exports TRUSTMAP_TEST_PG_URL for the test suites. Sourced by .ci/run.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
PGDATA=$(mktemp -d /tmp/trustmap-pg.XXXXXX)
PGPORT=${PGPORT:-54329}
chown postgres "$PGDATA"
su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres >/dev/null"
su postgres -c "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1' -l $PGDATA/log -w start >/dev/null"
su postgres -c "psql -h 127.0.0.1 -p $PGPORT -U postgres -c 'create database trustmap_test' >/dev/null"
export TRUSTMAP_TEST_PG_URL="postgres://postgres@127.0.0.1:$PGPORT/trustmap_test"
echo "PostgreSQL $($PGBIN/postgres --version | awk '{print $3}') on port $PGPORT"
