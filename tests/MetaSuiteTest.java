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
import java.util.Map;
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

    @Test void interleavedSuiteWithAFailingAndASkippedEnvironment() throws Exception {
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
        // read from JBang's jar, not by starting it: the same as `jbang --version` says
        var asked = TestSupport.exec(List.of(MetaKit.jbang(), "--version"), Map.of(), 60);
        String jbangSays = (asked.out() + asked.err()).strip();   // JBang prints its version on stderr
        assertEquals(jbangSays, run.at("/versions/jbang").asText());
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
        // one child per environment for both rounds: round 2 is a line to the same process, not another JVM start
        for (JsonNode e : run.path("environments")) {
            if (!e.path("outcome").asText().equals("completed")) continue;
            assertEquals(2, e.path("invocations").size(), e.toString());
            assertEquals(e.at("/invocations/0/pid").asLong(), e.at("/invocations/1/pid").asLong(), e.toString());
            assertEquals(0, e.at("/invocations/1/exit_code").asInt(), e.toString());
        }
        assertTrue(r.out().contains("[suite] mmb-static-default: --trials 2 --resume, in the same process (pid "), r.out());

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

    /**
     * A stand-in for mmb of known throughput and noise (tests/fixtures/meta/standin/mmb-standin, a real process that
     * speaks mmb's protocol): one wrapper script per environment, run as the environment's artifact.
     */
    static String standin(Path dir, String name, double mflops, double cv, int seed) throws IOException {
        Path wrapper = dir.resolve(name);
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + MetaKit.repo().resolve("tests/fixtures/meta/standin/mmb-standin")
                + "' --mflops " + mflops + " --cv " + cv + " --seed " + seed + " --state '" + dir.resolve(name + ".count")
                + "' -- \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        return "  - image: " + name + ":latest\n    runtime_class: default\n    artifact: " + wrapper + "\n";
    }

    static List<Double> throughputs(Path resultFile, String key) throws IOException {
        List<Double> t = new ArrayList<>();
        for (JsonNode x : read(resultFile).path("results").path(key)) t.add(x.path("throughput_mflops").asDouble());
        return t;
    }

    /** The ratio's relative half-width exp(t·se) − 1 from the trials, computed here with commons-math directly. */
    static double halfWidth(List<Double> a, List<Double> b, double alpha) {
        double[] la = a.stream().mapToDouble(Math::log).toArray(), lb = b.stream().mapToDouble(Math::log).toArray();
        var variance = new org.apache.commons.math3.stat.descriptive.moment.Variance();
        double va = variance.evaluate(la) / la.length, vb = variance.evaluate(lb) / lb.length;
        double df = (va + vb) * (va + vb) / (va * va / (la.length - 1) + vb * vb / (lb.length - 1));
        double t = new org.apache.commons.math3.distribution.TDistribution(df).inverseCumulativeProbability(1 - alpha / 2);
        return Math.expm1(t * Math.sqrt(va + vb));
    }

    /**
     * Adaptive trials (target_ci ±3 %, trials 3, max_trials 5): a quiet stand-in stops adding rounds once its ratio's
     * interval is that narrow; a noisy one (CV 30 %) runs to max_trials, and the suite and the summary say so.
     */
    @Test void adaptiveRoundsStopEarlyWhenQuietAndAtMaxTrialsWhenNoisy() throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-adaptive");
        String envs = standin(dir, "base", 1000, 0.005, 1) + standin(dir, "quiet", 900, 0.008, 2)
                + standin(dir, "noisy", 800, 0.3, 3);
        Files.writeString(dir.resolve("suite.yaml"), "environments:\n" + envs + "shared_args:\n  backend: local\n"
                + "  sizes: [64]\n  trials: 3\n  duration: 0.2\n  warmup_seconds: 0\n  interval: 0.1\n  results_dir: "
                + dir.resolve("results") + "\n  results_subfolder_name: e2e\norder: interleaved\ntarget_ci: 0.03\n"
                + "max_trials: 5\n");
        Path c = dir.resolve("suite.yaml"), folder = folder(c);
        MetaKit.Run dry = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang(), "--dry-run");
        assertTrue(dry.out().contains("adaptive: then more rounds until every ratio's interval is within ±3 % "
                + "(target_ci), at most 5 trials per size (max_trials)"), dry.out());
        assertEquals(3, dry.out().lines().filter(l -> l.matches("  \\S+-default .* 3–5 +~\\d+ s – ~\\d+ s")).count(),
                "each environment's range of trials and time: " + dry.out());
        assertTrue(dry.out().lines().anyMatch(l -> l.matches("  total +9–15 +~.* – ~.*")), "the total's range: " + dry.out());

        MetaKit.Run r = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang());
        String all = r.out() + r.err();
        assertEquals(0, r.code(), all);
        assertTrue(r.out().contains("9–15 trial(s) to run"), all);

        List<Double> base = throughputs(folder.resolve("base_default.json"), "64_warm");
        List<Double> quiet = throughputs(folder.resolve("quiet_default.json"), "64_warm");
        List<Double> noisy = throughputs(folder.resolve("noisy_default.json"), "64_warm");
        assertEquals(5, noisy.size(), "the noisy stand-in runs to max_trials");
        assertEquals(5, base.size(), "the baseline runs as long as any comparison needs it");
        assertTrue(quiet.size() >= 3 && quiet.size() < 5, "the quiet stand-in stops early: " + quiet.size() + "\n" + all);
        // it stopped at the first round whose interval (against the baseline's trials of then) reached ±3 %
        int n = quiet.size();
        assertTrue(halfWidth(quiet, base.subList(0, n), 0.01) <= 0.03, all);
        if (n > 3) assertTrue(halfWidth(quiet.subList(0, n - 1), base.subList(0, n - 1), 0.01) > 0.03, all);
        assertTrue(halfWidth(noisy, base, 0.01) > 0.03, "the noisy one cannot reach ±3 % in 5 trials");
        assertTrue(r.out().contains("[suite] max_trials (5) reached before target_ci ±3 % for: base-default, noisy-default"),
                r.out());
        assertTrue(r.out().contains("warning (target not reached): noisy-default 64: the ratio's interval is ±"), r.out());
        assertFalse(r.out().contains("warning (target not reached): quiet-default"), r.out());
        JsonNode run = read(folder.resolve("run.json"));
        assertEquals(0.03, run.path("target_ci").asDouble());
        assertEquals(5, run.path("max_trials").asInt());
    }

    /**
     * The 180-fold case on real processes: a stand-in at 5.5 MFLOPS against one at 1000, both with a CV of
     * 20 %, three trials each. The old summary called it "no significant difference" with an interval below 0.
     */
    @Test void aHundredAndEightyFoldGapIsReportedAsSlower() throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-180");
        String envs = standin(dir, "native", 1000, 0.2, 11) + standin(dir, "interp", 5.5, 0.2, 12);
        Files.writeString(dir.resolve("suite.yaml"), "environments:\n" + envs + "shared_args:\n  backend: local\n"
                + "  sizes: [64]\n  trials: 3\n  duration: 0.2\n  warmup_seconds: 0\n  interval: 0.1\n  results_dir: "
                + dir.resolve("results") + "\n  results_subfolder_name: e2e\n");
        Path c = dir.resolve("suite.yaml");
        MetaKit.Run r = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode row = read(folder(c).resolve("summary.json")).path("rows").get(1);
        assertEquals("interp-default", row.path("environment").asText());
        assertEquals("slower", row.at("/vs_baseline/verdict").asText());
        double low = row.at("/vs_baseline/ci_low").asDouble(), high = row.at("/vs_baseline/ci_high").asDouble();
        assertTrue(low > 0 && high < 0.05, low + " " + high);
        String headline = r.out().substring(r.out().indexOf("What was found"), r.out().indexOf("Throughput (MFLOPS"));
        assertTrue(headline.contains("- interp-default, N=64: 0.0"), headline);
        assertTrue(headline.contains(" times slower; 99 % CI "), headline);
        assertFalse(r.out().contains("no significant difference"), r.out());
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
