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

/**
 * Headless chromium driven over the Chrome DevTools Protocol: one browser, one tab per page load, every event
 * of the tab kept (console, exceptions, log entries, network requests). A fresh profile per browser, no
 * background networking, debugging port on 127.0.0.1 only (port 0: chromium picks one and writes it to
 * DevToolsActivePort in the profile).
 */
final class HeadlessChromium implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--hide-scrollbars", "--mute-audio");

    private final Process process;
    private final Path profile, log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private String target, session;   // the tab of the last load

    private HeadlessChromium(Process process, Path profile, Path log, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.socket = socket;
    }

    /** chromium (Debian) or chromium-browser / google-chrome on PATH; null when none. */
    static Path find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    static List<String> command(Path chromium, Path profile, String... more) {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString()));
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(List.of(more));
        return cmd;
    }

    static HeadlessChromium start(Path chromium) throws Exception {
        Path profile = Files.createTempDirectory("mmb-chromium-profile");
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        Process p = new ProcessBuilder(command(chromium, profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(Files.isRegularFile(portFile) && Files.readAllLines(portFile).size() >= 2)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                fail("chromium did not start its DevTools endpoint:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        List<String> port = Files.readAllLines(portFile);
        URI uri = URI.create("ws://127.0.0.1:" + port.get(0).trim() + port.get(1).trim());
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    self[0].receive(message);
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(p, profile, log, ws);
        return self[0];
    }

    private void receive(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.path("id").asInt());
                if (f != null) f.complete(m);
            } else {
                events.add(m);
            }
        } catch (IOException e) {
            events.add(JSON.createObjectNode().put("method", "unreadable").put("text", message));
        }
    }

    /** Sends a command (to the attached tab when sessionId is set) and waits for its answer. */
    JsonNode send(String method, ObjectNode params, boolean toTab) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        m.set("params", params == null ? JSON.createObjectNode() : params);
        if (toTab) m.put("sessionId", session);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(m.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode a = answer.get(60, TimeUnit.SECONDS);
        if (a.has("error")) throw new IllegalStateException(method + ": " + a.path("error"));
        return a.path("result");
    }

    record PageLoad(String url, String title, List<String> errors, List<String> requests, List<JsonNode> charts) {}

    /**
     * Opens the file in a new tab with console, log, network and page events on, waits for the load event and
     * a quiet half second, and reads what the page shows. A request is anything fetched but the page itself.
     */
    PageLoad load(Path file) throws Exception {
        if (session != null) {
            send("Target.closeTarget", JSON.createObjectNode().put("targetId", target), false);
        }
        target = send("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"), false).path("targetId").asText();
        session = send("Target.attachToTarget", JSON.createObjectNode().put("targetId", target).put("flatten", true), false)
                .path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) send(domain + ".enable", null, true);
        events.clear();
        String url = file.toUri().toString();
        send("Page.navigate", JSON.createObjectNode().put("url", url), true);
        long deadline = System.currentTimeMillis() + 60_000;
        while (events(m -> "Page.loadEventFired".equals(m.path("method").asText())
                && session.equals(m.path("sessionId").asText())).isEmpty()) {
            if (System.currentTimeMillis() > deadline) fail("the page did not load in 60 s: " + url);
            Thread.sleep(25);
        }
        Thread.sleep(500);   // late errors (a failed image, a timer) still count
        List<String> errors = new ArrayList<>(), requests = new ArrayList<>();
        for (JsonNode e : events(m -> session.equals(m.path("sessionId").asText()))) {
            JsonNode p = e.path("params");
            switch (e.path("method").asText()) {
                case "Runtime.exceptionThrown" -> errors.add("uncaught exception: "
                        + p.path("exceptionDetails").path("exception").path("description").asText(p.path("exceptionDetails").path("text").asText()));
                case "Runtime.consoleAPICalled" -> {
                    if (List.of("error", "assert").contains(p.path("type").asText())) {
                        errors.add("console error: " + p.path("args").findValuesAsText("value").stream().collect(Collectors.joining(" ")));
                    }
                }
                case "Log.entryAdded" -> {
                    if ("error".equals(p.path("entry").path("level").asText())) {
                        errors.add("log error: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText(""));
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String u = p.path("request").path("url").asText();
                    if (!u.equals(url) && !u.startsWith("data:")) requests.add(u);
                }
                default -> { }
            }
        }
        String title = evaluate("document.title").asText();
        JsonNode charts = evaluate("[...document.querySelectorAll('figure.chart')].map(f => { const s = f.querySelector('svg'); "
                + "const r = s ? s.getBoundingClientRect() : {width: 0, height: 0}; return {id: f.dataset.chart, "
                + "series: f.dataset.series, width: r.width, height: r.height, "
                + "shapes: s ? s.querySelectorAll('path, line, rect, polyline, polygon, circle, ellipse').length : 0, "
                + "title: s && s.querySelector('title') ? s.querySelector('title').textContent : null}; })");
        List<JsonNode> list = new ArrayList<>();
        charts.forEach(list::add);
        return new PageLoad(url, title, errors, requests, list);
    }

    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true), true);
        if (r.has("exceptionDetails")) throw new IllegalStateException(expression + ": " + r.path("exceptionDetails"));
        return r.path("result").path("value");
    }

    private List<JsonNode> events(java.util.function.Predicate<JsonNode> which) {
        synchronized (events) {
            return events.stream().filter(which).collect(Collectors.toList());
        }
    }

    /** chromium's own --screenshot (no DevTools): what a person would get from the command line. */
    static TestSupport.Run screenshot(Path chromium, Path page, Path png, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("mmb-chromium-shot");
        try {
            return TestSupport.exec(command(chromium, profile, "--screenshot=" + png, "--window-size=" + width + "," + height,
                    page.toUri().toString()), Map.of(), 120);
        } finally {
            deleteTree(profile);
        }
    }

    @Override public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is stopped below anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
        Files.deleteIfExists(log);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file chromium was still closing: the temp folder is cleaned by the system
                }
            }
        }
    }
}
