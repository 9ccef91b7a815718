#!/usr/bin/env bash
# Runs the whole test suite. Installs what a fresh machine lacks first: Debian's Chromium for the browser tests
# (the .NET SDK, Node.js and npm are expected on the machine).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests..."
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
fi
dotnet test SupportBot.sln --logger "console;verbosity=normal" "$@"
