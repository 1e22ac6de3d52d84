import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The suite runner's OWN logic — output prefixing, exit-status mapping, progress counting, invocation order,
 * --fail-fast, --resume/--overwrite, SIGINT — against a tiny stand-in child (tests/fixtures/meta/fake/jbang,
 * a shell script that follows single_env_bench's contract in miniature), so that each case is exact and
 * fast. What the real child does end to end is MetaSuiteTest's job.
 */
@org.junit.jupiter.api.Tag("unit")
class MetaRunnerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A config of fake environments whose results go to a fresh folder. Each entry is a runtime class (the
     * fake's behaviour; the name is the class without "fake-") or "class=name" for a second one of a kind.
     */
    static Path config(String order, String... entries) throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta-runner");
        StringBuilder y = new StringBuilder("environments:\n");
        for (String entry : entries) {
            String rc = entry.split("=")[0];
            String name = entry.contains("=") ? entry.split("=")[1] : rc.replace("fake-", "");
            String image = entry.contains("=") ? name : rc;
            y.append("  - image: fake/").append(image).append(":1\n    runtime_class: ").append(rc)
                    .append("\n    name: ").append(name).append("\n");
        }
        y.append("shared_args:\n  backend: k8s\n  sizes: [256, 512]\n  trials: 2\n  duration: 1\n  warmup_seconds: 1\n")
                .append("  results_dir: ").append(dir.resolve("results")).append("\n  results_subfolder_name: run\n")
                .append("order: ").append(order).append("\n");
        Path f = dir.resolve("suite.yaml");
        Files.writeString(f, y.toString());
        return f;
    }

    static Path folder(Path config) { return config.resolveSibling("results").resolve("run"); }

    static MetaKit.Run run(Path config, String... more) {
        // the fake child needs no cluster: the suite's pre-flight is MetaPreflightTest's
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--jbang", MetaKit.fakeJbang(),
                "--single-env-bench", MetaKit.fakeJbang(), "--no-preflight"));
        args.addAll(List.of(more));
        return MetaKit.meta(args.toArray(String[]::new));
    }

    static List<String> invocations(Path config) throws IOException {
        Path log = folder(config).resolve("invocations.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    static JsonNode runJson(Path config) throws IOException { return JSON.readTree(folder(config).resolve("run.json").toFile()); }

    static JsonNode env(JsonNode run, String name) {
        for (JsonNode e : run.path("environments")) if (e.path("name").asText().equals(name)) return e;
        return fail("no environment " + name + " in run.json");
    }

    @Test void childOutputIsPrefixedAndExitStatusesMapToOutcomes() throws IOException {
        Path c = config("sequential", "fake-ok", "fake-skip", "fake-setup", "fake-invalid", "fake-usage");
        MetaKit.Run r = run(c);
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[ok] [fake] size 256 trial 1 ..."), r.out());
        assertTrue(r.err().contains("[ok] a line on stderr from fake-ok"), r.err());
        assertTrue(r.err().contains("[setup] single_env_bench: kubectl not found"), r.err());
        assertFalse(r.out().contains("mmb-trial "), "the machine-readable lines become progress lines");
        String outcomes = r.out().substring(r.out().indexOf("[suite] outcome per environment:"));
        assertTrue(outcomes.contains("  ok                           completed"), outcomes);
        assertTrue(outcomes.contains("  skip                         skipped      single_env_bench: runtime 'fake' is not "
                + "installed"), outcomes);
        assertTrue(outcomes.contains("  setup                        failed       setup error (exit 4): single_env_bench: "
                + "kubectl not found"), outcomes);
        assertTrue(outcomes.contains("  invalid                      failed       0 of 4 trials ok and valid (4 invalid)"),
                outcomes);
        assertTrue(outcomes.contains("  usage                        failed       single_env_bench rejected its arguments "
                + "(exit 2): single_env_bench: unknown option --frobnicate"), outcomes);
        assertTrue(r.out().contains("[suite] exit status 1 (an environment failed or has failed/invalid trials)"), r.out());

        JsonNode run = runJson(c);
        assertEquals("failed", run.path("status").asText());
        assertEquals(1, run.path("exit_code").asInt());
        assertEquals("skipped", env(run, "skip").path("outcome").asText());
        assertEquals(3, env(run, "skip").at("/invocations/0/exit_code").asInt());
        assertEquals(4, env(run, "ok").at("/invocations/0/trials_reported").asInt());
        assertEquals(4, env(run, "invalid").at("/trials_reported/invalid").asInt());
        assertEquals("completed", env(run, "ok").path("outcome").asText());
        assertTrue(run.path("host").path("cores").asInt() > 0);
        assertEquals("0.0-fake", run.at("/versions/jbang").asText());
        assertEquals("0.0-fake", run.at("/versions/single_env_bench").asText());
        assertTrue(run.at("/versions/kubectl").isObject(), "k8s backend: kubectl and K3s versions are asked for");
        assertEquals("k8s", run.at("/config/shared_args/backend").asText());
        // and the summary ran at the end, into the results folder
        assertTrue(Files.exists(folder(c).resolve("summary.json")));
        assertTrue(r.out().contains("Summary of " + folder(c)), r.out());
    }

    @Test void skippedWithoutFailuresExitsThreeAndAllGoodExitsZero() throws IOException {
        Path skipped = config("sequential", "fake-ok", "fake-skip");
        assertEquals(3, run(skipped).code());
        assertEquals("completed with skipped environments", runJson(skipped).path("status").asText());

        Path good = config("sequential", "fake-ok");
        MetaKit.Run r = run(good);
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("completed", runJson(good).path("status").asText());
    }

    @Test void progressCountsEveryTrialAgainstTheSuitesTotal() throws IOException {
        Path c = config("sequential", "fake-ok", "fake-skip", "fake-ok=other");
        MetaKit.Run r = run(c);
        assertEquals(3, r.code(), r.out() + r.err());
        List<String> progress = r.out().lines().filter(l -> l.matches("\\[suite\\] \\d+/\\d+ trials · .*")).toList();
        assertEquals(8, progress.size(), r.out());
        assertTrue(progress.get(0).startsWith("[suite] 1/12 trials · ok 256 warm trial 1/2 ok 1000.0 MFLOPS · elapsed "),
                progress.get(0));
        // the skipped environment's 4 trials leave the total as soon as it is skipped
        assertTrue(progress.get(4).startsWith("[suite] 5/8 trials · other 256 warm trial 1/2 ok"), progress.get(4));
        assertTrue(progress.get(7).startsWith("[suite] 8/8 trials · other 512 warm trial 2/2 ok"), progress.get(7));
        assertTrue(progress.get(7).endsWith("ETA 0:00"), progress.get(7));
    }

    @Test void interleavedRunsOneTrialOfEachEnvironmentPerRound() throws IOException {
        Path c = config("interleaved", "fake-ok", "fake-skip", "fake-invalid");
        MetaKit.Run r = run(c, "--overwrite");
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> log = invocations(c).stream().map(l -> l.replaceAll(" --results-dir \\S+", "")
                .replaceAll(" --run-id \\S+", "")).toList();
        String common = " --backend k8s --sizes 256,512 --trials %d --duration 1 --warmup --warmup-seconds 1 --interval 1"
                + " --results-subfolder-name run --namespace default %s";
        assertEquals(List.of(
                "fake/fake-ok:1 fake-ok --image fake/fake-ok:1 --runtime-class fake-ok" + String.format(common, 1, "--overwrite --rounds-from-stdin"),
                "fake/fake-skip:1 fake-skip --image fake/fake-skip:1 --runtime-class fake-skip" + String.format(common, 1, "--overwrite --rounds-from-stdin"),
                "fake/fake-invalid:1 fake-invalid --image fake/fake-invalid:1 --runtime-class fake-invalid" + String.format(common, 1, "--overwrite --rounds-from-stdin"),
                "fake/fake-ok:1 fake-ok round: trials 2",
                "fake/fake-invalid:1 fake-invalid round: trials 2"),
                log, "round 1: every environment's child starts (the first round with the user's choice), round 2 is a "
                        + "line to the same child: what --trials 2 --resume runs; the skipped one is not asked again");
        assertTrue(r.out().contains("[suite] round 1 of 2") && r.out().contains("[suite] round 2 of 2"), r.out());
        assertTrue(r.out().contains("[suite] ok: --trials 2 --resume, in the same process (pid "), r.out());
        // run.json: one invocation per round, each with the exit status of its round, both rounds in one process
        JsonNode ok = env(runJson(c), "ok"), invalidEnv = env(runJson(c), "invalid");
        assertEquals(2, ok.path("invocations").size(), ok.toPrettyString());
        assertEquals(ok.at("/invocations/0/pid").asLong(), ok.at("/invocations/1/pid").asLong(), ok.toPrettyString());
        assertTrue(ok.at("/invocations/1/args").toString().contains("\"--resume\""), "the round's equivalent command");
        assertEquals(List.of(1, 1), List.of(invalidEnv.at("/invocations/0/exit_code").asInt(),
                invalidEnv.at("/invocations/1/exit_code").asInt()), "each round's status: invalid trials");
        assertFalse(ProcessHandle.of(ok.at("/invocations/0/pid").asLong()).map(ProcessHandle::isAlive).orElse(false),
                "the kept child ended with the suite");
        // a failed trial does not end the environment's rounds: its result file has every trial
        JsonNode invalid = JSON.readTree(folder(c).resolve("fake-invalid_fake-invalid.json").toFile());
        assertEquals(2, invalid.at("/results/256_warm").size());
    }

    /**
     * Adaptive rounds (--target-ci, --max-trials) with the fake child, whose trials all report 1000 MFLOPS: a twin
     * of the baseline has a zero-width interval after the minimum rounds and gets no more; an environment whose
     * trials are all invalid has no interval at all, so it (and the baseline) run to max_trials, and the suite says so.
     */
    @Test void adaptiveRoundsGoOnOnlyForTheComparisonsThatNeedThem() throws IOException {
        Path c = config("interleaved", "fake-ok", "fake-ok=twin", "fake-invalid");
        MetaKit.Run r = run(c, "--target-ci", "0.03", "--max-trials", "4");
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> log = invocations(c);
        assertEquals(4, log.stream().filter(l -> l.startsWith("fake/fake-ok:1 ")).count(), log.toString());
        assertEquals(2, log.stream().filter(l -> l.startsWith("fake/twin:1 ")).count(), log.toString());
        assertEquals(4, log.stream().filter(l -> l.startsWith("fake/fake-invalid:1 ")).count(), log.toString());
        assertTrue(log.get(log.size() - 1).endsWith(" round: trials 4"), log.toString());
        assertTrue(r.out().contains("[suite] round 2 of 2–4"), r.out());
        assertTrue(r.out().contains("[suite] round 3 of at most 4 (adaptive): ok, invalid"), r.out());
        assertTrue(r.out().contains("[suite] max_trials (4) reached before target_ci ±3 % for: ok, invalid"), r.out());
        assertTrue(r.out().contains("12–24 trial(s) to run"), "the range in the plan: " + r.out());
        assertTrue(r.out().contains("(up to "), "the ETA's upper end: " + r.out());

        // the same suite with every environment as steady as the baseline stops after the minimum rounds
        Path quiet = config("interleaved", "fake-ok", "fake-ok=twin");
        MetaKit.Run q = run(quiet, "--target-ci", "0.03", "--max-trials", "4");
        assertEquals(0, q.code(), q.out() + q.err());
        assertEquals(4, invocations(quiet).size(), "two rounds of two environments");
        assertTrue(q.out().contains("[suite] every ratio's interval is within ±3 % after 2 round(s): no more rounds"), q.out());
    }

    @Test void failFastStopsAtTheFirstFailure() throws IOException {
        Path c = config("sequential", "fake-setup", "fake-ok");
        MetaKit.Run r = run(c, "--fail-fast");
        assertEquals(1, r.code());
        assertEquals(1, invocations(c).size(), "the second environment never ran");
        assertEquals("not run", env(runJson(c), "ok").path("outcome").asText());
        assertTrue(r.out().contains("not started: --fail-fast stopped the suite"), r.out());

        Path without = config("sequential", "fake-setup", "fake-ok");
        assertEquals(1, run(without).code());
        assertEquals(2, invocations(without).size(), "without --fail-fast the others still run");
    }

    @Test void existingResultsNeedResumeOrOverwrite() throws IOException {
        Path c = config("sequential", "fake-ok");
        assertEquals(0, run(c).code());
        MetaKit.Run again = run(c);
        assertEquals(4, again.code());
        assertTrue(again.err().contains("results exist in " + folder(c) + ": fake-ok_fake-ok.json; add --resume to run only "
                + "the missing trials, --overwrite to start again, or --results-subfolder-name NAME for a new folder"),
                again.err());
        assertEquals(1, invocations(c).size(), "nothing ran");

        // --resume with one more trial per size: only the 2 missing trials are counted and run
        MetaKit.Run more = run(c, "--resume", "--trials", "3");
        assertEquals(0, more.code(), more.out() + more.err());
        assertTrue(more.out().contains("2 trial(s) to run"), more.out());
        assertTrue(more.out().contains("[suite] 2/2 trials · ok 512 warm trial 3/3 ok"), more.out());
        assertTrue(invocations(c).get(1).endsWith("--resume"), invocations(c).toString());

        MetaKit.Run over = run(c, "--overwrite");
        assertEquals(0, over.code());
        assertTrue(over.out().contains("4 trial(s) to run"), over.out());
    }

    @Test void onlyRunsTheNamedEnvironmentsButTheSummaryCoversTheFolder() throws IOException {
        Path c = config("sequential", "fake-ok", "fake-skip");
        MetaKit.Run r = run(c, "--only", "skip");
        assertEquals(3, r.code());
        assertEquals(1, invocations(c).size());
        assertEquals("not selected", env(runJson(c), "ok").path("outcome").asText());
    }

    @Test void trialLinesAreParsedAndOtherLinesAreText() {
        metaorchestrator.TrialLine t = metaorchestrator.TrialLine.parse(
                "mmb-trial size=256 mode=warm trial=2 trials=3 status=ok wall_s=7.312 throughput_mflops=1234.5");
        assertEquals(new metaorchestrator.TrialLine(256, "warm", 2, 3, "ok", 7.312, 1234.5), t);
        metaorchestrator.TrialLine failed = metaorchestrator.TrialLine.parse(
                "mmb-trial size=512 mode=cold trial=1 trials=1 status=failed wall_s=0.100 throughput_mflops=-");
        assertNull(failed.throughputMflops());
        assertEquals("failed", failed.status());
        assertNull(metaorchestrator.TrialLine.parse("mmb-trial size=abc"));
        assertNull(metaorchestrator.TrialLine.parse("  1345.3 MFLOPS, 2566 iterations"));
    }

    @Test void etaUsesWarmupPlusDurationPlusTheMeasuredOverhead() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metaorchestrator.Io io = new metaorchestrator.Io(new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        // 10 trials of 5 s warmup + 30 s; 10 s overhead assumed before the first trial ends
        metaorchestrator.Progress p = new metaorchestrator.Progress(10, 35, 10, now::get, io);
        assertEquals(10 * 45.0, p.etaSeconds(), 1e-9);
        now.set(TimeUnit.SECONDS.toNanos(40));   // first trial took 40 s: 5 s of overhead
        p.trialDone("a", new metaorchestrator.TrialLine(256, "warm", 1, 3, "ok", 35.0, 100.0), 3);
        assertEquals(5.0, p.overheadPerTrial(), 1e-9);
        assertEquals(9 * 40.0, p.etaSeconds(), 1e-9);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[suite] 1/10 trials · a 256 warm trial 1/3 ok 100.0 "
                + "MFLOPS · elapsed 0:40 · ETA 6:00"), out.toString(StandardCharsets.UTF_8));
        p.expectRemaining(4);   // an environment was skipped
        assertEquals(5, p.total());
        assertEquals(4 * 40.0, p.etaSeconds(), 1e-9);
    }

    @Test void theSuitesExitStatusFollowsTheWorstOutcome() {
        List<metaorchestrator.EnvironmentRun> runs = new ArrayList<>();
        for (metaorchestrator.Outcome o : List.of(metaorchestrator.Outcome.COMPLETED, metaorchestrator.Outcome.SKIPPED)) {
            metaorchestrator.EnvironmentRun r = new metaorchestrator.EnvironmentRun(null);
            r.outcome = o;
            runs.add(r);
        }
        assertEquals(3, metaorchestrator.SuiteRunner.exitCode(runs, false));
        assertEquals(130, metaorchestrator.SuiteRunner.exitCode(runs, true));
        runs.get(0).outcome = metaorchestrator.Outcome.FAILED;
        assertEquals(1, metaorchestrator.SuiteRunner.exitCode(runs, false));
        runs.get(0).outcome = metaorchestrator.Outcome.COMPLETED;
        runs.get(1).outcome = metaorchestrator.Outcome.COMPLETED;
        assertEquals(0, metaorchestrator.SuiteRunner.exitCode(runs, false));
    }

    @Test void underSudoTheResultsGoBackToTheInvokingUser() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to change owners");
        Path results = Files.createTempDirectory("mmb-meta-sudo");
        Path folder = Files.createDirectories(results.resolve("run"));
        Files.writeString(folder.resolve("a.json"), "{}");
        metaorchestrator.Io io = new metaorchestrator.Io(System.out, System.err);
        metaorchestrator.SudoOwnership.giveBack(results, folder, Map.of("SUDO_UID", "65534", "SUDO_GID", "65534",
                "SUDO_USER", "nobody"), "root", io);
        for (Path p : List.of(results, folder, folder.resolve("a.json"))) {
            assertEquals(65534, Files.getAttribute(p, "unix:uid"), p.toString());
            assertEquals(65534, Files.getAttribute(p, "unix:gid"), p.toString());
        }
        // not under sudo: owners stay
        Path other = Files.createTempDirectory("mmb-meta-nosudo");
        metaorchestrator.SudoOwnership.giveBack(other, other, Map.of(), "root", io);
        assertEquals(0, Files.getAttribute(other, "unix:uid"));
    }

    /** A real process and a real signal: the child is stopped politely, completed trials kept, exit 130. */
    @Tag("e2e")
    @Test void sigintStopsTheChildKeepsItsTrialsAndExits130() throws Exception {
        Path c = config("sequential", "fake-slow", "fake-ok");
        Path output = c.resolveSibling("meta.out");
        Process meta = MetaKit.start(List.of("--config", c.toString(), "--jbang", MetaKit.fakeJbang(),
                "--single-env-bench", MetaKit.fakeJbang(), "--no-preflight"), output);
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.readString(output).contains("[suite] 1/") && System.currentTimeMillis() < deadline && meta.isAlive()) {
            Thread.sleep(200);
        }
        assertTrue(Files.readString(output).contains("[suite] 1/"), "the first trial finished:\n" + Files.readString(output));
        new ProcessBuilder("kill", "-INT", String.valueOf(meta.pid())).start().waitFor();
        assertTrue(meta.waitFor(60, TimeUnit.SECONDS), "the meta script stops");
        String out = Files.readString(output);
        assertEquals(130, meta.exitValue(), out);
        assertTrue(Files.exists(folder(c).resolve("stopped.marker")), "the child got SIGTERM and cleaned up:\n" + out);
        assertTrue(out.contains("[suite] SIGINT: stopping the running environment"), out);
        JsonNode run = runJson(c);
        assertEquals("interrupted", run.path("status").asText());
        assertEquals("interrupted", env(run, "slow").path("outcome").asText());
        assertEquals("interrupted", env(run, "ok").path("outcome").asText());   // never started
        assertEquals(1, invocations(c).size());
        JsonNode result = JSON.readTree(folder(c).resolve("fake-slow_fake-slow.json").toFile());
        assertEquals(1, result.at("/results/256_warm").size(), "the completed trial is kept");
        assertTrue(out.contains("Summary of " + folder(c)), out);
    }
}
