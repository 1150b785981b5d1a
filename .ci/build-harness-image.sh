#!/usr/bin/env bash
# Builds the harness image for sharded benchmarks (docs/benchmarks-cluster.md): the host's node 20
# binary with the libraries ldd lists (copied from the host, as build-mosquitto-image.sh copies
# mosquitto: no registry is reachable here), and the project in /harness (tracked files of lib/,
# suites/, fixtures/, bin/ and the installed node_modules), imported with podman. The tag is a hash
# of the recipe (this script, the node binary, package-lock.json and the copied files' contents), so
# the image is rebuilt only when one of them changed. Needs `npm ci` first.
# Usage: build-harness-image.sh [--print-tag]
set -euo pipefail
cd "$(dirname "$0")/.."
node=$(command -v node)
# Unit tests beside the code (lib/**/*.test.ts) are not needed to run shards: left out of image and hash.
files() { git ls-files -z -- lib suites fixtures bin package.json package-lock.json tsconfig.json ':(exclude,glob)lib/**/*.test.ts'; }
# Contents only (never the paths the script or node were called by): the same recipe, the same tag.
hash=$( { cat "$0"; sha256sum < "$node"; files | xargs -0 sha256sum; } | sha256sum | cut -c1-12)
tag=localhost/mqtt-harness:$hash
if [ "${1:-}" = --print-tag ]; then echo "$tag"; exit 0; fi
if podman image exists "$tag"; then echo "$tag"; exit 0; fi
[ -d node_modules ] || { echo "node_modules is missing: run npm ci first" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/harness" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$node" "$root/usr/local/bin/node"
# Native addons in node_modules (vitest's bundler, ...) need libraries node itself does not (librt).
for lib in $( { ldd "$node"; find node_modules -name '*.node' -type f -exec ldd {} \; 2>/dev/null; } | grep -o '/[^ ]*' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
files | tar --null -T - -cf - | tar -C "$root/harness" -xf -
cp -a node_modules "$root/harness/node_modules"
tar -C "$root" -cf - . | podman import -q \
  --change 'WORKDIR /harness' --change 'ENV HARNESS_QUIET=1' \
  --change 'ENTRYPOINT ["/usr/local/bin/node","--import","tsx","lib/cli/main.ts"]' - "$tag" >/dev/null
echo "$tag"
