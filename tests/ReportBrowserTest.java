import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * report.html in a real browser: Debian's chromium, headless, driven over the Chrome DevTools Protocol (a
 * WebSocket on 127.0.0.1, Java's own client). The page must load with no console error, no uncaught exception,
 * no network request, and show every expected chart as a drawn SVG with its series; pages broken on purpose
 * (a throwing script, an external image, a console error, a missing chart) must fail the same check. A
 * screenshot (chromium --screenshot, 1400×3000) must show the page and its first charts. The same for results with
 * progress lines and the harness's spawn cost (results_progress): the charts over time and the start-up panels.
 * Without chromium the tests are skipped, except under CI=true, where they fail: CI installs it (.ci/run).
 */
@Tag("browser")
@Tag("e2e")
class ReportBrowserTest {

    static Path folder;
    static HeadlessChromium browser;

    @BeforeAll static void reportAndBrowser() throws Exception {
        Path chromium = HeadlessChromium.find();
        if (chromium == null) {
            if ("true".equals(System.getenv("CI"))) fail("chromium is not installed: CI must install it (.ci/run: apt-get install chromium)");
            Assumptions.abort("chromium is not installed (apt-get install chromium): browser tests skipped");
        }
        folder = ReportKit.copy(ReportKit.fixture("results_limits"));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        browser = HeadlessChromium.start(chromium);
    }

    @AfterAll static void stopBrowser() throws IOException {
        if (browser != null) browser.close();
    }

    @Test void theReportRendersWithNoErrorAndNoRequest() throws Exception {
        HeadlessChromium.PageLoad load = browser.load(folder.resolve("report.html"));
        assertEquals(List.of(), problems(load, ReportKit.expectedCharts()));
        // what the reader sees: the title, every section, the warnings
        assertTrue(load.title().startsWith("mmb benchmark report: "), load.title());
        JsonNode sections = browser.evaluate("[...document.querySelectorAll('section')].map(s => s.id)");
        assertEquals(List.of("headline", "warnings", "throughput", "over-time", "startup", "resources", "throttling", "summary",
                "run", "glossary"), strings(sections));
        assertEquals(10, browser.evaluate("document.querySelectorAll('li.warning').length").asInt());
        // each chart's legend series as the page lists them, and its title as the SVG's accessible name
        JsonNode nodeCpu = load.charts().stream().filter(c -> c.path("id").asText().equals("cpu-mmb-wasm-node-512-warm"))
                .findFirst().orElseThrow();
        assertEquals("trial 1|trial 2 (failed)|trial 3|average 0.99 cores|peak 1.00 cores|limit 1 core", nodeCpu.path("series").asText());
        assertEquals("mmb-wasm-node, N = 512: CPU cores used", nodeCpu.path("title").asText());
    }

    /** Results with progress lines and the harness's spawn cost: the charts over time and the start-up panels drawn. */
    @Test void theProgressChartsRenderWithNoError() throws Exception {
        Path progress = ReportKit.copy(ReportKit.fixture("results_progress"));
        MetaKit.Run r = MetaKit.meta("report", progress.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        HeadlessChromium.PageLoad load = browser.load(progress.resolve("report.html"));
        assertEquals(List.of(), problems(load, ReportKit.expectedProgressCharts()));
        for (JsonNode c : load.charts()) {
            String id = c.path("id").asText();
            if (id.startsWith("throughput-over-time-")) {
                assertEquals("mmb-debian-default|mmb-static-default|mmb-wasm-node|mmb-wasm-wasmtime|slow start (warm-up)",
                        c.path("series").asText(), id);
            }
            if (id.startsWith("startup-")) {
                assertEquals("harness spawn cost (trivial program)|time to main|cold start", c.path("series").asText(), id);
            }
        }
        // the start-up section explains the two times above its charts; the per-trial tables open on a click
        assertEquals(3, browser.evaluate("document.querySelectorAll('#startup dl dt').length").asInt());
        assertEquals(2, browser.evaluate("document.querySelectorAll('#over-time details').length").asInt());
        assertFalse(browser.evaluate("document.querySelector('#over-time details').open").asBoolean(),
                "the per-trial table is folded until asked for");
        assertTrue(browser.evaluate("document.querySelectorAll('#over-time details tbody tr').length").asInt() > 10, "its rows");

        Path shot = Files.createTempDirectory("mmb-screenshot").resolve("progress.png");
        TestSupport.Run s = HeadlessChromium.screenshot(HeadlessChromium.find(), progress.resolve("report.html"), shot, 1400, 8000);
        assertEquals(0, s.exit(), s.all());
        BufferedImage img = ImageIO.read(shot.toFile());
        long node = 0, spawn = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (near(rgb, 0x009E73)) node++;    // mmb-wasm-node's colour (the third environment) in the charts over time
                if (near(rgb, 0x7B2CBF)) spawn++;   // the harness spawn cost's dashed lines (ChartStyle.LIMIT)
            }
        }
        assertTrue(node > 300, "the node lines over time are on screen: " + node);
        assertTrue(spawn > 50, "the spawn cost lines are on screen: " + spawn);
        System.out.println("ReportBrowserTest: screenshot of the progress charts in " + shot);
    }

    /** The check fails on pages broken on purpose: it can see what it is meant to see. */
    @Test void theCheckCatchesBrokenPages() throws Exception {
        Path dir = Files.createTempDirectory("mmb-broken-pages");
        Map<String, String> broken = Map.of(
                "throws.html", "<!DOCTYPE html><title>t</title><p>x</p><script>throw new Error('boom')</script>",
                "console.html", "<!DOCTYPE html><title>t</title><script>console.error('something is wrong')</script>",
                // 127.0.0.1:9 (discard) refuses at once: no traffic leaves the machine
                "image.html", "<!DOCTYPE html><title>t</title><img src=\"http://127.0.0.1:9/logo.png\" alt=\"\">",
                "style.html", "<!DOCTYPE html><title>t</title><link rel=\"stylesheet\" href=\"http://127.0.0.1:9/s.css\">");
        for (Map.Entry<String, String> b : broken.entrySet()) {
            Files.writeString(dir.resolve(b.getKey()), b.getValue());
            HeadlessChromium.PageLoad load = browser.load(dir.resolve(b.getKey()));
            List<String> problems = problems(load, List.of());
            assertFalse(problems.isEmpty(), b.getKey() + " passed the check");
            String expected = switch (b.getKey()) {
                case "throws.html" -> "uncaught exception: Error: boom";
                case "console.html" -> "console error: something is wrong";
                default -> "network request: http://127.0.0.1:9/";
            };
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)), b.getKey() + ": " + problems);
        }
        // the report itself with one chart taken out, or one chart's drawing emptied
        String html = Files.readString(folder.resolve("report.html"));
        Path missing = folder.resolve("missing-chart.html");
        Files.writeString(missing, html.replaceFirst("(?s)<figure class=\"chart\" id=\"chart-ratio\".*?</figure>", ""));
        assertTrue(problems(browser.load(missing), ReportKit.expectedCharts()).contains("chart missing: ratio"));
        Path empty = folder.resolve("empty-chart.html");
        Files.writeString(empty, html.replaceFirst("(?s)(<figure class=\"chart\" id=\"chart-startup-256-warm\".*?<svg [^>]*>).*?</svg>",
                "$1</svg>"));
        assertTrue(problems(browser.load(empty), ReportKit.expectedCharts()).contains("chart not drawn: startup-256-warm"),
                problems(browser.load(empty), ReportKit.expectedCharts()).toString());
        // and the report with a request added: the page's own policy refuses it, which is an error too
        Path request = folder.resolve("request.html");
        Files.writeString(request, html.replace("</main>", "<img src=\"http://127.0.0.1:9/x.png\" alt=\"\"></main>"));
        List<String> refused = problems(browser.load(request), ReportKit.expectedCharts());
        assertTrue(refused.stream().anyMatch(p -> p.startsWith("log error: Loading the image 'http://127.0.0.1:9/x.png' "
                + "violates the following Content Security Policy directive")), refused.toString());
    }

    @Test void screenshotShowsThePageAndItsCharts() throws Exception {
        Path shot = Files.createTempDirectory("mmb-screenshot").resolve("report.png");
        TestSupport.Run r = HeadlessChromium.screenshot(HeadlessChromium.find(), folder.resolve("report.html"), shot, 1400, 3000);
        assertEquals(0, r.exit(), r.all());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertNotNull(img, "a PNG");
        assertEquals(1400, img.getWidth());
        assertEquals(3000, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        long ink = 0, bars = 0, dots = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF && rgb != 0xF5F6F8) ink++;
                if (near(rgb, 0x9ECAE9)) bars++;         // the throughput bars (ChartStyle.BAR)
                if (near(rgb, 0x0072B2) || near(rgb, 0xE69F00)) dots++;   // the ratio chart: decisive and inconclusive bars
            }
        }
        long pixels = (long) img.getWidth() / 2 * (img.getHeight() / 2);
        assertTrue(colours.size() > 200, "a page with text and charts has many colours (anti-aliasing): " + colours.size());
        assertTrue(ink > pixels / 20, "more than 5% of the page is not background: " + ink + " of " + pixels);
        assertTrue(bars > 20000, "the throughput bars are on screen: " + bars);
        assertTrue(dots > 10000, "the ratio chart is on screen: " + dots);
        System.out.println("ReportBrowserTest: screenshot in " + shot);
    }

    static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xFF) - ((want >> shift) & 0xFF)) > 6) return false;
        }
        return true;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Everything wrong with a page load: errors, requests, and charts missing, undrawn or too small. */
    static List<String> problems(HeadlessChromium.PageLoad load, List<String> expectedCharts) {
        List<String> p = new ArrayList<>(load.errors());
        for (String url : load.requests()) p.add("network request: " + url);
        Set<String> seen = new HashSet<>();
        for (JsonNode c : load.charts()) {
            String id = c.path("id").asText();
            seen.add(id);
            if (c.path("shapes").asInt() < 20) p.add("chart not drawn: " + id);
            else if (c.path("width").asDouble() < 300 || c.path("height").asDouble() < 150) {
                p.add("chart too small: " + id + " " + c.path("width") + "×" + c.path("height"));
            }
        }
        for (String id : expectedCharts) if (!seen.contains(id)) p.add("chart missing: " + id);
        return p;
    }
}
