#!/usr/bin/env bash
# Make sure the Debian/Ubuntu packages that pycairo, ManimPango and MathTex build
# against are installed; with the argument `test`, also Chromium and its driver, in
# which the tests load the lecture page, and LibreOffice Impress and poppler, with
# which they turn the PowerPoint deck into a PDF and read its pages. Installs them when run as root; otherwise
# prints the one command to run and fails. Fast (dpkg-query) when all are present.
set -euo pipefail

packages=(libcairo2-dev libpango1.0-dev pkg-config texlive-latex-base texlive-latex-extra dvisvgm)
[ "${1:-}" = test ] && packages+=(chromium chromium-driver libreoffice-impress poppler-utils)
# And Node.js, whose npm installs the browser tests' JavaScript (tests/browser): in
# Debian's own nodejs package npm is a package of its own.
[ "${1:-}" = test ] && { packages+=(nodejs); command -v npm >/dev/null || packages+=(npm); }
# A Debian system Python needs python3-venv for `python3 -m venv`; pyenv builds do not.
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv python3-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "mathvid: missing system packages; run: sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "mathvid: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
