#!/bin/sh
# Installs the Debian packages chronicle builds and tests with, when missing.
# Extra package names given as arguments are installed too (make bench).
set -e
PKGS="gcc make pkg-config libcjson-dev libpcre2-dev libuv1-dev neovim luajit lua5.1 lua5.2 python3 unicode-data iso-codes tmux"
missing=""
for p in $PKGS "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y $missing || { $SUDO apt-get update && $SUDO apt-get install -y $missing; }
