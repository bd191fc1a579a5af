#!/usr/bin/env bash
# Install hoinghi and everything it needs on a fresh Debian machine with Python >= 3.11.
#   bash scripts/setup.sh          runtime only
#   bash scripts/setup.sh --dev    plus test and lint tools
# torch is pinned to the 2.13.0 CPU wheel and installed first: a plain "torch" requirement would
# pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

# Debian packages: Tesseract with its Vietnamese model (OCR of scanned PDFs and images); for
# --dev also a Vietnamese-capable TTF (tests render PDFs) and chromium (the browser tests drive
# Debian's chromium with Playwright; no browser download by a test tool).
APT=()
command -v tesseract >/dev/null 2>&1 || APT+=(tesseract-ocr)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata 2>/dev/null)" ] || APT+=(tesseract-ocr-vie)
if [ "${1:-}" = "--dev" ]; then
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || APT+=(fonts-dejavu-core)
  [ -x /usr/bin/chromium ] || APT+=(chromium)
fi
if [ ${#APT[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT[@]}" >/dev/null
  else
    echo "setup: apt-get not found; install ${APT[*]} by hand" >&2
  fi
fi

if ! "$PY" -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
  "$PY" -m pip install -q "torch==2.13.0"
fi
if [ "${1:-}" = "--dev" ]; then
  "$PY" -m pip install -q -e ".[dev]"
else
  "$PY" -m pip install -q -e .
fi
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true  # expose the `hoinghi` script
echo "setup: hoinghi installed ($("$PY" -c 'import torch; print("torch", torch.__version__)'))"
