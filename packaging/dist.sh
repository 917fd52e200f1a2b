#!/usr/bin/env bash
# `make dist`: build every release artefact into dist/, then install and smoke-test each
# in a clean place, as a user outside this repository would.
#
#   tiaokuai-VERSION.crate, tiaokuai-cli-VERSION.crate      cargo package
#   tiaokuai-VERSION.tar.gz                                 maturin sdist
#   tiaokuai-VERSION-cp39-abi3-manylinux_2_17_{x86_64,aarch64}...whl
#   tiaokuai-c-VERSION-{x86_64,aarch64}-linux.tar.gz        header, libtiaokuai.so.VERSION (SONAME
#                                                           libtiaokuai.so.ABI), libtiaokuai.a, pkg-config, CMake
#   tiaokuai-cli-VERSION-x86_64-linux.tar.gz                the command line
#   tiaokuai-VERSION.jar (+ -sources, -javadoc, .pom)      natives under linux-x86-64/ and linux-aarch64/
#   SHA256SUMS
#
# Every native artefact is built once per target with the `dist` profile (no debug info,
# stripped) through cargo-zigbuild / maturin --zig against glibc 2.17 (manylinux2014), so
# it runs on any Linux since 2014; the aarch64 ones are cross-built here. Needs: rustup target
# aarch64-unknown-linux-gnu, and from PyPI ziglang, cargo-zigbuild, maturin, auditwheel
# (packaging/requirements.txt); cmake, pkg-config, a C compiler, Java 17 and Maven.
# The smoke tests end with one line "Dist smoke: N passed, M failed".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3}
CARGO=${CARGO:-cargo}
MVN=${MVN:-mvn}
GLIBC=2.17
TARGETS=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
DIST=$ROOT/dist
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
TARGET_DIR=$ROOT/target
# The features `make test` builds the workspace with (the Makefile's CARGO_FEATURES).
CARGO_FEATURES=${CARGO_FEATURES:-}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

# The PyPI tools' commands live next to the interpreter that installed them.
SCRIPTS=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
export PATH="$PATH:$SCRIPTS"
ZIGBUILD=${ZIGBUILD:-$(command -v cargo-zigbuild || true)}
[ -n "$ZIGBUILD" ] || { echo "dist: cargo-zigbuild not found (pip install -r packaging/requirements.txt)"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tiaokuai-dist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# maturin and cargo-zigbuild run `zig`: the one of the ziglang package of $PYTHON.
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexec "%s" -m ziglang "$@"\n' "$(command -v "$PYTHON")" > "$WORK/bin/zig"
chmod +x "$WORK/bin/zig"
export PATH="$WORK/bin:$PATH"
if command -v maturin > /dev/null; then MATURIN=(maturin); else MATURIN=("$PYTHON" -m maturin); fi

step() { printf '\n==> %s\n' "$*"; }
passed=0
failed=0
# check NAME COMMAND...: one smoke test; its output is shown when it fails.
check() {
  local name=$1; shift
  if "$@" > "$WORK/check.log" 2>&1; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$WORK/check.log" | tail -n 40
  fi
}
arch_of() { echo "${1%%-*}"; }                        # x86_64-unknown-linux-gnu -> x86_64
jna_prefix() { case $1 in x86_64) echo linux-x86-64;; aarch64) echo linux-aarch64;; esac; }
elf_machine() { case $1 in x86_64) echo 'Advanced Micro Devices X86-64';; aarch64) echo AArch64;; esac; }

rm -rf "$DIST"
mkdir -p "$DIST"

# ---------------------------------------------------------------------------------------------
step "crates (cargo package; verified below by building and testing them from the tarballs)"
"$CARGO" package -p tiaokuai -p tiaokuai-cli --no-verify --allow-dirty --quiet
cp "$TARGET_DIR/package/tiaokuai-$VERSION.crate" "$TARGET_DIR/package/tiaokuai-cli-$VERSION.crate" "$DIST/"

# One linker per target for cargo-zigbuild and maturin: both link with `zig cc -target
# ARCH-linux-gnu.GLIBC`, each through a wrapper script of its own, and cargo keeps the linker's
# path in the fingerprint of every unit it compiles for that target; with two paths, maturin's
# build of the Python extension compiled the library and all its dependencies again over
# cargo-zigbuild's (and the next `make dist` the other way round). With this wrapper (the
# same command as cargo-zigbuild's own) and syn's features pinned (bindings-c/Cargo.toml), the
# wheels' build compiles only pyo3 and the extension. The path is stable, so a second `make
# dist` finds everything fresh.
linker() {
  local t=$1 w=$TARGET_DIR/zig/zigcc-$1.$GLIBC
  mkdir -p "$TARGET_DIR/zig"
  printf '#!/bin/sh\nexport CARGO_ZIGBUILD_ZIG_COMMAND="%s" CARGO_ZIGBUILD_ZIG_COMMAND_ARGS="-m ziglang"\nexec "%s" zig cc -- -g -fno-sanitize=all -target %s-linux-gnu.%s "$@"\n' \
    "$(command -v "$PYTHON")" "$ZIGBUILD" "$(arch_of "$t")" "$GLIBC" > "$w.new"
  chmod +x "$w.new" && mv -f "$w.new" "$w"
  printf 'target.%s.linker="%s"' "$t" "$w"
}

step "native libraries and the CLI (profile dist, glibc $GLIBC)"
# One cargo run per target. Both in one run (`--target A --target B`) overlaps their last steps,
# but links the host's build scripts with x86_64's linker, and maturin's aarch64 build then
# compiled the library and its dependencies again (measured 2026-12-04: the wheels' step
# 64-79 s became 113 s).
for t in "${TARGETS[@]}"; do
  packages=(-p tiaokuai-c)
  [ "$t" = x86_64-unknown-linux-gnu ] && packages+=(-p tiaokuai-cli)
  "$ZIGBUILD" zigbuild --quiet --profile dist "${packages[@]}" --target "$t.$GLIBC" --config "$(linker "$t")"
done

step "C archives"
for t in "${TARGETS[@]}"; do
  arch=$(arch_of "$t")
  name=tiaokuai-c-$VERSION-$arch-linux
  stage=$WORK/stage-$arch
  make --no-print-directory -C bindings-c install NOBUILD=1 LIBDIR="$TARGET_DIR/$t/dist" \
    PREFIX=/usr/local DESTDIR="$stage" > /dev/null
  mv "$stage/usr/local" "$WORK/$name"
  # Relocatable: the .pc and the CMake package find the prefix from where they are.
  sed -i 's|^prefix=.*|prefix=${pcfiledir}/../..|' "$WORK/$name/lib/pkgconfig/tiaokuai.pc"
  # The standard library's objects in the archive carry debug info (66 MB before this).
  llvm-strip --strip-debug "$WORK/$name/lib/libtiaokuai.a" 2>/dev/null \
    || strip --strip-debug "$WORK/$name/lib/libtiaokuai.a"
  mkdir -p "$WORK/$name/share/doc/tiaokuai"
  cp LICENSE-MIT LICENSE-APACHE bindings-c/README.md "$WORK/$name/share/doc/tiaokuai/"
  tar -C "$WORK" -czf "$DIST/$name.tar.gz" "$name"
done

step "the CLI archive"
name=tiaokuai-cli-$VERSION-x86_64-linux
mkdir -p "$WORK/$name"
cp "$TARGET_DIR/x86_64-unknown-linux-gnu/dist/tiaokuai" LICENSE-MIT LICENSE-APACHE README.md "$WORK/$name/"
tar -C "$WORK" -czf "$DIST/$name.tar.gz" "$name"

step "Python: sdist and manylinux2014 wheels"
(cd bindings-py && "${MATURIN[@]}" sdist -o "$DIST" 2>&1 | grep -v '^📦\|^🍹\|^🔗' || true)
for t in "${TARGETS[@]}"; do
  (cd bindings-py && "${MATURIN[@]}" build --quiet --profile dist --zig --target "$t" --compatibility manylinux2014 \
     --config "$(linker "$t")" -o "$DIST" 2>&1 | grep -v '^📦\|^🍹\|^🔗\|^🐍' || true)
done
ls "$DIST"/tiaokuai-"$VERSION".tar.gz "$DIST"/*manylinux*x86_64.whl "$DIST"/*manylinux*aarch64.whl > /dev/null

step "Java: the JAR with both native libraries, sources, javadoc, POM"
for t in "${TARGETS[@]}"; do
  arch=$(arch_of "$t")
  mkdir -p "$WORK/native/$(jna_prefix "$arch")"
  cp "$TARGET_DIR/$t/dist/libtiaokuai.so" "$WORK/native/$(jna_prefix "$arch")/"
done
"$MVN" -B -ntp -q -f bindings-java/pom.xml package -DskipTests -Dtiaokuai.native.dir="$WORK/native"
for j in "" -sources -javadoc; do cp "bindings-java/target/tiaokuai-$VERSION$j.jar" "$DIST/"; done
cp bindings-java/pom.xml "$DIST/tiaokuai-$VERSION.pom"

(cd "$DIST" && sha256sum -- * > SHA256SUMS)
step "dist/"
ls -l "$DIST"

# =============================================================================================
step "smoke tests, each in a clean place under $WORK"

# Rust: the crates build and pass their tests from the tarballs alone (not in the repository's
# workspace; the CLI's dependency is the packaged library, not the repository). Both tarballs
# are unpacked side by side under a throw-away workspace that adds nothing but what a user's
# own build would choose: the patch that points the CLI's `tiaokuai` at the unpacked library
# (it is not on crates.io yet) and the repository's dev-profile settings. One `cargo test` then
# compiles the library once for both crates' tests; the build goes into the repository's target/.
# The repository's Cargo.lock fixes the dependencies' versions to the ones its own build
# compiled, and a crate of feature pins (packaging/feature_pins.py) gives them the features they
# have there (the repository's other members turn on a few more: criterion serde's `alloc`,
# pyo3 syn's `fold`), so this build reuses the repository's compiled dependencies instead of
# compiling them all again; it only ever adds features the repository's build has.
mkdir -p "$WORK/crates"
for c in tiaokuai tiaokuai-cli; do tar -C "$WORK/crates" -xzf "$DIST/$c-$VERSION.crate"; done
crates_workspace() {
  printf '[workspace]\nresolver = "3"\nmembers = [%s]\n\n' "$1"
  printf '[patch.crates-io]\ntiaokuai = { path = "tiaokuai-%s" }\n\n' "$VERSION"
  # The repository's [profile.dev] sections, as they are.
  awk '/^\[/ { keep = ($0 ~ /^\[profile\.dev[].]/) } keep' Cargo.toml
}
members="\"tiaokuai-$VERSION\", \"tiaokuai-cli-$VERSION\""
crates_workspace "$members" > "$WORK/crates/Cargo.toml"
cp Cargo.lock "$WORK/crates/"
# shellcheck disable=SC2086  # the features are separate words
"$PYTHON" packaging/feature_pins.py "$ROOT" "$WORK/crates" "$WORK/crates/pins" $CARGO_FEATURES
crates_workspace "$members, \"pins\"" > "$WORK/crates/Cargo.toml"
check "crates tiaokuai and tiaokuai-cli: cargo test from their tarballs, the CLI against the packaged library" \
  env CARGO_TARGET_DIR="$TARGET_DIR" "$CARGO" test --offline --workspace --manifest-path "$WORK/crates/Cargo.toml"
# Without features: the library and every test target must compile (the tests that need the
# embedded tables or xlsx are gated); type-checked, not run, which saves another full build.
# With the pins in the selection the dependencies are the ones `make lint`'s clippy checked.
check "crate tiaokuai: library and tests compile with --no-default-features (no embedded divisions)" \
  env CARGO_TARGET_DIR="$TARGET_DIR" "$CARGO" check --offline --no-default-features --lib --tests \
    -p tiaokuai -p dist-feature-pins --manifest-path "$WORK/crates/Cargo.toml"

# The CLI archive.
tar -C "$WORK" -xzf "$DIST/tiaokuai-cli-$VERSION-x86_64-linux.tar.gz" --one-top-level=cli-x
cli=$WORK/cli-x/tiaokuai-cli-$VERSION-x86_64-linux/tiaokuai
check "CLI archive: stripped, runs the sample audit" \
  bash -c "! readelf -S '$cli' | grep -q '\.debug_\|\.symtab' && '$cli' --version | grep -q '$VERSION' \
           && cd '$WORK' && '$cli' audit --format json > /dev/null"

# Python: each wheel is manylinux2014 for its machine; the x86_64 one installs and runs in a
# fresh venv (no system site-packages, no index); the sdist builds and installs with pip.
py_smoke="import tiaokuai
assert tiaokuai.__version__ == \"$VERSION\", tiaokuai.__version__
r = tiaokuai.sample().audit()
assert len(r.findings) > 0, \"no findings\"
assert len(tiaokuai.import_divisions(\"310113\").to_json()) > 0
print(\"tiaokuai\", tiaokuai.__version__, tiaokuai.__file__, len(r.findings), \"findings\")"
for t in "${TARGETS[@]}"; do
  arch=$(arch_of "$t")
  whl=$(ls "$DIST"/tiaokuai-"$VERSION"-*manylinux*"$arch".whl)
  check "wheel $arch: auditwheel says manylinux_2_17_$arch" \
    bash -c "auditwheel show '$whl' | tr -s ' \n' ' ' | grep -q 'manylinux_2_17_$arch'"
  check "wheel $arch: the extension is a stripped $arch ELF" bash -c "
    rm -rf '$WORK/whl-$arch' && mkdir '$WORK/whl-$arch' && cd '$WORK/whl-$arch' && $PYTHON -m zipfile -e '$whl' . \
    && so=\$(ls tiaokuai/_tiaokuai*.so) && readelf -h \"\$so\" | grep -q '$(elf_machine "$arch")' \
    && ! readelf -S \"\$so\" | grep -q '\.debug_'"
done
"$PYTHON" -m venv "$WORK/venv-wheel"
check "wheel x86_64: pip install in a fresh venv, import, audit the sample" bash -c "
  '$WORK/venv-wheel/bin/pip' install -q --no-index --no-deps '$(ls "$DIST"/*manylinux*x86_64.whl)' \
  && cd '$WORK' && '$WORK/venv-wheel/bin/python' -c '$py_smoke'"
"$PYTHON" -m venv "$WORK/venv-sdist"
# The check is that the sdist builds from source and works, not how fast the result runs:
# the release profile at opt-level 0 without debug info builds in a third of the time.
check "sdist: pip install in a fresh venv (builds from source), import, audit the sample" bash -c "
  CARGO_TARGET_DIR='$WORK/sdist-target' CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=0 \
  '$WORK/venv-sdist/bin/pip' install -q '$DIST/tiaokuai-$VERSION.tar.gz' \
  && cd '$WORK' && '$WORK/venv-sdist/bin/python' -c '$py_smoke'"

# C: each archive holds a versioned, stripped library with its SONAME; the x86_64 one is
# unpacked somewhere else and used through pkg-config (shared, with rpath, and static) and
# through CMake's find_package (shared and static).
for t in "${TARGETS[@]}"; do
  arch=$(arch_of "$t")
  mkdir -p "$WORK/c-$arch"
  tar -C "$WORK/c-$arch" -xzf "$DIST/tiaokuai-c-$VERSION-$arch-linux.tar.gz"
  lib=$WORK/c-$arch/tiaokuai-c-$VERSION-$arch-linux/lib
  check "C archive $arch: libtiaokuai.so.$VERSION, SONAME link, stripped, $arch" bash -c "
    readelf -d '$lib/libtiaokuai.so.$VERSION' | grep -q 'SONAME.*libtiaokuai\.so\.' \
    && soname=\$(readelf -d '$lib/libtiaokuai.so.$VERSION' | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p') \
    && [ \"\$(readlink '$lib'/\$soname)\" = libtiaokuai.so.$VERSION ] && [ -e '$lib/libtiaokuai.so' ] \
    && readelf -h '$lib/libtiaokuai.so.$VERSION' | grep -q '$(elf_machine "$arch")' \
    && ! readelf -S '$lib/libtiaokuai.so.$VERSION' | grep -q '\.debug_\|\.symtab' \
    && ! readelf -S '$lib/libtiaokuai.a' 2>/dev/null | grep -q '\.debug_info'"
done
prefix=$WORK/c-x86_64/tiaokuai-c-$VERSION-x86_64-linux
cp packaging/smoke/c/smoke.c packaging/smoke/c/CMakeLists.txt "$WORK/"
check "C: pkg-config, shared library with rpath" bash -c "
  export PKG_CONFIG_PATH='$prefix/lib/pkgconfig' && cd '$WORK' \
  && cc -std=c11 -Wall -Wextra -Werror smoke.c -o smoke_pc \$(pkg-config --cflags --libs tiaokuai) -Wl,-rpath,'$prefix/lib' \
  && ./smoke_pc"
check "C: pkg-config --static, static library" bash -c "
  export PKG_CONFIG_PATH='$prefix/lib/pkgconfig' && cd '$WORK' \
  && cc -std=c11 -Wall -Wextra -Werror smoke.c -o smoke_static \$(pkg-config --cflags tiaokuai) \
       '$prefix/lib/libtiaokuai.a' \$(pkg-config --static --libs-only-l tiaokuai | sed 's/-ltiaokuai//') \
  && ./smoke_static && ! readelf -d smoke_static | grep -q tiaokuai"
check "C: CMake find_package(tiaokuai 0.1), shared and static" bash -c "
  cmake -S '$WORK' -B '$WORK/cmake-build' -DCMAKE_PREFIX_PATH='$prefix' -DCMAKE_C_FLAGS='-Wall -Wextra -Werror' \
  && cmake --build '$WORK/cmake-build' && '$WORK/cmake-build/smoke_shared' && '$WORK/cmake-build/smoke_static'"

# Java: only the JAR and JNA on the class path, no jna.library.path, no LD_LIBRARY_PATH: JNA
# must load libtiaokuai.so from inside the JAR (jna.debug_load says where it found it).
jna=$(find "${HOME}/.m2/repository/net/java/dev/jna/jna" -name 'jna-[0-9]*.jar' ! -name '*sources*' | sort | tail -n 1)
mkdir -p "$WORK/java"
cp "$DIST/tiaokuai-$VERSION.jar" "$jna" packaging/smoke/java/Smoke.java "$WORK/java/"
check "JAR: natives under linux-x86-64/ and linux-aarch64/, for those machines" bash -c "
  cd '$WORK/java' && $PYTHON -m zipfile -e tiaokuai-$VERSION.jar jar \
  && readelf -h jar/linux-x86-64/libtiaokuai.so | grep -q '$(elf_machine x86_64)' \
  && readelf -h jar/linux-aarch64/libtiaokuai.so | grep -q '$(elf_machine aarch64)' \
  && [ -f jar/META-INF/LICENSE-MIT ]"
check "JAR: runs the sample audit with no library path (JNA loads the library from the JAR)" bash -c "
  cd '$WORK/java' && env -u LD_LIBRARY_PATH java -Djna.debug_load=true \
    -cp 'tiaokuai-$VERSION.jar:$(basename "$jna")' Smoke.java > out.txt 2>&1; s=\$?; cat out.txt; [ \$s = 0 ] \
  && grep -q 'jar:file:.*tiaokuai-$VERSION.jar!/linux-x86-64/libtiaokuai.so' out.txt"
check "POM: license, scm, developers, url" bash -c "
  for tag in '<licenses>' '<scm>' '<developers>' '<url>https://github.com/tiaokuai/tiaokuai</url>'; do
    grep -q \"\$tag\" '$DIST/tiaokuai-$VERSION.pom' || { echo \"missing \$tag\"; exit 1; }; done \
  && [ -s '$DIST/tiaokuai-$VERSION-sources.jar' ] && [ -s '$DIST/tiaokuai-$VERSION-javadoc.jar' ]"

echo
echo "Dist smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
