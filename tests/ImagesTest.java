import org.junit.jupiter.api.*;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The three images, for real: a Debian base bootstrapped without any registry (mmdebstrap | docker import,
 * cached), `make image-build` exactly as a user runs it (BASE_IMAGE and CTR on the command line), the debian
 * and static images run and checked line by line, the wasm image's entrypoint and its module run under Node,
 * and all three imported into the `k8s.io` namespace of a standalone containerd started here (its own socket,
 * root and state under a temporary folder); `make reset` takes them out of both, and a last image-build
 * (from the build cache) puts them back.
 *
 * Needs a Docker engine (scripts/start-dockerd.sh, which .ci/run calls), mmdebstrap, containerd and node.
 * Without them the tests are skipped with a message, except under CI=true, where they fail: CI never skips them.
 */
@Tag("docker")
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagesTest {

    /** The base image made by scripts/make-base-image.sh (kept between runs: made once per machine). */
    static final String BASE_IMAGE = "mmb-base:bookworm";
    static final List<String> IMAGES = List.of("mmb-debian:latest", "mmb-static:latest", "mmb-wasm:latest");
    static final List<String> CTR_REFS = IMAGES.stream().map(i -> "docker.io/library/" + i).toList();

    Path dir;      // the standalone containerd's folder
    String ctr;    // e.g. "ctr --address DIR/containerd.sock -n k8s.io"
    String containerdPid;

    record Out(int exit, String out) {
        List<String> lines() { return out.lines().toList(); }
    }

    static Out sh(List<String> cmd, long timeoutS, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(TestSupport.repo().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var buf = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> { try { p.getInputStream().transferTo(buf); } catch (IOException ignored) {} });
        reader.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + timeoutS + "s: " + cmd + "\n" + buf.toString(StandardCharsets.UTF_8));
        }
        reader.join();
        return new Out(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    }

    static Out sh(String... cmd) throws Exception { return sh(List.of(cmd), 300, Map.of()); }

    static boolean has(String tool) throws Exception { return sh("sh", "-c", "command -v " + tool).exit() == 0; }

    /** Skipped with a message outside CI; failed in CI, so a missing engine never passes unnoticed there. */
    static void require(boolean ok, String what) {
        if (ok) return;
        String msg = what + " (CI's .ci/run installs it and starts dockerd with scripts/start-dockerd.sh)";
        if ("true".equals(System.getenv("CI"))) fail("CI=true and " + msg);
        Assumptions.assumeTrue(false, msg);
    }

    @BeforeAll void engines() throws Exception {
        require(has("docker"), "docker not found: apt-get install docker.io");
        require(sh(List.of("docker", "info"), 30, Map.of()).exit() == 0, "no Docker engine answers `docker info`: run scripts/start-dockerd.sh as root");
        for (String[] t : new String[][] {{"mmdebstrap", "mmdebstrap"}, {"containerd", "containerd"}, {"ctr", "containerd"}, {"node", "nodejs"}}) {
            require(has(t[0]), t[0] + " not found: apt-get install " + t[1]);
        }
        require("0".equals(sh("id", "-u").out().trim()), "the image tests run as root (dockerd, containerd, mmdebstrap)");

        // a Debian base without a registry, cached as an image
        Out base = sh(List.of("scripts/make-base-image.sh", BASE_IMAGE, "bookworm"), 600, Map.of());
        assertEquals(0, base.exit(), "scripts/make-base-image.sh:\n" + base.out());

        // a standalone containerd for the k8s.io import (as K3s's would be)
        dir = Files.createTempDirectory("mmb-containerd.");
        Out started = sh(List.of("scripts/start-containerd.sh", dir.toString()), 60, Map.of());
        assertEquals(0, started.exit(), "scripts/start-containerd.sh:\n" + started.out());
        containerdPid = Files.readString(dir.resolve("containerd.pid")).trim();
        ctr = started.lines().get(started.lines().size() - 1).trim();
        assertTrue(ctr.startsWith("ctr --address ") && ctr.endsWith(" -n k8s.io"), ctr);
    }

    @AfterAll void stopContainerd() throws Exception {
        if (containerdPid != null) {
            sh("kill", containerdPid);
            for (int i = 0; i < 40 && sh("kill", "-0", containerdPid).exit() == 0; i++) Thread.sleep(250);
        }
        if (dir != null) {
            // containerd leaves no mounts after an import; unmount anything under the folder all the same
            sh("sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l");
            sh("rm", "-rf", dir.toString());
        }
    }

    @Test @Order(1) void makeImageBuildBuildsAndImportsTheThreeImages() throws Exception {
        // the Makefile target a user runs; DOCKER_BUILDKIT=0 and --network host as on this machine
        Out r = sh(List.of("make", "--no-print-directory", "image-build", "BASE_IMAGE=" + BASE_IMAGE, "CTR=" + ctr,
                "DOCKER_BUILD_FLAGS=--network host"), 1800, Map.of("DOCKER_BUILDKIT", "0"));
        String tail = String.join("\n", r.lines().subList(Math.max(0, r.lines().size() - 40), r.lines().size()));
        assertEquals(0, r.exit(), "make image-build:\n" + tail);
        for (String image : IMAGES) assertEquals(0, sh("docker", "image", "inspect", image).exit(), image + " in Docker");

        // the legacy builder builds every stage up to the target: --target static must not build the Wasm toolchain
        String out = r.out();
        int staticStart = out.indexOf("--target static"), wasmStart = out.indexOf("--target wasm");
        assertTrue(staticStart >= 0 && wasmStart > staticStart, "three builds in order:\n" + tail);
        assertFalse(out.substring(staticStart, wasmStart).contains("wasm-build"), "--target static builds no wasm stage");

        Out ls = sh("sh", "-c", ctr + " images ls -q");
        assertEquals(0, ls.exit(), ls.out());
        for (String ref : CTR_REFS) assertTrue(ls.lines().contains(ref), ref + " in containerd's k8s.io namespace:\n" + ls.out());
    }

    @Test @Order(2) void theDebianImageRunsTheProtocol() throws Exception {
        Out r = sh("docker", "run", "--rm", "mmb-debian:latest", "48", "0.3", "0.1");
        var p = MmbProgramTest.checkValidRun(new MmbProgramTest.Run(r.exit(), r.lines(), ""), 48, "0.3", "0.1");
        assertTrue(p.ready().get("compiler").startsWith("gcc-"), p.ready().toString());
        assertEquals(MmbProgramTest.buildMk("MMB_CFLAGS"), p.ready().get("flags"), "the image uses build.mk's flags");
        // dynamic glibc on the Debian base
        assertEquals(0, sh("docker", "run", "--rm", "--entrypoint", "/bin/sh", "mmb-debian:latest", "-c",
                "test -e /etc/debian_version && ldd /usr/local/bin/mmb | grep -q libc.so").exit(), "dynamically linked on Debian");
    }

    @Test @Order(3) void theStaticImageRunsTheProtocol() throws Exception {
        Out r = sh("docker", "run", "--rm", "mmb-static:latest", "48", "0.3", "0.1");
        var p = MmbProgramTest.checkValidRun(new MmbProgramTest.Run(r.exit(), r.lines(), ""), 48, "0.3", "0.1");
        assertEquals(MmbProgramTest.buildMk("MMB_CFLAGS") + " -static", p.ready().get("flags"));
        assertEquals("[\"/mmb\"]", sh("docker", "inspect", "-f", "{{json .Config.Entrypoint}}", "mmb-static:latest").out().trim());
        // FROM scratch: one layer, the binary alone (no shell to run)
        assertEquals("1", sh("docker", "inspect", "-f", "{{len .RootFS.Layers}}", "mmb-static:latest").out().trim());
        Out bad = sh("docker", "run", "--rm", "mmb-static:latest", "0", "1");
        assertEquals(2, bad.exit(), "bad arguments: exit 2 through docker run\n" + bad.out());
        assertTrue(bad.out().contains(MmbProgramTest.USAGE_PREFIX), bad.out());
    }

    @Test @Order(4) void theWasmImageHoldsTheModuleThatRunsUnderNode() throws Exception {
        assertEquals("[\"/mmb.wasm\"]", sh("docker", "inspect", "-f", "{{json .Config.Entrypoint}}", "mmb-wasm:latest").out().trim());
        String platform = sh("docker", "inspect", "-f", "{{.Os}}/{{.Architecture}}", "mmb-wasm:latest").out().trim();
        String host = sh("docker", "info", "-f", "{{.OSType}}/{{.Architecture}}").out().trim()
                .replace("x86_64", "amd64").replace("aarch64", "arm64");
        assertEquals(host, platform, "a normal host-platform image (not wasi/wasm)");
        assertEquals("1", sh("docker", "inspect", "-f", "{{len .RootFS.Layers}}", "mmb-wasm:latest").out().trim(), "FROM scratch");

        Path out = Files.createTempDirectory("mmb-wasm.");
        try {
            Out created = sh("docker", "create", "mmb-wasm:latest");
            assertEquals(0, created.exit(), created.out());
            String id = created.lines().get(created.lines().size() - 1).trim();
            try {
                Out cp = sh("docker", "cp", id + ":/mmb.wasm", out.resolve("mmb.wasm").toString());
                assertEquals(0, cp.exit(), cp.out());
            } finally {
                sh("docker", "rm", id);
            }
            var v = MmbProgramTest.wasmUnderNode(out.resolve("mmb.wasm"));
            var r = MmbProgramTest.run(v.command("48", "0.3", "0.1"));
            var p = MmbProgramTest.checkValidRun(r, 48, "0.3", "0.1");
            assertEquals("wasm32-wasi", p.ready().get("target"));
            assertTrue(p.ready().get("compiler").startsWith("clang-"));
            assertEquals(MmbProgramTest.buildMk("MMB_WASM_CFLAGS"), p.ready().get("flags"));
        } finally {
            sh("rm", "-rf", out.toString());
        }
    }

    @Test @Order(5) void makeResetRemovesTheImagesFromDockerAndContainerd() throws Exception {
        Out r = sh(List.of("make", "--no-print-directory", "reset", "CTR=" + ctr), 300, Map.of());
        assertEquals(0, r.exit(), r.out());
        for (String image : IMAGES) assertNotEquals(0, sh("docker", "image", "inspect", image).exit(), image + " removed from Docker");
        Out ls = sh("sh", "-c", ctr + " images ls -q");
        for (String ref : CTR_REFS) assertFalse(ls.lines().contains(ref), ref + " removed from containerd:\n" + ls.out());
        assertEquals(0, sh("docker", "image", "inspect", BASE_IMAGE).exit(), "reset keeps the base image");

        // and back again (from the build cache), so the machine keeps the images a user would have
        Out again = sh(List.of("make", "--no-print-directory", "image-build", "BASE_IMAGE=" + BASE_IMAGE, "CTR=" + ctr,
                "DOCKER_BUILD_FLAGS=--network host"), 1800, Map.of("DOCKER_BUILDKIT", "0"));
        assertEquals(0, again.exit(), again.out());
        for (String image : IMAGES) assertEquals(0, sh("docker", "image", "inspect", image).exit(), image + " rebuilt");
    }
}
