#!/bin/sh
# Smoke checks after the app is deployed. Always applies (no plan command).
set -eu
echo "checking $APP_URL (run $STACKFLEET_RUN_ID)"
case "$APP_URL" in
  https://*) echo "ok: $APP_URL looks reachable" ;;
  *) echo "unexpected url: $APP_URL" >&2; exit 1 ;;
esac
