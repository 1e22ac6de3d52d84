import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** single_env_bench's command line: every bad value gives exit 2 and a message naming the flag. */
@org.junit.jupiter.api.Tag("unit")
class SingleEnvCliTest {
    @TempDir static Path work;

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

    /** --backend, --sampler, --image-pull-policy are enums: a bad value lists the accepted ones, spelled exactly. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--backend|docker|--backend: expected local or k8s, got 'docker'",
            "--backend|Local|--backend: expected local or k8s, got 'Local'; did you mean local?",
            "--backend|k9s|--backend: expected local or k8s, got 'k9s'; did you mean k8s?",
            "--image-pull-policy|always|--image-pull-policy: expected Always, IfNotPresent or Never, got 'always'; did you mean Always?",
            "--image-pull-policy|Sometimes|--image-pull-policy: expected Always, IfNotPresent or Never, got 'Sometimes'",
            "--sampler|proc|--sampler: expected auto, cgroup or procfs, got 'proc'; did you mean procfs?",
    })
    void aBadChoiceListsTheAcceptedValues(String flag, String value, String message) {
        var r = TestSupport.singleEnv("--image", "mmb-static:latest", flag, value);
        assertEquals(2, r.exit(), r.all());
        assertEquals(List.of("single_env_bench: " + message, "Try 'single_env_bench --help' for the options."), r.err().lines().toList());
    }

    /** Every accepted value of each enum reaches the --dry-run and is written as given. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"--image-pull-policy|Always", "--image-pull-policy|IfNotPresent", "--image-pull-policy|Never"})
    void everyPullPolicyReachesThePodManifest(String flag, String value) {
        var r = TestSupport.singleEnv("--image", "mmb-static:latest", "--dry-run", "--results-dir", work.toString(),
                flag, value);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("\"imagePullPolicy\" : \"" + value + "\""), r.out());
    }

    /**
     * A flag given twice is refused (single-value flags; --sizes adds up), and it is the only message: inside
     * picocli's argument groups a repeat would otherwise start a new match of the groups and lose the flags given
     * before it (here --image, which would then read as missing).
     */
    @Test void aFlagGivenTwiceIsNamedAndNothingElseIsMadeUp() {
        var r = TestSupport.singleEnv("--image", "mmb-static:latest", "--namespace", "a", "--trials", "3", "--dry-run",
                "--trials", "4", "--kubeconfig", "k");
        assertEquals(2, r.exit(), r.all());
        assertEquals(List.of("single_env_bench: --trials: given more than once ('3', then '4'); give it once",
                "Try 'single_env_bench --help' for the options."), r.err().lines().toList());
        var resume = TestSupport.singleEnv("--image", "mmb-static:latest", "--resume", "--resume");
        assertEquals(2, resume.exit(), resume.all());
        assertTrue(resume.err().startsWith("single_env_bench: --resume: given more than once; give it once\n"), resume.err());
    }

    /** --resume with --overwrite: the message names both, and the flags around it are still all checked. */
    @Test void resumeAndOverwriteAmongOtherProblems() {
        var r = TestSupport.singleEnv("--image", "mmb-static:latest", "--trials", "0", "--resume", "--overwrite", "--backend", "docker");
        assertEquals(2, r.exit(), r.all());
        assertEquals(List.of("single_env_bench: --backend: expected local or k8s, got 'docker'",
                "single_env_bench: --trials: must be from 1 to 10000, got 0",
                "single_env_bench: --resume and --overwrite exclude each other: pick one",
                "3 problems on the command line; nothing was run. Try 'single_env_bench --help' for the options."), r.err().lines().toList());
    }

    /** --help: the options in headed sections, each flag in its own. */
    @Test void helpShowsTheOptionsInSections() {
        var r = TestSupport.singleEnv("--help");
        assertEquals(0, r.exit(), r.all());
        List<String> headings = List.of("Environment and trials:", "Result file:", "If the result file exists", "Local backend (--backend local):",
                "K8s backend (--backend k8s):", "Exit status:");
        List<String> flags = List.of("--image=", "--results-dir=", "--resume", "--artifact=", "--image-pull-policy=", "  0    every trial");
        int previous = -1;
        for (int i = 0; i < headings.size(); i++) {
            int heading = r.out().indexOf("\n" + headings.get(i));
            assertTrue(heading > previous, headings.get(i) + " after the previous section:\n" + r.out());
            int flag = r.out().indexOf(flags.get(i), heading);
            int next = i + 1 < headings.size() ? r.out().indexOf("\n" + headings.get(i + 1)) : r.out().length();
            assertTrue(flag > heading && flag < next, flags.get(i) + " in " + headings.get(i) + ":\n" + r.out());
            previous = heading;
        }
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

    /** Every problem at once: picocli's (unknown flag, wrong type) and the value checks, with the near miss. */
    @Test void everyFlagProblemAtOnceWithTheNearMiss() {
        var r = TestSupport.singleEnv("--image", "mmb-static:latest", "--trails", "3", "--duration", "soon",
                "--sizes", "0", "--namespace", "Bad_NS");
        assertEquals(2, r.exit(), r.all());
        String e = r.err();
        assertTrue(e.contains("single_env_bench: --trails: unknown option; did you mean --trials?"), e);
        assertTrue(e.contains("single_env_bench: --duration: 'soon' is not a number"), e);
        assertTrue(e.contains("single_env_bench: --sizes: '0' is not an integer from 1 to 8192"), e);
        assertTrue(e.contains("single_env_bench: --namespace: 'Bad_NS' is not a DNS-1123 label"), e);
        assertTrue(e.contains("4 problems on the command line; nothing was run."), e);
        // flags not given keep their (valid) defaults: no problem is reported for them
        assertFalse(e.contains("--trials: must be"), e);
        assertFalse(e.contains("'3'"), "3 is the misspelt flag's value: " + e);
    }

    /** --list-runtimes: what a trial would find, one line per runtime class; no --image needed. */
    @Test void listRuntimesAnswersPerRuntimeClass() {
        var r = TestSupport.singleEnv("--list-runtimes");
        assertEquals(0, r.exit(), r.all());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("default", "node", "wamr", "wasmedge", "wasmer", "wasmtime"),
                lines.stream().map(l -> l.split(" ")[1]).toList(), r.out());
        Map<String, String> executables = Map.of("node", "node", "wamr", "iwasm", "wasmedge", "wasmedge", "wasmer", "wasmer",
                "wasmtime", "wasmtime");
        for (String line : lines) {
            String[] f = line.split(" ", 4);
            assertEquals("mmb-runtime", f[0]);
            if (f[1].equals("default")) { assertEquals("installed", f[2]); continue; }
            String exe = executables.get(f[1]);
            String envVar = System.getenv("MMB_" + exe.toUpperCase(Locale.ROOT));
            boolean there = envVar != null ? Files.isExecutable(Path.of(envVar)) : MetaKit.onPath(exe);
            assertEquals(there ? "installed" : "missing", f[2], line);
            if (!there) assertTrue(f[3].contains("is not installed: put it on PATH or set MMB_"), line);
        }
    }

    @Test void versionIsPrinted() {
        var r = TestSupport.singleEnv("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("single_env_bench "), r.out());
    }
}
