#!/usr/bin/env bash
# The JVM part of the release (tools/release.sh jvm, or alone): dist/jvm/
#   tacc-<version>.jar           Kotlin bindings + stripped libtacc_uniffi under JNA's resource path
#                                (<JNA_PLATFORM>/libtacc_uniffi.so), so users need no jna.library.path
#   tacc-<version>-sources.jar   the Kotlin sources (generated dev/tacc/tacc.kt + hand-written layer)
#   repo/                        a Maven repository holding dev.tacc:tacc:<version> (jar, sources, a pom
#                                with the runtime dependencies only: kotlin-stdlib, jna), for
#                                `<repository><url>file:///.../dist/jvm/repo</url>` or an upload as is
# The version is Cargo.toml's (common.sh), passed to Maven as -Drevision: the pom holds none of its own.
# Other platforms: run this on each with TACC_PLATFORM and merge the <JNA_PLATFORM>/ folders into
# one jar (docs/PACKAGING.md).
set -euo pipefail
# shellcheck source=tools/release/common.sh
. "$(dirname "$0")/common.sh"
cd "$ROOT"

out="$DIST/jvm"
rm -rf "$out"
mkdir -p "$out"

# The library: the release build (a no-op when current), then a stripped copy for the jar. Stripping
# all symbols is safe at run time (JNA resolves the exported ffi_* / uniffi_* names through .dynsym);
# only uniffi-bindgen needs the unstripped file, for tools/gen-bindings.sh.
cargo build --release --locked -p tacc-uniffi
native="$ROOT/target/jvm-release/native"
rm -rf "$native" && mkdir -p "$native"
strip --strip-all -o "$native/libtacc_uniffi.so" target/release/libtacc_uniffi.so

# The jar (tests are run by .ci/uniffi-kotlin.sh, against this jar from a consumer project and
# against the library in bindings/kotlin). clean: no class or library of an earlier build slips in.
(cd bindings/kotlin && mvn -B -ntp -q -Dstyle.color=never clean package -Pbundle-native -Dmaven.test.skip=true \
    -Drevision="$VERSION" -Djna.platform="$JNA_PLATFORM" -Dtacc.native.dir="$native") 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g' # Maven 3.8's -q still prints colour resets
jar="tacc-$VERSION.jar"
cp "bindings/kotlin/target/$jar" "$out/$jar"
jar --list --file "$out/$jar" | grep -qx "$JNA_PLATFORM/libtacc_uniffi.so" ||
    { echo "release/jvm: $jar lacks $JNA_PLATFORM/libtacc_uniffi.so" >&2; exit 1; }
# Sources jar straight from the tree (the JDK's jar tool: no Maven plugin to download).
(cd bindings/kotlin/src/main/kotlin && jar --create --file "$out/tacc-$VERSION-sources.jar" --date=2026-01-01T00:00:00Z dev)

# The published pom: coordinates and runtime dependencies, their versions read from the build's pom.
prop() { sed -n "s:.*<$1>\\(.*\\)</$1>.*:\\1:p" bindings/kotlin/pom.xml | head -n 1; }
kotlin_version="$(prop kotlin.version)"
jna_version="$(prop jna.version)"
[ -n "$kotlin_version" ] && [ -n "$jna_version" ] || { echo "release/jvm: dependency versions not found in bindings/kotlin/pom.xml" >&2; exit 1; }
dir="$out/repo/dev/tacc/tacc/$VERSION"
mkdir -p "$dir"
cat > "$dir/tacc-$VERSION.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tacc</groupId>
  <artifactId>tacc</artifactId>
  <version>$VERSION</version>
  <packaging>jar</packaging>
  <name>tacc</name>
  <description>Token-aware compression for LLM text and token IDs: Kotlin/JVM bindings with the native library for $JNA_PLATFORM</description>
  <dependencies>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$kotlin_version</version>
    </dependency>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>$jna_version</version>
    </dependency>
  </dependencies>
</project>
EOF
cp "$out/$jar" "$out/tacc-$VERSION-sources.jar" "$dir/"
cat > "$out/repo/dev/tacc/tacc/maven-metadata.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>dev.tacc</groupId>
  <artifactId>tacc</artifactId>
  <versioning>
    <release>$VERSION</release>
    <versions><version>$VERSION</version></versions>
  </versioning>
</metadata>
EOF
# Checksums beside every file, as a remote repository serves them (Maven verifies them).
find "$out/repo" -type f ! -name '*.sha1' ! -name '*.md5' | while read -r f; do
    sha1sum "$f" | cut -d' ' -f1 > "$f.sha1"
    md5sum "$f" | cut -d' ' -f1 > "$f.md5"
done

echo "release/jvm: $out/$jar $(stat -c %s "$out/$jar") bytes (libtacc_uniffi.so inside: $(stat -c %s "$native/libtacc_uniffi.so") bytes)"
echo "release/jvm: $out/tacc-$VERSION-sources.jar $(stat -c %s "$out/tacc-$VERSION-sources.jar") bytes; Maven repository $out/repo"
