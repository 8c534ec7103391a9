#!/bin/sh
# Nightly posture of the whole estate: the prod hosts of an Ansible inventory over SSH (agentless,
# read-only; root-only files through `sudo -n`, so give the audit user a NOPASSWD rule for sftp-server)
# and the AWS account, merged into one posture with one target per host and per account.
# SSH settings (keys, ProxyJump hosts, known_hosts) come from the scanning user's ~/.ssh/config.
# Exit code is the merged posture's: 0 pass, 1 failures, 2 bad input, 3 some host or check could not be seen.
set -u
STATE="${STATE_DIRECTORY:-/var/lib/hipaacheck}"
INVENTORY="${INVENTORY:-/etc/hipaacheck/inventory.ini}"
GROUP="${GROUP:-prod}"
REMOTE_ROOT="${REMOTE_ROOT:-/}"
OUT="$STATE/fleet/$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$OUT/hosts" "$OUT/aws" "$OUT/posture"

hipaacheck scan --quiet --source ssh --targets "$INVENTORY" --limit "$GROUP" --ssh-sudo \
  --remote-root "$REMOTE_ROOT" --host-workers 8 --ssh-timeout 20 --deadline 2700 \
  --format json --output-dir "$OUT/hosts"
hosts=$?

hipaacheck scan --quiet --source aws --regions "${AWS_REGIONS:-us-east-1,us-west-2}" --deadline 2700 \
  --format json --output-dir "$OUT/aws"
aws=$?

if [ "$hosts" -eq 2 ] || [ "$aws" -eq 2 ]; then
  exit 2  # bad input: fix the inventory or options; nothing to merge
fi
hipaacheck merge "$OUT/hosts/hipaacheck-results.json" "$OUT/aws/hipaacheck-results.json" \
  --format json,html,markdown --output-dir "$OUT/posture"
