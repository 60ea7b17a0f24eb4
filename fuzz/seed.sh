#!/usr/bin/env bash
# Seed corpora from the real docs beside the repository (../shared/bk-docs): every markdown doc for the markdown
# targets (and each zh_hans doc with its en translation for the pipeline), the JSON blocks of the docs' examples
# for the example reader and the response decoder.
set -euo pipefail
cd "$(dirname "$0")"
docs=${1:-../../shared/bk-docs}
for target in markdown_to_ir pipeline example_reader decode_response; do mkdir -p "corpus/$target"; done
find "$docs" -name '*.md' -print0 | while IFS= read -r -d '' f; do
  name=$(sha1sum "$f" | cut -c1-16)
  cp "$f" "corpus/markdown_to_ir/$name"
  cp "$f" "corpus/pipeline/$name"
  # Each fenced block of a doc, as one seed.
  awk -v out="corpus/example_reader/$name" '/^```/ { if (inside) { inside = 0; n++ } else { inside = 1 } ; next }
       inside { print > (out "_" n) }' "$f"
done
cp corpus/example_reader/* corpus/decode_response/ 2>/dev/null || true
# The pipeline merges its first two docs as one API's two languages: each zh_hans doc with its en translation.
find "$docs" -path '*/zh_hans/*.md' -print0 | while IFS= read -r -d '' zh; do
  en=${zh/\/zh_hans\//\/en\/}
  [ -f "$en" ] || continue
  name=$(printf '%s' "$zh" | sha1sum | cut -c1-16)
  { cat "$zh"; printf '\0'; cat "$en"; } > "corpus/pipeline/pair_$name"
done
echo "seeded: $(ls corpus/markdown_to_ir | wc -l) docs, $(ls corpus/pipeline | grep -c '^pair_') zh_hans/en pairs, $(ls corpus/example_reader | wc -l) examples"
