#!/bin/bash
# gregor-healthcheck, the image's HEALTHCHECK: exit 0 when gregor-node's
# /readyz answers 200 (registered, unfenced, caught up with the metadata log),
# 1 otherwise. One line on stdout says what it saw (`docker inspect` keeps it).
#
# bash and its /dev/tcp rather than Node.js or curl: Docker runs this every
# few seconds, a Node.js start took up to 4.7 s on a loaded host (the probe
# then timed out although /readyz answers in milliseconds), a bash start takes
# a few milliseconds, and the slim base image has bash but no curl or wget.
#
# The URL comes from the HTTP listener in GREGOR_LISTENERS, the variable the
# node reads, so `docker run -e` or a compose file that moves the port needs
# no second setting; HEALTHCHECK_URL (http://HOST[:PORT]/PATH) overrides it,
# e.g. when the listeners come from a config file.
set -u
trap '' PIPE # a peer that closes early makes a write fail, not kill the shell

READ_TIMEOUT_S=5

unhealthy() {
  echo "$*"
  exit 1
}

if [ -n "${HEALTHCHECK_URL:-}" ]; then
  [[ $HEALTHCHECK_URL =~ ^http://(\[[^]/]+\]|[^]:/[]+)(:([0-9]+))?(/.*)?$ ]] ||
    unhealthy "healthcheck: HEALTHCHECK_URL '$HEALTHCHECK_URL' is not http://HOST[:PORT]/PATH"
  host=${BASH_REMATCH[1]}
  port=${BASH_REMATCH[3]:-80}
  path=${BASH_REMATCH[4]:-/}
else
  host='' port=''
  IFS=, read -ra entries <<<"${GREGOR_LISTENERS:-HTTP://0.0.0.0:9292}"
  for entry in "${entries[@]}"; do
    entry=${entry//[[:space:]]/}
    [[ $entry =~ ^HTTP://(\[[^]]+\]|[^]:[]*):([0-9]+)$ ]] || continue
    host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
    break
  done
  [ -n "$port" ] || unhealthy "healthcheck: GREGOR_LISTENERS has no HTTP listener; set HEALTHCHECK_URL"
  # A wildcard bind is reachable on loopback; a specific address only on itself.
  case $host in '' | 0.0.0.0) host=127.0.0.1 ;; '[::]') host='[::1]' ;; esac
  path=/readyz
fi
url="http://$host:$port$path"
addr=${host#[}
addr=${addr%]}

# Connecting to a wildcard or loopback address is answered at once (refused or
# accepted); Docker's --timeout bounds a remote one that never answers.
{ exec 3<>"/dev/tcp/$addr/$port"; } 2>/dev/null || unhealthy "$url: connection refused"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host:$port" >&3 2>/dev/null ||
  unhealthy "$url: connection closed before the request was sent"
# A proxy with nothing behind it accepts and then closes: EOF, no status line.
read -r -t "$READ_TIMEOUT_S" status <&3 2>/dev/null || unhealthy "$url: no answer"
[[ $status =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] || unhealthy "$url: not an HTTP answer: ${status%$'\r'}"
echo "$url: ${BASH_REMATCH[1]}"
[ "${BASH_REMATCH[1]}" = 200 ]
