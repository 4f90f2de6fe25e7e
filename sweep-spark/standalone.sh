#!/usr/bin/env bash
# A Spark standalone master or worker on this machine, from the Spark jars this project resolves (spark-home/), for
# sweeps on a cluster without a Spark distribution (with one, use its sbin/start-master.sh and sbin/start-worker.sh):
#
#   sweep-spark/standalone.sh master                                  # spark://127.0.0.1:7077, web UI on 8080
#   sweep-spark/standalone.sh worker spark://127.0.0.1:7077 --cores 2 --memory 6g
#
# Each runs in the foreground until stopped (Ctrl+C); other options are Spark's own (--port, --webui-port,
# --work-dir, ...). It binds to $SPARK_LOCAL_IP, default 127.0.0.1. Build first: mvn install -DskipTests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
list=$root/spark-home/target/spark-classpath.txt
if [ ! -f "$list" ]; then
  echo "ERROR: $list is missing: build the project first (mvn install -DskipTests), which lists Spark's jars there." >&2
  exit 2
fi
role=${1:-}
case "$role" in
  master) main=org.apache.spark.deploy.master.Master ;;
  worker) main=org.apache.spark.deploy.worker.Worker ;;
  *) echo "Usage: $0 master [--port 7077] | $0 worker spark://HOST:PORT [--cores N --memory 6g]" >&2; exit 2 ;;
esac
shift
# SPARK_HOME/jars: the worker starts its executors with that class path, as a Spark distribution's worker does
export SPARK_HOME=${SPARK_HOME:-$root/spark-home/target/spark-home}
mkdir -p "$SPARK_HOME/jars"
tr ':' '\n' < "$list" | while read -r jar || [ -n "$jar" ]; do
  [ -e "$SPARK_HOME/jars/$(basename "$jar")" ] || ln -s "$jar" "$SPARK_HOME/jars/" 2>/dev/null || true
done
export SPARK_SCALA_VERSION=2.12
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# shellcheck disable=SC2046
exec java $(cat "$root/sweep-spark/jvm.options") -Xmx1g -cp "$SPARK_HOME/jars/*" "$main" --host "$SPARK_LOCAL_IP" "$@"
