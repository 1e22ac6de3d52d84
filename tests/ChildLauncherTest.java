import org.junit.jupiter.api.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The suite starts each child with `java` directly, the command resolved once from JBang (issue 12, "The
 * harness's own cost"): the same JVM, options, class path and main class that JBang itself runs.
 */
@Tag("e2e")
class ChildLauncherTest {
    static final ByteArrayOutputStream said = new ByteArrayOutputStream();
    static final metaorchestrator.Io io = new metaorchestrator.Io(new PrintStream(said, true, StandardCharsets.UTF_8),
            new PrintStream(said, true, StandardCharsets.UTF_8));

    static metaorchestrator.ChildLauncher real() throws Exception {
        var l = new metaorchestrator.ChildLauncher(Path.of(MetaKit.jbang()), TestSupport.repo().resolve("single_env_bench.java"));
        assertTrue(l.build(io), said.toString());
        return l.resolveJava(io);
    }

    @Test void theResolvedCommandIsTheOneJbangRuns() throws Exception {
        var launcher = real();
        assertNotNull(launcher.direct(), "resolved: " + said);
        // JBang's own account of what it runs: `[jbang] … run: JAVA OPTIONS -classpath CP MAIN ARGS`
        var r = TestSupport.exec(List.of(MetaKit.jbang(), "--verbose", "single_env_bench.java", "--version"), Map.of(), 300);
        assertEquals(0, r.exit(), r.all());
        String run = r.err().lines().filter(l -> l.contains("] run: ")).findFirst().orElseThrow(() -> new AssertionError(r.err()));
        String jbangRuns = run.substring(run.indexOf("] run: ") + 7).strip();
        List<String> direct = new ArrayList<>(launcher.direct());
        direct.add("--version");
        assertEquals(jbangRuns, String.join(" ", direct));
        assertTrue(launcher.direct().contains("-XX:+UseSerialGC"), "the script's //RUNTIME_OPTIONS: " + launcher.direct());
        // and it runs the child, the same command with class-data sharing: a first child writes the archive at its
        // exit (unless an earlier suite did), the next ones map it; the child's output is the same either way
        for (int i = 0; i < 2; i++) {
            List<String> process = launcher.process(List.of("--version"));
            List<String> withoutCds = new ArrayList<>(process);
            withoutCds.removeAll(launcher.classDataSharing());
            assertEquals(direct, withoutCds, "only the class-data sharing options are added");
            var v = TestSupport.exec(process, Map.of(), 120);
            assertEquals(0, v.exit(), v.all());
            assertEquals(List.of("single_env_bench " + single_env_bench.VERSION), v.out().lines().toList(), "nothing but the child's own output");
        }
        assertTrue(launcher.classDataSharing().get(0).startsWith("-XX:SharedArchiveFile="), launcher.classDataSharing().toString());
        // what the output shows stays the command a user can run
        assertEquals(List.of(MetaKit.jbang(), launcher.script().toString(), "--version"), launcher.command(List.of("--version")));
    }

    @Test void aLauncherJbangCannotAnswerForStartsEachChildThroughJbang() throws Exception {
        var fake = new metaorchestrator.ChildLauncher(Path.of(MetaKit.fakeJbang()), TestSupport.repo().resolve("single_env_bench.java"));
        said.reset();
        var resolved = fake.resolveJava(io);
        assertNull(resolved.direct());
        assertEquals(fake.command(List.of("--trials", "1")), resolved.process(List.of("--trials", "1")));
        assertTrue(said.toString().contains("starting each child through JBang"), said.toString());
    }
}
