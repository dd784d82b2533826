#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and print the shell lines to use it:
#
#   eval "$(bash .ci/postgres.sh)"          # sets LOKET_TEST_POSTGRES_URL (+ _DIR)
#   ...run the tests...
#   bash .ci/postgres.sh stop "$LOKET_TEST_POSTGRES_DIR"
#
# Installs PostgreSQL from Debian packages when no initdb/pg_ctl can be found. The cluster
# lives in a temp dir, listens on 127.0.0.1 on a free port, trusts local connections and
# runs without fsync: fast, and for tests only. As root it runs as the `postgres` user.
# Only the export lines go to stdout; everything else goes to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

as_owner() {  # run a command as the cluster owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$(command -v initdb)")"; fi
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR}
    local bindir; bindir=$(find_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    rm -rf "$dir"
    log "stopped and removed $dir"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local bindir; bindir=$(find_bindir)
    if [ -z "$bindir" ]; then
        log "PostgreSQL not found; installing it from Debian packages"
        apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
        bindir=$(find_bindir)
    fi
    [ -n "$bindir" ] || { log "no PostgreSQL binaries found"; exit 1; }

    local dir; dir=$(mktemp -d /tmp/loket-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
        chown postgres: "$dir"
    fi
    local port; port=$(free_port)
    (cd "$dir" && as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >&2)
    (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2)
    (cd "$dir" && as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres loket_test)
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
    echo "export LOKET_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/loket_test"
    echo "export LOKET_TEST_POSTGRES_DIR=$dir"
}

case "${1:-start}" in
    start) start ;;
    stop) shift; stop "$@" ;;
    *) log "usage: postgres.sh [start | stop DIR]"; exit 2 ;;
esac
