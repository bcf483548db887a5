#!/bin/sh
# Stop the Neo4j that start.sh DIR started (SIGTERM: the DBMS shuts down cleanly).
set -eu
[ $# -eq 1 ] || { echo "usage: sh $0 DIR" >&2; exit 2; }
DIR=$1
TIMEOUT=${NEO4J_LAUNCHER_TIMEOUT:-60}
[ -f "$DIR/pid" ] || { echo "no Neo4j pid file in $DIR" >&2; exit 0; }
PID=$(cat "$DIR/pid")
if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    waited=0
    while kill -0 "$PID" 2>/dev/null; do
        if [ "$waited" -ge "$((TIMEOUT * 5))" ]; then
            echo "Neo4j (pid $PID) did not stop within ${TIMEOUT}s; killing it" >&2
            kill -KILL "$PID" 2>/dev/null || true
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
fi
rm -f "$DIR/pid" "$DIR/port"
echo "Neo4j stopped ($DIR)" >&2
