import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.*;

/** Helpers of the report tests. */
final class ReportKit {
    private ReportKit() {}

    static Path fixture(String name) { return TestSupport.repo().resolve("tests/fixtures/report").resolve(name); }

    static Path copy(Path src) throws IOException {
        Path dst = Files.createTempDirectory("mmb-report").resolve(src.getFileName().toString());
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) if (Files.isRegularFile(f)) Files.copy(f, dst.resolve(f.getFileName()));
        }
        return dst;
    }

    /** The charts of the results_limits fixture, in page order. */
    static List<String> expectedCharts() {
        List<String> ids = new ArrayList<>(List.of("throughput-256-warm", "throughput-512-warm", "ratio", "startup-256-warm",
                "startup-512-warm"));
        for (String env : ReportHtmlTest.ENVS) {
            for (String size : List.of("256", "512")) {
                ids.add("cpu-" + env + "-" + size + "-warm");
                ids.add("memory-" + env + "-" + size + "-warm");
            }
        }
        ids.addAll(List.of("throttling", "throttling-mmb-wasm-node"));
        return ids;
    }

    /** The charts of the results_progress fixture, in page order. */
    static List<String> expectedProgressCharts() {
        List<String> ids = new ArrayList<>(List.of("throughput-256-warm", "throughput-512-warm", "ratio",
                "throughput-over-time-256-warm", "throughput-over-time-512-warm", "startup-256-warm", "startup-512-warm"));
        for (String env : ReportHtmlTest.PROGRESS_ENVS) {
            for (String size : List.of("256", "512")) {
                ids.add("cpu-" + env + "-" + size + "-warm");
                ids.add("memory-" + env + "-" + size + "-warm");
            }
        }
        return ids;
    }

    record Figure(String id, List<String> series, List<String> categories, String svg, String title, String caption) {}

    static final Pattern FIGURE = Pattern.compile("<figure class=\"chart\" id=\"chart-([^\"]+)\" data-chart=\"\\1\" "
            + "data-series=\"([^\"]*)\"(?: data-categories=\"([^\"]*)\")?>\\n(<svg .*?</svg>)\\n<figcaption>(.*?)</figcaption>\\n</figure>",
            Pattern.DOTALL);

    static List<Figure> figures(String html) {
        List<Figure> out = new ArrayList<>();
        Matcher m = FIGURE.matcher(html);
        while (m.find()) {
            Matcher title = Pattern.compile("<title id=\"[^\"]+\">(.*?)</title>").matcher(m.group(4));
            out.add(new Figure(m.group(1), split(m.group(2)), m.group(3) == null ? List.of() : split(m.group(3)), m.group(4),
                    title.find() ? unesc(title.group(1)) : null, unesc(m.group(5).replaceAll("<[^>]+>", ""))));
        }
        return out;
    }

    private static List<String> split(String s) { return s.isEmpty() ? List.of() : List.of(unesc(s).split("\\|")); }

    static String unesc(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    static String withoutDates(String html) { return html.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "DATE"); }

    /**
     * Nothing on the page can make a browser fetch anything: no script, no stylesheet or font file, no frame,
     * no image or link that is not inline or on the page itself (namespace names such as xmlns="http://…" are
     * only names, never fetched).
     */
    static void assertSelfContained(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        for (String tag : List.of("<script", "<link", "<iframe", "<object", "<embed", "<img", "<image", "<use", "<video",
                "<audio", "<source", "<base", "<form", "<frame")) {
            assertFalse(lower.contains(tag), "no " + tag + " element");
        }
        assertFalse(lower.contains("@import"), "no @import");
        assertFalse(lower.contains("@font-face"), "no web fonts");
        Matcher url = Pattern.compile("url\\(\\s*['\"]?([^)'\"]*)").matcher(lower);
        while (url.find()) assertTrue(url.group(1).startsWith("#") || url.group(1).startsWith("data:"), "url(" + url.group(1) + ")");
        Matcher tag = Pattern.compile("<[a-z][^>]*>").matcher(lower);   // attributes are inside tags; escaped text has no '<'
        while (tag.find()) {
            Matcher ref = Pattern.compile("\\s(?:src|href|xlink:href|srcset|poster|action|data)\\s*=\\s*['\"]?([^'\"\\s>]*)")
                    .matcher(tag.group());
            while (ref.find()) assertTrue(ref.group(1).startsWith("#") || ref.group(1).startsWith("data:"), "a reference: " + ref.group());
        }
        // An address in a tag or a style sheet (not in text: a warning may name a project's web site).
        Matcher code = Pattern.compile("(?s)<[a-z][^>]*>|<style>.*?</style>").matcher(lower);
        while (code.find()) {
            Matcher http = Pattern.compile("(https?:)?//[a-z0-9.-]+").matcher(code.group());
            while (http.find()) {
                String before = code.group().substring(Math.max(0, http.start() - 20), http.start());
                assertTrue(before.matches("(?s).*xmlns(:xlink)?=\"$"), "an address outside a namespace name: " + http.group());
            }
        }
    }
}
