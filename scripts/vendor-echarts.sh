#!/usr/bin/env bash
# Vendors Apache ECharts into explorer/assets/vendor/: the pinned version's
# tarball from the npm registry (npm pack), checked against the sha512 the
# registry publishes for it (pinned here), then its minified ES module build
# with the LICENSE and NOTICE files beside it. Run it to upgrade (change
# VERSION and INTEGRITY: `npm view echarts@VERSION dist.integrity`); the
# explorer itself needs neither Node nor a network.
set -euo pipefail
VERSION=6.1.0
INTEGRITY=sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==

cd "$(dirname "$0")/.."
dest=explorer/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "echarts@$VERSION" >/dev/null)
tgz=$work/echarts-$VERSION.tgz
got=sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
if [[ "$got" != "$INTEGRITY" ]]; then
	echo "echarts-$VERSION.tgz: integrity $got, expected $INTEGRITY" >&2
	exit 1
fi
tar -xzf "$tgz" -C "$work" package/dist/echarts.esm.min.mjs package/LICENSE package/NOTICE
mkdir -p "$dest"
cp "$work/package/dist/echarts.esm.min.mjs" "$dest/echarts.esm.min.js"
cp "$work/package/LICENSE" "$dest/LICENSE.echarts"
cp "$work/package/NOTICE" "$dest/NOTICE.echarts"
sum=$(sha256sum "$dest/echarts.esm.min.js" | cut -d' ' -f1)
cat >"$dest/README.md" <<MD
# Vendored Apache ECharts

\`echarts.esm.min.js\` is \`dist/echarts.esm.min.mjs\` of echarts $VERSION, unmodified,
from the npm registry's tarball (integrity \`$INTEGRITY\`), under the Apache
License 2.0 (\`LICENSE.echarts\`, \`NOTICE.echarts\`). sha256 of the file: \`$sum\`.

Written by \`scripts/vendor-echarts.sh\`; change its VERSION and INTEGRITY and run it to upgrade.
MD
echo "vendored echarts $VERSION into $dest (sha256 $sum)"
