import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.TimeUnit;

/** Shared helpers for the tests: where the repository is, running the scripts and commands. */
final class TestSupport {
    private TestSupport() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** The system property (TestRunner --full, `make test-soak`) that makes measure and soak tests run in full. */
    static final String FULL = "mmb.test.full";

    /** Whether long runs run in full (`make test-soak`) or in their short form (`make test`). */
    static boolean full() { return Boolean.getBoolean(FULL); }

    /** A value for the full run or for the short one, for a test to say both at one place. */
    static <T> T fullOrShort(T full, T shortForm) { return full() ? full : shortForm; }

    /** The repository's top folder (tests run from it: `make test`). */
    static Path repo() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("single_env_bench.java"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("run the tests from the repository (make test)");
        return p;
    }

    static Path build() { return repo().resolve("build"); }

    /** The outcome of a command: exit status and what it printed. */
    record Run(int exit, String out, String err) {
        String all() { return out + err; }
    }

    /** Runs single_env_bench in this JVM (fast) with its output captured. */
    static synchronized Run singleEnv(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = single_env_bench.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A JVM running a class of the test classpath (the scripts are compiled into it), for signal tests. */
    static ProcessBuilder javaMain(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(repo().toFile());
    }

    /** Runs a command to completion (bounded), stdout and stderr captured. */
    static Run exec(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo().toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("mmb-out", ".txt"), err = Files.createTempFile("mmb-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd);
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    static JsonNode readJson(Path p) throws IOException { return JSON.readTree(p.toFile()); }

    /** A file's text, or "" when it is gone (a /proc file of a process that just ended). */
    static String readOrEmpty(Path p) {
        try { return Files.readString(p); } catch (IOException | UncheckedIOException e) { return ""; }
    }

    /** Sends a signal by name (INT, TERM, KILL) to a process. */
    static void signal(long pid, String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor();
    }

    static boolean isRoot() { return "root".equals(System.getProperty("user.name")); }

    /** Polls until the condition holds or the timeout passes. */
    static boolean waitFor(java.util.function.BooleanSupplier cond, double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }

    /** Work that runs beside the class's other tests (a daemon thread of its own), to be judged later by {@link #outcome}. */
    static <T> java.util.concurrent.CompletableFuture<T> inBackground(String name, java.util.concurrent.Callable<T> work) {
        var f = new java.util.concurrent.CompletableFuture<T>();
        Thread t = new Thread(() -> {
            try { f.complete(work.call()); } catch (Throwable e) { f.completeExceptionally(e); }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** What background work gave, waiting at most `seconds`; what it threw (an assertion's failure) is thrown as it was. */
    static <T> T outcome(java.util.concurrent.Future<T> f, double seconds) throws Exception {
        try {
            return f.get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) throw err;
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    private static String python;

    /**
     * The interpreter that python3 on PATH runs, asked once: python3 may be a pyenv shim, a shell script that costs about
     * a second a start on the 2-core machine, and each test cluster starts it twice (its API server, its clean-up).
     */
    static synchronized String python() throws Exception {
        if (python == null) {
            TestSupport.Run r = TestSupport.exec(List.of("python3", "-c", "import sys; print(sys.executable)"), Map.of(), 30);
            python = r.exit() == 0 && !r.out().isBlank() ? r.out().strip() : "python3";
        }
        return python;
    }
}
