#!/usr/bin/env bash
# Installs JBang from Maven Central (dev.jbang:jbang-cli and its dependencies) into
# $MMB_JBANG_HOME (default ~/.local/share/mmb/jbang) and writes a launcher at
# $MMB_JBANG_HOME/bin/jbang that behaves like JBang's own script: JBang exits with 255
# when its stdout is a command line to run (the script itself), which the launcher execs.
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
lib="$(cd "$(dirname "$(readlink -f "$0")")/../lib" && pwd)"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
color=()
if [ -z "${NO_COLOR:-}" ] && [ -t 1 ] && [ -t 2 ]; then color=(env CLICOLOR_FORCE=1); fi
output=$("${color[@]}" "$java" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
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
