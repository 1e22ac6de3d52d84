import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The output protocol parser and the line splitter that feeds it. */
@org.junit.jupiter.api.Tag("unit")
class ProtocolTest {
    static single_env_bench.ProtocolParser parse(String... lines) {
        var p = new single_env_bench.ProtocolParser();
        double t = 100;
        for (String l : lines) p.accept(l, t += 1);
        return p;
    }

    @Test void aCompleteRunIsParsedWithArrivalTimes() {
        var p = parse("MMB_READY size=256 duration=2 warmup=1 compiler=gcc-12.2.0 flags=\"-O2 -falign-loops=64\" target=x86_64-linux-gnu",
                "BENCH_START", "BENCH_END", "iterations=320", "throughput_mflops=5358.492", "elapsed_s=2.003813", "valid=true");
        assertTrue(p.complete());
        assertEquals(101.0, p.appStart);
        assertEquals(102.0, p.benchStart);
        assertEquals(103.0, p.benchEnd);
        assertEquals(320L, p.iterations);
        assertEquals(5358.492, p.throughput);
        assertEquals(true, p.valid);
        assertEquals("-O2 -falign-loops=64", p.ready.get("flags"));
        assertEquals("gcc-12.2.0", p.ready.get("compiler"));
        assertTrue(p.problems.isEmpty());
        assertEquals(List.of(), p.progress, "output of a build without BENCH_PROGRESS still parses");
    }

    @Test void progressLinesAreKeptWithTheProgramsOwnTimes() {
        var p = parse("MMB_READY size=256 duration=2 warmup=0", "BENCH_START",
                "BENCH_PROGRESS t=0.501728 iterations=59", "BENCH_PROGRESS t=1.002609 iterations=140",
                "BENCH_PROGRESS t=1.506288 iterations=211", "BENCH_END",
                "iterations=246", "throughput_mflops=4084.011", "elapsed_s=2.021148", "valid=true");
        assertTrue(p.complete());
        assertTrue(p.problems.isEmpty(), p.problems.toString());
        assertEquals(0, p.otherLines);
        assertEquals(List.of(new single_env_bench.ProtocolParser.Progress(0.501728, 59), new single_env_bench.ProtocolParser.Progress(1.002609, 140),
                new single_env_bench.ProtocolParser.Progress(1.506288, 211)), p.progress, "times from the program, not arrival times");
    }

    @Test void brokenProgressLinesAreProblems() {
        for (List<String> bad : List.of(
                List.of("BENCH_START", "BENCH_PROGRESS t=fast iterations=3"),
                List.of("BENCH_START", "BENCH_PROGRESS t=0.5"),
                List.of("BENCH_START", "BENCH_PROGRESS t=0.5 iterations=-3"),
                List.of("BENCH_START", "BENCH_PROGRESS t=NaN iterations=3"),
                List.of("BENCH_START", "BENCH_PROGRESS t=0 iterations=3"),
                List.of("BENCH_START", "BENCH_PROGRESS t=1.0 iterations=9", "BENCH_PROGRESS t=0.5 iterations=12"),
                List.of("BENCH_START", "BENCH_PROGRESS t=0.5 iterations=9", "BENCH_PROGRESS t=1.0 iterations=8"),
                List.of("BENCH_PROGRESS t=0.5 iterations=9", "BENCH_START"),
                List.of("BENCH_START", "BENCH_END", "BENCH_PROGRESS t=0.5 iterations=9"),
                List.of("BENCH_START", "BENCH_PROGRESS t=0.5 iterations=90", "BENCH_END", "iterations=80"),
                List.of("BENCH_START", "BENCH_PROGRESS t=2.5 iterations=9", "BENCH_END", "elapsed_s=2.0"))) {
            var p = parse(bad.toArray(String[]::new));
            assertEquals(1, p.problems.size(), bad + " → " + p.problems);
            assertTrue(p.problems.get(0).contains("BENCH_PROGRESS"), p.problems.get(0));
        }
    }

    @Test void garbageLinesAreCountedNotFatal() {
        var p = parse("hello", "MMB_READY size=1", "\u0000\u0001binary", "BENCH_START", "x=1", "BENCH_END",
                "iterations=1", "throughput_mflops=1.5", "elapsed_s=1", "valid=false");
        assertTrue(p.complete());
        assertEquals(false, p.valid);
        assertEquals(3, p.otherLines);
    }

    @Test void nonNumericValuesAreProblems() {
        var p = parse("BENCH_START", "BENCH_END", "iterations=12", "throughput_mflops=fast", "elapsed_s=NaN", "valid=yes");
        assertEquals(3, p.problems.size(), p.problems.toString());
        assertTrue(p.problems.get(0).contains("throughput_mflops=fast"));
        assertFalse(p.complete());
        assertEquals("throughput_mflops, elapsed_s, valid", p.missing());
    }

    @Test void negativeCountsAreRejected() {
        var p = parse("iterations=-5", "throughput_mflops=-1");
        assertEquals(2, p.problems.size());
    }

    @Test void onlyTheFirstMarkerCounts() {
        var p = parse("BENCH_START", "BENCH_START", "BENCH_END", "BENCH_END");
        assertEquals(101.0, p.benchStart);
        assertEquals(103.0, p.benchEnd);
    }

    @Test void theSplitterCutsHugeLinesAndHandlesCrLf() throws Exception {
        List<String> lines = new ArrayList<>();
        var s = new single_env_bench.LineSplitter(lines::add);
        s.write("a\r\nb\n".getBytes(StandardCharsets.UTF_8));
        byte[] huge = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'x');
        s.write(huge);
        s.write("\nvalid=true\npartial".getBytes(StandardCharsets.UTF_8));
        s.flushRest();
        assertEquals(5, lines.size());
        assertEquals("a", lines.get(0));
        assertEquals("b", lines.get(1));
        assertTrue(lines.get(2).length() <= single_env_bench.LineSplitter.MAX + 10);
        assertTrue(lines.get(2).endsWith("[cut]"));
        assertEquals("valid=true", lines.get(3));
        assertEquals("partial", lines.get(4));
    }
}
