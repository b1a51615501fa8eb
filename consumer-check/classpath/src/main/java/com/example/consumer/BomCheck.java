package com.example.consumer;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the BOMs as installed (what a user imports), not as written in llmgate's source tree: neither has
 * a parent (a parent's dependencyManagement would be imported with it); llmgate-bom manages llmgate's own
 * artifacts only, at the installed version, and every published llmgate-* jar module of the build is in it;
 * llmgate-dependencies manages no llmgate artifact. Arguments: the local repository, the llmgate version,
 * the llmgate source tree's root.
 */
public final class BomCheck {

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        String version = args[1];
        Path root = Path.of(args[2]);
        List<String> problems = new ArrayList<>();

        Document bom = read(repo.resolve("dev/llmgate/llmgate-bom/" + version + "/llmgate-bom-" + version + ".pom"));
        Document deps = read(repo.resolve("dev/llmgate/llmgate-dependencies/" + version + "/llmgate-dependencies-" + version + ".pom"));
        for (var pom : List.of(bom, deps)) {
            if (child(pom.getDocumentElement(), "parent") != null) {
                problems.add(text(pom.getDocumentElement(), "artifactId") + " has a <parent>: users would import its dependencyManagement too");
            }
        }

        Set<String> inBom = new TreeSet<>();
        for (Element d : managed(bom)) {
            String ga = text(d, "groupId") + ":" + text(d, "artifactId");
            String v = text(d, "version").replace("${project.version}", version);
            if (!text(d, "groupId").equals("dev.llmgate")) {
                problems.add("llmgate-bom manages " + ga + ": it must list llmgate's own modules only (third-party versions go to llmgate-dependencies)");
            } else if (!v.equals(version)) {
                problems.add("llmgate-bom manages " + ga + " at " + v + ", not " + version);
            }
            inBom.add(text(d, "artifactId"));
        }
        for (String module : publishedJarModules(root)) {
            if (!inBom.contains(module)) {
                problems.add(module + " is a published module of the build but missing from llmgate-bom/pom.xml");
            }
        }
        for (Element d : managed(deps)) {
            if (text(d, "groupId").equals("dev.llmgate")) {
                problems.add("llmgate-dependencies manages " + text(d, "artifactId") + ": llmgate's own modules belong in llmgate-bom");
            }
        }

        if (!problems.isEmpty()) {
            System.out.println("BOM check: FAILED");
            problems.forEach(p -> System.out.println("  - " + p));
            System.exit(1);
        }
        System.out.println("BOM check: passed (llmgate-bom " + version + " manages " + inBom + "; no parent in either BOM)");
    }

    /**
     * The reactor's modules named llmgate-* that build a jar and are published (the BOMs themselves are
     * pom packaging; a module that sets maven.deploy.skip, such as llmgate-api-check, is not published).
     */
    private static List<String> publishedJarModules(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        Element modules = child(read(root.resolve("pom.xml")).getDocumentElement(), "modules");
        for (Element m : children(modules, "module")) {
            Path pom = root.resolve(m.getTextContent().trim()).resolve("pom.xml");
            Element project = read(pom).getDocumentElement();
            String artifactId = text(project, "artifactId");
            String packaging = child(project, "packaging") == null ? "jar" : text(project, "packaging");
            Element properties = child(project, "properties");
            boolean unpublished = properties != null && child(properties, "maven.deploy.skip") != null
                    && text(properties, "maven.deploy.skip").equals("true");
            if (artifactId.startsWith("llmgate-") && packaging.equals("jar") && !unpublished && Files.exists(pom)) {
                out.add(artifactId);
            }
        }
        return out;
    }

    private static List<Element> managed(Document pom) {
        Element dm = child(pom.getDocumentElement(), "dependencyManagement");
        return dm == null ? List.of() : children(child(dm, "dependencies"), "dependency");
    }

    private static Document read(Path pom) throws Exception {
        if (!Files.isRegularFile(pom)) {
            throw new IllegalStateException(pom + " not found: run mvn install in the llmgate tree first");
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element c = child(parent, name);
        return c == null ? "" : c.getTextContent().trim();
    }
}
