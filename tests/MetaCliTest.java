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

    /** The seed's six environments: a concise table with each exact child command, and whether kubectl answers. */
    @Test void dryRunOfTheSeedConfigIsATable() {
        String folder = "meta-dry-run-" + ProcessHandle.current().pid();
        long started = System.nanoTime();
        MetaKit.Run r = MetaKit.meta("--dry-run", "--jbang", MetaKit.jbang(), "--results-subfolder-name", folder);
        double seconds = (System.nanoTime() - started) / 1e9;
        String o = r.out();
        assertEquals(0, r.code(), o + r.err());
        assertTrue(o.contains("environment") && o.contains("runtime class") && o.contains("estimated time"), o);
        String[][] six = {{"mmb-debian-default", "mmb-debian:latest", "default"},
                {"mmb-static-default", "mmb-static:latest", "default"}, {"mmb-wasm-wasmtime", "mmb-wasm:latest", "wasmtime"},
                {"mmb-wasm-wasmedge", "mmb-wasm:latest", "wasmedge"}, {"mmb-wasm-wasmer", "mmb-wasm:latest", "wasmer"},
                {"mmb-wasm-wamr", "mmb-wasm:latest", "wamr"}};
        for (String[] env : six) {
            assertTrue(o.lines().anyMatch(l -> l.matches("  " + env[0] + " +" + env[1] + " +" + env[2] + " +6 +~.*")), o);
            assertTrue(o.contains("single_env_bench.java --image " + env[1] + " --runtime-class " + env[2]
                    + " --backend k8s --sizes 256,512 --trials 3 --duration 30 --warmup --warmup-seconds 5 --interval 1 "
                    + "--results-dir results --results-subfolder-name " + folder + " --run-id "), o);
        }
        assertTrue(o.lines().anyMatch(l -> l.matches("  total +36 +~.*")), o);
        assertTrue(o.contains("baseline mmb-debian-default"), o);
        // concise: no manifest unless --verbose, and a bounded answer about kubectl and the cluster
        assertFalse(o.contains("\"kind\""), o);
        assertTrue(o.lines().count() < 40, o.lines().count() + " lines:\n" + o);
        boolean kubectlOnPath = MetaKit.onPath("kubectl");
        assertTrue(o.lines().anyMatch(l -> kubectlOnPath ? l.startsWith("kubectl ") && (l.contains(" answers")
                || l.contains("did not answer")) : l.startsWith("kubectl: not found on PATH")), o);
        assertTrue(seconds < 60, "the check is bounded: " + seconds + " s");
        assertFalse(Files.exists(MetaKit.repo().resolve("results").resolve(folder)), "a dry run writes nothing");
    }

    /** The dry run's kubectl check, real processes: the real kubectl against the API server stand-in answers; a kubectl
     *  that hangs is cut at 5 s. */
    @Test void dryRunSaysWhetherKubectlAndTheClusterAnswer() throws Exception {
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
        K8sBackendTest.Cluster cluster = new K8sBackendTest.Cluster("meta-dry-kubectl");
        TestSupport.Run up;
        Path config;
        try {
            MetaPreflightTest.dir = Files.createTempDirectory("mmb-dry-kubectl");
            config = MetaPreflightTest.config(cluster, "meta-dry-kubectl", "");
            up = TestSupport.exec(List.of(MetaKit.jbang(), "--quiet", "metaorchestrator.java", "--dry-run", "--config",
                    config.toString()), cluster.env, 300);
        } finally {
            K8sBackendTest.Cluster.resetAll();
        }
        assertEquals(0, up.exit(), up.all());
        assertTrue(up.out().lines().anyMatch(l -> l.startsWith("kubectl ") && l.contains("answers; the cluster answers (v1.")),
                up.out());
        List<String> dry = List.of(MetaKit.jbang(), "--quiet", "metaorchestrator.java", "--dry-run", "--config", config.toString());

        Path hanging = Files.createTempDirectory("mmb-kubectl").resolve("kubectl");
        Files.writeString(hanging, "#!/bin/sh\nexec sleep 120\n");
        assertTrue(hanging.toFile().setExecutable(true));
        long started = System.nanoTime();
        TestSupport.Run down = TestSupport.exec(dry, java.util.Map.of("MMB_KUBECTL", hanging.toString()), 300);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, down.exit(), down.all());
        assertTrue(down.out().contains("kubectl " + hanging + " version -o json did not answer within 4 s"), down.out());
        assertTrue(seconds < 120, "bounded, not the 120 s the stand-in sleeps: " + seconds);
    }

    /** --verbose: each child's own --dry-run, the pod manifests with their keys in one order for every environment. */
    @Test void dryRunVerboseShowsEachManifestInOneKeyOrder() {
        MetaKit.Run r = MetaKit.meta("--dry-run", "--verbose", "--jbang", MetaKit.jbang(), "--only",
                "mmb-debian-default,mmb-wasm-wasmtime,mmb-wasm-wamr", "--results-subfolder-name", "meta-dry-verbose");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> manifests = new ArrayList<>();
        StringBuilder keys = null;
        for (String l : r.out().lines().toList()) {
            if (l.matches("mmb-[a-z-]+: single_env_bench --dry-run")) {
                if (keys != null) manifests.add(keys.toString());
                keys = new StringBuilder();
            } else if (keys != null && l.matches(" +\"[A-Za-z_./-]+\" : .*")) {
                keys.append(l.trim().replaceAll("\" : .*", "\"")).append(' ');
            }
        }
        if (keys != null) manifests.add(keys.toString());
        assertEquals(3, manifests.size(), r.out());
        // the run class differs (runtimeClassName), so compare the metadata part: name, namespace, labels in order
        for (String m : manifests) {
            assertTrue(m.contains("\"kind\""), m);
            String meta = m.substring(m.indexOf("\"metadata\""), m.indexOf("\"spec\""));
            assertEquals(manifests.get(0).substring(manifests.get(0).indexOf("\"metadata\""),
                    manifests.get(0).indexOf("\"spec\"")), meta, "same key order:\n" + r.out());
        }
    }

    /** Local backend: the runtimes are asked first; the skipped environments are listed, and not estimated. */
    @Test void localDryRunSkipsMissingRuntimesUpFront() throws IOException {
        Assumptions.assumeFalse(MetaKit.onPath("wasmtime"), "needs a runtime that is NOT installed: wasmtime is");
        Path c = MetaKit.localConfig("""
                  - image: mmb-debian:latest
                    runtime_class: default
                  - image: mmb-wasm:latest
                    runtime_class: wasmtime
                """);
        MetaKit.Run r = MetaKit.meta("--config", c.toString(), "--dry-run", "--jbang", MetaKit.jbang());
        String o = r.out();
        assertEquals(0, r.code(), o + r.err());
        String native1 = o.lines().filter(l -> l.startsWith("  mmb-debian-default ")).findFirst().orElseThrow();
        String estimate = native1.replaceAll(".* ~", "~");
        assertTrue(o.lines().anyMatch(l -> l.matches("  mmb-wasm-wasmtime +mmb-wasm:latest +wasmtime +skipped +–")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches("  total +1 +" + estimate)), "the total is the native one:\n" + o);
        assertTrue(o.contains("Skipped, their runtime is not installed here:\n  mmb-wasm-wasmtime: runtime 'wasmtime' "
                + "for --runtime-class wasmtime is not installed"), o);
        assertFalse(o.contains("kubectl"), "the local backend needs no cluster:\n" + o);
    }

    /** The cases: a bad value, a misspelt flag and a bad value together, all at once and counted right. */
    @Test void flagErrorsNameTheFlagSuggestTheNearMissAndComeAllAtOnce() {
        MetaKit.Run one = MetaKit.meta("--config", "bench_local.yaml", "--trials", "0");
        assertEquals(2, one.code());
        assertTrue(one.err().contains("command line: --trials: expected an integer from 1 to 1000, got '0'"), one.err());
        assertTrue(one.err().contains("1 problem on the command line; nothing was run."), one.err());
        assertFalse(one.err().contains("in bench_local.yaml"), one.err());

        MetaKit.Run two = MetaKit.meta("--config", "bench_local.yaml", "--trails", "3", "--sizes", "x", "--dry-run");
        assertEquals(2, two.code());
        assertTrue(two.err().contains("command line: --trails: unknown option; did you mean '--trials'?"), two.err());
        assertTrue(two.err().contains("command line: --sizes: expected integers from 1 to 8192"), two.err());
        assertTrue(two.err().contains("2 problems on the command line; nothing was run."), two.err());
        assertFalse(two.err().contains("'3'"), "3 is the misspelt flag's value, not a stray argument: " + two.err());

        MetaKit.Run mixed = MetaKit.meta("--config", MetaKit.config("out_of_range.yaml"), "--bogus");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("9 problems: 8 in " + MetaKit.config("out_of_range.yaml")
                + ", 1 on the command line; nothing was run."), mixed.err());
        MetaKit.assertNoStackTrace(mixed);
    }

    /** A user without root: the trials are sampled from /proc, and report.html says so rather than "cgroup". */
    @Test void reportOfAProcfsRunSaysHowItWasSampled() throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-procfs");
        TestSupport.Run child = TestSupport.singleEnv("--backend", "local", "--image", "mmb-static:latest", "--sampler",
                "procfs", "--sizes", "64", "--trials", "1", "--duration", "0.3", "--no-warmup", "--interval", "0.1",
                "--results-dir", dir.toString(), "--results-subfolder-name", "p", "--build-dir",
                MetaKit.repo().resolve("build").toString());
        assertEquals(0, child.exit(), child.all());
        MetaKit.Run r = MetaKit.meta("report", dir.resolve("p").toString());
        assertTrue(r.code() == 0 || r.code() == 1, r.out() + r.err());   // 1: no fonts for the charts
        String html = Files.readString(dir.resolve("p").resolve("report.html"));
        assertTrue(html.contains("was run as local processes, sampled from /proc, in 1 environment: the static binary."),
                html.substring(0, Math.min(html.length(), 3000)));
        assertFalse(html.contains("its own cgroup"), "no cgroup was used");
    }

    /** "cannot create the results folder results/afile: results/afile" said nothing: now it says why. */
    @Test void aResultsFolderThatIsAFileIsExplained() throws IOException {
        Path c = MetaKit.localConfig("""
                  - image: mmb-debian:latest
                    runtime_class: default
                """);
        Path results = c.resolveSibling("results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("afile"), "not a folder");
        MetaKit.Run r = MetaKit.meta("--config", c.toString(), "--results-subfolder-name", "afile", "--jbang", MetaKit.jbang());
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot create the results folder " + results.resolve("afile") + ": "
                + results.resolve("afile") + " is a file, not a folder"), r.err());
    }

    /**
     * Real runs: a native environment and one whose runtime is missing. The first run lists the skipped one up
     * front and plans only the native trial; --resume on the now complete folder says so at once and starts no
     * child for the trials (run.json records no invocation).
     */
    @Test void resumeOnACompleteFolderRunsNothing() throws IOException {
        Assumptions.assumeFalse(MetaKit.onPath("wasmtime"), "needs a runtime that is NOT installed: wasmtime is");
        Path c = MetaKit.localConfig("""
                  - image: mmb-debian:latest
                    runtime_class: default
                  - image: mmb-wasm:latest
                    runtime_class: wasmtime
                """);
        MetaKit.Run first = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang());
        assertEquals(3, first.code(), first.out() + first.err());
        String o = first.out();
        int skippedAt = o.indexOf("[suite] 1 environment(s) skipped, their runtime is not installed here:");
        int planAt = o.indexOf("[suite] 1 environment(s), sequential order, 1 trial(s) to run");
        assertTrue(skippedAt >= 0 && planAt > skippedAt, o);
        assertTrue(o.contains("[suite]   mmb-wasm-wasmtime: runtime 'wasmtime' for --runtime-class wasmtime is not installed"), o);
        // report.html opens with what was actually run, not a fixed list of kinds ending in "…"
        String html = Files.readString(c.resolveSibling("results").resolve("cli").resolve("report.html"));
        assertTrue(html.contains("was run as local processes, each in its own cgroup, in 1 environment: the native build "
                + "(dynamic glibc). Each environment"), html.substring(0, Math.min(html.length(), 3000)));
        assertFalse(html.contains("different runtimes, …"), "no trailing …");

        MetaKit.Run again = MetaKit.meta("--config", c.toString(), "--jbang", MetaKit.jbang(), "--resume");
        assertEquals(3, again.code(), again.out() + again.err());
        Path folder = c.resolveSibling("results").resolve("cli");
        assertTrue(again.out().contains("[suite] nothing to run: every planned trial of 1 environment(s) is already in "
                + folder), again.out());
        assertFalse(again.out().contains("trial(s) to run"), again.out());
        com.fasterxml.jackson.databind.JsonNode run = TestSupport.readJson(folder.resolve("run.json"));
        assertEquals("completed", run.at("/environments/0/outcome").asText(), run.toPrettyString());
        assertEquals(0, run.at("/environments/0/invocations").size(), "no child started:\n" + run.toPrettyString());
        assertEquals("skipped", run.at("/environments/1/outcome").asText(), run.toPrettyString());
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
