#!/usr/bin/env bash
# The REST API as a pipeline uses it, with plain curl and jq: upsert a tiny catalogue,
# train (ml scope) and wait for the version to be active, read predictions by external
# id, pull every label change from the start, then pull again from the returned cursor
# and get nothing new. Every step asserts on values (jq -e), so a wrong answer fails.
#
# Needs LOUPE_URL (e.g. http://127.0.0.1:3000), LOUPE_TOKEN (scopes read, write, ml),
# LOUPE_PROJECT (a project with the four categories below). Run by e2e/rest-curl.e2e.test.ts.
set -euo pipefail

: "${LOUPE_URL:?}" "${LOUPE_TOKEN:?}" "${LOUPE_PROJECT:?}"
API="$LOUPE_URL/api/v1/projects/$LOUPE_PROJECT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# call METHOD PATH [BODY]: the body to stdout; fails unless the status is 2xx.
call() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -o "$TMP/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $LOUPE_TOKEN")
  if [ -n "$body" ]; then args+=(-H 'content-type: application/json' --data-binary "$body"); fi
  local status
  status=$(curl "${args[@]}" "$API$path")
  case "$status" in
    2??) cat "$TMP/body" ;;
    *) fail "$method $path answered $status: $(head -c 500 "$TMP/body")" ;;
  esac
}

# expect JSON FILTER: jq -e on JSON, failing with both on a mismatch.
expect() {
  jq -e "$2" <<<"$1" >/dev/null || fail "expected $2 in $(head -c 800 <<<"$1")"
}

step "upsert 80 labelled items in 4 categories and 8 unlabelled ones"
CATS='["Produce > Fresh fruits","Dairy eggs > Yogurt","Snacks > Chips pretzels","Beverages > Water seltzer"]'
WORDS='[["apple","banana","mango","pear","grape"],["yogurt","skyr","kefir","greek","cultured"],["chips","pretzel","crisps","tortilla","nachos"],["water","seltzer","sparkling","mineral","tonic"]]'
ITEMS=$(jq -nc --argjson cats "$CATS" --argjson words "$WORDS" '
  # The filler word cycles independently of the category, so only the category words tell them apart.
  def title($c; $i): "\(["organic","family","value","fresh"][(($i / 4) | floor) % 4]) \($words[$c][$i % 5]) \($words[$c][($i + 2) % 5])";
  { items: (
      [range(0; 80) as $i | ($i % 4) as $c | { id: "p-\($i)", title: title($c; $i), category: $cats[$c] }]
      + [range(0; 8) as $i | ($i % 4) as $c | { id: "u-\($i)", title: title($c; $i + 1) }]
  ) }')
UPSERT=$(call POST /items "$ITEMS")
expect "$UPSERT" '.rows == 88 and .created == 88 and .labels == 80'

step "train and wait until version 1 is active"
TRAIN=$(call POST /training)
expect "$TRAIN" '.version == 1 and (.created | type == "boolean")'
for _ in $(seq 1 240); do
  STATUS=$(call GET /status)
  if jq -e '.activeModelVersion == 1' <<<"$STATUS" >/dev/null; then break; fi
  sleep 0.5
done
expect "$STATUS" '.activeModelVersion == 1 and .labelCounts.import == 80 and .itemCounts.pool == 88'

step "predictions for unlabelled items by external id, once the pool is scored"
IDS='{"externalIds":["u-0","u-1","u-2","u-3","p-0","no-such-item"]}'
for _ in $(seq 1 240); do
  PRED=$(call POST /predictions "$IDS")
  if jq -e '[.items[0:4][] | .prediction] | all(. != null)' <<<"$PRED" >/dev/null; then break; fi
  sleep 0.5
done
expect "$PRED" '.items | length == 6'
expect "$PRED" '[.items[0:4][] | .prediction.modelVersion] == [1,1,1,1]'
expect "$PRED" '[.items[0:4][] | .prediction.category] == ["Produce > Fresh fruits","Dairy eggs > Yogurt","Snacks > Chips pretzels","Beverages > Water seltzer"]'
expect "$PRED" '.items[0].prediction.confidence > 0 and .items[0].prediction.confidence <= 1 and .items[0].label == null'
expect "$PRED" '.items[4] | .found and .label == {category: "Produce > Fresh fruits", source: "import"}'
expect "$PRED" '.items[5] | (.found | not) and .prediction == null'

step "pull every label change from the start, in pages of 25"
SINCE=""
: >"$TMP/changes"
# On Postgres a change shows once every older transaction on the server has ended, so a
# colleague's long transaction can hold the feed back (never skip a change): keep asking.
for _ in $(seq 1 200); do
  PAGE=$(call GET "/labels?limit=25${SINCE:+&since=$SINCE}")
  expect "$PAGE" '(.changes | length) <= 25 and (.next | test("^[0-9]+-[0-9]+$"))'
  jq -c '.changes[]' <<<"$PAGE" >>"$TMP/changes"
  SINCE=$(jq -r .next <<<"$PAGE")
  if ! jq -e .hasMore <<<"$PAGE" >/dev/null; then
    [ "$(wc -l <"$TMP/changes")" -ge 80 ] && break
    sleep 0.5
  fi
done
ALL=$(jq -sc . "$TMP/changes")
expect "$ALL" 'length == 80'
expect "$ALL" '[.[].changeId] | unique | length == 80'
expect "$ALL" '[.[].externalId] | sort == ([range(0; 80) | "p-\(.)"] | sort)'
expect "$ALL" 'all(.source == "import" and (.deleted | not) and .category != null and (.changedAt | test("^[0-9]{4}-")))'
expect "$ALL" '(map(select(.externalId == "p-1")) | .[0].category) == "Dairy eggs > Yogurt"'

step "pull again from the returned cursor: nothing new, the same cursor"
AGAIN=$(call GET "/labels?since=$SINCE")
jq -e --arg since "$SINCE" '.changes == [] and .next == $since and .hasMore == false' <<<"$AGAIN" >/dev/null ||
  fail "a second pull from $SINCE returned $(head -c 300 <<<"$AGAIN")"

step "a cursor the API did not give is a 400 naming since"
BAD=$(curl -sS -w '\n%{http_code} %{content_type}' -H "Authorization: Bearer $LOUPE_TOKEN" "$API/labels?since=oops")
[ "$(tail -n1 <<<"$BAD")" = "400 application/problem+json" ] || fail "bad cursor answered $(tail -n1 <<<"$BAD")"
expect "$(head -n -1 <<<"$BAD")" '.errors[0].field == "since"'

echo "OK: REST pipeline round trip"
