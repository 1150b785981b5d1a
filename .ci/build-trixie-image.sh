#!/usr/bin/env bash
# Builds broker images from Debian trixie packages (no container registry is reachable here; Debian's
# package archive is): one debootstrap --variant=minbase root, shared by every broker and cached as a
# tarball, the recipe's packages installed in a chroot, imported with podman. Usage:
#   build-trixie-image.sh [broker...]     (default: every .ci/trixie/*.recipe)
# Prints one tag per broker: localhost/<broker>:<VERSION>-trixie-<12 hex of sha256(this script +
# recipe)>; lib/targets/target-versions.ts computes the same tag. An existing tag is not rebuilt, so a
# run rebuilds only when the recipe (or this script) changed. Needs: root, debootstrap, podman.
# A trixie root takes ~20 s; each broker's packages ~10-60 s more.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script="$here/$(basename "$0")"
suite=trixie
cache=${MQTT_HARNESS_CACHE:-/var/cache/mqtt-harness}

for tool in debootstrap podman sha256sum; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y $tool)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "build-trixie-image.sh needs root (debootstrap and chroot); run it with sudo" >&2; exit 1; }

brokers=("$@")
if [ ${#brokers[@]} -eq 0 ]; then
  for r in "$here"/trixie/*.recipe; do brokers+=("$(basename "$r" .recipe)"); done
fi

mirror=${MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources; set MIRROR=" >&2; exit 1; }

root=
cleanup() {
  [ -n "$root" ] || return 0
  umount -l "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT

# The shared minbase root, made once per mirror and kept as a tarball (apt lists included; they are
# refreshed below when an install fails on them).
base_tarball() {
  local tarball
  tarball="$cache/$suite-minbase-$(printf '%s' "$mirror" | sha256sum | cut -c1-12).tar"
  if [ ! -s "$tarball" ]; then
    mkdir -p "$cache"
    local tmp
    tmp=$(mktemp -d /var/tmp/trixie-rootfs.XXXXXX)
    if ! debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
      tail -20 "$tmp.log" >&2; rm -rf "$tmp" "$tmp.log"; return 1
    fi
    rm -f "$tmp.log"
    tar -C "$tmp" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$tmp"
  fi
  echo "$tarball"
}

build_one() {
  local broker=$1 recipe="$here/trixie/$1.recipe"
  [ -f "$recipe" ] || { echo "no recipe $recipe; recipes: $(cd "$here/trixie" && ls *.recipe | sed 's/\.recipe$//' | tr '\n' ' ')" >&2; return 1; }
  local PACKAGES VERSION IMPORT_CHANGES=()
  post_install() { :; }
  # shellcheck source=/dev/null
  . "$recipe"
  local hash tag
  hash=$(cat "$script" "$recipe" | sha256sum | cut -c1-12)
  tag="localhost/$broker:$VERSION-$suite-$hash"
  if podman image exists "$tag"; then echo "$tag"; return 0; fi

  local tarball
  tarball=$(base_tarball)
  root=$(mktemp -d /var/tmp/trixie-$broker.XXXXXX)
  tar -C "$root" -xf "$tarball"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # No daemons may start inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  # shellcheck disable=SC2086
  local install=(chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES)
  if ! "${install[@]}" >"$root.log" 2>&1; then
    chroot "$root" apt-get update -q >>"$root.log" 2>&1 && "${install[@]}" >>"$root.log" 2>&1 \
      || { tail -20 "$root.log" >&2; rm -f "$root.log"; return 1; }
  fi
  rm -f "$root.log"
  umount -l "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  local pkg=${PACKAGES%% *} got
  got=$(chroot "$root" dpkg-query -W -f '${Version}' "$pkg")
  case "$got" in
    "$VERSION"|"$VERSION"-*|"$VERSION"+*) ;;
    *) echo "$recipe says VERSION=$VERSION, but $suite has $pkg $got; update the recipe" >&2; return 1 ;;
  esac
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
  post_install "$root"
  local changes=(--change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  for c in "${IMPORT_CHANGES[@]}"; do changes+=(--change "$c"); done
  tar -C "$root" -cf - . | podman import -q "${changes[@]}" --message "$pkg $got from Debian $suite ($(basename "$recipe"))" - "$tag" >/dev/null
  rm -rf "$root"; root=
  echo "$tag"
}

for b in "${brokers[@]}"; do build_one "$b"; done
