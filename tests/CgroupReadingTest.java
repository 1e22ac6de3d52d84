import org.junit.jupiter.api.Test;

import java.nio.file.*;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** cgroup discovery and file parsing on recorded files; every unit conversion checked by hand. */
@org.junit.jupiter.api.Tag("unit")
class CgroupReadingTest {
    static final Path FIX = TestSupport.repo().resolve("tests/fixtures/cgroup");

    static String fixture(String name) throws Exception { return Files.readString(FIX.resolve(name)); }

    @Test void hybridHostWithSeparateCpuAndCpuacctIsV1() throws Exception {
        var layout = single_env_bench.CgroupLayout.parse(fixture("mountinfo-v1-hybrid.txt"), Path.of("/sys/fs/cgroup"));
        assertEquals("v1", layout.version());
        assertEquals(Path.of("/sys/fs/cgroup/cpu"), layout.v1Mounts().get("cpu"));
        assertEquals(Path.of("/sys/fs/cgroup/cpuacct"), layout.v1Mounts().get("cpuacct"));
        assertEquals(Path.of("/sys/fs/cgroup/memory"), layout.v1Mounts().get("memory"));
        assertEquals(List.of(Path.of("/sys/fs/cgroup/cpu/mmb"), Path.of("/sys/fs/cgroup/cpuacct/mmb"),
                Path.of("/sys/fs/cgroup/memory/mmb"), Path.of("/sys/fs/cgroup/pids/mmb")), layout.trialParents("mmb"));
    }

    @Test void comountedCpuCpuacctIsOneHierarchy() throws Exception {
        var layout = single_env_bench.CgroupLayout.parse(fixture("mountinfo-v1-comounted.txt"), Path.of("/sys/fs/cgroup"));
        assertEquals("v1", layout.version());
        assertEquals(layout.v1Mounts().get("cpu"), layout.v1Mounts().get("cpuacct"));
        assertEquals(3, layout.trialParents("mmb").size(), "cpu,cpuacct + memory + pids");
        var files = (single_env_bench.CgroupFiles.V1) layout.filesFor(layout.dirsOf("kubepods/pod1/abc"));
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/abc"), files.cpu());
        assertEquals(files.cpu(), files.cpuacct());
        assertEquals(Path.of("/sys/fs/cgroup/memory/kubepods/pod1/abc"), files.memory());
    }

    @Test void pureV2Host() throws Exception {
        var layout = single_env_bench.CgroupLayout.parse(fixture("mountinfo-v2.txt"), Path.of("/sys/fs/cgroup"));
        assertEquals("v2", layout.version());
        assertEquals(List.of(Path.of("/sys/fs/cgroup/mmb")), layout.trialParents("mmb"));
    }

    @Test void mountsOutsideTheRootAreIgnored() throws Exception {
        var layout = single_env_bench.CgroupLayout.parse(fixture("mountinfo-v2.txt"), Path.of("/elsewhere"));
        assertEquals("none", layout.version());
    }

    @Test void v1FilesConvertNanosecondsAndPickHierarchicalRss() {
        var f = new single_env_bench.CgroupFiles.V1(FIX.resolve("v1/cpu"), FIX.resolve("v1/cpuacct"), FIX.resolve("v1/memory"));
        var r = f.read();
        assertEquals(615972386L / 1000, r.usageUsec(), "cpuacct.usage is ns");
        assertEquals(623984146L / 1000, r.userUsec(), "cpuacct.usage_user is ns");
        assertEquals(12000000L / 1000, r.systemUsec());
        assertEquals(12L, r.nrThrottled());
        assertEquals(2359296L, r.memBytes());
        assertEquals(2170880L, r.rssBytes(), "total_rss");
        assertEquals(2359296L, f.peak(), "memory.max_usage_in_bytes");
    }

    @Test void v1WithoutUsageUserFallsBackToCpuacctStatTicks() throws Exception {
        Path dir = Files.createTempDirectory("cpuacct");
        Files.copy(FIX.resolve("v1/cpuacct/cpuacct.usage"), dir.resolve("cpuacct.usage"));
        Files.copy(FIX.resolve("v1/cpuacct/cpuacct.stat"), dir.resolve("cpuacct.stat"));
        var r = new single_env_bench.CgroupFiles.V1(null, dir, null).read();
        assertEquals(61L * 10_000, r.userUsec(), "61 USER_HZ ticks of 10 ms");
        assertEquals(1L * 10_000, r.systemUsec());
        assertNull(r.nrThrottled());
        assertNull(r.memBytes());
    }

    @Test void v2FilesAreMicrosecondsAndAnonIsRss() {
        var f = new single_env_bench.CgroupFiles.V2(FIX.resolve("v2"));
        var r = f.read();
        assertEquals(1843211L, r.usageUsec());
        assertEquals(1790482L, r.userUsec());
        assertEquals(52729L, r.systemUsec());
        assertEquals(37L, r.nrThrottled());
        assertEquals(2695168L, r.memBytes());
        assertEquals(1748992L, r.rssBytes());
        assertEquals(3108864L, f.peak());
    }

    @Test void v2KernelWithoutMemoryPeakHasNoPeak() throws Exception {
        Path dir = Files.createTempDirectory("v2");
        for (String n : List.of("cpu.stat", "memory.current", "memory.stat")) Files.copy(FIX.resolve("v2/" + n), dir.resolve(n));
        var f = new single_env_bench.CgroupFiles.V2(dir);
        assertNull(f.peak());
        assertEquals(2695168L, f.read().memBytes());
    }

    @Test void aVanishedCgroupReadsAsNull() {
        assertNull(new single_env_bench.CgroupFiles.V2(Path.of("/nonexistent/cg")).read());
        assertNull(new single_env_bench.CgroupFiles.V1(Path.of("/nonexistent/a"), Path.of("/nonexistent/b"), Path.of("/nonexistent/c")).read());
    }

    @Test void keyedFilesSkipUnknownAndMalformedLines() throws Exception {
        Path f = Files.createTempFile("stat", "");
        Files.writeString(f, "usage_usec 10\ngarbage\nnew_key_in_the_middle 5\nuser_usec x\nsystem_usec 3\n");
        Map<String, Long> m = single_env_bench.CgroupFiles.keyed(f);
        assertEquals(10L, m.get("usage_usec"));
        assertEquals(3L, m.get("system_usec"));
        assertFalse(m.containsKey("user_usec"));
    }
}
