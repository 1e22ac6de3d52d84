import org.junit.jupiter.api.Assumptions;
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

/** Helpers of the meta script's tests. */
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

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)) && !Files.isDirectory(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** A short local suite (one 0.3 s trial of N = 64) in a temporary folder; results in its results/cli. */
    static Path localConfig(String environments) throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-cli");
        Files.writeString(dir.resolve("suite.yaml"), "environments:\n" + environments
                + "shared_args:\n  backend: local\n  sizes: [64]\n  trials: 1\n  duration: 0.3\n  warmup: false\n"
                + "  interval: 0.1\n  results_dir: " + dir.resolve("results") + "\n  results_subfolder_name: cli\n");
        return dir.resolve("suite.yaml");
    }

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
