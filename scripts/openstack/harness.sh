#!/bin/bash
# Real OpenStack Keystone + two Glances for the OpenStack provider's tests, on 127.0.0.1,
# from Debian 12 (bookworm) packages (Keystone 22 and Glance 25, the Zed series).
#   harness.sh install     # apt packages (root), about 2 min on a fresh machine, about 300 MB
#   harness.sh start       # Keystone + Glance RegionOne + Glance RegionTwo, 30-60 s
#   harness.sh stop        # stops only the processes it started (their recorded PIDs)
# start writes $OS_HARNESS_DIR/env (default /tmp/openstack-harness/env): OS_* variables of the
# admin project and a second project (projB, userB) for sharing.
set -euo pipefail
BASE=${OS_HARNESS_DIR:-/tmp/openstack-harness}
GPORT=${GLANCE_PORT:-9292}
G2PORT=${GLANCE2_PORT:-9392}
KPORT=${KEYSTONE_PORT:-5000}
ADMIN_PW=${OS_HARNESS_ADMIN_PW:-adminpw}

log() { echo "[openstack-harness $(date +%T)] $*" >&2; }

wait_http() { # url expected-codes-regex timeout-s
  local _ code=
  for _ in $(seq 1 $(($3 * 10))); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    [[ $code =~ ^($2)$ ]] && return 0
    sleep 0.1
  done
  log "timeout waiting for $1 (last code $code)"; return 1
}

do_install() {
  # The packages' postinst scripts ask (debconf) to configure a database, RabbitMQ,
  # keystone_authtoken and endpoints: answer no to all of them.
  debconf-set-selections <<'EOF'
glance-common glance/configure_db boolean false
glance-common glance/configure_rabbit boolean false
glance-common glance/configure_ksat boolean false
glance-api glance/configure_api-endpoint boolean false
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
EOF
  # dpkg must not start services (there may be no init system): policy-rc.d says no.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends glance-api keystone python3-keystonemiddleware uwsgi-plugin-python3 \
    qemu-utils sqlite3 curl
}

write_glance() { # dir port
  local dir=$1 port=$2
  mkdir -p "$dir/images" "$dir/staging" "$dir/lock" "$dir/tasks"
  cp /etc/glance/glance-api-paste.ini "$dir/glance-api-paste.ini"
  cat > "$dir/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
workers = 1
log_file = $dir/glance-api.log
node_staging_uri = file://$dir/staging

[database]
connection = sqlite:///$dir/glance.sqlite

[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = $dir/images/

[oslo_concurrency]
lock_path = $dir/lock

[paste_deploy]
flavor = keystone
config_file = $dir/glance-api-paste.ini

[task]
work_dir = $dir/tasks

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KPORT
auth_url = http://127.0.0.1:$KPORT
auth_type = password
project_domain_id = default
user_domain_id = default
project_name = service
username = glance
password = glancepw
EOF
}

write_keystone() {
  mkdir -p "$BASE/keystone"
  cat > "$BASE/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $BASE/keystone/keystone.log

[database]
connection = sqlite:///$BASE/keystone/keystone.sqlite

[token]
provider = fernet
expiration = 86400

[fernet_tokens]
key_repository = $BASE/keystone/fernet-keys

[fernet_receipts]
key_repository = $BASE/keystone/fernet-keys

[credential]
key_repository = $BASE/keystone/credential-keys

[identity]
# bcrypt cost 4 instead of 12: password checks are cheap (test only)
password_hash_rounds = 4

[cache]
# In-process cache (one uwsgi process): Glance's validation of each new token is much cheaper.
enabled = true
backend = dogpile.cache.memory
EOF
}

# Keystone v3 REST through curl, JSON read with python3.
KS() { echo "http://127.0.0.1:$KPORT/v3"; }
ks_token() { # user pw project -> token
  curl -sf -D - -o /dev/null -X POST "$(KS)/auth/tokens" -H 'Content-Type: application/json' -d \
   "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$1\",\"domain\":{\"id\":\"default\"},\"password\":\"$2\"}}},\"scope\":{\"project\":{\"name\":\"$3\",\"domain\":{\"id\":\"default\"}}}}}" \
   | awk 'tolower($1)=="x-subject-token:" {print $2}' | tr -d '\r'
}
ks_post() { # path json field -> id
  curl -sf -X POST "$(KS)$1" -H "X-Auth-Token: $TOK" -H 'Content-Type: application/json' -d "$2" \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['$3']['id'])"
}
ks_find() { # collection name -> id
  curl -sf "$(KS)/$1?name=$2" -H "X-Auth-Token: $TOK" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'][0]['id'])"
}
ks_endpoints() { # service-id region url
  local itf
  for itf in public internal admin; do
    ks_post /endpoints "{\"endpoint\":{\"service_id\":\"$1\",\"interface\":\"$itf\",\"url\":\"$3\",\"region_id\":\"$2\"}}" endpoint > /dev/null
  done
}

start_glance() { # dir name
  nohup glance-api --config-file "$1/glance-api.conf" > "$1/stdout.log" 2>&1 < /dev/null &
  echo $! > "$BASE/$2.pid"
}

do_start() {
  rm -rf "$BASE"; mkdir -p "$BASE"
  write_glance "$BASE/glance" "$GPORT"
  write_glance "$BASE/glance2" "$G2PORT"
  glance-manage --config-file "$BASE/glance/glance-api.conf" db_sync > "$BASE/glance/db_sync.log" 2>&1 &
  local g1=$!
  glance-manage --config-file "$BASE/glance2/glance-api.conf" db_sync > "$BASE/glance2/db_sync.log" 2>&1 &
  local g2=$!
  write_keystone
  local K="keystone-manage --config-file $BASE/keystone/keystone.conf"
  $K fernet_setup --keystone-user root --keystone-group root > "$BASE/keystone/setup.log" 2>&1 &
  local f1=$!
  $K credential_setup --keystone-user root --keystone-group root >> "$BASE/keystone/setup.log" 2>&1 &
  local f2=$!
  $K db_sync >> "$BASE/keystone/setup.log" 2>&1
  wait $f1 $f2
  $K bootstrap --bootstrap-password "$ADMIN_PW" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "http://127.0.0.1:$KPORT/v3/" \
    --bootstrap-public-url "http://127.0.0.1:$KPORT/v3/" \
    --bootstrap-internal-url "http://127.0.0.1:$KPORT/v3/" >> "$BASE/keystone/setup.log" 2>&1
  # sqlite's default rollback journal and Keystone's overlapping connections give "database is locked".
  sqlite3 "$BASE/keystone/keystone.sqlite" 'PRAGMA journal_mode=WAL;' > /dev/null
  # One process, one thread: sqlite objects must stay in the thread that made them.
  OS_KEYSTONE_CONFIG_DIR="$BASE/keystone" OS_KEYSTONE_CONFIG_FILES=keystone.conf \
    nohup uwsgi --plugins python3 --http-socket "127.0.0.1:$KPORT" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 1 \
    --die-on-term --need-app > "$BASE/keystone/uwsgi.log" 2>&1 < /dev/null &
  echo $! > "$BASE/keystone.pid"
  wait $g1 $g2
  start_glance "$BASE/glance" glance
  start_glance "$BASE/glance2" glance2
  wait_http "http://127.0.0.1:$KPORT/v3" 200 60
  TOK=$(ks_token admin "$ADMIN_PW" admin)
  local svc gu ub pb admr memr isvc
  svc=$(ks_post /projects '{"project":{"name":"service","domain_id":"default"}}' project)
  pb=$(ks_post /projects '{"project":{"name":"projB","domain_id":"default"}}' project)
  gu=$(ks_post /users '{"user":{"name":"glance","domain_id":"default","password":"glancepw"}}' user)
  ub=$(ks_post /users '{"user":{"name":"userB","domain_id":"default","password":"userBpw"}}' user)
  admr=$(ks_find roles admin); memr=$(ks_find roles member)
  curl -sf -X PUT "$(KS)/projects/$svc/users/$gu/roles/$admr" -H "X-Auth-Token: $TOK"
  curl -sf -X PUT "$(KS)/projects/$pb/users/$ub/roles/$memr" -H "X-Auth-Token: $TOK"
  ks_post /regions '{"region":{"id":"RegionTwo"}}' region > /dev/null
  isvc=$(ks_post /services '{"service":{"type":"image","name":"glance","enabled":true}}' service)
  ks_endpoints "$isvc" RegionOne "http://127.0.0.1:$GPORT"
  ks_endpoints "$isvc" RegionTwo "http://127.0.0.1:$G2PORT"
  cat > "$BASE/env" <<EOF
OS_AUTH_URL=http://127.0.0.1:$KPORT/v3
OS_USERNAME=admin
OS_PASSWORD=$ADMIN_PW
OS_PROJECT_NAME=admin
OS_USER_DOMAIN_ID=default
OS_PROJECT_DOMAIN_ID=default
OS_REGION_NAME=RegionOne
OS_IDENTITY_API_VERSION=3
OS_ADMIN_PROJECT_ID=$(ks_find projects admin)
OS_ADMIN_USER_ID=$(ks_find users admin)
OS_SECOND_USERNAME=userB
OS_SECOND_PASSWORD=userBpw
OS_SECOND_PROJECT_NAME=projB
OS_SECOND_PROJECT_ID=$pb
GLANCE_URL=http://127.0.0.1:$GPORT
GLANCE2_URL=http://127.0.0.1:$G2PORT
EOF
  wait_http "http://127.0.0.1:$GPORT/healthcheck" 200 60
  wait_http "http://127.0.0.1:$G2PORT/healthcheck" 200 60
  # Warm up: keystonemiddleware fetches its service token on the first authenticated call (about 3 s).
  curl -s -o /dev/null "http://127.0.0.1:$GPORT/v2/images" -H "X-Auth-Token: $TOK" || true
  curl -s -o /dev/null "http://127.0.0.1:$G2PORT/v2/images" -H "X-Auth-Token: $TOK" || true
  log "ready: env=$BASE/env"
}

do_stop() {
  local f p _
  for f in "$BASE/glance.pid" "$BASE/glance2.pid" "$BASE/keystone.pid"; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    kill -TERM "$p" 2>/dev/null || true      # the glance-api and uwsgi masters stop their children
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
    rm -f "$f"
  done
}

case ${1:-} in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  *) echo "usage: $0 install | start | stop" >&2; exit 2 ;;
esac
