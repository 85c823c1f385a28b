#!/bin/sh
# Fails when po/ja.po does not translate every string of the current
# sources: the template is extracted afresh (as `ninja kanribo-pot` would,
# without writing into the source tree), merged with ja.po, and the merge
# must have no untranslated or fuzzy message.
set -eu
srcdir=$1
lang=${2:-ja}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$srcdir"
grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --package-name=kanribo --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --files-from="$tmp/files" -o "$tmp/kanribo.pot"

msgfmt --check -o /dev/null "po/$lang.po"
msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/kanribo.pot" -o "$tmp/merged.po"
stats=$(msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1)
echo "$lang: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy "$tmp/merged.po" 2>/dev/null | head -40 || true
    msgattrib --untranslated "$tmp/merged.po" | grep '^msgid' | head -20
    exit 1
    ;;
esac
