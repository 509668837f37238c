#!/usr/bin/env bash
# Proves that a new Debian 12 machine with only the .NET SDK passes `make test`, trains and predicts.
#
# Builds a clean Debian 12 root (debootstrap --variant=minbase bookworm, from the archive this machine's apt
# already uses), binds this machine's .NET SDK into it read-only (with this machine's DNS settings and certificate
# authorities, copied in: the NuGet and Debian feeds are reached through them), copies in a clone of the repository (HEAD,
# committed work only) with ../shared beside it, and runs there, as a new user would:
#   make test                                   (installs the packages with apt-get, builds, runs every test)
#   ./dyndet train ... --max-iters 2            (a two-iteration training run on synthetic data)
#   ./dyndet predict ...                        (must write its PNG)
# The last line is make test's "N passed, M failed"; the exit status is non-zero if anything failed.
#
# Usage: sudo scripts/fresh-machine-check.sh [--keep]
#   FRESH_ROOT   where the root is built (default /var/tmp/dyndet-fresh-root; wiped first)
#   FRESH_SHARED the shared folder to copy in (default: ../shared beside the repository)
#   --keep       leave the root in place afterwards (for a look inside: chroot "$FRESH_ROOT" bash)
# Besides the packages debootstrap's minbase gives, the root gets only what a machine needs to hold and run the SDK
# and a clone: make, git, and the SDK's own runtime libraries (ICU, OpenSSL, zlib).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${FRESH_ROOT:-/var/tmp/dyndet-fresh-root}"
shared="${FRESH_SHARED:-$here/../shared}"
keep=0
[ "${1:-}" = "--keep" ] && keep=1

say() { printf 'fresh-machine-check: %s\n' "$*" >&2; }
die() { printf 'error: fresh-machine-check: %s\n' "$*" >&2; exit 2; }

# --- inside the private mount namespace: mount, chroot, run ------------------------------------------------------
if [ "${FRESH_STAGE:-}" = "inside" ]; then
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mkdir -p "$root/usr/share/dotnet"
  mount --bind -o ro "$DOTNET_ROOT_HOST" "$root/usr/share/dotnet"
  mount -o remount,bind,ro "$root/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # The .NET and NuGet settings of this machine's environment (telemetry off, certificate revocation mode, ...).
  passthrough=()
  while IFS='=' read -r name value; do
    case "$name" in DOTNET_*|NUGET_*) passthrough+=("$name=$value") ;; esac
  done < <(env)
  exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${passthrough[@]}" \
    /bin/bash /work/fresh-run.sh
fi

# --- on the host: build the root -----------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"
[ -f "$shared/SPEC.md" ] || die "no shared folder at $shared (set FRESH_SHARED)"
dotnet_bin="$(command -v dotnet)" || die "the .NET SDK (dotnet) is not on PATH"
dotnet_root="$(dirname "$(readlink -f "$dotnet_bin")")"
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The first archive of this machine's apt sources that serves bookworm's main component.
mirror="$(
  { for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && cat "$f" && echo; done; } | awk '
    /^[ \t]*$/ { if (uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } uri = ""; suites = ""; next }
    /^URIs:/ { uri = $2 } /^Suites:/ { $1 = ""; suites = $0 " " }'
)"
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)"
fi
[ -n "$mirror" ] || die "found no bookworm archive in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources"

if findmnt -rno TARGET | grep -q "^$root/"; then die "something is still mounted under $root"; fi
rm -rf "$root"
mkdir -p "$root"
start=$(date +%s)
say "debootstrap --variant=minbase bookworm $root (from this machine's archive)"
debootstrap --variant=minbase --include=debian-archive-keyring,ca-certificates,make,git,libicu72,libssl3,zlib1g,libstdc++6 bookworm "$root" "$mirror" \
  > "$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log" >&2; die "debootstrap failed (log: $root.debootstrap.log)"; }
say "root built in $(( $(date +%s) - start )) s"

# This machine's apt sources and settings, as a new machine of this workplace has them.
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && cp "$f" "$root$f"
done
for f in /etc/apt/apt.conf.d/*; do [ -f "$f" ] && cp "$f" "$root/etc/apt/apt.conf.d/"; done

# This machine's certificate authorities (copied, not bound: apt in the root updates Debian's own bundle).
cp -a /etc/ssl/certs/. "$root/etc/ssl/certs/"
[ -d /usr/local/share/ca-certificates ] && cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"

mkdir -p "$root/work"
git clone -q --no-local "$here" "$root/work/dyndet"
cp -a "$shared" "$root/work/shared"
chmod -R a-w "$root/work/shared"

cat > "$root/work/fresh-run.sh" <<'RUN'
set -uo pipefail
cd /work/dyndet
echo "fresh root: $(. /etc/os-release; echo "$PRETTY_NAME"), dotnet $(dotnet --version), commit $(git rev-parse --short HEAD)"
make test 2>&1 | tee /work/make-test.log
test_status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' /work/make-test.log | tail -n 1)
[ -n "$summary" ] || summary="0 passed, 1 failed"
echo "--- two-iteration training and a prediction"
status=0
./dyndet data synth --out /tmp/check/synth --images 6 --seed 5 || status=1
./dyndet train --config faster_rcnn_r18_cpu --out /tmp/check/run --max-iters 2 \
  --train-data /tmp/check/synth/instances.json --val-data /tmp/check/synth/instances.json || status=1
./dyndet predict --checkpoint /tmp/check/run/latest.pth /tmp/check/synth/images/synth_000000.png \
  --out /tmp/check/pred --score-thr 0 || status=1
if [ -s /tmp/check/pred/synth_000000.png ]; then
  echo "predict wrote /tmp/check/pred/synth_000000.png ($(stat -c %s /tmp/check/pred/synth_000000.png) bytes)"
  mkdir -p /work/out && cp /tmp/check/pred/synth_000000.png /work/out/
else
  echo "predict wrote no PNG"; status=1
fi
[ "$status" = 0 ] && echo "training and predict: ok" || echo "training and predict: FAILED"
echo "$summary"
[ "$test_status" = 0 ] && [ "$status" = 0 ]
RUN

say "running make test, a training run and a prediction in the fresh root"
set +e
FRESH_STAGE=inside DOTNET_ROOT_HOST="$dotnet_root" unshare --mount --propagation private "$0"
status=$?
set -e
mkdir -p "$here/fresh-machine-check"
if [ -f "$root/work/out/synth_000000.png" ]; then
  cp "$root/work/out/synth_000000.png" "$here/fresh-machine-check/predicted.png"
  say "the predicted image is in fresh-machine-check/predicted.png"
fi
cp "$root/work/make-test.log" "$here/fresh-machine-check/make-test.log" 2>/dev/null || true
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$root/work/make-test.log" 2>/dev/null | tail -n 1)
say "finished in $(( $(date +%s) - start )) s, exit status $status (make test's log: fresh-machine-check/make-test.log)"
if [ "$keep" = 0 ]; then rm -rf "$root" "$root.debootstrap.log"; fi
echo "${summary:-0 passed, 1 failed}"
exit "$status"
