import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** single_env_bench's command line: every bad value gives exit 2 and a message naming the flag. */
@org.junit.jupiter.api.Tag("unit")
class SingleEnvCliTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--sizes|0|--sizes",
            "--sizes|abc|--sizes",
            "--sizes|9000|--sizes",
            "--sizes|256,,512|--sizes",
            "--trials|0|--trials",
            "--trials|many|--trials",
            "--duration|0|--duration",
            "--duration|-1|--duration",
            "--duration|abc|--duration",
            "--warmup-seconds|-2|--warmup-seconds",
            "--interval|0.001|--interval",
            "--interval|0|--interval",
            "--backend|docker|--backend",
            "--cpu-limit|0|--cpu-limit",
            "--cpu-limit|-1|--cpu-limit",
            "--memory-limit|12parsecs|--memory-limit",
            "--memory-limit|1Ki|--memory-limit",
            "--namespace|Bad_NS|--namespace",
            "--runtime-class|a;b|--runtime-class",
            "--runtime-class|$(reboot)|--runtime-class",
            "--results-subfolder-name|../escape|--results-subfolder-name",
            "--results-subfolder-name|.hidden|--results-subfolder-name",
            "--image|mmb;rm -rf|--image",
            "--image-pull-policy|Sometimes|--image-pull-policy",
            "--sampler|magic|--sampler",
            "--run-id|UPPER|--run-id",
            "--timeout-margin|0|--timeout-margin",
    })
    void badValuesNameTheFlag(String flag, String value, String named) {
        String[] args = flag.equals("--image") ? new String[]{"--image", value} : new String[]{"--image", "mmb-static:latest", flag, value};
        var r = TestSupport.singleEnv(args);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(named), "message names " + named + ": " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.err().lines().count() <= 3, "short: " + r.err());
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> hostileValues() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("--image", "mmb-static\nlatest"),
                org.junit.jupiter.params.provider.Arguments.of("--image", "mmb-static:latest\"; rm -rf /"),
                org.junit.jupiter.params.provider.Arguments.of("--image", "../../etc/passwd"),
                org.junit.jupiter.params.provider.Arguments.of("--namespace", "default\nkube-system"),
                org.junit.jupiter.params.provider.Arguments.of("--namespace", "a\"b"),
                org.junit.jupiter.params.provider.Arguments.of("--runtime-class", "../wasmtime"),
                org.junit.jupiter.params.provider.Arguments.of("--runtime-class", "wasmtime\n"),
                org.junit.jupiter.params.provider.Arguments.of("--results-subfolder-name", "a/b"),
                org.junit.jupiter.params.provider.Arguments.of("--results-subfolder-name", ".."),
                org.junit.jupiter.params.provider.Arguments.of("--results-subfolder-name", "x;y"),
                org.junit.jupiter.params.provider.Arguments.of("--results-subfolder-name", "$(id)"),
                org.junit.jupiter.params.provider.Arguments.of("--node", "node;reboot"),
                org.junit.jupiter.params.provider.Arguments.of("--run-id", "run\u00e9"));
    }

    @ParameterizedTest(name = "{0} hostile value")
    @org.junit.jupiter.params.provider.MethodSource("hostileValues")
    void hostileValuesAreRejectedBeforeAnythingRuns(String flag, String value) {
        String[] args = flag.equals("--image") ? new String[]{"--image", value, "--dry-run"}
                : new String[]{"--image", "mmb-static:latest", "--dry-run", flag, value};
        var r = TestSupport.singleEnv(args);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(flag), r.err());
        assertFalse(r.err().contains("\n" + "latest"), "control characters are not echoed raw");
    }

    @Test void missingImageIsNamed() {
        var r = TestSupport.singleEnv("--backend", "local");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--image"), r.err());
    }

    @Test void unknownFlagIsNamed() {
        var r = TestSupport.singleEnv("--image", "mmb-static", "--frobnicate");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--frobnicate"), r.err());
    }

    @Test void resumeAndOverwriteExcludeEachOther() {
        var r = TestSupport.singleEnv("--image", "mmb-static", "--resume", "--overwrite");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--resume") && r.err().contains("--overwrite"), r.err());
    }

    @Test void helpDocumentsEveryFlagWithItsDefault() {
        var r = TestSupport.singleEnv("--help");
        assertEquals(0, r.exit());
        for (String flag : new String[]{"--image", "--runtime-class", "--backend", "--sizes", "--trials", "--duration", "--[no-]warmup",
                "--warmup-seconds", "--interval", "--namespace", "--results-dir", "--results-subfolder-name", "--cpu-limit",
                "--memory-limit", "--resume", "--overwrite", "--dry-run", "--kubeconfig", "--context", "--node",
                "--image-pull-policy", "--startup-timeout", "--keep-pods", "--cgroup-root", "--artifact", "--sampler"})
            assertTrue(r.out().contains(flag), "help lists " + flag);
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("Default: k8s"), flat);
        assertTrue(flat.contains("Default: 256,512"), flat);
        assertTrue(r.out().contains("Exit status"));
    }

    @Test void versionIsPrinted() {
        var r = TestSupport.singleEnv("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("single_env_bench "), r.out());
    }
}
