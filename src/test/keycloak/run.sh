#!/usr/bin/env bash
# Usage: run.sh [PORT]   (default: a free port)
#
# Starts Keycloak 26.7.3 (start-dev, in-memory H2) on 127.0.0.1:PORT for the end-to-end tests,
# with the bootstrap admin admin/admin in the master realm. Prints http://127.0.0.1:PORT on
# stdout once the master realm answers; everything else (Maven output, Keycloak's log) goes to
# stderr, which the caller must drain. Runs until SIGTERM, which stops Keycloak too. Exits
# non-zero if the download fails, or if Keycloak stops or does not answer within 300 s.
#
# Keycloak comes from Maven Central (org.keycloak:keycloak-quarkus-dist:26.7.3:zip, 177 MB, via
# the Maven dependency plugin, so Maven's local repository and settings apply) and is unpacked
# into $AGENTWATCH_KEYCLOAK_CACHE (default ~/.cache/agentwatch), shared by every worktree and
# every `mvn clean`. The first start-dev on a fresh unpack augments the server in place (a build
# of about 45 s): that first start happens under the lock, so parallel callers wait for it
# instead of building the same directory at once, and later starts skip it (about 15 s).
set -euo pipefail
version=26.7.3
cache=${AGENTWATCH_KEYCLOAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentwatch}
home=$cache/keycloak-$version
# Written after the first successful start: the augmented server in $home is complete.
built=$home/.agentwatch-built

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${1:-}
if [[ -z $port ]]; then
  # Below the kernel's ephemeral range (32768+), so outgoing connections cannot hold it.
  while port=$((20000 + RANDOM % 12000)); in_use "$port"; do :; done
elif in_use "$port"; then
  echo "run.sh: port $port is already in use" >&2; exit 1
fi
url=http://127.0.0.1:$port

mkdir -p "$cache"
exec 9>"$cache/.keycloak-$version.lock"
flock 9
if [[ ! -f $built ]]; then
  echo "run.sh: preparing Keycloak $version in $home (first time only: download, unpack, build)" >&2
  scratch=$home.tmp
  rm -rf "$scratch" "$home"
  mkdir -p "$scratch"
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.keycloak:keycloak-quarkus-dist:$version:zip -DoutputDirectory="$scratch" >&2
  unzip -q "$scratch/keycloak-quarkus-dist-$version.zip" -d "$scratch"
  mv "$scratch/keycloak-$version" "$home"
  rm -rf "$scratch"
else
  flock -u 9
fi

# Per-run files outside the shared directory: the transaction log, and the process's temp files.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/agentwatch-keycloak.XXXXXX")
export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
export JAVA_OPTS_APPEND="-Dquarkus.transaction-manager.object-store.directory=$run_dir/transaction-logs -Djava.io.tmpdir=$run_dir"
# The same options every time: a changed build option (such as --db) would make start-dev
# rebuild the shared directory.
"$home/bin/kc.sh" start-dev --db=dev-mem --http-host=127.0.0.1 --http-port="$port" >&2 9>&- &
kc=$!
# Keycloak writes to $run_dir until its JVM has exited: wait for that before removing it.
stop() {
  kill "$kc" 2>/dev/null || true
  while kill -0 "$kc" 2>/dev/null; do sleep 0.1; done
  rm -rf "$run_dir"
}
trap stop EXIT
trap 'exit 143' TERM INT

# A failed first start leaves a half-built directory: remove it, so the next run starts afresh.
fail() {
  echo "run.sh: $1" >&2
  stop
  [[ -f $built ]] || rm -rf "$home"
  exit 1
}
SECONDS=0
until curl -sf -o /dev/null "$url/realms/master/.well-known/openid-configuration"; do
  kill -0 "$kc" 2>/dev/null || fail "Keycloak stopped before it answered"
  (( SECONDS < 300 )) || fail "$url did not answer in 300 s"
  sleep 0.2
done
if [[ ! -f $built ]]; then
  touch "$built"
  flock -u 9
fi
exec 9>&-
echo "$url"
wait "$kc"
