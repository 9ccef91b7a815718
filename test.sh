#!/usr/bin/env bash
# Runs the whole test suite. Installs what a fresh machine lacks first: Debian's Chromium for the browser tests and
# redis-server for the several-instances tests (the .NET SDK, Node.js and npm are expected on the machine).
set -euo pipefail
cd "$(dirname "$0")"
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
if [ -n "$missing" ]; then
  echo "Installing$missing for the tests..."
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  $sudo apt-get install -y -qq $missing >/dev/null
fi
dotnet test SupportBot.sln --logger "console;verbosity=normal" "$@"
