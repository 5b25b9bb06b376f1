#!/usr/bin/env bash
# Smoke-test a built Linux bundle the way a workstation without Python runs it (`make dist-check`).
#
#   installer/linux/dist-check.sh [dist/calmdesk]
#
# Every run gets a clean environment (env -i): no Python on PATH, no PYTHONPATH, no venv, and a
# fresh CALMDESK_HOME in a temporary folder, so a new SQLite database. It checks, in order: that
# every library a bundled binary links to is bundled or belongs to the system; --version; the
# console offscreen with --exit-when-ready on the empty database (migrations found and run);
# `calmdesk demo` (runbooks found); `calmdesk export incidents` as CSV and JSON; the console
# again, now with the sample; and, where xvfb-run is installed, the console on a real X server
# (the xcb platform plugin and its libraries). The last line reads "dist-check: N passed, ...".
set -euo pipefail

bundle=$(cd "${1:-dist/calmdesk}" && pwd)
exe="$bundle/calmdesk"
[ -x "$exe" ] || { echo "dist-check: no bundle at $bundle (run make dist)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/calmdesk-dist-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"  # PATH: an empty folder, so nothing (python above all) can be found on it
home="$work/home"

passed=0
skipped=0
fail() {
  echo "FAILED: $*"
  echo "dist-check: $passed passed, 1 failed"
  exit 1
}
ok() { echo "$*"; passed=$((passed + 1)); }

# Run the bundle with nothing from this shell's environment but what a desktop session gives.
clean_env=(env -i PATH="$work/bin" HOME="$work" LANG=C.UTF-8 CALMDESK_HOME="$home")
bundled() { "${clean_env[@]}" "$exe" "$@"; }
offscreen() { "${clean_env[@]}" QT_QPA_PLATFORM=offscreen "$exe" "$@"; }

step() { printf '%-34s' "$1"; }

# The libraries PyInstaller leaves to the system on purpose (its own exclude list): the C
# library, the graphics drivers' GL/EGL, libxcb and Wayland. Any other library a bundled binary
# links to must be in the bundle: one missing on the build machine is missing for users too.
system_libs='^(ld-linux[^.]*|lib(c|m|dl|pthread|rt|util|resolv|crypt|nsl|anl|thread_db|drm|xcb|xcb-dri[^.]*|E?(Open)?GLX?(ESv1_CM|ESv2)?(dispatch)?|wayland-(client|cursor|egl|server)))\.so'
step "linked libraries all bundled:"
command -v objdump >/dev/null || fail "objdump is needed (apt-get install binutils)"
binaries=$(find "$bundle" \( -name '*.so*' -o -name calmdesk \) -type f)
bundled_names=$(find "$bundle" -name '*.so*' -printf '%f\n' | sort -u)
needed=$(echo "$binaries" | xargs objdump -p 2>/dev/null | awk '$1 == "NEEDED" {print $2}' | sort -u)
missing=$(comm -23 <(echo "$needed") <(echo "$bundled_names") | grep -Ev "$system_libs" || true)
[ -z "$missing" ] || fail "linked to but not bundled: $(echo "$missing" | tr '\n' ' ')
  (install them on the build machine and rebuild: see installer/README.md)"
glibc=$(echo "$binaries" | xargs objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
from_system=$(echo "$needed" | grep -E "$system_libs" | grep -Ev '^(ld-linux|lib(c|m|dl|pthread|rt|resolv)\.)')
ok "yes; needs ${glibc/_/ }+ and $(echo "$from_system" | tr '\n' ' ')"

step "python on the bundle's PATH:"
env -i PATH="$work/bin" /bin/sh -c 'command -v python3 || command -v python' && fail "python found"
ok "none"

step "calmdesk --version:"
out=$(bundled --version) || fail "--version exited $?"
[[ "$out" =~ ^calmdesk\ [0-9] ]] || fail "--version printed: $out"
ok "$out"

step "console, empty database:"
out=$(offscreen --exit-when-ready 2>"$work/stderr") \
  || { cat "$work/stderr" >&2; fail "--exit-when-ready exited non-zero"; }
[[ "$out" =~ ^ready\ in\ [0-9]+\ ms:\ 0\ incidents$'\n'complete\ in\ [0-9]+\ ms:\ 0\ incidents$ ]] || fail "--exit-when-ready printed: $out"
[ -f "$home/data/calmdesk.sqlite3" ] || fail "no SQLite database in $home/data"
ok "$out"

step "calmdesk db status:"
out=$(bundled db status) || fail "db status exited $?"
[[ "$out" == *"(up to date)" ]] || fail "db status printed: $out"
ok "${out##*: }"

step "calmdesk demo:"
out=$(bundled demo) || fail "demo exited $?"
[[ "$out" =~ :\ ([0-9]+)\ incidents ]] || fail "demo printed: $out"
loaded=${BASH_REMATCH[1]}
[ "$loaded" -gt 0 ] || fail "demo loaded no incident"
ok "$loaded incidents"

step "calmdesk export incidents (csv):"
out=$(bundled export incidents --format csv --out "$work/incidents.csv") || fail "export exited $?"
[[ "$out" == "Exported $loaded incidents to $work/incidents.csv" ]] || fail "export printed: $out"
head -n 1 "$work/incidents.csv" | grep -q '^number,title,priority,' || fail "CSV header: $(head -n 1 "$work/incidents.csv")"
rows=$(grep -c '^INC[0-9]' "$work/incidents.csv")
[ "$rows" -eq "$loaded" ] || fail "CSV has $rows incident rows, expected $loaded"
ok "$rows rows"

step "calmdesk export incidents (json):"
bundled export incidents --format json --out "$work/incidents.json" >/dev/null || fail "json export"
rows=$(grep -o '"number": *"INC[0-9]*"' "$work/incidents.json" | wc -l)
[ "$rows" -eq "$loaded" ] || fail "JSON has $rows incidents, expected $loaded"
ok "$rows records"

step "console, with the sample:"
out=$(offscreen --exit-when-ready 2>"$work/stderr") \
  || { cat "$work/stderr" >&2; fail "--exit-when-ready exited non-zero"; }
[[ "$out" =~ ^ready\ in\ [0-9]+\ ms:\ [1-9][0-9]*\ incidents$'\n'complete\ in\ [0-9]+\ ms:\ [1-9][0-9]*\ incidents$ ]] || fail "--exit-when-ready printed: $out"
ok "$out"

step "console on X (Xvfb, xcb):"
if command -v xvfb-run >/dev/null; then
  # xvfb-run needs its own tools on PATH; the bundle inside it still gets the empty PATH.
  cat >"$work/on-x.sh" <<EOF
#!/bin/sh
exec $(printf '%q ' "${clean_env[@]}") QT_QPA_PLATFORM=xcb DISPLAY="\$DISPLAY" XAUTHORITY="\${XAUTHORITY:-}" \
  "$exe" --exit-when-ready
EOF
  chmod +x "$work/on-x.sh"
  # (xvfb-run itself breaks on a TMPDIR with a space in it.)
  out=$(env -u TMPDIR xvfb-run -a -s "-screen 0 1366x768x24" "$work/on-x.sh" 2>"$work/stderr") \
    || { cat "$work/stderr" >&2; fail "the console did not start on X"; }
  [[ "$out" =~ ^ready\ in\ [0-9]+\ ms:\ [1-9][0-9]*\ incidents$'\n'complete\ in\ [0-9]+\ ms:\ [1-9][0-9]*\ incidents$ ]] || fail "on X it printed: $out"
  ok "$out"
else
  echo "skipped (xvfb-run is not installed: apt-get install xvfb)"
  skipped=1
fi

echo "bundle: $(du -sh "$bundle" | cut -f1) in $bundle"
echo "dist-check: $passed passed, 0 failed$([ "$skipped" = 0 ] || echo ", $skipped skipped")"
