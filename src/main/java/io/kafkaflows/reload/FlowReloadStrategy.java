package io.kafkaflows.reload;

import java.io.File;
import java.io.FileFilter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.kafkaflows.HealthChecks;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of the route files in camel.main.routes-reload-directory (dev profile: routes/*.camel.yaml and
 * routes/*.java). A save reloads every route file of that directory together, as a restart of the routes would
 * (routes, REST DSL, route configurations and beans stay consistent); the JVM, broker, HTTP server and the routes
 * from elsewhere keep running. A broken edit leaves the previous routes running and logs one ERROR with file and
 * line ({@link ReloadFailure}). The last reload is on /observe/health ({@link ReloadHealthCheck}).
 */
public final class FlowReloadStrategy extends ServiceSupport implements ResourceReload, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(FlowReloadStrategy.class);
    /** Editors save in bursts (truncate, write, rename): changes this close together make one reload. */
    private static final long SETTLE_MS = 300;

    private final Set<String> pending = new LinkedHashSet<>();
    /** The content of the route files that run now, by location: what a failed reload goes back to. */
    private final Map<String, byte[]> running = new LinkedHashMap<>();
    private final ReloadHealthCheck health = new ReloadHealthCheck();
    private final RouteSet routes = new RouteSet();
    private final RouteWatcherReloadStrategy watcher;
    private CamelContext camelContext;
    private ScheduledExecutorService settle;

    /** Reloads on the changes that Camel's {@code watcher} sees (its directory, recursion and pattern). */
    public FlowReloadStrategy(RouteWatcherReloadStrategy watcher) {
        this.watcher = watcher;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() throws Exception {
        watcher.setResourceReload(this);
        settle = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "RoutesReloadSettle");
        for (Resource resource : routeFiles()) {
            running.put(resource.getLocation(), read(resource));
        }
        HealthChecks.replace(camelContext, health);
        if (Files.isDirectory(Path.of(watcher.getFolder()))) {
            LOG.info("Live reload of {} ({}): saving a file there reloads the routes", watcher.getFolder(), watcher.getPattern());
        } else {
            LOG.warn("Live reload is on but {} is not a directory here: nothing is watched", watcher.getFolder());
        }
    }

    @Override
    protected void doStop() {
        if (settle != null) {
            camelContext.getExecutorServiceManager().shutdownNow(settle);
            settle = null;
        }
        HealthChecks.remove(camelContext, health);
    }

    /** Called by Camel's file watcher for each created, modified or deleted file that matches its pattern. */
    @Override
    public synchronized void onReload(String name, Resource resource) {
        if (pending.isEmpty()) {
            settle.schedule(this::reloadPending, SETTLE_MS, TimeUnit.MILLISECONDS);
        }
        pending.add(name);
    }

    private void reloadPending() {
        List<String> files;
        synchronized (this) {
            files = new ArrayList<>(pending);
            pending.clear();
        }
        try {
            reload(files);
        } catch (RuntimeException e) {
            LOG.error("Reload of {} failed unexpectedly: {}", files, e.toString(), e);
        }
    }

    /** Reloads every route file of the directory; on failure the previous set runs again. Called on the settle thread. */
    void reload(List<String> files) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        CamelContext context = camelContext;
        ReloadFailure syntax = YamlSyntax.check(files);
        if (syntax != null) {
            failed(at, files, syntax, false);
            return;
        }
        // loaded from what was read now, so that the content remembered as running is the content that runs
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (Resource resource : routeFiles()) {
            contents.put(resource.getLocation(), read(resource));
        }
        List<Resource> sources = new ArrayList<>();
        contents.forEach((location, content) -> sources.add(ResourceHelper.fromBytes(location, content)));
        BeanLifecycle beans = BeanLifecycle.snapshot(context);
        Collection<RoutesBuilder> builders;
        try {
            // parses YAML and compiles Java: a mistake found here has not stopped anything yet
            builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(sources);
        } catch (Exception e) {
            beans.rollBack();
            failed(at, files, ReloadFailure.of(e, files, context), false);
            return;
        }
        beans.observe();
        List<String> stopped = routes.stopAndRemove(context, this::isRouteFile);
        try {
            Set<String> ids = add(context, builders);
            beans.retireReplaced();
            running.clear();
            running.putAll(contents);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            health.record(LastReload.ok(at, files, ids.size(), ms));
            LOG.info("Reloaded {} in {} ms: {} routes from {} files running (stopped {} before)", files, ms, ids.size(),
                    sources.size(), stopped.size());
        } catch (Exception e) {
            ReloadFailure failure = ReloadFailure.of(e, files, context);
            restore(context, beans);
            failed(at, files, failure, true);
        }
    }

    /** What DefaultRoutesLoader.updateRoutes does (templated routes last), once the builders are known to load. */
    private static Set<String> add(CamelContext context, Collection<RoutesBuilder> builders) throws Exception {
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                configurations.updateRouteConfigurationsToCamelContext(context);
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (RoutesBuilder builder : builders) {
            ids.addAll(builder.updateRoutesToCamelContext(context));
        }
        Set<String> before = new LinkedHashSet<>();
        context.getRoutes().forEach(r -> before.add(r.getRouteId()));
        for (RoutesBuilder builder : builders) {
            builder.addTemplatedRoutesToCamelContext(context);
        }
        context.getRoutes().stream().map(Route::getRouteId).filter(id -> !before.contains(id)).forEach(ids::add);
        return ids;
    }

    /** The routes of the failed attempt go; the files as they were when they last ran come back. */
    private void restore(CamelContext context, BeanLifecycle beans) {
        beans.observe();
        routes.stopAndRemove(context, this::isRouteFile);
        List<Resource> previous = new ArrayList<>();
        running.forEach((location, content) -> previous.add(ResourceHelper.fromBytes(location, content)));
        try {
            add(context, PluginHelper.getRoutesLoader(context).findRoutesBuilders(previous));
        } catch (Exception e) {
            LOG.error("The previous routes could not be started again either: {}. Fix the files and save again",
                    ReloadFailure.of(e, List.of(), context).describe());
        }
        beans.retireReplaced();
    }

    private void failed(Instant at, List<String> files, ReloadFailure failure, boolean restarted) {
        health.record(LastReload.failed(at, files, failure.describe()));
        LOG.error("Reload failed: {}. The previous routes keep running{}; fix the file and save it again",
                failure.describe(), restarted ? " (restarted from their last working version)" : "");
        LOG.debug("Reload failure of {}", files, failure.cause());
    }

    /** The route files of the watched directory, as the file watcher names them. */
    private Collection<Resource> routeFiles() {
        List<Resource> answer = new ArrayList<>();
        Path dir = Path.of(watcher.getFolder());
        FileFilter filter = watcher.getFileFilter();
        if (!Files.isDirectory(dir)) {
            return answer;
        }
        try (Stream<Path> files = watcher.isRecursive() ? Files.walk(dir) : Files.list(dir)) {
            files.filter(Files::isRegularFile).sorted().forEach(p -> {
                File file = p.toFile();
                if (filter == null || filter.accept(file)) {
                    answer.add(PluginHelper.getResourceLoader(camelContext)
                            .resolveResource("file:" + FileUtil.compactPath(file.getPath())));
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return answer;
    }

    private boolean isRouteFile(Resource resource) {
        String folder = watcher.getFolder();
        boolean recursive = watcher.isRecursive();
        if (resource == null || resource.getLocation() == null || !resource.getLocation().startsWith("file:")) {
            return false;
        }
        Path file = Path.of(resource.getLocation().substring("file:".length())).toAbsolutePath().normalize();
        Path dir = Path.of(folder).toAbsolutePath().normalize();
        return recursive ? file.startsWith(dir) : dir.equals(file.getParent());
    }

    private static byte[] read(Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + resource.getLocation() + ": " + e.getMessage(), e);
        }
    }
}
