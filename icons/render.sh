#!/usr/bin/env bash
# Renders Maillage's mark (maillage.svg describes the same drawing) into the sizes Tauri and the
# .deb need, with ImageMagick's own drawing primitives (no SVG delegate needed).
# Usage: icons/render.sh   (from anywhere; writes beside this script)
set -euo pipefail
cd "$(dirname "$0")"
edges=(
  "292,300 540,232" "540,232 752,380" "292,300 420,524" "540,232 420,524" "752,380 420,524"
  "752,380 704,680" "420,524 704,680" "420,524 300,748" "300,748 552,800" "552,800 704,680"
  "420,524 552,800"
)
nodes=("292 300 62" "540 232 54" "752 380 66" "704 680 56" "300 748 54" "552 800 50")
draw=(-fill '#1d5c63' -stroke none -draw "roundrectangle 32,32 991,991 208,208"
      -stroke '#e8f3f1' -strokewidth 34 -fill none)
for e in "${edges[@]}"; do draw+=(-draw "line ${e/ /,}" ); done
draw+=(-stroke '#1d5c63' -strokewidth 18 -fill '#f2b84b')
for n in "${nodes[@]}"; do read -r x y r <<<"$n"; draw+=(-draw "circle $x,$y $((x + r)),$y"); done
draw+=(-fill '#ffffff' -draw "circle 420,524 508,524")
convert -size 1024x1024 xc:none "${draw[@]}" PNG32:icon-1024.png
for s in 32 128 256 512; do convert icon-1024.png -resize "${s}x${s}" "PNG32:${s}x${s}.png"; done
mv 256x256.png 128x128@2x.png
mv 512x512.png icon.png
convert icon-1024.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
rm icon-1024.png
