import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The launcher of scripts/install-jbang.sh starts JBang's JVM with a class-data archive of JBang's classes, one per
 * JBang version and JDK, written at the first use by a JBang run of its own. What must not change with it: the
 * script's output and exit status (JBang's stdout is the command line the launcher execs), JBANG_JAVA_OPTIONS. A
 * broken archive, another JDK or a home the user does not own cost speed, never output. The install (Maven, from
 * ~/.m2 or Central) is done once for the class; each test works on a copy of it.
 */
@Tag("e2e")
class JbangLauncherTest {
    static final String MAPPED = "shared objects file (top)", FROM_JAR = "file:";
    private static Path installed;

    /** A fresh install of this class, made once; it is copied, never used itself. */
    static synchronized Path installed() throws Exception {
        if (installed != null) return installed;
        Path home = Files.createTempDirectory("mmb-jbang-install").resolve("jbang");
        TestSupport.Run install = TestSupport.exec(List.of("scripts/install-jbang.sh"), Map.of("MMB_JBANG_HOME", home.toString()), 600);
        assertEquals(0, install.exit(), install.all());
        assertEquals(home.resolve("bin/jbang").toString(), install.out().trim());
        assertFalse(Files.exists(home.resolve("cds")), "the archive is written at the first use, not by the install");
        return installed = home;
    }

    /** A copy of the install and a script in a folder that every user may read (the temporary folder is 0700). */
    record Sandbox(Path dir, Path home, Path script) {
        static Sandbox create() throws Exception {
            Path dir = Files.createTempDirectory("mmb-jbang-cds");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path home = dir.resolve("jbang");
            TestSupport.Run copy = TestSupport.exec(List.of("cp", "-a", installed().toString(), home.toString()), Map.of(), 60);
            assertEquals(0, copy.exit(), copy.all());
            Path script = dir.resolve("hello.java");
            Files.writeString(script, "class hello { public static void main(String[] a) {"
                    + " System.out.println(\"hello \" + String.join(\"|\", a)); System.exit(3); } }\n");
            return new Sandbox(dir, home, script);
        }

        String launcher() { return home.resolve("bin/jbang").toString(); }

        /** The script through the launcher, with JBang's cache in a folder of its own and these variables. */
        TestSupport.Run hello(Map<String, String> env) throws Exception { return hello(List.of(), env); }

        /** The same, started by AS (e.g. setpriv as another user), which passes the environment on. */
        TestSupport.Run hello(List<String> as, Map<String, String> env) throws Exception {
            Map<String, String> all = new HashMap<>(Map.of("JBANG_CACHE_DIR", dir.resolve("cache").toString()));
            all.putAll(env);
            List<String> command = new java.util.ArrayList<>(as);
            command.addAll(List.of(launcher(), "--quiet", script.toString(), "a b", "c"));
            return TestSupport.exec(command, all, 300);
        }

        List<Path> cds(String suffix) throws Exception {
            if (!Files.isDirectory(home.resolve("cds"))) return List.of();
            try (Stream<Path> s = Files.list(home.resolve("cds"))) {
                return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            }
        }
    }

    /** The script's own output and exit status (3), nothing else: no CDS message, no JBang message. */
    static final TestSupport.Run HELLO = new TestSupport.Run(3, "hello a b|c\n", "");

    /**
     * Where JBang's JVM loaded dev.jbang.Main from, by its class-load log (asked for through JBANG_JAVA_OPTIONS, which
     * JBang passes on to the script's JVM too: one file per process, %p; never stdout, which is JBang's command line).
     */
    static String jbangMainSource(Path logs, Map<String, String> env, Sandbox box) throws Exception {
        return jbangMainSource(logs, List.of(), env, box);
    }

    static String jbangMainSource(Path logs, List<String> as, Map<String, String> env, Sandbox box) throws Exception {
        Files.createDirectories(logs);
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
        Map<String, String> all = new HashMap<>(env);
        all.put("JBANG_JAVA_OPTIONS", "-Xlog:class+load:file=" + logs.resolve("class-load-%p.log"));
        assertEquals(HELLO, box.hello(as, all));
        try (Stream<Path> s = Files.list(logs)) {
            for (Path log : s.toList()) {
                var main = Files.readString(log).lines().filter(l -> l.contains(" dev.jbang.Main source: ")).findFirst();
                if (main.isPresent()) return main.get().replaceAll(".* source: ", "");
            }
        }
        throw new AssertionError("no class-load log names dev.jbang.Main in " + logs);
    }

    @Test void aFirstRunWritesTheArchiveAndTheNextOnesMapItWithTheScriptsOutputUnchanged() throws Exception {
        Sandbox box = Sandbox.create();
        assertEquals(HELLO, box.hello(Map.of()), "the first run, which writes the archive first");
        String version = Files.readString(box.home().resolve("VERSION")).strip();
        List<Path> archives = box.cds(".jsa");
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).getFileName().toString().matches("jbang-" + version.replace(".", "\\.")
                + "-java-[0-9][^-]*-[0-9]+\\.jsa"), "named for JBang's version and the JDK: " + archives);
        assertEquals(List.of(), box.cds(".tmp"), "no temporary archive left");

        assertEquals(MAPPED, jbangMainSource(box.dir().resolve("second"), Map.of(), box),
                "the second run maps the archive (and JBANG_JAVA_OPTIONS is honoured)");

        // an archive the JVM cannot use is skipped without a word (the JVM's warning would go to stdout): one of
        // JBang's jars changed since it was written, then not an archive at all
        try (Stream<Path> jars = Files.list(box.home().resolve("lib"))) {
            for (Path jar : jars.toList()) Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0));
        }
        assertTrue(jbangMainSource(box.dir().resolve("jars-changed"), Map.of(), box).startsWith(FROM_JAR), "loaded from its jar instead");
        byte[] junk = new byte[1 << 20];
        new Random(7).nextBytes(junk);
        Files.delete(archives.get(0));
        Files.write(archives.get(0), junk);
        assertTrue(jbangMainSource(box.dir().resolve("broken"), Map.of(), box).startsWith(FROM_JAR), "loaded from its jar instead");
    }

    @Test void anotherJdkGetsAnArchiveOfItsOwn() throws Exception {
        Path ours = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        Path other;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {   // a JDK 9+ (lib/modules) that is not ours
            other = jdks.filter(j -> Files.isExecutable(j.resolve("bin/java")) && Files.exists(j.resolve("lib/modules"))).filter(j -> {
                try { return !j.resolve("bin/java").toRealPath().equals(ours); } catch (Exception e) { return false; }
            }).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            other = null;
        }
        Assumptions.assumeTrue(other != null, "a second JDK in /usr/lib/jvm");
        Sandbox box = Sandbox.create();
        assertEquals(HELLO, box.hello(Map.of("JAVA_HOME", System.getProperty("java.home"))));
        assertEquals(MAPPED, jbangMainSource(box.dir().resolve("other"), Map.of("JAVA_HOME", other.toString()), box),
                other + " maps an archive");
        assertEquals(2, box.cds(".jsa").size(), "one archive per JDK: " + box.cds(".jsa"));
    }

    @Test void aHomeTheUserDoesNotOwnGetsNoArchiveAndNoError() throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot(), "runs the launcher as nobody in root's install");
        Sandbox box = Sandbox.create();
        Path theirs = box.dir().resolve("nobody");   // JBang's folders for nobody, whose home is /nonexistent
        Files.createDirectories(theirs);
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxrwxrwx"));
        String source = jbangMainSource(theirs.resolve("logs"), List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups"), Map.of("JBANG_DIR", theirs.resolve("jbang").toString(), "JBANG_CACHE_DIR",
                theirs.resolve("cache").toString()), box);
        assertTrue(source.startsWith(FROM_JAR), "JBang from its jars: " + source);
        assertEquals(List.of(), box.cds(""), "nothing written into root's install");
    }
}
