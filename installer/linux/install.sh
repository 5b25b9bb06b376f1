#!/bin/sh
# Install the Calmdesk bundle this script sits in (`make dist` copies it into dist/calmdesk/).
#
#   sudo ./install.sh [--team-db URL]     for every user: /opt/calmdesk, /usr/local/bin/calmdesk,
#                                          the menu entry and icons in /usr/local/share
#   ./install.sh --user [--team-db URL]   for yourself: ~/.local/opt/calmdesk, ~/.local/bin, and
#                                          the menu entry and icons in ~/.local/share
#   ./install.sh [--user] --uninstall     removes what the matching install put there
#
# --team-db URL writes site-settings.json beside the installed executable: the team database
# every user of this installation opens until they choose another one in the console. Give no
# password in it (each agent's password goes to their OS keyring). Reinstalling keeps the file.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mode=system
action=install
team_db=
while [ $# -gt 0 ]; do
  case $1 in
    --user) mode=user ;;
    --uninstall) action=uninstall ;;
    --team-db) [ $# -ge 2 ] || { echo "install.sh: --team-db needs a URL" >&2; exit 2; }
               team_db=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | cut -c3-; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$mode" = user ]; then
  share=${XDG_DATA_HOME:-$HOME/.local/share}
  app_dir=$HOME/.local/opt/calmdesk
  bin_dir=$HOME/.local/bin
else
  share=/usr/local/share
  app_dir=/opt/calmdesk
  bin_dir=/usr/local/bin
fi
sizes="16 32 48 64 128 256"

refresh_desktop() {
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
}

if [ "$action" = uninstall ]; then
  rm -rf "$app_dir"
  rm -f "$bin_dir/calmdesk" "$share/applications/calmdesk.desktop" \
    "$share/icons/hicolor/scalable/apps/calmdesk.svg"
  for size in $sizes; do rm -f "$share/icons/hicolor/${size}x$size/apps/calmdesk.png"; done
  refresh_desktop
  echo "Calmdesk removed. Each user's data stays in ~/.local/share/Calmdesk."
  exit 0
fi

if [ ! -x "$here/calmdesk" ] || [ ! -d "$here/_internal" ]; then
  echo "install.sh: run the copy inside the bundle folder (dist/calmdesk/install.sh)" >&2
  exit 1
fi
case $team_db in *\"*|*\\*) echo "install.sh: the URL may not contain \" or \\" >&2; exit 2 ;; esac

kept=
if [ -f "$app_dir/site-settings.json" ]; then
  kept=$(mktemp)
  cp "$app_dir/site-settings.json" "$kept"
fi
rm -rf "$app_dir"
mkdir -p "$app_dir" "$bin_dir" "$share/applications" "$share/icons/hicolor/scalable/apps"
cp -R "$here/calmdesk" "$here/_internal" "$app_dir/"
if [ -n "$team_db" ]; then
  printf '{\n  "db_url": "%s"\n}\n' "$team_db" >"$app_dir/site-settings.json"
elif [ -n "$kept" ]; then
  cp "$kept" "$app_dir/site-settings.json"
fi
[ -z "$kept" ] || rm -f "$kept"
[ ! -f "$app_dir/site-settings.json" ] || chmod 644 "$app_dir/site-settings.json"
ln -sf "$app_dir/calmdesk" "$bin_dir/calmdesk"

icons=$here/_internal/resources/icons
sed "s|^Exec=calmdesk|Exec=$app_dir/calmdesk|" "$here/calmdesk.desktop" \
  >"$share/applications/calmdesk.desktop"
cp "$icons/calmdesk.svg" "$share/icons/hicolor/scalable/apps/calmdesk.svg"
for size in $sizes; do
  mkdir -p "$share/icons/hicolor/${size}x$size/apps"
  cp "$icons/calmdesk-$size.png" "$share/icons/hicolor/${size}x$size/apps/calmdesk.png"
done
refresh_desktop

echo "Calmdesk installed in $app_dir; run it from the menu or as $bin_dir/calmdesk."
[ ! -f "$app_dir/site-settings.json" ] || echo "Team database for every user of this installation:" \
  "$(sed -n 's/.*"db_url": *"\(.*\)".*/\1/p' "$app_dir/site-settings.json")"
