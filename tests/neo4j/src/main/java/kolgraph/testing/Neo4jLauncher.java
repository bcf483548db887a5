package kolgraph.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs a Neo4j Community DBMS with Bolt on 127.0.0.1 for kolgraph's tests.
 *
 * <p>Usage: {@code java -cp ... kolgraph.testing.Neo4jLauncher DIR PASSWORD}. Stores data
 * under DIR/data, picks a free port, sets the password of user {@code neo4j}, writes
 * DIR/port once Bolt accepts connections and runs until the process is terminated
 * (SIGTERM shuts the DBMS down cleanly). With the environment variable
 * NEO4J_LAUNCHER_OWNER_PID set, it also shuts down once that process has gone, so a test
 * run killed before its clean-up leaves no DBMS behind.
 */
public final class Neo4jLauncher {
    private Neo4jLauncher() {}

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static void setPassword(DatabaseManagementService dbms, String password) {
        String quoted = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'";
        try {
            dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD " + quoted + " CHANGE NOT REQUIRED");
        } catch (RuntimeException e) {
            // A restart on the same DIR: the password is already this one.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    private static void exitWithOwner(String ownerPid) {
        if (ownerPid == null || ownerPid.isBlank()) {
            return;
        }
        ProcessHandle owner = ProcessHandle.of(Long.parseLong(ownerPid.trim())).orElse(null);
        Thread watcher = new Thread(() -> {
            while (owner != null && owner.isAlive()) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("owner process " + ownerPid + " has gone; shutting down");
            System.exit(0);
        }, "owner-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Neo4jLauncher DIR PASSWORD");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(dir);
        int port = freePort();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(dir.resolve("data"))
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
            .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        exitWithOwner(System.getenv("NEO4J_LAUNCHER_OWNER_PID"));
        setPassword(dbms, args[1]);
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        Files.writeString(dir.resolve("port"), Integer.toString(port), StandardCharsets.UTF_8);
        System.out.println("bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
