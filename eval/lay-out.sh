#!/usr/bin/env bash
# Writes every file of one commit of a git directory into DEST, blob by blob (an archive would drop paths
# marked export-ignore). Symbolic links and submodules are skipped: the audit reads files, not what they point at.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: lay-out.sh GIT_DIR DEST [COMMIT]" >&2
  exit 2
fi
git_dir=$1 dest=$2 commit=${3:-HEAD}
mkdir -p "$dest"
git --git-dir "$git_dir" rev-parse "$commit^{commit}" >"$dest/.audited-commit"
git --git-dir "$git_dir" ls-tree -r -z "$commit" | while IFS= read -r -d '' entry; do
  meta=${entry%%$'\t'*} path=${entry#*$'\t'}
  read -r mode type sha <<<"$meta"
  [ "$type" = blob ] && [ "$mode" != 120000 ] || continue
  mkdir -p "$dest/$(dirname -- "$path")"
  git --git-dir "$git_dir" cat-file blob "$sha" >"$dest/$path" || echo "lay-out: could not write $path" >&2
done
