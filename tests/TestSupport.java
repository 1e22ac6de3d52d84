import java.nio.file.*;

/** Shared helpers for the tests: where the repository is, and running commands. */
final class TestSupport {
    private TestSupport() {}

    /** The repository's top folder (tests run from it: `make test`). */
    static Path repo() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mmb.c")) && !Files.exists(p.resolve("single_env_bench.java"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("run the tests from the repository (make test)");
        return p;
    }
}
