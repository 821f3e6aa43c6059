#!/usr/bin/env bash
# Checks every relative link in README.md and docs/**/*.md: the file or folder it names must exist inside this
# repository, and an anchor (file.md#heading, or #heading in the same file) must match a heading there (GitHub's
# slugs). Web links (http, https, mailto) are not checked; fenced code blocks are skipped.
# Prints each broken link as file:line: target and exits 1 if there is any. Needs only bash, find and sed (no build).
#
#   scripts/check-links.sh            check README.md and docs/
#   scripts/check-links.sh FILE...    check these markdown files only
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2

if (( $# > 0 )); then
  files=("$@")
else
  files=(README.md)
  while IFS= read -r f; do files+=("$f"); done < <(find docs -type f -name '*.md' | sort)
fi

# The anchors GitHub makes for a markdown file's headings, one a line: lower case, punctuation dropped, spaces → '-'.
slugs() {
  local fence=0 line
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^[[:space:]]*(\`\`\`|~~~) ]]; then fence=$((1 - fence)); continue; fi
    (( fence )) && continue
    [[ "$line" =~ ^#{1,6}[[:space:]]+(.*)$ ]] || continue
    printf '%s\n' "${BASH_REMATCH[1]}" | sed -e 's/[[:space:]]*#*[[:space:]]*$//' | tr '[:upper:]' '[:lower:]' \
      | sed -e 's/[^[:alnum:] _-]//g' -e 's/ /-/g'
  done < "$1"
}

has_anchor() { slugs "$1" | grep -qxF -- "$2"; }

broken=0
checked=0
for file in "${files[@]}"; do
  [[ -f "$file" ]] || { echo "$file: no such file" >&2; broken=$((broken + 1)); continue; }
  dir="$(dirname "$file")"
  n=0
  fence=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    if [[ "$line" =~ ^[[:space:]]*(\`\`\`|~~~) ]]; then fence=$((1 - fence)); continue; fi
    (( fence )) && continue
    rest="$line"
    # Every inline link or image: ](target) or ](target "title").
    while [[ "$rest" =~ \]\(([^\)]*)\) ]]; do
      target="${BASH_REMATCH[1]}"
      rest="${rest#*"${BASH_REMATCH[0]}"}"
      target="${target%% *}"          # drop a title
      target="${target#<}"; target="${target%>}"
      case "$target" in
        ''|http://*|https://*|mailto:*) continue ;;
        '#'*)
          checked=$((checked + 1))
          has_anchor "$file" "${target#\#}" || { echo "$file:$n: no heading for anchor: $target" >&2; broken=$((broken + 1)); }
          continue ;;
      esac
      path="${target%%#*}"            # drop an anchor
      path="${path%%\?*}"
      [[ -z "$path" ]] && continue
      if [[ "$path" == /* ]]; then resolved="$root$path"; else resolved="$dir/$path"; fi
      checked=$((checked + 1))
      if [[ ! -e "$resolved" ]]; then
        echo "$file:$n: broken link: $target" >&2
        broken=$((broken + 1))
        continue
      fi
      # The target must stay inside the repository (no ../../ out of it).
      real="$(cd "$(dirname "$resolved")" && pwd -P)/$(basename "$resolved")"
      if [[ "$real" != "$(pwd -P)"/* ]]; then
        echo "$file:$n: link leaves the repository: $target" >&2
        broken=$((broken + 1))
        continue
      fi
      if [[ "$target" == *'#'* && "$resolved" == *.md && -f "$resolved" ]]; then
        anchor="${target#*#}"
        has_anchor "$resolved" "$anchor" || { echo "$file:$n: no heading for anchor: $target" >&2; broken=$((broken + 1)); }
      fi
    done
  done < "$file"
done

if (( broken > 0 )); then
  echo "check-links: $broken broken link(s) in ${#files[@]} file(s)" >&2
  exit 1
fi
echo "check-links: $checked relative link(s) in ${#files[@]} file(s), all resolve"
