#!/usr/bin/env bash
# Regenerates the PDF fonts in assets/fonts/ from Debian's DejaVu Sans, keeping only the
# Unicode blocks a report can contain: Latin (incl. Latin-1 and Extended-A/B), Greek, general
# punctuation, letterlike symbols, arrows, mathematical operators (≥ ≤), box drawing and the
# dingbats used as status marks (✓ ✗ ✎). Characters outside these blocks print as "?" in the
# PDF only; JSON, CSV and Markdown keep them.
# Needs: apt-get install fonts-dejavu-core; pip install fonttools
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/share/fonts/truetype/dejavu
ranges="U+0020-024F,U+0370-03FF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2200-22FF,U+2500-257F,U+25A0-25FF,U+2700-27BF"
for face in DejaVuSans DejaVuSans-Bold; do
  pyftsubset "$src/$face.ttf" --unicodes="$ranges" --layout-features='' --no-hinting --name-IDs='*' --name-legacy \
    --output-file="$here/assets/fonts/$face-subset.ttf"
done
ls -l "$here/assets/fonts/"
