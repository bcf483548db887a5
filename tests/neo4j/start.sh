#!/bin/sh
# Start a Neo4j Community DBMS (embedded in a small Java launcher) for kolgraph's tests.
#
#   sh tests/neo4j/start.sh DIR     data, log, pid and port files in DIR
#
# Builds the launcher with Maven on first use (dependencies cached in ~/.m2), starts it in
# the background with Bolt on a free 127.0.0.1 port and prints bolt://127.0.0.1:PORT as the
# last line once Bolt answers. User neo4j, password $KOLGRAPH_NEO4J_TEST_PASSWORD (default
# kolgraph-test). Heap: $NEO4J_LAUNCHER_HEAP (default 1g). Stop it with stop.sh DIR; with
# NEO4J_LAUNCHER_OWNER_PID set it also stops by itself once that process has gone.
set -eu
[ $# -eq 1 ] || { echo "usage: sh $0 DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
PASSWORD=${KOLGRAPH_NEO4J_TEST_PASSWORD:-kolgraph-test}
HEAP=${NEO4J_LAUNCHER_HEAP:-1g}
TIMEOUT=${NEO4J_LAUNCHER_TIMEOUT:-180}

if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    echo "Neo4j already runs from $DIR (pid $(cat "$DIR/pid"))" >&2
    echo "bolt://127.0.0.1:$(cat "$DIR/port")"
    exit 0
fi

command -v java >/dev/null || { echo "java not found: install a JDK 17+" >&2; exit 1; }
if [ ! -f "$HERE/target/neo4j-launcher-1.0.jar" ] || [ ! -d "$HERE/target/lib" ] \
        || [ "$HERE/pom.xml" -nt "$HERE/target/neo4j-launcher-1.0.jar" ] \
        || [ "$HERE/src/main/java/kolgraph/testing/Neo4jLauncher.java" -nt "$HERE/target/neo4j-launcher-1.0.jar" ]; then
    command -v mvn >/dev/null || { echo "mvn not found: install Apache Maven" >&2; exit 1; }
    echo "building the Neo4j launcher (mvn package)..." >&2
    mvn -q -B -f "$HERE/pom.xml" package >"$DIR/build.log" 2>&1 \
        || { cat "$DIR/build.log" >&2; echo "building the Neo4j launcher failed" >&2; exit 1; }
fi

rm -f "$DIR/port"
nohup java -Xms256m "-Xmx$HEAP" -XX:+UseSerialGC \
    -cp "$HERE/target/neo4j-launcher-1.0.jar:$HERE/target/lib/*" \
    kolgraph.testing.Neo4jLauncher "$DIR" "$PASSWORD" >"$DIR/neo4j.log" 2>&1 &
echo $! >"$DIR/pid"

waited=0
while [ ! -s "$DIR/port" ]; do
    if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
        tail -n 40 "$DIR/neo4j.log" >&2
        echo "Neo4j exited during startup; log: $DIR/neo4j.log" >&2
        rm -f "$DIR/pid"
        exit 1
    fi
    if [ "$waited" -ge "$((TIMEOUT * 5))" ]; then
        echo "Neo4j did not open Bolt within ${TIMEOUT}s; log: $DIR/neo4j.log" >&2
        sh "$HERE/stop.sh" "$DIR" >&2 || true
        exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
done
echo "user neo4j, password $PASSWORD, log $DIR/neo4j.log" >&2
echo "bolt://127.0.0.1:$(cat "$DIR/port")"
