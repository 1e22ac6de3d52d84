import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Config validation: every broken file under tests/fixtures/meta/config gives every one of its problems at
 * once, each with file:line:column, the key and what was expected.
 */
@org.junit.jupiter.api.Tag("unit")
class MetaConfigTest {

    /** The problems of a config file, rendered as the user sees them. */
    static List<String> problems(String fixture, metaorchestrator.CliOverrides cli) {
        try {
            metaorchestrator.ConfigLoader.load(Path.of(MetaKit.config(fixture)), cli);
        } catch (metaorchestrator.ConfigException e) {
            return e.problems.stream().map(Object::toString).collect(Collectors.toList());
        }
        return fail(fixture + " was accepted");
    }

    static List<String> problems(String fixture) { return problems(fixture, metaorchestrator.CliOverrides.none()); }

    static String at(String fixture) { return MetaKit.config(fixture); }

    static metaorchestrator.SuiteConfig load(Path file) throws metaorchestrator.ConfigException {
        return metaorchestrator.ConfigLoader.load(file, metaorchestrator.CliOverrides.none());
    }

    // ---- the shipped configs ----

    @Test void seedConfigHasTheSixEnvironmentsAndTheSeedDefaults() throws Exception {
        metaorchestrator.SuiteConfig c = load(MetaKit.repo().resolve("bench_config.yaml"));
        assertEquals(List.of("mmb-debian-default", "mmb-static-default", "mmb-wasm-wasmtime", "mmb-wasm-wasmedge",
                "mmb-wasm-wasmer", "mmb-wasm-wamr"), c.environments().stream().map(e -> e.name()).collect(Collectors.toList()));
        assertEquals(List.of("mmb-debian:latest", "mmb-static:latest", "mmb-wasm:latest", "mmb-wasm:latest",
                "mmb-wasm:latest", "mmb-wasm:latest"), c.environments().stream().map(e -> e.image()).collect(Collectors.toList()));
        assertEquals(List.of("default", "default", "wasmtime", "wasmedge", "wasmer", "wamr"),
                c.environments().stream().map(e -> e.runtimeClass()).collect(Collectors.toList()));
        metaorchestrator.SharedArgs s = c.shared();
        assertEquals(List.of(256, 512), s.sizes);
        assertEquals(3, s.trials);
        assertEquals(30.0, s.duration);
        assertTrue(s.warmup);
        assertEquals(1.0, s.interval);
        assertEquals("default", s.namespace);
        assertEquals("initial_bm", s.resultsSubfolderName);
        // the new keys' defaults reproduce the seed: K3s, results/, 5 s warmup, no limits, sequential, first = baseline
        assertEquals(metaorchestrator.Backend.k8s, s.backend);
        assertEquals("results", s.resultsDir);
        assertEquals(5.0, s.warmupSeconds);
        assertNull(s.cpuLimit);
        assertNull(s.memoryLimit);
        assertEquals(metaorchestrator.Order.sequential, c.order());
        assertEquals("mmb-debian-default", c.baseline());
        assertEquals(0.01, c.significanceLevel());
        assertEquals(c.environments().size(), c.selected().size());
    }

    @Test void demoConfigRunsLocallyInterleavedWithShortTrials() throws Exception {
        metaorchestrator.SuiteConfig c = load(MetaKit.repo().resolve("bench_local.yaml"));
        assertEquals(metaorchestrator.Backend.local, c.shared().backend);
        assertEquals(metaorchestrator.Order.interleaved, c.order());
        assertTrue(c.environments().stream().anyMatch(e -> e.runtimeClass().equals("node")));
        assertTrue(c.shared().duration <= 5);
    }

    @Test void everyKeyIsReadWithItsType() throws Exception {
        metaorchestrator.SuiteConfig c = load(Path.of(at("valid_full.yaml")));
        metaorchestrator.SharedArgs s = c.shared();
        assertEquals("native", c.environments().get(0).name());
        assertEquals("mmb-debian_default.json", c.environments().get(0).resultFileName());
        assertEquals("mmb-wasm-node", c.environments().get(1).name());
        assertEquals("build/mmb.wasm", c.environments().get(1).artifact());
        assertEquals(List.of(64, 1024), s.sizes);   // 1_024: YAML's digit separator
        assertEquals(5, s.trials);
        assertEquals(2.5, s.duration);
        assertFalse(s.warmup);                        // "off" is a YAML boolean
        assertEquals(0.0, s.warmupSeconds);
        assertEquals(0.25, s.interval);
        assertEquals(0.5, s.cpuLimit);                // "500m"
        assertEquals("512Mi", s.memoryLimit);
        assertNull(s.kubeconfig);                     // ~ is null
        assertEquals("node-1.example", s.node);
        assertEquals("Never", s.imagePullPolicy);
        assertEquals(60.0, s.startupTimeout);
        assertEquals("mmb-wasm-node", c.baseline());
        assertEquals(metaorchestrator.Order.interleaved, c.order());
        assertEquals(0.05, c.significanceLevel());
    }

    @Test void commandLineOverridesWin() throws Exception {
        metaorchestrator.SuiteConfig c = metaorchestrator.ConfigLoader.load(MetaKit.repo().resolve("bench_config.yaml"),
                new metaorchestrator.CliOverrides("local", List.of("64", "128"), "2", "0.5",
                        List.of("mmb-wasm-wasmtime", "mmb-static-default"), "quick", "interleaved", "mmb-static-default"));
        assertEquals(metaorchestrator.Backend.local, c.shared().backend);
        assertEquals(List.of(64, 128), c.shared().sizes);
        assertEquals(2, c.shared().trials);
        assertEquals(0.5, c.shared().duration);
        assertEquals("quick", c.shared().resultsSubfolderName);
        assertEquals(metaorchestrator.Order.interleaved, c.order());
        assertEquals("mmb-static-default", c.baseline());
        // --only keeps the config's order
        assertEquals(List.of("mmb-static-default", "mmb-wasm-wasmtime"), c.selectedEnvironments().stream()
                .map(e -> e.name()).collect(Collectors.toList()));
    }

    @Test void childArgumentsFollowTheContract() throws Exception {
        metaorchestrator.SuiteConfig c = load(Path.of(at("valid_full.yaml")));
        List<String> args = metaorchestrator.ChildArgs.of(c.shared(), c.environments().get(1), "run-7", 2,
                metaorchestrator.ResumeMode.RESUME);
        assertEquals(List.of("--image", "mmb-wasm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "--runtime-class", "node", "--backend", "local", "--sizes", "64,1024", "--trials", "2", "--duration", "2.5",
                "--no-warmup", "--interval", "0.25", "--results-dir", "out", "--results-subfolder-name", "run-1",
                "--run-id", "run-7", "--cpu-limit", "0.5", "--memory-limit", "512Mi", "--cgroup-root", "/sys/fs/cgroup",
                "--build-dir", "build", "--startup-timeout", "60", "--artifact", "build/mmb.wasm", "--resume"), args);
    }

    // ---- broken files: each message checked ----

    @Test void unknownKeysSuggestTheNearestKnownOne() {
        String f = at("unknown_keys.yaml");
        assertEquals(List.of(
                f + ":2:5: environments[0].runtime_class: missing; expected a runtime class such as default or wasmtime",
                f + ":3:5: environments[0].runtime-class: unknown key; did you mean 'runtime_class'? (known keys: name, "
                        + "image, runtime_class, artifact)",
                f + ":5:3: shared_args.trails: unknown key; did you mean 'trials'? (known keys: backend, sizes, trials, "
                        + "duration, warmup, warmup_seconds, interval, namespace, results_dir, results_subfolder_name, "
                        + "cpu_limit, memory_limit, kubeconfig, context, node, image_pull_policy, startup_timeout, "
                        + "cgroup_root, build_dir)"), problems("unknown_keys.yaml"));
    }

    @Test void keysAtTheWrongLevelSayWhereTheyBelong() {
        String f = at("misplaced.yaml");
        assertEquals(List.of(f + ":4:1: trials: unknown key; this key belongs under shared_args",
                f + ":6:3: shared_args.order: unknown key; this key belongs at the top level"), problems("misplaced.yaml"));
    }

    @Test void wrongTypesAreNamedWithWhatWasExpected() {
        String f = at("wrong_types.yaml");
        assertEquals(List.of(
                f + ":5:11: shared_args.trials: expected an integer from 1 to 1000, got 'three' (a string)",
                f + ":6:13: shared_args.duration: expected seconds above 0 (at most 86400), got '30' (a string); "
                        + "remove the quotes",
                f + ":7:11: shared_args.warmup: expected true or false, got 'maybe' (a string)",
                f + ":8:10: shared_args.sizes: expected a list of matrix sizes like [256, 512] (integers from 1 to 8192), "
                        + "got 256; write [256]",
                f + ":9:13: shared_args.interval: expected seconds from 0.01 to 3600 (single_env_bench samples at most "
                        + "every 0.01 s), got a list"),
                problems("wrong_types.yaml"));
    }

    @Test void outOfRangeValuesAreAllReported() {
        String f = at("out_of_range.yaml");
        assertEquals(List.of(
                f + ":5:11: shared_args.trials: expected an integer from 1 to 1000, got 0",
                f + ":6:13: shared_args.duration: expected seconds above 0 (at most 86400), got -1",
                f + ":7:11: shared_args.sizes[0]: expected an integer from 1 to 8192, got 0",
                f + ":7:19: shared_args.sizes[2]: expected an integer from 1 to 8192, got 9000",
                f + ":7:25: shared_args.sizes: size 256 is listed twice",
                f + ":8:13: shared_args.interval: expected seconds from 0.01 to 3600 (single_env_bench samples at most "
                        + "every 0.01 s), got 0",
                f + ":9:19: shared_args.warmup_seconds: expected seconds, 0 or more (at most 3600), got 4000",
                f + ":10:21: significance_level: expected a number above 0 and at most 0.5 (0.01 is a 99% confidence "
                        + "level), got 0.9"), problems("out_of_range.yaml"));
    }

    @Test void kubernetesNamesMustBeDns1123() {
        String f = at("bad_dns.yaml");
        assertEquals(List.of(
                f + ":3:20: environments[0].runtime_class: 'Wasm_Time' is not a valid DNS-1123 label: lower-case "
                        + "letters, digits and '-', starting and ending with a letter or digit",
                f + ":6:11: environments[1].name: '-static' is not a valid DNS-1123 label: lower-case letters, digits and "
                        + "'-', starting and ending with a letter or digit",
                f + ":8:14: shared_args.namespace: 'My_Namespace' is not a valid DNS-1123 label: lower-case letters, "
                        + "digits and '-', starting and ending with a letter or digit"), problems("bad_dns.yaml"));
    }

    @Test void duplicateEnvironmentsNamesAndKeysAreRefused() {
        String f = at("duplicates.yaml");
        assertEquals(List.of(
                f + ":4:5: environments[1]: duplicate environment name 'mmb-debian-default' (also at line 2); give one "
                        + "of them another name (name: …)",
                f + ":9:5: environments[3]: duplicate environment name 'native' (also at line 6); give one of them "
                        + "another name (name: …)",
                f + ":14:3: shared_args.trials: duplicate key (first at line 13); keep one"), problems("duplicates.yaml"));
    }

    @Test void sameImageAndRuntimeClassUnderTwoNamesWouldShareAResultFile() throws IOException {
        Path f = Files.createTempFile("mmb-meta", ".yaml");
        Files.writeString(f, "environments:\n  - image: mmb-wasm:latest\n    runtime_class: node\n    name: a\n"
                + "  - image: mmb-wasm:v2\n    runtime_class: node\n    name: b\n");
        try {
            load(f);
            fail("accepted");
        } catch (metaorchestrator.ConfigException e) {
            assertEquals(List.of(f + ":5:5: environments[1]: same image and runtime_class as the environment at line 2; "
                    + "both would write mmb-wasm_node.json (remove one)"),
                    e.problems.stream().map(Object::toString).collect(Collectors.toList()));
        }
    }

    @Test void emptyListAndMissingListAreRefused() {
        assertEquals(List.of(at("empty_list.yaml") + ":1:15: environments: the list is empty; expected at least one "
                + "environment (- image: mmb-debian:latest, runtime_class: default)"), problems("empty_list.yaml"));
        assertEquals(List.of(at("no_environments.yaml") + ":1:1: environments: missing; expected a list of environments, "
                + "each with image and runtime_class"), problems("no_environments.yaml"));
    }

    @Test void missingFieldsOfAnEnvironment() {
        String f = at("missing_fields.yaml");
        assertEquals(List.of(
                f + ":2:5: environments[0].image: missing; expected an image such as mmb-debian:latest",
                f + ":3:5: environments[1].runtime_class: missing; expected a runtime class such as default or wasmtime",
                f + ":4:5: environments[2]: expected a mapping with image and runtime_class, got 'mmb-wasm:latest' (a string)"),
                problems("missing_fields.yaml"));
    }

    @Test void unknownEnumValuesAndABaselineThatIsNoEnvironment() {
        String f = at("bad_enums.yaml");
        assertEquals(List.of(
                f + ":5:12: shared_args.backend: expected one of local, k8s, got 'k3s'; did you mean 'k8s'?",
                f + ":6:22: shared_args.image_pull_policy: expected one of Always, IfNotPresent, Never, got 'always'; did "
                        + "you mean 'Always'?",
                f + ":7:8: order: expected one of sequential, interleaved, got 'random'"), problems("bad_enums.yaml"));
        assertEquals(List.of(at("bad_baseline.yaml") + ":6:11: baseline: no environment is named 'mmb-debian'; did you "
                + "mean 'mmb-debian-default'? (names: mmb-debian-default, mmb-static-default)"), problems("bad_baseline.yaml"));
    }

    @Test void yamlTypeSurprisesAreExplained() {
        String f = at("quoting.yaml");
        assertEquals(List.of(
                f + ":5:11: shared_args.trials: expected an integer from 1 to 1000, got '3' (a string); remove the quotes",
                f + ":6:14: shared_args.namespace: expected a text value, got no (a boolean); YAML reads no as a boolean, "
                        + "quote it: 'no'"), problems("quoting.yaml"));
    }

    @Test void otherBadValues() {
        String f = at("bad_values.yaml");
        assertEquals(List.of(
                f + ":2:12: environments[0].image: expected an image reference like mmb-debian:latest or "
                        + "registry:5000/team/mmb-wasm:v1 (lower-case name, optional :tag), got 'MMB Debian'",
                f + ":5:17: shared_args.memory_limit: expected a memory quantity from 4Mi to 1024Ti like 512Mi, 2Gi or a "
                        + "number of bytes, got 'lots'",
                f + ":6:14: shared_args.cpu_limit: expected cores from 0.01 to 1024 (e.g. 1, 0.5 or \"500m\"; at least "
                        + "\"10m\"), got -2",
                f + ":7:27: shared_args.results_subfolder_name: expected a plain folder name (letters, digits, '.', '_' "
                        + "or '-'; not starting with '.'; at most 100 characters), got '../elsewhere'",
                f + ":8:16: shared_args.results_dir: expected a text value, got an empty string",
                f + ":9:3: shared_args.shared_args: unknown key; this key belongs at the top level"),
                problems("bad_values.yaml"));
    }

    @Test void theLocalBackendKnowsItsRuntimeClasses() {
        String f = at("local_runtime.yaml");
        assertEquals(List.of(
                f + ":3:20: environments[0].runtime_class: 'runc' is not a runtime class of the local backend; expected "
                        + "one of default, node, wamr, wasmedge, wasmer, wasmtime",
                f + ":5:20: environments[1].runtime_class: 'wasmtim' is not a runtime class of the local backend; "
                        + "expected one of default, node, wamr, wasmedge, wasmer, wasmtime; did you mean 'wasmtime'?"),
                problems("local_runtime.yaml"));
        // the same check when --backend local comes from the command line
        List<String> viaCli = problems("bad_dns.yaml", new metaorchestrator.CliOverrides("local", null, null, null,
                null, null, null, null));
        assertTrue(viaCli.stream().anyMatch(p -> p.contains("bad_dns.yaml:8:14: shared_args.namespace")), viaCli.toString());
    }

    // ---- files that are not YAML mappings at all ----

    @Test void syntaxErrorsPointAtTheirPosition() {
        assertEquals(List.of(at("syntax_error.yaml") + ":6:9: YAML syntax error: while parsing a flow sequence: expected "
                + "',' or ']', but got :"), problems("syntax_error.yaml"));
        List<String> tab = problems("tab_indent.yaml");
        assertEquals(1, tab.size());
        assertTrue(tab.get(0).startsWith(at("tab_indent.yaml") + ":2:1: YAML syntax error: "), tab.get(0));
        assertTrue(tab.get(0).contains("TAB"), tab.get(0));
        assertEquals(List.of(at("two_documents.yaml") + ":4:1: YAML syntax error: more than one YAML document (---); "
                + "keep one"), problems("two_documents.yaml"));
        assertEquals(List.of(at("top_list.yaml") + ":1:1: expected a mapping at the top (environments: … and "
                + "shared_args: …), got a list"), problems("top_list.yaml"));
    }

    @Test void snakeYamlLimitsRefuseBombsWithAPosition() {
        assertEquals(List.of(at("alias_bomb.yaml") + ":4:16: YAML: more than 20 aliases (*name) of lists or mappings — "
                + "refused (alias bomb); write the values out"), problems("alias_bomb.yaml"));
        assertEquals(List.of(at("deep_nesting.yaml") + ":1:34: YAML: nested more than 20 levels deep — refused; a config "
                + "needs 4"), problems("deep_nesting.yaml"));
    }

    @Test void emptyAndCommentOnlyFiles() {
        assertEquals(List.of(at("empty.yaml") + ":1:1: the file is empty; expected a mapping with the keys environments "
                + "and shared_args (docs/suite.md: Configuration reference)"), problems("empty.yaml"));
        assertEquals(List.of(at("comments_only.yaml") + ":1:1: the file has no YAML content (only comments); expected a "
                + "mapping with the keys environments and shared_args"), problems("comments_only.yaml"));
    }

    @Test void notUtf8IsReportedWithLineAndColumn() throws IOException {
        Path f = Files.createTempFile("mmb-meta", ".yaml");
        byte[] head = "environments:\n  - image: caf".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xE9;   // Latin-1 é
        bytes[head.length + 1] = '\n';
        Files.write(f, bytes);
        try {
            load(f);
            fail("accepted");
        } catch (metaorchestrator.ConfigException e) {
            assertEquals(List.of(f + ":2:15: not UTF-8 text (byte 0xE9); save the file as UTF-8"),
                    e.problems.stream().map(Object::toString).collect(Collectors.toList()));
        }
    }

    @Test void aDirectoryAMissingFileAndAHugeFile() throws IOException {
        Path dir = Files.createTempDirectory("mmb-meta");
        assertEquals(List.of(dir + ": is a directory; expected a YAML file like bench_config.yaml (name the file itself "
                + "with --config FILE)"), problemsOf(dir));
        assertEquals(List.of(dir.resolve("nope.yaml") + ": no such file; run from the repository or name the config "
                + "with --config FILE"), problemsOf(dir.resolve("nope.yaml")));
        Path huge = dir.resolve("huge.yaml");
        Files.writeString(huge, "# " + "x".repeat(2 << 20) + "\n");
        assertEquals(List.of(huge + ": is " + Files.size(huge) + " bytes; a config is at most 1048576 bytes (1 MiB)"),
                problemsOf(huge));
    }

    static List<String> problemsOf(Path file) {
        try {
            load(file);
        } catch (metaorchestrator.ConfigException e) {
            return e.problems.stream().map(Object::toString).collect(Collectors.toList());
        }
        return fail(file + " was accepted");
    }

    @Test void theCliPrintsEveryProblemAndASummaryLineThenExitsTwo() {
        MetaKit.Run r = MetaKit.meta("--config", at("out_of_range.yaml"));
        assertEquals(2, r.code());
        assertEquals(9, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("8 problems in " + at("out_of_range.yaml") + "; nothing was run."), r.err());
        assertEquals("", r.out());
        MetaKit.assertNoStackTrace(r);
    }
}
