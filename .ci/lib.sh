# Shared by .ci/serve, .ci/test and .ci/run: a project-local virtualenv, installed from pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ensure_venv() {  # ensure_venv EXTRAS  — reinstalls only when pyproject.toml changed
  local extras="$1" stamp=".venv/.installed-$1"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
    touch "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

ensure_browser() {  # Debian's Chromium, a CJK font and poppler for the browser and PDF tests
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "wenquanyi zen hei" || missing+=(fonts-wqy-zenhei)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v msgfmt >/dev/null || missing+=(gettext)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian…"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
