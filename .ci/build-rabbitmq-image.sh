#!/usr/bin/env bash
# Builds a RabbitMQ image from Debian's rabbitmq-server package: a debootstrap --variant=minbase root
# filesystem, the package installed in a chroot, imported with podman (no container registry is
# reachable here; Debian's package archive is). About a minute. Usage: build-rabbitmq-image.sh [tag]
# Needs: root, debootstrap, podman. The mirror is the one this machine's apt already uses.
set -euo pipefail
tag=${1:-localhost/rabbitmq:3.10.8-debian}
suite=${SUITE:-bookworm}
for tool in debootstrap podman; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y $tool)" >&2; exit 1; }
done
mirror=${MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources; set MIRROR=" >&2; exit 1; }

root=$(mktemp -d /var/tmp/rabbitmq-rootfs.XXXXXX)
cleanup() {
  for m in proc sys dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
  || { tail -20 "$root.debootstrap.log" >&2; rm -f "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"
# No daemons may start inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server >/dev/null
umount -l "$root/proc"
rm -f "$root/usr/sbin/policy-rc.d"
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
# /usr/sbin/rabbitmq-server switches user and logs to /var/log; the harness runs the real script.
printf '#!/bin/sh\nexec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"\n' > "$root/usr/local/bin/rabbitmq-server"
chmod +x "$root/usr/local/bin/rabbitmq-server"
mkdir -p "$root/etc/rabbitmq" "$root/var/lib/rabbitmq"
version=$(chroot "$root" dpkg-query -W -f '${Version}' rabbitmq-server)
tar -C "$root" -cf - . | podman import \
  --change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV=HOME=/var/lib/rabbitmq' \
  --change 'ENV=LANG=C.UTF-8' \
  --change 'CMD ["rabbitmq-server"]' \
  --message "rabbitmq-server $version from Debian $suite" - "$tag" >/dev/null
echo "$tag"
