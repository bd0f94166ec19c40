#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Usage: bash scripts/test.sh [pytest args...]
# Needs root for apt and for the tests that mount filesystems and start sshd (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-venv: `python3 -m venv` on Debian's own python3; time: bench/run.py peak RSS; sudo: verify --become
APT_PACKAGES=(python3-venv qemu-utils openssh-server openssh-client e2fsprogs util-linux time sudo)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "warning: not root, cannot apt-get install: ${missing[*]}; the tests that need them skip" >&2
    fi
fi

VENV=${XDEPLOY_TEST_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e '.[test]'

export PATH="$PWD/$VENV/bin:$PATH"
set +e
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "pytest collected no tests (exit 5): the selection matched nothing" >&2
fi
exit "$rc"
