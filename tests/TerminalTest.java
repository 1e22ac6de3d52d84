import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a new user meets in a terminal, with the real scripts: colour only on a terminal (a pipe and a real
 * pseudo-terminal from util-linux's `script`), NO_COLOR respected, help as wide as the terminal, JBang's install
 * saying what it does, and the Makefile's choice of `sudo` for K3s's ctr.
 */
@Tag("e2e")
class TerminalTest {
    static final String ESC = "\u001b[";

    /** CMD in a pseudo-terminal COLUMNS wide: `script -q -c 'stty cols N; CMD' /dev/null`. */
    static TestSupport.Run inPty(String command, int columns, Map<String, String> env) throws Exception {
        Assumptions.assumeTrue(MetaKit.onPath("script"), "util-linux's script gives the pseudo-terminal");
        return TestSupport.exec(List.of("script", "-q", "-e", "-c", "stty cols " + columns + "; " + command, "/dev/null"),
                env, 300);
    }

    static TestSupport.Run inPipe(String command, Map<String, String> env) throws Exception {
        return TestSupport.exec(List.of("bash", "-c", command), env, 300);
    }

    static int widest(String text) {
        return text.replace("\r", "").replaceAll("\u001b\\[[0-9;]*m", "").lines()
                .mapToInt(l -> l.codePointCount(0, l.length())).max().orElse(0);
    }

    /** The launcher of scripts/install-jbang.sh, installed into a folder of this test (Maven, from ~/.m2 or Central). */
    @Test void jbangInstallSaysWhatItDoesAndItsLauncherColoursOnlyATerminal() throws Exception {
        Path home = Files.createTempDirectory("mmb-jbang-home").resolve("jbang");
        Map<String, String> env = Map.of("MMB_JBANG_HOME", home.toString());
        TestSupport.Run install = TestSupport.exec(List.of("scripts/install-jbang.sh"), env, 600);
        assertEquals(0, install.exit(), install.all());
        assertTrue(install.err().contains("install-jbang: installing JBang "), "the pause is explained: " + install.err());
        assertTrue(install.err().matches("(?s).*typically \\d+-\\d+ s.*"), "and its length: " + install.err());
        assertTrue(install.err().contains(" installed in "), install.err());
        assertFalse(install.all().contains(ESC), "no escape sequences from Maven: " + install.all());
        String launcher = install.out().trim();
        assertEquals(home.resolve("bin/jbang").toString(), launcher);
        TestSupport.Run again = TestSupport.exec(List.of("scripts/install-jbang.sh"), env, 120);
        assertFalse(again.err().contains("installing"), "installed once: " + again.err());

        // JBang's own usage error is coloured by picocli when it is allowed to be
        String bad = launcher + " --no-such-flag";
        TestSupport.Run pipe = inPipe(bad + " 2>&1 | cat", Map.of());
        assertTrue(pipe.out().contains("Unknown option"), pipe.all());
        assertFalse(pipe.out().contains(ESC), "no colour into a pipe: " + pipe.out());
        TestSupport.Run pty = inPty(bad, 100, Map.of());
        assertTrue(pty.out().contains("Unknown option"), pty.all());
        assertTrue(pty.out().contains(ESC), "colour on a terminal: " + pty.out());
        TestSupport.Run noColor = inPty(bad, 100, Map.of("NO_COLOR", "1"));
        assertTrue(noColor.out().contains("Unknown option"), noColor.all());
        assertFalse(noColor.out().contains(ESC), "NO_COLOR: " + noColor.out());
    }

    /** --help of both scripts: the terminal's width in a pty (80 into a pipe), colour only there, examples whole. */
    @Test void helpFollowsTheTerminal() throws Exception {
        String meta = MetaKit.jbang() + " --quiet metaorchestrator.java --help";
        TestSupport.Run wide = inPty(meta, 150, Map.of());
        TestSupport.Run piped = inPipe(meta + " | cat", Map.of());
        TestSupport.Run plain = inPty(meta, 150, Map.of("NO_COLOR", "1"));
        assertEquals(0, piped.exit(), piped.all());
        int wideWidth = widest(wide.out()), pipedWidth = widest(piped.out());
        assertTrue(wideWidth > 80 && wideWidth <= 150, "uses the 150 columns: " + wideWidth + "\n" + wide.out());
        assertTrue(pipedWidth <= 80, "80 columns into a pipe: " + pipedWidth + "\n" + piped.out());
        assertTrue(wide.out().contains(ESC), "colour on a terminal");
        assertFalse(piped.out().contains(ESC), "no colour into a pipe");
        assertFalse(plain.out().contains(ESC), "NO_COLOR");
        for (TestSupport.Run r : List.of(wide, piped)) {
            String text = r.out().replace("\r", "").replaceAll("\u001b\\[[0-9;]*m", "");
            assertTrue(text.contains("\n  jbang metaorchestrator.java --config bench_local.yaml --trials 2\n"), text);
            assertTrue(text.contains("\n  jbang metaorchestrator.java report results/initial_bm\n"), text);
            assertTrue(text.contains("Usage: metaorchestrator [--config FILE] [--backend local|k8s] [--sizes N,N]"), text);
            assertFalse(text.contains("[,N[,N"), "the synopsis reads like the README: " + text);
        }
        TestSupport.Run child = inPty(MetaKit.jbang() + " --quiet single_env_bench.java --help", 150, Map.of());
        int childWidth = widest(child.out());
        assertTrue(childWidth > 80 && childWidth <= 150, childWidth + "\n" + child.out());
    }

    /** K3s's containerd needs root: `k3s ctr` as root (no sudo on a minimal Debian), `sudo k3s ctr` otherwise. */
    @Test void makeUsesSudoForCtrOnlyWhenNotRoot() throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot(), "compares root with an unprivileged user");
        TestSupport.Run asRoot = TestSupport.exec(List.of("make", "-n", "reset"), Map.of(), 60);
        assertEquals(0, asRoot.exit(), asRoot.all());
        assertTrue(asRoot.out().lines().anyMatch(l -> l.startsWith("k3s ctr images rm ")), asRoot.out());
        assertFalse(asRoot.out().contains("sudo"), asRoot.out());
        TestSupport.Run help = TestSupport.exec(List.of("make", "help"), Map.of(), 60);
        assertTrue(help.out().contains("CTR=\"k3s ctr\"") && help.out().contains("sudo only when not root"), help.out());

        TestSupport.Run asNobody = TestSupport.exec(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "make", "-n", "reset"), Map.of(), 60);
        Assumptions.assumeTrue(asNobody.exit() == 0, "nobody cannot read this clone: " + asNobody.all());
        assertTrue(asNobody.out().lines().anyMatch(l -> l.startsWith("sudo k3s ctr images rm ")), asNobody.out());
    }
}
