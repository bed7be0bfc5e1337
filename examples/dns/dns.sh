#!/bin/sh
# A command stack (SPEC §3): plan exits 0 (no changes) or 2 (changes); apply
# writes its outputs as one JSON object to $STACKFLEET_OUTPUTS.
set -eu
zone="${ZONE:-example.internal}"
state_file=".dns-state"
case "$STACKFLEET_PHASE" in
  plan)
    if [ -f "$state_file" ] && [ "$(cat "$state_file")" = "$zone" ]; then
      echo "zone $zone is up to date"
      exit 0
    fi
    echo "zone $zone will be created"
    exit 2
    ;;
  apply)
    echo "$zone" > "$state_file"
    echo "created zone $zone in vpc $VPC_ID"
    printf '{"zone": "%s", "nameservers": ["ns1.%s", "ns2.%s"]}\n' "$zone" "$zone" "$zone" > "$STACKFLEET_OUTPUTS"
    ;;
  destroy)
    rm -f "$state_file"
    echo "deleted zone $zone"
    ;;
esac
