import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The k8s suite's one pre-flight (metaorchestrator's ClusterPreflight) through the real kubectl against the API server
 * stand-in: a missing cluster, namespace, RuntimeClass or image stops the suite before any folder, child or pod exists.
 * No pod runs here, so no root is needed.
 */
@Tag("e2e")
class MetaPreflightTest {
    static Path dir;

    @BeforeAll static void setUp() throws Exception {
        dir = Files.createTempDirectory("mmb-preflight");
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
    }

    @AfterAll static void tearDown() throws Exception { K8sBackendTest.Cluster.resetAll(); }

    /** bench_config.yaml's six environments on the k8s backend, against this cluster. */
    static Path config(K8sBackendTest.Cluster c, String name, String extraShared) throws Exception {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                environments:
                  - {image: mmb-debian:latest, runtime_class: default}
                  - {image: mmb-static:latest, runtime_class: default}
                  - {image: mmb-wasm:latest, runtime_class: wasmtime}
                  - {image: mmb-wasm:latest, runtime_class: wasmedge}
                  - {image: mmb-wasm:latest, runtime_class: wasmer}
                  - {image: mmb-wasm:latest, runtime_class: wamr}
                shared_args:
                  backend: k8s
                  sizes: [64]
                  trials: 3
                  duration: 0.5
                  results_dir: %s
                  results_subfolder_name: %s
                  kubeconfig: %s
                  context: mmb-test
                %s
                order: interleaved
                """.formatted(dir.resolve("results"), name, c.kubeconfig, extraShared));
        return config;
    }

    static TestSupport.Run suite(K8sBackendTest.Cluster c, Path config) throws Exception {
        List<String> args = List.of("--config", config.toString(), "--jbang", MetaKit.jbang(),
                "--single-env-bench", TestSupport.repo().resolve("single_env_bench.java").toString());
        return TestSupport.exec(TestSupport.javaMain("metaorchestrator", args).command(), c.env, 120);
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    @Test void withoutAClusterTheSuiteEndsAtOnceWithOneMessageAndNoFolder() throws Exception {
        var c = new K8sBackendTest.Cluster("preflight-down", "MMB_STANDIN_FAULTS", "unreachable");
        long t0 = System.nanoTime();
        var r = suite(c, config(c, "down", ""));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("pre-flight: a suite of six environments without a cluster ended in %.1f s%n", seconds);
        assertEquals(4, r.exit(), r.all());
        assertEquals(1, count(r.all(), "cannot reach the cluster"), r.all());
        assertTrue(r.err().contains("refused") && r.err().contains("shared_args.kubeconfig"), r.err());
        assertFalse(r.all().contains("[mmb-"), "no environment ran: " + r.all());
        assertFalse(Files.exists(dir.resolve("results/down")), "no results folder");
        assertTrue(seconds <= 5, "ended in " + seconds + " s");
    }

    @Test void everyMissingItemIsNamedWithItsFixInOneReportAndNothingRuns() throws Exception {
        var c = new K8sBackendTest.Cluster("preflight-missing", "MMB_STANDIN_IMAGES", "mmb-debian",
                "MMB_STANDIN_RUNTIMECLASSES", "wasmtime,wasmer");
        var r = suite(c, config(c, "missing", "  namespace: bench"));
        assertEquals(4, r.exit(), r.all());
        String err = r.err();
        assertEquals(1, count(err, "the cluster is not ready"), err);
        assertTrue(err.contains("namespace \"bench\" does not exist") && err.contains("kubectl create namespace bench"), err);
        assertTrue(err.contains("RuntimeClass \"wamr\" not found (mmb-wasm-wamr)") && err.contains("containerd-shim-wamr-v1"), err);
        assertTrue(err.contains("RuntimeClass \"wasmedge\" not found (mmb-wasm-wasmedge)"), err);
        assertFalse(err.contains("\"wasmtime\" not found") || err.contains("\"wasmer\" not found"), err);
        assertTrue(err.contains("image mmb-static:latest (docker.io/library/mmb-static:latest) is not on node"), err);
        assertTrue(err.contains("image mmb-wasm:latest") && err.contains("make image-build"), err);
        assertFalse(err.contains("image mmb-debian"), "the imported image is found: " + err);
        assertFalse(r.all().contains("[mmb-"), "no environment ran: " + r.all());
        assertFalse(Files.exists(dir.resolve("results/missing")), "no results folder");
        assertEquals("", c.pods(), "no pod");
        assertFalse(c.requests().contains("POST "), "nothing was created: " + c.requests());
    }

    @Test void whatThePullPolicyLetsTheNodeFetchIsNotRequired() {
        assertTrue(metaorchestrator.ClusterPreflight.mustBeOnNode("mmb-static:latest", "IfNotPresent"), "built here: no registry serves it");
        assertTrue(metaorchestrator.ClusterPreflight.mustBeOnNode("registry.example:5000/mmb:1", "Never"));
        assertFalse(metaorchestrator.ClusterPreflight.mustBeOnNode("registry.example:5000/mmb:1", "IfNotPresent"));
        assertFalse(metaorchestrator.ClusterPreflight.mustBeOnNode("mmb-static:latest", "Always"));
        assertEquals("docker.io/library/mmb-static:latest", metaorchestrator.ClusterPreflight.reference("mmb-static:latest"));
        assertEquals("docker.io/library/mmb-wasm:latest", metaorchestrator.ClusterPreflight.reference("mmb-wasm"));
        assertEquals("docker.io/me/mmb:2", metaorchestrator.ClusterPreflight.reference("me/mmb:2"));
        assertEquals("localhost:5000/mmb:latest", metaorchestrator.ClusterPreflight.reference("localhost:5000/mmb"));
    }
}
