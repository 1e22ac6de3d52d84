import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The meta script's command line: help, version, exit statuses, bad flags, --dry-run of the seed config. */
@org.junit.jupiter.api.Tag("unit")
class MetaCliTest {

    @Test void helpListsTheOptionsAndTheExitStatuses() {
        MetaKit.Run r = MetaKit.meta("--help");
        assertEquals(0, r.code());
        for (String s : List.of("--config", "--backend", "--sizes", "--trials", "--duration", "--only",
                "--results-subfolder-name", "--dry-run", "--fail-fast", "--resume", "--overwrite", "report",
                "Exit status:", "130", "skipped")) {
            assertTrue(r.out().contains(s), "--help mentions " + s + ":\n" + r.out());
        }
    }

    @Test void reportHasItsOwnHelp() {
        MetaKit.Run r = MetaKit.meta("report", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("RESULTS_FOLDER"), r.out());
    }

    @Test void versionIsPrinted() {
        MetaKit.Run r = MetaKit.meta("--version");
        assertEquals(0, r.code());
        assertEquals("metaorchestrator " + metaorchestrator.VERSION, r.out().trim());
    }

    @Test void unknownFlagIsAUsageErrorNamingTheFlag() {
        MetaKit.Run r = MetaKit.meta("--trails", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--trails"), r.err());
        assertTrue(r.err().contains("--help"), r.err());
        MetaKit.assertNoStackTrace(r);
    }

    @Test void resumeAndOverwriteExcludeEachOther() {
        MetaKit.Run r = MetaKit.meta("--resume", "--overwrite", "--dry-run");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--resume") && r.err().contains("--overwrite"), r.err());
    }

    @Test void badOverridesAreListedTogetherWithTheConfigsProblems() {
        MetaKit.Run r = MetaKit.meta("--config", MetaKit.config("out_of_range.yaml"), "--trials", "0",
                "--sizes", "256,x", "--backend", "k3s", "--duration", "soon", "--only", "mmb-debain-default",
                "--results-subfolder-name", "a/b", "--order", "shuffled", "--dry-run");
        assertEquals(2, r.code());
        String e = r.err();
        assertTrue(e.contains("command line: --trials: expected an integer from 1 to 1000, got '0'"), e);
        assertTrue(e.contains("command line: --sizes: expected integers from 1 to 8192 separated by commas"), e);
        assertTrue(e.contains("command line: --backend: expected one of local, k8s, got 'k3s'; did you mean 'k8s'?"), e);
        assertTrue(e.contains("command line: --duration: expected seconds above 0"), e);
        assertTrue(e.contains("command line: --only: no environment is named 'mmb-debain-default'; did you mean "
                + "'mmb-debian-default'?"), e);
        assertTrue(e.contains("command line: --results-subfolder-name: expected a plain folder name"), e);
        assertTrue(e.contains("command line: --order: expected one of sequential, interleaved"), e);
        // the file's own problems come first, in line order, then the command line's
        assertTrue(e.indexOf("out_of_range.yaml:5:11") < e.indexOf("command line"), e);
        assertTrue(e.trim().endsWith("nothing was run."), e);
        MetaKit.assertNoStackTrace(r);
    }

    @Test void missingDefaultConfigIsExplained() throws IOException {
        Path empty = Files.createTempDirectory("mmb-meta-cli");
        MetaKit.Run r = MetaKit.meta("--config", empty.resolve("bench_config.yaml").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bench_config.yaml: no such file; run from the repository or name the config with "
                + "--config FILE"), r.err());
    }

    /** The seed's six environments, each with its exact child command; the child's own --dry-run runs too. */
    @Test void dryRunOfTheSeedConfigShowsTheSixEnvironments() {
        String folder = "meta-dry-run-" + ProcessHandle.current().pid();
        MetaKit.Run r = MetaKit.meta("--dry-run", "--jbang", MetaKit.jbang(), "--results-subfolder-name", folder);
        String o = r.out();
        assertTrue(o.contains("Environments (6)"), o);
        String[][] six = {{"mmb-debian-default", "mmb-debian:latest", "default"},
                {"mmb-static-default", "mmb-static:latest", "default"}, {"mmb-wasm-wasmtime", "mmb-wasm:latest", "wasmtime"},
                {"mmb-wasm-wasmedge", "mmb-wasm:latest", "wasmedge"}, {"mmb-wasm-wasmer", "mmb-wasm:latest", "wasmer"},
                {"mmb-wasm-wamr", "mmb-wasm:latest", "wamr"}};
        for (int i = 0; i < six.length; i++) {
            assertTrue(o.contains((i + 1) + ". " + six[i][0] + "  image " + six[i][1] + "  runtime class " + six[i][2]), o);
            assertTrue(o.contains("single_env_bench.java --image " + six[i][1] + " --runtime-class " + six[i][2]
                    + " --backend k8s --sizes 256,512 --trials 3 --duration 30 --warmup --warmup-seconds 5 --interval 1 "
                    + "--results-dir results --results-subfolder-name " + folder + " --run-id "), o);
        }
        assertTrue(o.contains("trials          3 per size, 6 per environment, 36 in all"), o);
        assertTrue(o.contains("baseline        mmb-debian-default"), o);
        assertTrue(o.contains("estimated time  ~"), o);
        // each child answered with its own plan: the pod manifest of one trial (no cluster needed)
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(6, o.lines().filter(l -> l.matches(".*\\[mmb-[a-z-]+\\] +\"kind\" : \"Pod\",?")).count(), o);
        assertFalse(Files.exists(MetaKit.repo().resolve("results").resolve(folder)), "a dry run writes nothing");
    }

    /** A real process: `jbang metaorchestrator.java` with a bad config exits 2 and prints no stack trace. */
    @Test void realProcessExitsTwoOnABrokenConfig() throws Exception {
        MetaKit.Proc p = MetaKit.process(List.of("--config", MetaKit.config("wrong_types.yaml")), null);
        assertEquals(2, p.code(), p.output());
        assertTrue(p.output().contains("wrong_types.yaml:5:11: shared_args.trials: expected an integer from 1 to 1000, "
                + "got 'three' (a string)"), p.output());
        assertFalse(p.output().contains("Exception"), p.output());
    }
}

/** Helpers of the meta script's tests (in a *Test.java file: the test runner compiles only those). */
final class MetaKit {
    private MetaKit() {}

    record Run(int code, String out, String err) {}

    record Proc(int code, String output) {}

    static Path repo() { return TestSupport.repo(); }

    static String config(String name) {
        return repo().relativize(repo().resolve("tests/fixtures/meta/config").resolve(name)).toString();
    }

    static Path fixtures() { return repo().resolve("tests/fixtures/meta"); }

    static String fakeJbang() { return fixtures().resolve("fake/jbang").toString(); }

    /** The meta script in this JVM, its output captured. */
    static Run meta(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        metaorchestrator.Io io = new metaorchestrator.Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = metaorchestrator.Cli.run(args, io, new metaorchestrator.Interrupts(io));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertNoStackTrace(Run r) {
        for (String s : List.of(r.out(), r.err())) {
            assertFalse(s.contains("Exception") || s.contains("\tat "), "no stack trace:\n" + s);
        }
    }

    private static String jbang;

    /** The JBang launcher (on PATH, or installed by scripts/install-jbang.sh). */
    static synchronized String jbang() {
        if (jbang != null) return jbang;
        String env = System.getenv("JBANG_LAUNCHER");
        if (env != null && Files.isExecutable(Path.of(env))) return jbang = env;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "jbang"))) return jbang = Path.of(dir, "jbang").toString();
        }
        try {
            Process p = new ProcessBuilder(repo().resolve("scripts/install-jbang.sh").toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return jbang = out.lines().reduce((a, b) -> b).orElseThrow();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("no JBang launcher: " + e);
        }
    }

    /** `jbang metaorchestrator.java ARGS…` as a real process, from the repository; stdout and stderr merged. */
    static Proc process(List<String> args, Path outputFile) throws IOException, InterruptedException {
        Process p = start(args, outputFile);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("metaorchestrator did not finish in 10 minutes");
        }
        String output = outputFile == null ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(outputFile);
        return new Proc(p.exitValue(), output);
    }

    static Process start(List<String> args, Path outputFile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(jbang(), "--quiet", "metaorchestrator.java"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo().toFile()).redirectErrorStream(true);
        if (outputFile != null) pb.redirectOutput(outputFile.toFile());
        return pb.start();
    }
}
