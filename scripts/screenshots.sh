#!/usr/bin/env bash
# Regenerates the README's screenshots of the explorer (docs/img/*.png):
# a throwaway bundled Neo4j with the sample study (and its second coder),
# `policykb serve` on a free loopback port, and headless Chromium at
# 1280×800 on the codebook, matrix, document, instruments and PMC views.
# Everything started here is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
prefix=policykb-screenshots heap=768m pagecache=256m
source "$root/scripts/throwaway-neo4j.sh"
command -v chromium >/dev/null || { echo "screenshots: chromium is required (apt-get install chromium)" >&2; exit 1; }
# The sample's sentences are Chinese: without a CJK font they would be drawn as empty boxes.
fc-list :lang=zh 2>/dev/null | grep -q . || { echo "screenshots: a Chinese font is required (apt-get install fonts-noto-cjk)" >&2; exit 1; }

throwaway_start
export POLICYKB_NEO4J_URI=$uri
"$bin" load sample >/dev/null
"$bin" load-second-coder >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
POLICYKB_SERVER_ADDR=127.0.0.1:$port POLICYKB_NEO4J_BUNDLED_ENABLED=false "$bin" serve --log-level warn &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

shot() { # name path
	local profile=$tmp/chromium-$1
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
		--no-first-run --hide-scrollbars --user-data-dir="$profile" --window-size=1280,800 --virtual-time-budget=15000 \
		--screenshot="docs/img/explorer-$1.png" "http://127.0.0.1:$port$2" 2>/dev/null
	echo "docs/img/explorer-$1.png ← $2"
}
shot codebook "/explore/codebook?lang=en"
shot matrix "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=SHARE&lang=en&sel=main-10%7CXichuan"
shot document "/explore/document/d02?lang=en"
shot instruments "/explore/instruments?rows=instruments:TYPE&columns=CITY&measure=SHARE&lang=en&sel=ins-supply%7CXichuan"
shot pmc "/explore/pmc?model=default&doc=d03,d05&lang=en&sel=d03%7CX7%3A4"
