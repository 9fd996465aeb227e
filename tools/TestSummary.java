import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Sums the JUnit XML reports of a build: Surefire's (target/surefire-reports/TEST-*.xml) and bnd's in-framework
 * tests (target/test-reports/**&#47;TEST-*.xml), in every module below DIR.
 *
 * <p>Usage: {@code java tools/TestSummary.java DIR}. Prints one line per module, then, as the very last line,
 * {@code N passed, N failed, N skipped} (failed = failures + errors). Exit status 1 if a test failed or errored,
 * if a report cannot be read, or if no test ran at all.
 */
public class TestSummary {

    static final class Counts {
        long tests, failed, skipped;

        void add(Counts c) {
            tests += c.tests;
            failed += c.failed;
            skipped += c.skipped;
        }

        long passed() {
            return tests - failed - skipped;
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<Path> reports;
        try (Stream<Path> files = Files.walk(root)) {
            reports = files.filter(TestSummary::isReport).sorted().collect(Collectors.toList());
        }
        Map<String, Counts> byModule = new TreeMap<>();
        Counts total = new Counts();
        List<String> unreadable = new ArrayList<>();
        for (Path report : reports) {
            Counts c;
            try {
                c = read(report);
            } catch (Exception e) {
                unreadable.add(root.relativize(report) + ": " + e);
                continue;
            }
            byModule.computeIfAbsent(module(root, report), k -> new Counts()).add(c);
            total.add(c);
        }
        for (Map.Entry<String, Counts> e : byModule.entrySet()) {
            Counts c = e.getValue();
            System.out.printf("  %-40s %d tests: %d passed, %d failed, %d skipped%n", e.getKey(), c.tests,
                c.passed(), c.failed, c.skipped);
        }
        for (String u : unreadable) {
            System.out.println("  unreadable report: " + u);
        }
        if (total.tests == 0) {
            System.out.println("  no test reports found below " + root);
        }
        System.out.printf("%d passed, %d failed, %d skipped%n", total.passed(), total.failed, total.skipped);
        System.exit(total.failed > 0 || total.tests == 0 || !unreadable.isEmpty() ? 1 : 0);
    }

    static boolean isReport(Path p) {
        String name = p.getFileName().toString();
        if (!name.startsWith("TEST-") || !name.endsWith(".xml") || !Files.isRegularFile(p)) {
            return false;
        }
        String path = p.toString().replace('\\', '/');
        return path.contains("/target/surefire-reports/") || path.contains("/target/test-reports/");
    }

    /** The module folder: the part of the path before /target/. */
    static String module(Path root, Path report) {
        String rel = root.relativize(report).toString().replace('\\', '/');
        int i = rel.indexOf("target/");
        String module = i <= 0 ? "." : rel.substring(0, i - 1);
        return module + (rel.contains("/test-reports/") || rel.startsWith("target/test-reports/")
            ? " (in-framework)" : "");
    }

    /** A report's root is a testsuite, or a testsuites element holding testsuites. */
    static Counts read(Path report) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(report.toFile());
        Element root = doc.getDocumentElement();
        Counts c = new Counts();
        if (root.getTagName().equals("testsuite")) {
            addSuite(root, c);
        } else if (root.getTagName().equals("testsuites")) {
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element && ((Element) n).getTagName().equals("testsuite")) {
                    addSuite((Element) n, c);
                }
            }
        } else {
            throw new IllegalArgumentException("root element is <" + root.getTagName() + ">, not <testsuite>");
        }
        return c;
    }

    static void addSuite(Element suite, Counts c) {
        c.tests += count(suite, "tests");
        c.failed += count(suite, "failures") + count(suite, "errors");
        c.skipped += count(suite, "skipped");
    }

    static long count(Element e, String attribute) {
        String v = e.getAttribute(attribute).trim();
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }
}
