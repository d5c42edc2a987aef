package reportsearch.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs one OpenSearch node in this JVM, assembled from Maven Central jars.
 *
 * <p>The distribution's own entry point (org.opensearch.bootstrap.OpenSearch) expects the
 * tarball layout: modules/ with plugin descriptors, a jar-hell-clean classpath and a
 * security policy per module. Here the two plugins the project needs (netty4 for
 * HTTP/transport, analysis-common for the pattern/ngram/path_hierarchy analysis) sit on
 * the ordinary classpath and are handed to Node's protected constructor, the same way
 * OpenSearch's own MockNode does in its test framework. So: no jar-hell check (it belongs
 * to Bootstrap), no security manager, and no bootstrap checks (they only become
 * mandatory on a non-loopback address, and run.mjs binds to 127.0.0.1 only).
 *
 * <p>Usage: {@code java -jar opensearch-launcher.jar --conf DIR -Ekey=value ...}. DIR holds
 * log4j2.properties; every setting (path.home, path.data, http.port, discovery, ...) comes
 * from -E, like the distribution's CLI.
 */
public final class Launcher {

    /** Node's plugin constructor is protected; this subclass only opens it. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Path conf = null;
        Settings.Builder settings = Settings.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--conf") && i + 1 < args.length) {
                conf = Path.of(args[++i]).toAbsolutePath();
            } else if (arg.startsWith("-E") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                settings.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                System.err.println("launcher: unknown argument " + arg + " (expected --conf DIR or -Ekey=value)");
                System.exit(2);
            }
        }
        if (conf == null || !Files.isRegularFile(conf.resolve("log4j2.properties"))) {
            System.err.println("launcher: --conf must name a folder with log4j2.properties");
            System.exit(2);
        }
        Settings input = settings.build();
        if (!input.hasValue("path.home")) {
            System.err.println("launcher: -Epath.home=DIR is required");
            System.exit(2);
        }
        // PluginsService lists these folders; the tarball ships them, we create them empty.
        Path home = Path.of(input.get("path.home"));
        Files.createDirectories(home.resolve("modules"));
        Files.createDirectories(home.resolve("plugins"));

        Environment environment = InternalSettingsPreparer.prepareEnvironment(input, Map.of(), conf, () -> "node-0");
        // Same order as the distribution: logging first, so the node's own start-up is logged.
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.configure(environment);

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        plugins.add(Netty4Plugin.class);
        plugins.add(CommonAnalysisPlugin.class);
        Node node = new ClasspathPluginNode(environment, plugins);

        // OpenSearch's threads are daemons: the main thread keeps the JVM alive until a signal.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "opensearch-launcher-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("launcher: the node did not start: " + t);
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        stopped.await();
    }
}
