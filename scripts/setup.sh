# setup.sh — sourced by ppl.sh and test.sh: installs the Debian packages ppl
# needs when any is missing, then configures and builds build/.
# Works as root (apt-get) or as a user with sudo.

ppl_packages="build-essential pkg-config meson ninja-build flex bison python3
  libgc-dev libgsl-dev libreadline-dev libcriterion-dev"

ppl_missing_packages() {
  local p missing=""
  for p in $ppl_packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

ppl_install_packages() {
  local missing
  missing=$(ppl_missing_packages)
  [ -z "$missing" ] && return 0
  echo "ppl: installing:$missing" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
}

# ppl_build DIR [meson options...]
ppl_build() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
  else
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >&2 >/dev/null || ninja -C "$dir" >&2
}
