#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Usage: bash scripts/test.sh [pytest args...]
# Needs root for apt and for the tests that mount filesystems, start sshd and run the kolla
# container stand-in (CI runs as root).
#
# Venvs:
#   .venv          (Python 3.11, $XDEPLOY_TEST_VENV) this project with its test extra and
#                  kolla-ansible 22.2.0, in one pip resolution: the suite runs next to kolla 22.
#   .venv-kolla23  (Python 3.12, $XDEPLOY_KOLLA_VENV_23) this project and kolla-ansible 23.0.0,
#                  in one resolution. Python 3.12 is pyenv's ~/.pyenv/versions/3.12.*, else
#                  python3.12 on PATH; without it the kolla 23 tests skip (and CI fails here).
# Downloads the kolla tests need (collections from the `ansible` package's wheel, kolla's
# set_configs.py) are cached under ${XDEPLOY_GLANCE_CACHE:-$HOME/.cache/xdeploy-glance}.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-venv: `python3 -m venv` on Debian's own python3; time: bench/run.py peak RSS; sudo: verify --become
# mount, util-linux (unshare): the kolla container stand-in; mariadb-server, memcached: the e2e stack behind it
APT_PACKAGES=(python3-venv qemu-utils openssh-server openssh-client e2fsprogs util-linux mount time sudo mariadb-server memcached)
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

# pip, quietly: the build of this project makes setuptools print hundreds of lines of warnings
# (the data folders under collections/ look like importable packages to it). The output is
# kept in a log and shown, without those warnings, only when pip fails.
pip_install() {
    local python=$1 log
    shift
    log=$(mktemp)
    if ! "$python" -m pip install -q --disable-pip-version-check "$@" >"$log" 2>&1; then
        echo "pip install $* failed ($python); its output without setuptools' warnings:" >&2
        grep -v -e '^WARNING: Location' -e '^ \{6,\}' -e '^ *\*\+$' -e '^ *!!$' -e '^ *$' \
            -e 'check.warn(importable)' "$log" | tail -80 >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

# Install into a venv unless it already holds exactly this install (same requirements, same
# pyproject.toml and setup.py: the project is installed editable, so code changes need nothing).
install_once() {
    local python=$1 stamp_file stamp
    shift
    stamp_file="$(dirname "$(dirname "$python")")/.xdeploy-glance-test-install"
    stamp=$(printf '%s\n' "$*" | cat - pyproject.toml setup.py | sha256sum | cut -d' ' -f1)
    [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && return 0
    rm -f "$stamp_file"
    pip_install "$python" --upgrade pip
    pip_install "$python" "$@"
    echo "$stamp" >"$stamp_file"
}

VENV=${XDEPLOY_TEST_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
install_once "$VENV/bin/python" -e '.[test]' 'kolla-ansible==22.2.0'
VENV=$(cd "$VENV" && pwd)
export XDEPLOY_KOLLA_VENV_22="$VENV"

KOLLA23_VENV=${XDEPLOY_KOLLA_VENV_23:-.venv-kolla23}
if [ ! -x "$KOLLA23_VENV/bin/python" ]; then
    python312=$(ls -d "$HOME"/.pyenv/versions/3.12.*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$python312" ] || python312=$(command -v python3.12 || true)
    if [ -n "$python312" ]; then
        "$python312" -m venv "$KOLLA23_VENV"
    elif [ -n "${CI:-}" ]; then
        echo "error: kolla-ansible 23.0.0 needs Python 3.12: none in ~/.pyenv/versions/3.12.* or on PATH" \
             "as python3.12. Install one (e.g. pyenv install 3.12) or point XDEPLOY_KOLLA_VENV_23 at a" \
             "venv that has kolla-ansible 23.0.0." >&2
        exit 1
    else
        echo "warning: no Python 3.12 (pyenv 3.12.* or python3.12): the kolla-ansible 23.0.0 tests skip" >&2
    fi
fi
if [ -x "$KOLLA23_VENV/bin/python" ]; then
    install_once "$KOLLA23_VENV/bin/python" -e . 'kolla-ansible==23.0.0'
    XDEPLOY_KOLLA_VENV_23=$(cd "$KOLLA23_VENV" && pwd)
    export XDEPLOY_KOLLA_VENV_23
fi

export PATH="$VENV/bin:$PATH"
# The kolla harness's downloads (ansible collections, kolla's set_configs.py), once per cache.
if ! python -m tests.support.kolla prepare >/dev/null; then
    if [ -n "${CI:-}" ]; then
        echo "error: preparing the kolla-ansible test harness failed (see above)" >&2
        exit 1
    fi
    echo "warning: the kolla-ansible test harness is incomplete; those tests skip" >&2
fi

set +e
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "pytest collected no tests (exit 5): the selection matched nothing" >&2
fi
exit "$rc"
