#!/usr/bin/env bash
# Usage: run.sh [PORT]   (default: a free port)
#
# Starts Apicurio Registry 2.4.2 (Confluent-compatible API) on 127.0.0.1:PORT for the
# end-to-end tests, building it first when the cache lacks it. Prints
# http://127.0.0.1:PORT/apis/ccompat/v7 on stdout once the API answers; everything else (Maven
# output, the registry's log) goes to stderr, which the caller must drain. The registry then
# runs in the foreground under this script's PID (exec), so SIGTERM to that PID stops it.
# Exits non-zero if the build fails, or if the registry stops or does not answer within 120 s.
#
# The build is cached outside the work tree, in $AGENTWATCH_REGISTRY_CACHE (default
# ~/.cache/agentwatch), so that every worktree and every `mvn clean` reuses one ~2 min build.
# The cache directory's name carries a hash of this wrapper's files: editing them builds anew.
# JAVA_OPTS overrides the registry JVM's options.
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${AGENTWATCH_REGISTRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentwatch}
hash=$(cd "$src" && cat pom.xml src/main/resources/application.properties | sha256sum | cut -c1-12)
build=$cache/apicurio-registry-2.4.2-$hash
jar=$build/target/quarkus-app/quarkus-run.jar

if [[ ! -f $jar ]]; then
  mkdir -p "$cache"
  # The lock makes parallel callers (test JVMs of several worktrees) build only once; the
  # build happens in a scratch directory that is renamed when complete, so an interrupted
  # build never looks finished.
  (
    flock 9
    if [[ ! -f $jar ]]; then
      echo "run.sh: building Apicurio Registry into $build (first time only, about 2 min)" >&2
      scratch=$build.tmp
      rm -rf "$scratch" "$build"
      mkdir -p "$scratch"
      cp -r "$src/pom.xml" "$src/src" "$scratch/"
      mvn -B -q -f "$scratch/pom.xml" package >&2
      mv "$scratch" "$build"
    fi
  ) 9>"$cache/.apicurio-build.lock"
fi

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${1:-}
if [[ -z $port ]]; then
  # Below the kernel's ephemeral range (32768+), so outgoing connections cannot hold it.
  while port=$((20000 + RANDOM % 12000)); in_use "$port"; do :; done
elif in_use "$port"; then
  # Otherwise the readiness check below would be answered by whatever listens there.
  echo "run.sh: port $port is already in use" >&2; exit 1
fi
url=http://127.0.0.1:$port/apis/ccompat/v7

# Readiness watcher, detached so that it is not left as a zombie child of java. $$ is this
# script's PID, which java takes over below.
( (
  SECONDS=0
  until curl -sf -o /dev/null "$url/subjects"; do
    kill -0 $$ 2>/dev/null || exit 1
    if (( SECONDS >= 120 )); then echo "run.sh: $url did not answer in 120 s" >&2; kill $$; exit 1; fi
    sleep 0.2
  done
  echo "$url"
) & )

# A small heap and the serial GC keep it near 190 MiB RSS; the tests send a few requests.
exec java ${JAVA_OPTS:--Xmx128m -XX:+UseSerialGC} -Dquarkus.http.port="$port" -jar "$jar" >&2
