import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The suite on the k8s backend through the real kubectl against the API server stand-in: metaorchestrator (a
 * subprocess, with the cluster's environment) checks the cluster once, then runs the real single_env_bench for each
 * environment, each trial a pod. (A missing RuntimeClass now stops the suite at its pre-flight: MetaPreflightTest.)
 */
@Tag("e2e")
class MetaK8sTest {
    @AfterAll static void tearDown() throws Exception { K8sBackendTest.Cluster.resetAll(); }

    @Test void aSuiteOfPods() throws Exception {
        LocalBackendTest.requireRoot();
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
        var cluster = new K8sBackendTest.Cluster("meta");
        Path dir = Files.createTempDirectory("mmb-meta-k8s");
        Path config = dir.resolve("suite.yaml");
        Files.writeString(config, """
                environments:
                  - image: mmb-static:latest
                    runtime_class: default
                  - image: mmb-wasm:latest
                    runtime_class: wasmtime
                shared_args:
                  backend: k8s
                  sizes: [64]
                  trials: 2
                  duration: 0.5
                  warmup_seconds: 0.2
                  interval: 0.1
                  results_dir: %s
                  results_subfolder_name: k8s
                  kubeconfig: %s
                  context: mmb-test
                order: interleaved
                """.formatted(dir.resolve("results"), cluster.kubeconfig));
        List<String> args = List.of("--config", config.toString(), "--jbang", MetaKit.jbang(),
                "--single-env-bench", TestSupport.repo().resolve("single_env_bench.java").toString());
        var r = TestSupport.exec(TestSupport.javaMain("metaorchestrator", args).command(), cluster.env, 600);
        String all = r.all();
        assertEquals(0, r.exit(), all);
        assertEquals(1, all.split("\\[suite\\] cluster: ", -1).length - 1, "one pre-flight for the suite: " + all);
        Path folder = dir.resolve("results/k8s");
        JsonNode run = TestSupport.readJson(folder.resolve("run.json"));
        Map<String, String> outcome = new LinkedHashMap<>();
        for (JsonNode e : run.path("environments")) outcome.put(e.path("name").asText(), e.path("outcome").asText());
        assertEquals("completed", outcome.get("mmb-static-default"), all);
        assertEquals("completed", outcome.get("mmb-wasm-wasmtime"), all);
        JsonNode f = TestSupport.readJson(folder.resolve("mmb-static_default.json"));
        assertEquals("k8s", f.path("environment").path("backend").asText());
        for (JsonNode t : f.path("results").path("64_warm")) {
            assertEquals("ok", t.path("status").asText());
            assertTrue(t.path("k8s").path("pod").asText().startsWith("mmb-mmb-static-default-64-"));
        }
        assertTrue(Files.exists(folder.resolve("summary.md")) && Files.exists(folder.resolve("summary.json")));
        assertEquals("", cluster.pods(), "no pod left");
    }
}
