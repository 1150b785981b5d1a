#!/usr/bin/env bash
# Builds a minimal Mosquitto image from Debian's /usr/sbin/mosquitto and the libraries ldd lists,
# imported with podman (no registry is reachable here). Usage: build-mosquitto-image.sh [tag]
set -euo pipefail
tag=${1:-localhost/mosquitto:2.0.11}
bin=/usr/sbin/mosquitto
[ -x "$bin" ] || { echo "mosquitto is not installed (apt-get install -y mosquitto)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/sbin" "$root/mosquitto/config" "$root/etc" "$root/tmp"
cp "$bin" "$root/usr/sbin/"
for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# mosquitto resolves users/groups (user root) through NSS: give it passwd/group and the files module.
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'passwd: files
group: files' > "$root/etc/nsswitch.conf"
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /usr/lib/x86_64-linux-gnu/libnss_files.so.2; do
  [ -e "$lib" ] && { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
done
tar -C "$root" -cf - . | podman import --change 'CMD ["/usr/sbin/mosquitto","-c","/mosquitto/config/mosquitto.conf"]' - "$tag" >/dev/null
echo "$tag"
