import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/** Programs that misbehave (scripts standing in for a broken build via --artifact): a clear failed trial, never a crash or hang. */
@Tag("e2e")
class MalformedOutputTest {
    static Path dir;

    @BeforeAll static void setUp() throws Exception {
        LocalBackendTest.requireRoot();
        dir = Files.createTempDirectory("mmb-malformed");
    }

    static final String READY = "echo 'MMB_READY size='$1' duration='$2' warmup='$3' compiler=sh flags=\"\" target=script'\n";
    static final String RESULTS = "echo iterations=3; echo throughput_mflops=12.5; echo elapsed_s=0.2; echo valid=true\n";

    /** Runs the script as the artifact of a one-trial run and returns (exit status, trial record). */
    static Map.Entry<Integer, JsonNode> run(String name, String body, String... more) throws Exception {
        Path script = dir.resolve(name + ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> a = new ArrayList<>(List.of("--backend", "local", "--image", "mmb-static:latest", "--artifact", script.toString(),
                "--results-dir", dir.toString(), "--results-subfolder-name", name, "--sizes", "8",
                "--duration", "0.2", "--no-warmup", "--interval", "0.05"));
        a.addAll(List.of(more));
        if (!a.contains("--trials")) a.addAll(List.of("--trials", "1"));
        var r = TestSupport.singleEnv(a.toArray(String[]::new));
        JsonNode t = TestSupport.readJson(dir.resolve(name).resolve("mmb-static_default.json")).path("results").path("8_cold").get(0);
        return Map.entry(r.exit(), t);
    }

    @Test void aWellBehavedScriptPasses() throws Exception {
        var r = run("good", READY + "echo BENCH_START; sleep 0.2; echo BENCH_END\n" + RESULTS);
        assertEquals(0, r.getKey(), r.getValue().toString());
        assertEquals("ok", r.getValue().path("status").asText());
    }

    @Test void noBenchEnd() throws Exception {
        var r = run("noend", READY + "echo BENCH_START; sleep 0.1\n");
        assertEquals(1, r.getKey());
        assertEquals("failed", r.getValue().path("status").asText());
        assertTrue(r.getValue().path("error").asText().contains("no BENCH_END"), r.getValue().path("error").asText());
    }

    @Test void nonNumericThroughput() throws Exception {
        var r = run("nan", READY + "echo BENCH_START; echo BENCH_END; echo iterations=3; echo throughput_mflops=fast; echo elapsed_s=0.2; echo valid=true\n");
        assertEquals("failed", r.getValue().path("status").asText());
        assertTrue(r.getValue().path("error").asText().contains("throughput_mflops=fast"));
    }

    @Test void validFalseIsInvalidNotFailed() throws Exception {
        var r = run("invalid", READY + "echo BENCH_START; echo BENCH_END; echo iterations=3; echo throughput_mflops=1; echo elapsed_s=0.2; echo valid=false; exit 1\n");
        assertEquals(1, r.getKey());
        assertEquals("invalid", r.getValue().path("status").asText());
        assertEquals(false, r.getValue().path("valid").asBoolean());
        assertEquals(1, r.getValue().path("exit_code").asInt());
    }

    @Test void aLineOfMegabytesIsCutAndTheTrialStillCounts() throws Exception {
        var r = run("huge", READY + "head -c 8000000 /dev/zero | tr '\\0' x; echo; echo BENCH_START; echo BENCH_END\n" + RESULTS);
        assertEquals("ok", r.getValue().path("status").asText(), r.getValue().toString());
    }

    @Test void garbageAndBinaryAroundTheProtocol() throws Exception {
        var r = run("garbage", "printf '\\001\\002\\377\\n'; " + READY + "echo 'BENCH_START extra'; echo BENCH_START; echo noise=1; echo BENCH_END\n" + RESULTS + "echo trailing\n");
        assertEquals("ok", r.getValue().path("status").asText(), r.getValue().toString());
    }

    @Test void nonZeroExitAfterReady() throws Exception {
        var r = run("exit3", READY + "echo oops >&2; exit 3\n");
        assertEquals("failed", r.getValue().path("status").asText());
        String err = r.getValue().path("error").asText();
        assertTrue(err.contains("exit status 3") && err.contains("oops"), err);
        assertEquals(3, r.getValue().path("exit_code").asInt());
    }

    @Test void killedMidTrialIsRecordedAndTheNextTrialRuns() throws Exception {
        Path marker = dir.resolve("killed-once");
        var r = run("sigkill", READY + "echo BENCH_START; if [ ! -e " + marker + " ]; then touch " + marker + "; kill -9 $$; fi; echo BENCH_END\n" + RESULTS,
                "--trials", "2");
        JsonNode list = TestSupport.readJson(dir.resolve("sigkill/mmb-static_default.json")).path("results").path("8_cold");
        assertEquals(2, list.size());
        assertEquals("failed", list.get(0).path("status").asText());
        assertTrue(list.get(0).path("error").asText().contains("signal 9"), list.get(0).path("error").asText());
        assertEquals("ok", list.get(1).path("status").asText());
        assertEquals(1, r.getKey());
    }

    @Test void aHungProgramTimesOut() throws Exception {
        long t0 = System.nanoTime();
        var r = run("hang", READY + "echo BENCH_START; exec sleep 600\n", "--timeout-margin", "1");
        assertTrue((System.nanoTime() - t0) / 1e9 < 15, "bounded");
        assertEquals("failed", r.getValue().path("status").asText());
        assertTrue(r.getValue().path("error").asText().contains("timeout"), r.getValue().path("error").asText());
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("").equals("sleep 600")), "no sleeper left");
    }
}
