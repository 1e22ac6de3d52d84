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

if [ ! -x "$home/bin/jbang" ] || [ "$(cat "$home/VERSION" 2>/dev/null)" != "$(sed -n 's:.*<jbang.version>\(.*\)</jbang.version>.*:\1:p' "$here/jbang-pom.xml")" ]; then
  rm -rf "$home.tmp" && mkdir -p "$home.tmp/bin" "$home.tmp/lib"
  mvn -q -B -f "$here/jbang-pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$home.tmp/lib" >&2
  sed -n 's:.*<jbang.version>\(.*\)</jbang.version>.*:\1:p' "$here/jbang-pom.xml" > "$home.tmp/VERSION"
  cat > "$home.tmp/bin/jbang" <<'LAUNCHER'
#!/usr/bin/env bash
# JBang launcher (installed by mmb's scripts/install-jbang.sh from Maven Central).
lib="$(cd "$(dirname "$(readlink -f "$0")")/../lib" && pwd)"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
output=$(CLICOLOR_FORCE=1 "$java" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
status=$?
if [ $status -eq 255 ]; then
  eval "exec $output"     # JBang printed the command that runs the script
fi
[ -n "$output" ] && printf '%s\n' "$output"
exit $status
LAUNCHER
  chmod +x "$home.tmp/bin/jbang"
  rm -rf "$home" && mkdir -p "$(dirname "$home")" && mv "$home.tmp" "$home"
fi
echo "$home/bin/jbang"
