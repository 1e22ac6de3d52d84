#!/usr/bin/env bash
# Installs JBang from Maven Central (dev.jbang:jbang-cli and its dependencies) into
# $MMB_JBANG_HOME (default ~/.local/share/mmb/jbang) and writes a launcher at
# $MMB_JBANG_HOME/bin/jbang that behaves like JBang's own script: JBang exits with 255
# when its stdout is a command line to run (the script itself), which the launcher execs. The launcher starts
# JBang's JVM for a short life and with a class-data archive of JBang's classes ($MMB_JBANG_HOME/cds, first use).
# Usage: scripts/install-jbang.sh   (prints the launcher's path)
set -euo pipefail
home=${MMB_JBANG_HOME:-${HOME}/.local/share/mmb/jbang}
here=$(cd "$(dirname "$0")" && pwd)

for tool in java mvn; do
  command -v "$tool" >/dev/null || {
    echo "install-jbang: '$tool' not found; install it: apt-get install $([ $tool = mvn ] && echo maven || echo openjdk-17-jdk-headless)" >&2
    exit 127
  }
done

version=$(sed -n 's:.*<jbang.version>\(.*\)</jbang.version>.*:\1:p' "$here/jbang-pom.xml")

if [ ! -d "$home/lib" ] || [ "$(cat "$home/VERSION" 2>/dev/null)" != "$version" ]; then
  # Maven is quiet (-q): say what the pause is. 20-60 s the first time (JBang and ~40 jars), less with ~/.m2 filled.
  echo "install-jbang: installing JBang $version from Maven Central into $home (once; typically 20-60 s)..." >&2
  started=$SECONDS
  rm -rf "$home.tmp" && mkdir -p "$home.tmp/lib"
  # Debian's Maven 3.8 writes colour resets even with -B: keep its output, show it (plain) only on failure.
  if ! log=$(mvn -q -B -Dstyle.color=never -f "$here/jbang-pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$home.tmp/lib" 2>&1); then
    printf '%s\n' "$log" | sed 's/\x1b\[[0-9;]*m//g' >&2
    echo "install-jbang: Maven could not fetch JBang into $home (its output above)" >&2
    exit 1
  fi
  echo "$version" > "$home.tmp/VERSION"
  rm -rf "$home" && mkdir -p "$(dirname "$home")" && mv "$home.tmp" "$home"
  echo "install-jbang: JBang $version installed in $((SECONDS - started)) s" >&2
fi

# The launcher is rewritten whenever this script's version of it differs (no download needed for that).
# Colour only on a terminal, never with NO_COLOR: JBang's own output is captured here, so JBang cannot see
# the terminal itself, and forcing colour unconditionally put raw escape sequences into logs and pipes.
mkdir -p "$home/bin"
cat > "$home/bin/jbang.new" <<'LAUNCHER'
#!/usr/bin/env bash
# JBang launcher (installed by mmb's scripts/install-jbang.sh from Maven Central).
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
lib="$home/lib"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
# JBang's own JVM lives about a second: C1 only, the serial GC and no perf-data file start it faster; with the
# archive below, JBang's JVM takes ~40 % less (figures: docs/testing.md, "The suite's own cost").
jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
# The JVM's CDS messages go to stdout by default, and JBang's stdout is the command line run below: keep them off.
quiet=(-Xlog:cds=off -Xlog:cds+dynamic=off)

# A class-data archive of JBang's classes, one per JBang version and JDK: a JDK updated in place gets a new name
# (its libjvm.so changed), a reinstall replaces $home and the archives with it.
archive_for() {
  local bin jdk version java_version= key value id
  bin=$(readlink -f "$(command -v "$java")") || return
  jdk=${bin%/bin/java}
  read -r version < "$home/VERSION" || return
  while IFS='=' read -r key value; do [ "$key" = JAVA_VERSION ] && java_version=${value//\"/}-; done < "$jdk/release"
  id=$({ echo "$bin"; stat -L -c '%s %Y' "$bin" "$jdk/lib/server/libjvm.so"; } | cksum) || return
  echo "$home/cds/jbang-$version-java-$java_version${id%% *}.jsa"
}

# Written by a JBang run of its own (`info tools` of an empty script): a dump that fails (disk full) changes the
# dumping JVM's exit status and prints to its output, so it never happens in the command asked for. To a name of
# this process first, checked, then renamed: the JVM crashes (SIGBUS) on a half-written archive.
write_archive() {
  local archive=$1
  tmp="$1.$$.tmp"
  trap 'rm -f "$tmp"' EXIT     # also when interrupted
  printf 'class warmup { public static void main(String... a) {} }\n' > "${archive%/*}/warmup.java" || return
  "$java" "${jvm[@]}" "${quiet[@]}" -XX:ArchiveClassesAtExit="$tmp" -classpath "$lib/*" dev.jbang.Main \
      info tools "${archive%/*}/warmup.java" >/dev/null 2>&1 \
    && "$java" "${jvm[@]}" "${quiet[@]}" -Xshare:on -XX:SharedArchiveFile="$tmp" -classpath "$lib/*" -version >/dev/null 2>&1 \
    && mv -f "$tmp" "$archive"
  rm -f "$tmp"
  trap - EXIT
}

archive=$(archive_for 2>/dev/null)
# Written only into an install this user owns and can write to (not into a user's home by root under sudo).
if [ -n "$archive" ] && [ ! -f "$archive" ] && [ -O "$home" ] && [ -w "$home" ] && mkdir -p "$home/cds" 2>/dev/null; then
  write_archive "$archive" 2>/dev/null
fi
if [ -n "$archive" ] && [ -r "$archive" ]; then jvm+=(-XX:SharedArchiveFile="$archive" "${quiet[@]}"); fi

color=()
if [ -z "${NO_COLOR:-}" ] && [ -t 1 ] && [ -t 2 ]; then color=(env CLICOLOR_FORCE=1); fi
output=$("${color[@]}" "$java" "${jvm[@]}" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
status=$?
if [ $status -eq 255 ]; then
  eval "exec $output"     # JBang printed the command that runs the script
fi
[ -n "$output" ] && printf '%s\n' "$output"
exit $status
LAUNCHER
chmod +x "$home/bin/jbang.new"
if cmp -s "$home/bin/jbang.new" "$home/bin/jbang"; then rm -f "$home/bin/jbang.new"; else mv -f "$home/bin/jbang.new" "$home/bin/jbang"; fi
echo "$home/bin/jbang"
