#!/usr/bin/env bash
# Prove the lab: run the Keystone-to-Keystone exchange by hand with curl, exactly as the proxy does it.
#
#   k2k-check.sh [USER [PASSWORD [PROJECT [PROVIDER_PROJECT]]]]   default demo demo-secret demo demo
#
# 1. project-scoped home token            POST home /v3/auth/tokens (password)
# 2. SAML2 ECP assertion for the SP       POST home /v3/auth/OS-FEDERATION/saml2/ecp
# 3. assertion to the SP's ECP endpoint   POST sp_url (application/vnd.paos+xml) -> 302 + _shibsession_ cookie
# 4. unscoped provider token              GET auth_url with the cookie -> 201, X-Subject-Token
# 5. project-scoped provider token        POST provider /v3/auth/tokens (token method, PROVIDER_PROJECT)
# Prints "OK <provider project id>" (last line) and exits 0, or the failing step and exits 1.
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USER_NAME="${1:-demo}"
PASSWORD="${2:-demo-secret}"
PROJECT="${3:-demo}"
PROV_PROJECT="${4:-$PROJECT}"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

fail() {
  echo "k2k-check: FAILED at $1" >&2
  shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "----- $f" >&2
    case "$f" in
      "$LOGS"/*) tail -n 15 "$f" >&2 ;;
      *) head -c 1500 "$f" >&2; echo >&2 ;;
    esac
  done
  exit 1
}
now() { date +%s%N; }
hdr() { awk -v h="$(echo "$2" | tr 'A-Z' 'a-z')" 'tolower($1)==h":"{sub(/\r$/,"");print $2}' "$1" | tail -n1; }

T0=$(now)

# 1. home token scoped to PROJECT
code=$(curl -s -o "$W/1.json" -D "$W/1.h" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"'"$USER_NAME"'","domain":{"name":"Default"},"password":"'"$PASSWORD"'"}}},"scope":{"project":{"name":"'"$PROJECT"'","domain":{"name":"Default"}}}}}' \
  "$HOME_URL/v3/auth/tokens")
[ "$code" = 201 ] || fail "1 (home token: HTTP $code)" "$W/1.json"
HOME_TOKEN="$(hdr "$W/1.h" x-subject-token)"
read -r SPURL AUTHURL < <(json_get "' '.join(next((s['sp_url'], s['auth_url']) for s in d['token'].get('service_providers', []) if s['id'] == '$SP_ID'))" <"$W/1.json") ||
  fail "1 (service provider $SP_ID not in token.service_providers)" "$W/1.json"
echo "1. home token for $USER_NAME/$PROJECT; service provider $SP_ID: sp_url=$SPURL auth_url=$AUTHURL"
T1=$(now)

# 2. ECP-wrapped SAML assertion
code=$(curl -s -o "$W/ecp.xml" -D "$W/2.h" -w '%{http_code}' -H 'Content-Type: application/json' -H "X-Auth-Token: $HOME_TOKEN" \
  --data '{"auth":{"identity":{"methods":["token"],"token":{"id":"'"$HOME_TOKEN"'"}},"scope":{"service_provider":{"id":"'"$SP_ID"'"}}}}' \
  "$HOME_URL/v3/auth/OS-FEDERATION/saml2/ecp")
[ "$code" = 200 ] || fail "2 (ECP assertion: HTTP $code)" "$W/ecp.xml" "$LOGS/keystone-home.log"
grep -q 'SignatureValue' "$W/ecp.xml" || fail "2 (assertion not signed)" "$W/ecp.xml"
echo "2. ECP envelope: $(wc -c <"$W/ecp.xml") bytes, $(hdr "$W/2.h" content-type)"
T2=$(now)

# 3. PAOS post to the SP's ECP consumer: 302 + session cookie (do not follow)
code=$(curl -s -o "$W/3.body" -D "$W/3.h" -c "$W/cookies" -w '%{http_code}' \
  -H 'Content-Type: application/vnd.paos+xml' --data-binary @"$W/ecp.xml" "$SPURL")
grep -qi '^set-cookie: _shibsession_' "$W/3.h" ||
  fail "3 (SP ECP endpoint: HTTP $code, no _shibsession_ cookie)" "$W/3.h" "$W/3.body" "$LOGS/shibd.log"
echo "3. SP accepted the assertion: HTTP $code, cookie $(grep -io '_shibsession_[0-9a-f]*' "$W/3.h" | head -n1)"
T3=$(now)

# 4. federated auth URL with the session cookie: unscoped provider token
code=$(curl -s -o "$W/4.json" -D "$W/4.h" -b "$W/cookies" -w '%{http_code}' "$AUTHURL")
[ "$code" = 201 ] || fail "4 (federated auth: HTTP $code)" "$W/4.json" "$LOGS/keystone-$SP_ID.log"
UNSCOPED="$(hdr "$W/4.h" x-subject-token)"
echo "4. unscoped provider token for $(json_get "d['token']['user']['name'] + ' (' + d['token']['user']['id'] + ', domain ' + d['token']['user']['domain']['name'] + ')'" <"$W/4.json")"
T4=$(now)

# 5. scope it to the provider project (by default the one with the home project's name)
code=$(curl -s -o "$W/5.json" -D "$W/5.h" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data '{"auth":{"identity":{"methods":["token"],"token":{"id":"'"$UNSCOPED"'"}},"scope":{"project":{"name":"'"$PROV_PROJECT"'","domain":{"name":"Default"}}}}}' \
  "$PROV_URL/v3/auth/tokens")
[ "$code" = 201 ] || fail "5 (scoped provider token: HTTP $code)" "$W/5.json" "$LOGS/keystone-$SP_ID.log"
[ -n "$(hdr "$W/5.h" x-subject-token)" ] || fail "5 (no X-Subject-Token)" "$W/5.h"
PROJECT_ID="$(json_get "d['token']['project']['id']" <"$W/5.json")"
ROLES="$(json_get "','.join(sorted(r['name'] for r in d['token']['roles']))" <"$W/5.json")"
T5=$(now)
ms() { echo $((($2 - $1) / 1000000)); }
echo "5. scoped provider token: project $PROV_PROJECT ($PROJECT_ID), roles $ROLES"
echo "timings ms: token $(ms "$T0" "$T1"), ecp $(ms "$T1" "$T2"), sp $(ms "$T2" "$T3"), auth $(ms "$T3" "$T4"), scope $(ms "$T4" "$T5"); exchange (2-5) $(ms "$T1" "$T5")"
echo "OK $PROJECT_ID"
