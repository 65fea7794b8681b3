package io.kafkaflows.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's headless Chromium for the dashboard tests, driven through its chromedriver (package chromium-driver).
 * Without them a test is skipped with a message on stderr, except where FLOWS_REQUIRE_BROWSER is set (.ci/run
 * installs both and sets it), where it fails.
 */
public final class Browser {

    public static final Path CHROMIUM = Path.of(System.getProperty("flows.test.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("flows.test.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** Skips (or, under FLOWS_REQUIRE_BROWSER, fails) the calling test when {@code tools} are not installed. */
    public static void require(String test, Path... tools) {
        for (Path tool : tools) {
            if (!Files.isExecutable(tool)) {
                String why = tool + " is needed for this test: apt-get install chromium chromium-driver (.ci/run does,"
                        + " and sets FLOWS_REQUIRE_BROWSER=1 so that there it fails instead)";
                assertTrue(System.getenv("FLOWS_REQUIRE_BROWSER") == null, why);
                System.err.println("SKIPPED " + test + ": " + why);
                Assumptions.abort(why);
            }
        }
    }

    /** A fresh Chromium profile under target/ (the build's own directory, not the machine's /tmp). */
    public static Path profileDir() throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target", "chromium-profiles")), "profile");
    }

    /** A headless Chromium session of the given window size (quit it when done). */
    public static ChromeDriver driver(int width, int height) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profileDir());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
