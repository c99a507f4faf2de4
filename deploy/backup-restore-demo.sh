#!/bin/sh -e
# The backup and restore of docs/deploy.md, as run on the development machine.
cd /work/wt/ops16
export PATH=/work/wt/ops16/.venv/bin:$PATH PGHOST=127.0.0.1 PGUSER=postgres
export DATABASE_URL=postgresql://postgres@127.0.0.1/vigia_prod VIGIA_INSTANCE_PATH=/tmp/vigia-prod/instance
day=2026-12-03; to=/tmp/vigia-backup; rm -rf $to /tmp/vigia-restored; mkdir -p $to
echo '$ pg_dump --format=custom --file="$to/vigia-$day.dump" "$DATABASE_URL"'
/usr/bin/time -f '  (%e s)' pg_dump --format=custom --file="$to/vigia-$day.dump" "$DATABASE_URL"
echo '$ tar -C "$VIGIA_INSTANCE_PATH" -czf "$to/vigia-instance-$day.tar.gz" uploads secret_key'
/usr/bin/time -f '  (%e s)' tar -C "$VIGIA_INSTANCE_PATH" -czf "$to/vigia-instance-$day.tar.gz" uploads secret_key
echo '$ (cd $to && sha256sum vigia-$day.dump vigia-instance-$day.tar.gz) > $to/vigia-$day.sha256; ls -l $to'
(cd $to && sha256sum vigia-$day.dump vigia-instance-$day.tar.gz) > $to/vigia-$day.sha256
ls -l $to | sed 's/^/  /'
echo
echo '# restore into a new database and a new instance folder'
echo '$ createdb vigia_restored'
createdb vigia_restored
echo '$ pg_restore --no-owner --exit-on-error --dbname=vigia_restored "$to/vigia-$day.dump"'
/usr/bin/time -f '  (%e s)' pg_restore --no-owner --exit-on-error --dbname=vigia_restored "$to/vigia-$day.dump"
echo '$ (cd $to && sha256sum --check vigia-$day.sha256)'
(cd $to && sha256sum --check vigia-$day.sha256) | sed 's/^/  /'
echo '$ mkdir -p /tmp/vigia-restored && tar -C /tmp/vigia-restored -xzf "$to/vigia-instance-$day.tar.gz"'
mkdir -p /tmp/vigia-restored && tar -C /tmp/vigia-restored -xzf "$to/vigia-instance-$day.tar.gz"
export DATABASE_URL=postgresql://postgres@127.0.0.1/vigia_restored VIGIA_INSTANCE_PATH=/tmp/vigia-restored
echo
echo '# the restored installation answers'
echo '$ export DATABASE_URL=postgresql://postgres@127.0.0.1/vigia_restored VIGIA_INSTANCE_PATH=/tmp/vigia-restored'
echo '$ vigia init'
vigia init | sed 's/^/  /'
echo '$ vigia status'
vigia status | sed 's/^/  /'
echo '$ vigia audit verify'
vigia audit verify | sed 's/^/  /'
echo '$ vigia alerts export --status open --min-severity high -o /tmp/vigia-restored/abiertas.csv'
vigia alerts export --status open --min-severity high -o /tmp/vigia-restored/abiertas.csv | sed 's/^/  /'
echo '$ vigia users list'
vigia users list | sed 's/^/  /'
echo
echo '# the same database without its originals folder is caught'
echo '$ VIGIA_INSTANCE_PATH=/tmp/vigia-empty vigia status | tail -2'
mkdir -p /tmp/vigia-empty
VIGIA_INSTANCE_PATH=/tmp/vigia-empty SECRET_KEY=x vigia status 2>&1 | tail -4 | sed 's/^/  /' || true
