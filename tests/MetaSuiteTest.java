import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The suite end to end on the local backend: the real single_env_bench.java runs the real builds of
 * `make build` (native, static, Wasm under Node.js), one environment fails (its artifact is /bin/false),
 * one is skipped (wasmtime is not installed here). Short trials: what is checked is the suite, not speed.
 */
@Tag("e2e")
class MetaSuiteTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    static Path config(String order, String environments) throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-suite");
        Files.writeString(dir.resolve("suite.yaml"), "environments:\n" + environments
                + "shared_args:\n  backend: local\n  sizes: [64]\n  trials: 2\n  duration: 0.5\n  warmup_seconds: 0.2\n"
                + "  interval: 0.1\n  results_dir: " + dir.resolve("results") + "\n  results_subfolder_name: e2e\n"
                + "order: " + order + "\n");
        return dir.resolve("suite.yaml");
    }

    static Path folder(Path config) { return config.resolveSibling("results").resolve("e2e"); }

    static JsonNode read(Path p) throws IOException { return JSON.readTree(p.toFile()); }

    static List<Double> starts(Path resultFile, String key) throws IOException {
        List<Double> s = new ArrayList<>();
        for (JsonNode t : read(resultFile).path("results").path(key)) s.add(t.path("start").asDouble());
        return s;
    }

    @Test void interleavedSuiteWithAFailingAndASkippedEnvironment() throws IOException {
        for (String b : List.of("mmb-debian", "mmb-static", "mmb.wasm")) {
            assertTrue(Files.isRegularFile(MetaKit.repo().resolve("build").resolve(b)), "make build first: build/" + b);
        }
        Assumptions.assumeTrue(onPath("node"), "Node.js runs the Wasm build here");
        Assumptions.assumeFalse(onPath("wasmtime"), "this test needs a runtime that is NOT installed: wasmtime is");
        Path c = config("interleaved", """
                  - image: mmb-debian:latest
                    runtime_class: default
                  - image: mmb-static:latest
                    runtime_class: default
                  - image: mmb-wasm:latest
                    runtime_class: node
                  - image: mmb-wasm:latest
                    runtime_class: wasmtime
                  - image: mmb-broken:latest
                    runtime_class: default
                    artifact: /bin/false
                """);
        MetaKit.Run r = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang());
        String all = r.out() + r.err();
        assertEquals(1, r.code(), all);

        // the outcomes, in run.json and on the console
        JsonNode run = read(folder(c).resolve("run.json"));
        List<String> outcomes = new ArrayList<>();
        for (JsonNode e : run.path("environments")) outcomes.add(e.path("name").asText() + "=" + e.path("outcome").asText());
        assertEquals(List.of("mmb-debian-default=completed", "mmb-static-default=completed", "mmb-wasm-node=completed",
                "mmb-wasm-wasmtime=skipped", "mmb-broken-default=failed"), outcomes, all);
        assertEquals("failed", run.path("status").asText());
        assertTrue(run.at("/versions/runtimes/node").asText().startsWith("v"), run.toString());
        assertEquals("not installed", run.at("/versions/runtimes/wasmtime").asText());
        assertFalse(run.at("/versions/single_env_bench").isNull(), "the child's version comes from its result files");
        assertTrue(r.out().contains("[mmb-wasm-node] "), "child output is prefixed:\n" + r.out());
        assertTrue(r.out().contains("[suite] 8/8 trials · "), "the skipped environment's trials left the total:\n" + r.out());
        assertTrue(r.out().contains("0 of 2 trials ok and valid (2 failed)"), r.out());

        // interleaved: every environment's trial 1 started before any environment's trial 2
        double lastFirst = 0, firstSecond = Double.MAX_VALUE;
        for (String f : List.of("mmb-debian_default.json", "mmb-static_default.json", "mmb-wasm_node.json",
                "mmb-broken_default.json")) {
            List<Double> s = starts(folder(c).resolve(f), "64_warm");
            assertEquals(2, s.size(), f);
            lastFirst = Math.max(lastFirst, s.get(0));
            firstSecond = Math.min(firstSecond, s.get(1));
        }
        assertTrue(lastFirst < firstSecond, "round 1 ends before round 2 begins: " + lastFirst + " < " + firstSecond);

        // the summary at the end is what `report` reproduces
        JsonNode atEnd = read(folder(c).resolve("summary.json"));
        assertEquals("mmb-debian-default", atEnd.path("baseline").asText());
        assertEquals(4, atEnd.path("rows").size());
        JsonNode node = atEnd.path("rows").get(2);
        assertEquals("mmb-wasm-node", node.path("environment").asText());
        assertEquals(2, node.path("trials_valid").asInt());
        assertTrue(node.at("/throughput_mflops/mean").asDouble() > 0);
        assertTrue(node.at("/vs_baseline/ratio").asDouble() > 0);
        assertTrue(node.path("peak_mem_bytes").asLong() > 0);
        assertTrue(r.out().contains("mmb-wasm-wasmtime: no results (skipped: single_env_bench: runtime 'wasmtime'"),
                r.out());
        String mdAtEnd = Files.readString(folder(c).resolve("summary.md"));
        MetaKit.Run report = MetaKit.meta("report", folder(c).toString());
        assertEquals(0, report.code(), report.err());
        assertEquals(atEnd, read(folder(c).resolve("summary.json")));
        assertEquals(mdAtEnd, Files.readString(folder(c).resolve("summary.md")));
    }

    @Test void sequentialRunThenResumeAddsOnlyTheMissingTrials() throws IOException {
        Path c = config("sequential", """
                  - image: mmb-static:latest
                    runtime_class: default
                """);
        MetaKit.Run first = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang());
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("[suite] exit status 0 (every environment completed with valid results)"));
        Path result = folder(c).resolve("mmb-static_default.json");
        List<Double> before = starts(result, "64_warm");
        assertEquals(2, before.size());

        MetaKit.Run more = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang(), "--resume", "--trials", "3");
        assertEquals(0, more.code(), more.out() + more.err());
        assertTrue(more.out().contains("1 trial(s) to run"), more.out());
        List<Double> after = starts(result, "64_warm");
        assertEquals(3, after.size());
        assertEquals(before, after.subList(0, 2), "the first two trials are kept as they were");
    }

    /** Ctrl-C reaches the suite alone (kill -INT): the real child is stopped, its finished trial kept, exit 130. */
    @Test void sigintStopsTheRealChildAndKeepsItsFinishedTrials() throws Exception {
        Path c = config("sequential", """
                  - image: mmb-static:latest
                    runtime_class: default
                  - image: mmb-debian:latest
                    runtime_class: default
                """);
        Files.writeString(c, Files.readString(c).replace("trials: 2", "trials: 3").replace("duration: 0.5", "duration: 3"));
        Path output = c.resolveSibling("meta.out");
        Process meta = MetaKit.start(List.of("--config", c.toString(), "--jbang", MetaKit.jbang()), output);
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.readString(output).contains("[suite] 1/") && meta.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.readString(output).contains("[suite] 1/"), Files.readString(output));
        new ProcessBuilder("kill", "-INT", String.valueOf(meta.pid())).start().waitFor();
        assertTrue(meta.waitFor(150, TimeUnit.SECONDS), "the suite stops");
        String out = Files.readString(output);
        assertEquals(130, meta.exitValue(), out);
        JsonNode run = read(folder(c).resolve("run.json"));
        assertEquals("interrupted", run.path("status").asText(), out);
        assertEquals(130, run.at("/environments/0/invocations/0/exit_code").asInt(), "the child itself exited 130");
        assertEquals(0, run.at("/environments/1/invocations").size(), "the second environment never started");
        JsonNode trials = read(folder(c).resolve("mmb-static_default.json")).at("/results/64_warm");
        assertEquals("ok", trials.get(0).path("status").asText(), "the finished trial is kept: " + trials);
        assertTrue(trials.size() < 3 || !trials.get(2).path("status").asText().equals("ok"), trials.toString());
        assertTrue(out.contains("Summary of " + folder(c)), out);
    }
}
