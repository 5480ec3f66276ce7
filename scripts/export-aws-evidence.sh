#!/usr/bin/env bash
# Exports the evidence safeguard needs from one AWS account with the AWS CLI (v2, or a recent v1), in the folder
# layout of docs/evidence-format.md, for `safeguard import DIR` or `safeguard assess DIR`.
#
#   scripts/export-aws-evidence.sh OUT_DIR [--profile NAME] [--regions "us-east-1 eu-west-1"] [--lookback-days 90]
#                                  [--org-profile NAME]
#
# --org-profile names credentials in the organization's management (or a delegated-administrator)
# account: with it the export also holds what only that side can show about this account
# (organizations/: its OU path, tags and the service control policies along the path, and the
# log groups, filters and alarms of an organization trail delivering to the management account).
#
# Read-only: it calls only Get*/List*/Describe* APIs, plus iam:GenerateCredentialReport.
# A call that fails leaves <file>.error holding the CLI's error text, so the gap is visible in
# the report instead of silently missing. Every enabled region is exported unless --regions is
# given. AWS_ENDPOINT_URL and the usual credential chain are honoured by the CLI itself.
set -uo pipefail

usage() { echo "usage: $0 OUT_DIR [--profile NAME] [--regions \"r1 r2 ...\"] [--lookback-days N] [--org-profile NAME]" >&2; exit 2; }
# --help anywhere: the header above, on stdout (never a folder named --help).
for arg in "$@"; do
  case "$arg" in
    -h|--help)
      sed -n '2,/^set -uo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0 ;;
  esac
done
[ $# -ge 1 ] || usage
case "$1" in
  -*) echo "$0: the first argument is the output folder, got option $1" >&2; usage ;;
esac
out=$1; shift
profile=""; regions=""; lookback_days=90; org_profile=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=${2:-}; shift 2 ;;
    --regions) regions=${2:-}; shift 2 ;;
    --lookback-days) lookback_days=${2:-}; shift 2 ;;
    --org-profile) org_profile=${2:-}; shift 2 ;;
    *) usage ;;
  esac
done
command -v aws >/dev/null || { echo "$0: the AWS CLI (aws) is not installed" >&2; exit 3; }
cli_version=$(aws --version 2>&1 | head -n1)
case "$cli_version" in
  aws-cli/1.*)
    echo "note: $cli_version is AWS CLI v1: it works, but AWS recommends v2; a command this v1 lacks is kept as <file>.error naming it" >&2 ;;
esac

# AWS's standard retry mode (3 attempts, back-off for throttling), the default of CLI v2, for v1
# too: v1's legacy mode makes 5 attempts, so each call an account answers with a server error
# (or that a custom endpoint does not serve) held its region up for seconds. A mode the
# environment or the profile names is kept.
if [ -z "${AWS_RETRY_MODE:-}" ] && ! aws configure get retry_mode ${profile:+--profile "$profile"} >/dev/null 2>&1; then
  export AWS_RETRY_MODE=standard
fi

aws_() { if [ -n "$profile" ]; then aws --profile "$profile" --output json "$@"; else aws --output json "$@"; fi; }

case "$lookback_days" in ''|*[!0-9]*) usage ;; esac
mkdir -p "$out"
collected_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# Start of the CloudTrail event-history window (GNU date, then BSD date).
events_since=$(date -u -d "-$lookback_days days" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null ||
  date -u -v-"$lookback_days"d +%Y-%m-%dT%H:%M:%SZ)

# save REL CMD...: runs the CLI, keeping stdout as REL or stderr as REL.error.
save() {
  local rel=$1; shift
  local dest="$out/$rel"
  mkdir -p "$(dirname "$dest")"
  rm -f "$dest" "$dest.error"
  if aws_ "$@" >"$dest.tmp" 2>"$dest.stderr"; then
    mv "$dest.tmp" "$dest"; rm -f "$dest.stderr"
  else
    mv "$dest.stderr" "$dest.error"; rm -f "$dest.tmp"
    if grep -q "Invalid choice" "$dest.error"; then
      echo "  failed: $rel ($cli_version has no such command: upgrade the AWS CLI, v2 preferred)" >&2
    else
      echo "  failed: $rel ($(head -c 160 "$dest.error" | tr '\n' ' '))" >&2
    fi
  fi
}

# append REL CMD...: like save, for files that hold one CLI output per call, one after another.
append() {
  local rel=$1; shift
  local dest="$out/$rel"
  mkdir -p "$(dirname "$dest")"
  [ -f "$dest.error" ] && return 0
  if aws_ "$@" >"$dest.tmp" 2>"$dest.stderr"; then
    cat "$dest.tmp" >>"$dest"; rm -f "$dest.tmp" "$dest.stderr"
  else
    rm -f "$dest" "$dest.tmp"; mv "$dest.stderr" "$dest.error"
    echo "  failed: $rel ($(head -c 160 "$dest.error" | tr '\n' ' '))" >&2
  fi
}

echo "exporting to $out" >&2
save sts/caller-identity.json sts get-caller-identity || true
if [ ! -f "$out/sts/caller-identity.json" ]; then
  why="$out/sts/caller-identity.json.error"
  if grep -qi "specify a region\|NoRegion" "$why"; then
    echo "$0: no AWS region is configured: set AWS_REGION or AWS_DEFAULT_REGION, or a region in the profile (--regions picks the regions to export, not this one); the credentials were not tried" >&2
  elif grep -qi "could not be found\|ProfileNotFound" "$why"; then
    echo "$0: the profile does not exist: $(head -c 200 "$why" | tr '\n' ' ')" >&2
  elif grep -qi "Unable to locate credentials\|NoCredentials" "$why"; then
    echo "$0: no AWS credentials: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login" >&2
  elif grep -qi "Could not connect\|EndpointConnectionError" "$why"; then
    echo "$0: cannot reach AWS STS: $(head -c 200 "$why" | tr '\n' ' ')" >&2
  else
    echo "$0: sts get-caller-identity failed: $(head -c 300 "$why" | tr '\n' ' ')" >&2
  fi
  exit 3
fi

save iam/account-authorization-details.json iam get-account-authorization-details
# The credential report is generated asynchronously: ask until it is ready (bounded).
for _ in 1 2 3 4 5 6 7 8 9 10; do
  state=$(aws_ iam generate-credential-report --query State --output text 2>/dev/null || echo FAILED)
  [ "$state" = "COMPLETE" ] && break
  sleep 2
done
save iam/credential-report.json iam get-credential-report
save iam/password-policy.json iam get-account-password-policy
save iam/account-summary.json iam get-account-summary
save iam/virtual-mfa-devices.json iam list-virtual-mfa-devices
save iam/roles.json iam list-roles

# CloudTrail event history: IAM changes are recorded in one region per partition.
partition=$(sed -n 's/.*"Arn": *"arn:\([^:]*\):.*/\1/p' "$out/sts/caller-identity.json" | head -n1)
case "$partition" in
  aws-us-gov) iam_region=us-gov-west-1 ;;
  aws-cn) iam_region=cn-north-1 ;;
  *) iam_region=us-east-1 ;;
esac
save events/iam-changes.json cloudtrail lookup-events --region "$iam_region" \
  --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --start-time "$events_since"

# The enabled regions are evidence too (account/regions.json): safeguard treats an enabled region
# without a folder as a gap. When account:ListRegions is denied, ec2:DescribeRegions stands in
# (account/ec2-regions.json), and the snapshot says so.
# The regions counted are those the listing marks enabled (the requests filter on it, and an
# endpoint that ignores the filter lists every region) and of the caller's partition (an account
# cannot have another's): the rules safeguard's import applies to the same files.
enabled_in() {
  awk -v partition="$partition" '
    function part(r) {
      if (r ~ /^cn-/) return "aws-cn"; if (r ~ /^us-gov-/) return "aws-us-gov"
      if (r ~ /^us-iso-/) return "aws-iso"; if (r ~ /^us-isob-/) return "aws-iso-b"
      if (r ~ /^eu-isoe-/) return "aws-iso-e"; if (r ~ /^us-isof-/) return "aws-iso-f"
      return "aws"
    }
    /"RegionName":/ { n = $0; sub(/.*"RegionName": *"/, "", n); sub(/".*/, "", n) }
    /"(RegionOptStatus|OptInStatus)":/ { st = $0; sub(/.*Status": *"/, "", st); sub(/".*/, "", st) }
    /}/ {
      if (n != "" && (st == "" || st ~ /^(ENABLED|ENABLED_BY_DEFAULT|opt-in-not-required|opted-in)$/) &&
          (partition == "" || part(n) == partition)) printf "%s ", n
      n = ""; st = ""
    }' "$1"
}
save account/regions.json account list-regions --region-opt-status-contains ENABLED ENABLED_BY_DEFAULT
enabled=""
if [ -f "$out/account/regions.json" ]; then
  enabled=$(enabled_in "$out/account/regions.json")
else
  save account/ec2-regions.json ec2 describe-regions --filters Name=opt-in-status,Values=opt-in-not-required,opted-in
  if [ -f "$out/account/ec2-regions.json" ]; then
    enabled=$(enabled_in "$out/account/ec2-regions.json")
  fi
fi
if [ -z "$regions" ]; then
  regions=$enabled
  if [ -z "$regions" ]; then
    regions=$(aws_ configure get region 2>/dev/null || echo us-east-1)
    echo "  could not list enabled regions (account:ListRegions, ec2:DescribeRegions); exporting $regions only" >&2
  fi
fi

# One region's CloudTrail, CloudWatch and AWS Config evidence (every file under a folder of
# its own, so regions can be exported at once).
export_region() {
  local r=$1
  echo "  region $r" >&2
  save "cloudtrail/$r/trails.json" cloudtrail describe-trails --include-shadow-trails --region "$r"
  # The trails homed here, one line each: name, ARN, log group ARN (None without one). Names,
  # ARNs and log group names hold no whitespace. One call serves both loops below: on an
  # account with every region enabled, each call saved is seconds.
  homed=$(aws_ cloudtrail describe-trails --include-shadow-trails --region "$r" \
      --query "trailList[?HomeRegion=='$r'].[Name,TrailARN,CloudWatchLogsLogGroupArn]" --output text 2>/dev/null)
  # Status and selectors are read in each trail's home region.
  printf '%s\n' "$homed" |
  while read -r name arn _; do
    [ -n "$name" ] || continue
    save "cloudtrail/$r/trail-status/$name.json" cloudtrail get-trail-status --name "$arn" --region "$r"
    save "cloudtrail/$r/event-selectors/$name.json" cloudtrail get-event-selectors --trail-name "$arn" --region "$r"
  done
  # The trails' CloudWatch Logs log groups (homed with the trail), their filters, the alarms.
  groups=$(printf '%s\n' "$homed" | awk '{print $3}' | grep '^arn:' | cut -d: -f7 | sort -u)
  if [ -n "$groups" ]; then
    rm -f "$out/logs/$r/log-groups.json"* "$out/logs/$r/metric-filters.json"*
    for g in $groups; do
      append "logs/$r/log-groups.json" logs describe-log-groups --log-group-name-prefix "$g" --region "$r"
      append "logs/$r/metric-filters.json" logs describe-metric-filters --log-group-name "$g" --region "$r"
    done
    save "cloudwatch/$r/alarms.json" cloudwatch describe-alarms --alarm-types MetricAlarm --region "$r"
  fi
  save "events/$r/root-activity.json" cloudtrail lookup-events --region "$r" \
    --lookup-attributes AttributeKey=Username,AttributeValue=root --start-time "$events_since"
  save "config/$r/configuration-recorders.json" configservice describe-configuration-recorders --region "$r"
  save "config/$r/configuration-recorder-status.json" configservice describe-configuration-recorder-status --region "$r"
  save "config/$r/delivery-channels.json" configservice describe-delivery-channels --region "$r"
  save "config/$r/delivery-channel-status.json" configservice describe-delivery-channel-status --region "$r"
  # KMS: the keys and aliases the data stores name, each key's state, and rotation where the
  # customer decides it (customer managed symmetric keys). Only key ids KMS issues (UUIDs,
  # mrk- ids) become folders.
  save "kms/$r/aliases.json" kms list-aliases --region "$r"
  save "kms/$r/keys.json" kms list-keys --region "$r"
  if [ -s "$out/kms/$r/keys.json" ]; then
    for id in $(sed -n -e 's/.*"KeyId": *"\([0-9a-f][0-9a-f-]*\)".*/\1/p' \
        -e 's/.*"KeyId": *"\(mrk-[0-9a-f]*\)".*/\1/p' "$out/kms/$r/keys.json"); do
      save "kms/$r/keys/$id/describe.json" kms describe-key --key-id "$id" --region "$r"
      d="$out/kms/$r/keys/$id/describe.json"
      if [ -f "$d" ] && grep -q '"KeyManager": *"CUSTOMER"' "$d" &&
         grep -q '"KeySpec": *"SYMMETRIC_DEFAULT"' "$d" && grep -q '"Origin": *"AWS_KMS"' "$d"; then
        save "kms/$r/keys/$id/rotation.json" kms get-key-rotation-status --key-id "$id" --region "$r"
      fi
    done
  fi
  # RDS: every DB instance and cluster with its encryption, backups and tags. (AWS CLI v1
  # replaces the rds endpoint of us-east-1 with a legacy name unless --endpoint-url is given,
  # so a custom AWS_ENDPOINT_URL is passed on explicitly.)
  save "rds/$r/db-instances.json" rds describe-db-instances --region "$r" ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"}
  save "rds/$r/db-clusters.json" rds describe-db-clusters --region "$r" ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"}
  # DynamoDB: every table, its encryption and status, point-in-time recovery and tags (asked
  # by the ARN the description gives). Only names DynamoDB allows become folders.
  save "dynamodb/$r/tables.json" dynamodb list-tables --region "$r"
  if [ -s "$out/dynamodb/$r/tables.json" ]; then
    for name in $(sed -n 's/^ *"\([A-Za-z0-9_.-]\{3,255\}\)",\{0,1\} *$/\1/p' "$out/dynamodb/$r/tables.json"); do
      save "dynamodb/$r/tables/$name/describe.json" dynamodb describe-table --table-name "$name" --region "$r"
      save "dynamodb/$r/tables/$name/continuous-backups.json" dynamodb describe-continuous-backups --table-name "$name" --region "$r"
      arn=""
      if [ -f "$out/dynamodb/$r/tables/$name/describe.json" ]; then
        arn=$(sed -n 's/.*"TableArn": *"\(arn:[a-z-]*:dynamodb:[a-z0-9-]*:[0-9]\{12\}:table\/[A-Za-z0-9_.-]*\)".*/\1/p' "$out/dynamodb/$r/tables/$name/describe.json" | head -n1)
      fi
      if [ -n "$arn" ]; then
        save "dynamodb/$r/tables/$name/tags.json" dynamodb list-tags-of-resource --resource-arn "$arn" --region "$r"
      else
        rm -f "$out/dynamodb/$r/tables/$name/tags.json"
        echo "not asked: the table's ARN comes from describe-table, which failed" >"$out/dynamodb/$r/tables/$name/tags.json.error"
      fi
    done
  fi
  # EFS: every file system with its encryption, key and tags (one call returns them all).
  save "efs/$r/file-systems.json" efs describe-file-systems --region "$r"
  # EC2: EBS encryption by default, the volumes (encryption, key, attachments, tags), the
  # instances (VPC, tags: an instance of ePHI brings its volumes into the scope), the VPCs and
  # their flow logs.
  save "ec2/$r/ebs-encryption-by-default.json" ec2 get-ebs-encryption-by-default --region "$r"
  save "ec2/$r/volumes.json" ec2 describe-volumes --region "$r"
  save "ec2/$r/instances.json" ec2 describe-instances --region "$r"
  save "ec2/$r/vpcs.json" ec2 describe-vpcs --region "$r"
  save "ec2/$r/flow-logs.json" ec2 describe-flow-logs --region "$r"
  # Load balancers (v2): each one's listeners and tags, and the rules of its plain-HTTP
  # listeners (a rule may forward in the clear what the default action redirects). Only ARNs
  # in ELB's own shape, and so names ELB allows, become folders and arguments.
  save "elb/$r/load-balancers.json" elbv2 describe-load-balancers --region "$r"
  if [ -s "$out/elb/$r/load-balancers.json" ]; then
    for lb in $(sed -n 's/.*"LoadBalancerArn": *"\(arn:[a-z-]*:elasticloadbalancing:[a-z0-9-]*:[0-9]\{12\}:loadbalancer\/[a-z]*\/[A-Za-z0-9-]\{1,32\}\/[0-9a-f]\{1,64\}\)".*/\1/p' "$out/elb/$r/load-balancers.json"); do
      name=$(echo "$lb" | cut -d/ -f3)
      save "elb/$r/load-balancers/$name/listeners.json" elbv2 describe-listeners --load-balancer-arn "$lb" --region "$r"
      save "elb/$r/load-balancers/$name/tags.json" elbv2 describe-tags --resource-arns "$lb" --region "$r"
      aws_ elbv2 describe-listeners --load-balancer-arn "$lb" --region "$r" \
          --query "Listeners[?Protocol=='HTTP'].[Port,ListenerArn]" --output text 2>/dev/null |
      while read -r port listener; do
        case "$port" in ''|*[!0-9]*) continue ;; esac
        save "elb/$r/load-balancers/$name/rules-$port.json" elbv2 describe-rules --listener-arn "$listener" --region "$r"
      done
    done
  fi
  # GuardDuty: the detectors; per detector its status and protection plans, the ids of its
  # open findings of severity 7 or more, and the first 50 of those reduced to what says what
  # they are (no IP addresses, key ids or user names leave GuardDuty). Only ids GuardDuty
  # issues (lower-case letters and digits) become folders and arguments.
  save "guardduty/$r/detectors.json" guardduty list-detectors --region "$r"
  if [ -s "$out/guardduty/$r/detectors.json" ]; then
    for id in $(sed -n 's/^ *"\([a-z0-9]\{1,300\}\)",\{0,1\} *$/\1/p' "$out/guardduty/$r/detectors.json"); do
      save "guardduty/$r/detectors/$id/detector.json" guardduty get-detector --detector-id "$id" --region "$r"
      save "guardduty/$r/detectors/$id/high-findings.json" guardduty list-findings --detector-id "$id" --region "$r" \
        --finding-criteria '{"Criterion":{"severity":{"GreaterThanOrEqual":7},"service.archived":{"Equals":["false"]}}}'
      first=""
      if [ -s "$out/guardduty/$r/detectors/$id/high-findings.json" ]; then
        first=$(sed -n 's/^ *"\([a-z0-9]\{1,300\}\)",\{0,1\} *$/\1/p' "$out/guardduty/$r/detectors/$id/high-findings.json" | head -n 50 | tr '\n' ' ')
      fi
      if [ -n "$first" ]; then
        # shellcheck disable=SC2086 # one argument per finding id
        save "guardduty/$r/detectors/$id/findings.json" guardduty get-findings --detector-id "$id" --region "$r" --finding-ids $first \
          --query '{Findings: Findings[].{Id: Id, Type: Type, Severity: Severity, Title: Title, UpdatedAt: UpdatedAt, Resource: {ResourceType: Resource.ResourceType}}}'
      fi
    done
  fi
  # AWS Backup: the plans, each with its rules and its selections (each read: by ARN, tag or
  # condition), the vaults with their Vault Lock, and which resource types the region opts in.
  # Only ids AWS Backup issues (letters, digits and '-') become folders and arguments.
  save "backup/$r/plans.json" backup list-backup-plans --region "$r"
  if [ -s "$out/backup/$r/plans.json" ]; then
    for plan in $(sed -n 's/.*"BackupPlanId": *"\([A-Za-z0-9-]\{1,100\}\)".*/\1/p' "$out/backup/$r/plans.json"); do
      save "backup/$r/plans/$plan/plan.json" backup get-backup-plan --backup-plan-id "$plan" --region "$r"
      save "backup/$r/plans/$plan/selections.json" backup list-backup-selections --backup-plan-id "$plan" --region "$r"
      if [ -s "$out/backup/$r/plans/$plan/selections.json" ]; then
        for selection in $(sed -n 's/.*"SelectionId": *"\([A-Za-z0-9-]\{1,100\}\)".*/\1/p' "$out/backup/$r/plans/$plan/selections.json"); do
          save "backup/$r/plans/$plan/selections/$selection.json" backup get-backup-selection --backup-plan-id "$plan" --selection-id "$selection" --region "$r"
        done
      fi
    done
  fi
  save "backup/$r/vaults.json" backup list-backup-vaults --region "$r"
  save "backup/$r/region-settings.json" backup describe-region-settings --region "$r"
}
# S3: every bucket, then per bucket its location, tags, default encryption, versioning and
# policy (S3's "none configured" errors are kept as .error files: the import reads them as
# answers). Only names S3 allows become folders.
# The account's Block Public Access, which S3 applies to every bucket with the bucket's own.
self_account=$(sed -n 's/.*"Account": *"\([0-9]\{12\}\)".*/\1/p' "$out/sts/caller-identity.json" | head -n1)
save s3control/public-access-block.json s3control get-public-access-block --account-id "$self_account"
save s3/buckets.json s3api list-buckets
if [ -s "$out/s3/buckets.json" ]; then
  for name in $(sed -n 's/.*"Name": *"\([a-z0-9][a-z0-9.-]*[a-z0-9]\)".*/\1/p' "$out/s3/buckets.json"); do
    save "s3/$name/location.json" s3api get-bucket-location --bucket "$name"
    save "s3/$name/tagging.json" s3api get-bucket-tagging --bucket "$name"
    save "s3/$name/encryption.json" s3api get-bucket-encryption --bucket "$name"
    save "s3/$name/versioning.json" s3api get-bucket-versioning --bucket "$name"
    # A bucket never versioned answers with no fields, which the CLI prints as nothing.
    if [ -f "$out/s3/$name/versioning.json" ] && [ ! -s "$out/s3/$name/versioning.json" ]; then
      echo '{}' >"$out/s3/$name/versioning.json"
    fi
    save "s3/$name/policy.json" s3api get-bucket-policy --bucket "$name"
    save "s3/$name/public-access-block.json" s3api get-public-access-block --bucket "$name"
    save "s3/$name/policy-status.json" s3api get-bucket-policy-status --bucket "$name"
  done
fi
# CloudFront (global): every distribution with its behaviors, origins and certificate, then
# per distribution its tags (asked by the ARN the list gives). Only ids CloudFront issues
# (upper-case letters and digits) become folders.
save cloudfront/distributions.json cloudfront list-distributions
if [ -s "$out/cloudfront/distributions.json" ]; then
  for arn in $(sed -n 's/.*"ARN": *"\(arn:[a-z-]*:cloudfront::[0-9]\{12\}:distribution\/[A-Z0-9]\{1,64\}\)".*/\1/p' "$out/cloudfront/distributions.json"); do
    id=${arn##*/}
    save "cloudfront/distributions/$id/tags.json" cloudfront list-tags-for-resource --resource "$arn"
  done
fi

# Four regions at a time (batches, so that bash 3.2 on macOS runs it too): an account's 17 or
# more enabled regions take a quarter of the time.
n=0
for r in $regions; do
  export_region "$r" &
  n=$((n + 1))
  if [ $((n % 4)) -eq 0 ]; then wait; fi
done
wait

# The organization's view of this account, with the management side's credentials.
# as_org CMD...: runs save/append with --org-profile instead of --profile.
as_org() { local saved=$profile; profile=$org_profile; "$@"; profile=$saved; }
if [ -n "$org_profile" ]; then
  echo "  organization (profile $org_profile)" >&2
  account=$(sed -n 's/.*"Account": *"\([0-9]*\)".*/\1/p' "$out/sts/caller-identity.json" | head -n1)
  as_org save organizations/organization.json organizations describe-organization
  as_org save organizations/account.json organizations describe-account --account-id "$account"
  as_org save organizations/account-tags.json organizations list-tags-for-resource --resource-id "$account"
  as_org save organizations/roots.json organizations list-roots
  # Up from the account to the root: each parent, each OU's name (OUs nest five deep at most).
  targets=$account; id=$account
  for _ in 1 2 3 4 5 6 7; do
    as_org save "organizations/parents/$id.json" organizations list-parents --child-id "$id"
    f="$out/organizations/parents/$id.json"
    [ -f "$f" ] || break
    ou=$(sed -n 's/.*"Id": *"\([^"]*\)".*/\1/p' "$f" | head -n1)
    ptype=$(sed -n 's/.*"Type": *"\([^"]*\)".*/\1/p' "$f" | head -n1)
    # Ids name files: only what AWS issues (lower-case letters, digits, dashes) goes further.
    case "$ou" in r-*|ou-*) ;; *) break ;; esac
    case "$ou" in *[!0-9a-z-]*) break ;; esac
    targets="$targets $ou"
    [ "$ptype" = ROOT ] && break
    as_org save "organizations/ous/$ou.json" organizations describe-organizational-unit --organizational-unit-id "$ou"
    id=$ou
  done
  # The SCPs at every level of the path, each document once.
  for id in $targets; do
    as_org save "organizations/policies-for-target/$id.json" organizations list-policies-for-target \
      --target-id "$id" --filter SERVICE_CONTROL_POLICY
    for policy in $(sed -n 's/.*"Id": *"\(p-[0-9A-Za-z_]*\)".*/\1/p' \
        "$out/organizations/policies-for-target/$id.json" 2>/dev/null | sort -u); do
      [ -f "$out/organizations/policies/$policy.json" ] ||
        as_org save "organizations/policies/$policy.json" organizations describe-policy --policy-id "$policy"
    done
  done
  # An organization trail delivers to a log group in the management account: its groups,
  # filters and alarms, which this account cannot read.
  mgmt=$(sed -n 's/.*"MasterAccountId": *"\([0-9]*\)".*/\1/p' "$out/organizations/organization.json" 2>/dev/null | head -n1)
  if [ -n "$mgmt" ] && [ "$mgmt" != "$account" ]; then
    for r in $regions; do
      groups=$(sed -n 's/.*"CloudWatchLogsLogGroupArn": *"\(arn:[^"]*\)".*/\1/p' "$out/cloudtrail/$r/trails.json" 2>/dev/null |
        awk -F: -v m="$mgmt" -v r="$r" '$5 == m && $4 == r {print $7}' | sort -u)
      [ -n "$groups" ] || continue
      rm -f "$out/organizations/logs/$r/log-groups.json"* "$out/organizations/logs/$r/metric-filters.json"*
      for g in $groups; do
        as_org append "organizations/logs/$r/log-groups.json" logs describe-log-groups --log-group-name-prefix "$g" --region "$r"
        as_org append "organizations/logs/$r/metric-filters.json" logs describe-metric-filters --log-group-name "$g" --region "$r"
      done
      as_org save "organizations/cloudwatch/$r/alarms.json" cloudwatch describe-alarms --alarm-types MetricAlarm --region "$r"
    done
  fi
fi

printf '{\n    "collected_at": "%s",\n    "events_since": "%s",\n    "exported_by": "scripts/export-aws-evidence.sh",\n    "aws_cli": "%s"\n}\n' "$collected_at" "$events_since" "$cli_version" >"$out/export-info.json"
echo "done: safeguard assess $out" >&2
