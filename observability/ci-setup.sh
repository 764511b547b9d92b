#!/usr/bin/env bash
# What observability/tests need on a CI machine, called by .ci/run before the tests:
# - Prometheus 2.42 from Debian: `promtool` for the rule checks and unit tests, and the server the
#   live check starts on a free port with its own configuration and data folder;
# - postgres_exporter from Debian, which the live check also starts on a free port;
# - RabbitMQ's own Prometheus plugin (:15692), which the live check scrapes.
# Installing the packages must not leave their Debian services running: the tests start their own.
set -euo pipefail

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v prometheus-postgres-exporter >/dev/null || missing+=(prometheus-postgres-exporter)
bash "$(dirname "$0")/../.ci/apt-install" ${missing[@]+"${missing[@]}"}

echo "--- enabling rabbitmq_prometheus"
rabbitmq-plugins enable --quiet rabbitmq_prometheus >/dev/null
for _ in $(seq 1 30); do
  (exec 3<>/dev/tcp/127.0.0.1/15692) 2>/dev/null && exit 0
  sleep 1
done
echo "RabbitMQ's Prometheus plugin did not open port 15692" >&2
exit 1
