#!/usr/bin/env bash
# Virtuoso Open Source (Debian's virtuoso-opensource) on loopback, for tests and benchmarks.
#
#   scripts/virtuoso.sh install              apt-get install (needs root), once per machine
#   scripts/virtuoso.sh start DIR HTTP SQL   database in DIR, SPARQL on 127.0.0.1:HTTP, ISQL on 127.0.0.1:SQL
#   scripts/virtuoso.sh stop DIR             stop the server started in DIR
#   scripts/virtuoso.sh bulk-load DIR FILE.. load RDF files (N-Quads keep their graphs) with Virtuoso's
#                                            bulk loader into the server started in DIR, then checkpoint;
#                                            the files must lie inside DIR (the server reads only there)
#
# `start` returns once http://127.0.0.1:HTTP/sparql answers, with SPARQL Update and the
# Graph Store Protocol (/sparql-graph-crud) open to anonymous clients: loopback only, test use only.
set -euo pipefail

VIRTUOSO=${VIRTUOSO:-$(command -v virtuoso-t || echo /usr/bin/virtuoso-t)}
ISQL=${ISQL:-$(command -v isql-vt || echo /usr/bin/isql-vt)}

install() {
    if [ -x "$VIRTUOSO" ]; then return 0; fi
    if [ "$(id -u)" != 0 ]; then
        echo "virtuoso-t missing and not root: apt-get install virtuoso-opensource" >&2
        exit 3
    fi
    export DEBIAN_FRONTEND=noninteractive
    # The package's own service is not wanted: only our loopback instances run.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
    rm -f /usr/sbin/policy-rc.d
}

start() {
    local dir=$1 http=$2 sql=$3
    [ -x "$VIRTUOSO" ] || { echo "virtuoso-t not installed: scripts/virtuoso.sh install" >&2; exit 3; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile = $dir/virtuoso.db
ErrorLogFile = $dir/virtuoso.log
LockFile = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$sql
DisableTcpSocket = 0
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., $dir, /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
DefaultIsolation = 2

[HTTPServer]
ServerPort = 127.0.0.1:$http
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
DefaultQuery = select distinct ?Concept where {[] a ?Concept} LIMIT 100
INI
    (cd "$dir" && "$VIRTUOSO" +configfile "$dir/virtuoso.ini" +wait >"$dir/stdout.log" 2>&1)
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$http/sparql?query=ASK%7B%7D"; then
            "$ISQL" "$sql" dba dba exec="
                GRANT SPARQL_UPDATE TO \"SPARQL\";
                GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO \"SPARQL\";
                GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO \"SPARQL\";
                DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
            " >"$dir/grants.log" 2>&1
            return 0
        fi
        sleep 0.5
    done
    echo "virtuoso did not answer on 127.0.0.1:$http; see $dir/virtuoso.log" >&2
    exit 4
}

stop() {
    local dir=$1
    local lock="$dir/virtuoso.lck"
    [ -f "$lock" ] || return 0
    local pid
    pid=$(sed -n 's/^VIRT_PID=//p' "$lock")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
}

# The bulk loader (ld_dir + rdf_loader_run) parses files in the server itself, without the
# transaction log; the checkpoint makes the load durable. Triples files (.nt, .ttl) go into
# graph $BULK_GRAPH; a file already loaded into this database is not loaded again. Exits 5
# naming each file the loader refused.
bulk_load() {
    local dir=$1 sql file path graph=${BULK_GRAPH:-urn:kg:bulk} sqlq
    shift
    dir=$(cd "$dir" && pwd)
    sql=$(sed -n 's/^ServerPort = 127\.0\.0\.1://p' "$dir/virtuoso.ini" | head -1)
    [ -n "$sql" ] || { echo "$dir/virtuoso.ini: no server started in $dir" >&2; exit 2; }
    local commands="" names=""
    for file in "$@"; do
        path=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
        [ -f "$path" ] || { echo "$file: no such file" >&2; exit 2; }
        case "$path" in "$dir"/*) ;; *) echo "$file: not inside $dir, which the server may read" >&2; exit 2 ;; esac
        sqlq=${path//\'/\'\'}
        commands+="ld_dir('$(dirname "$sqlq")', '$(basename "$sqlq")', '$graph'); "
        names+="'$sqlq', "
    done
    "$ISQL" "$sql" dba dba exec="${commands} rdf_loader_run(); checkpoint;" >"$dir/bulk-load.log" 2>&1 \
        || { echo "bulk load failed; see $dir/bulk-load.log" >&2; exit 5; }
    local errors
    errors=$("$ISQL" "$sql" dba dba exec="SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST
        WHERE ll_file IN (${names%, }) AND (ll_error IS NOT NULL OR ll_state <> 2);" 2>&1 | grep -F "$dir/" || true)
    if [ -n "$errors" ]; then
        echo "the bulk loader refused:" >&2
        echo "$errors" >&2
        exit 5
    fi
}

case "${1:-}" in
    install) install ;;
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    bulk-load) shift; [ $# -ge 2 ] || { echo "usage: $0 bulk-load DIR FILE..." >&2; exit 2; }; bulk_load "$@" ;;
    *) echo "usage: $0 install | start DIR HTTP_PORT SQL_PORT | stop DIR | bulk-load DIR FILE..." >&2; exit 2 ;;
esac
