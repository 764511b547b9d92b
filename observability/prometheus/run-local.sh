#!/usr/bin/env bash
# Prometheus (and postgres_exporter) against `npm start` on this machine, so the dashboards' and
# rules' queries can be tried without Kubernetes: http://127.0.0.1:9090. Ctrl-C stops both.
# Needs the Debian packages prometheus and prometheus-postgres-exporter, and
# `rabbitmq-plugins enable rabbitmq_prometheus` for the broker's metrics.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$root/.local/prometheus"
mkdir -p "$data"

database_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parley}"
case "$database_url" in *\?*) ;; *) database_url="$database_url?sslmode=disable" ;; esac

DATA_SOURCE_NAME="$database_url" prometheus-postgres-exporter --web.listen-address=127.0.0.1:9187 &
exporter=$!
trap 'kill "$exporter" 2>/dev/null || true' EXIT

prometheus \
  --config.file="$here/local.yaml" \
  --storage.tsdb.path="$data" \
  --web.listen-address=127.0.0.1:9090 \
  --enable-feature=exemplar-storage
