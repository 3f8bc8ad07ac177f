#!/usr/bin/env bash
# conf/deps.sh - install the Debian packages the portal needs, only those missing.
# Called by `make deps` (and so by `make run` and `make test`). Needs root (or sudo).
set -euo pipefail

# Build and run (iproute2: ss, which `make run` again asks whether the old
# programs still serve a request; python3: the stand-ins for outside parties, the bank sandbox
# and the national sync receiver, started by the local stack).
PKGS="build-essential pkg-config libfcgi-dev libmariadb-dev mariadb-server mariadb-client
clearsilver-dev libssl-dev libqrencode-dev zlib1g-dev nginx-light curl ca-certificates
openssl procps iproute2 libcurl4-openssl-dev python3"
# Tests, fuzzing and benchmarks.
if [ "${1:-}" = "test" ] || [ "${1:-}" = "all" ]; then
	PKGS="$PKGS libcmocka-dev clang libclang-rt-14-dev python3 chromium fonts-dejavu-core zbar-tools wrk"
	# Node may come from elsewhere than Debian (it ships its own npm): ask
	# for the commands, not the packages.
	command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
	command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Never let the package start the system MariaDB or nginx: the portal runs
# its own private instances under var/.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
