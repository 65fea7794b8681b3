package io.kafkaflows.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.testsupport.Browser;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's dead letters and record browser, driven in headless Chromium through chromedriver: the consumer
 * flow dead-letters two records of its topic (its sink refuses each once), a third dead letter comes from another
 * topic; on the page the three are listed with their context, the source-topic filter narrows them to two, the dry run
 * reports 2 of 3, the confirmed replay sends those two back, and the flow then handles them (its group commits all 4
 * offsets of its topic); the flow's route has non-zero series in the rate and failure charts whose counts equal the
 * metrics endpoint's (a third record refused while the page is open), and a group left 4 behind is charted at lag
 * 4, as the lag gauge reports. The record browser shows the topic's records with key,
 * headers and value. Leaves a screenshot in target/dashboard-dead-letters.png.
 */
class DashboardDeadLettersBrowserTest extends KafkaTestSupport {

    @Test
    void deadLettersAreBrowsedFilteredAndReplayedFromThePage() throws Exception {
        Browser.require("DashboardDeadLettersBrowserTest", Browser.CHROMIUM, Browser.CHROMEDRIVER);
        Properties props = appProperties();
        String topic = createTopic(props.getProperty("flows.consumer.topic"), 1);
        String dlq = createTopic(unique("ui-dead"), 1);
        props.setProperty("flows.dlq.topic", dlq);
        props.setProperty("flows.consumer.sink", "mock:ui-sink");
        // a group that stays behind: the lag chart has something to show
        String lagging = unique("ui-lagging");
        props.setProperty("flows.monitor.groups", lagging);
        props.setProperty("flows.monitor.lag-interval", "500");
        ProducerRecord<byte[], byte[]> other = new ProducerRecord<>(dlq, bytes("o"), bytes("{\"id\":99}"));
        other.headers().add(new RecordHeader("dlq.source.topic", bytes("some-other-topic")))
                .add(new RecordHeader("dlq.exception.class", bytes("java.lang.IllegalStateException")));
        produce(List.of(other));
        try (InProcessApp app = InProcessApp.start(props)) {
            var refusedOnce = ConcurrentHashMap.<String>newKeySet();
            app.context().getEndpoint("mock:ui-sink", MockEndpoint.class).whenAnyExchangeReceived(exchange -> {
                if (refusedOnce.add(exchange.getMessage().getBody(String.class))) {
                    throw new InvalidEventException("refused once (simulated)");
                }
            });
            produce(topic, "k1", "{\"id\":1}");
            produce(topic, "k2", "{\"id\":2}");
            await().atMost(Duration.ofSeconds(60)).until(() -> endOffsetTotal(dlq) == 3);

            ChromeDriver page = Browser.driver(1200, 1500);
            try {
                page.get("http://127.0.0.1:" + app.property("camel.server.port") + "/ui");
                Supplier<List<WebElement>> rows = () -> page.findElements(By.cssSelector("#dead-letters tr.dead-letter"));
                await().atMost(Duration.ofSeconds(30)).until(() -> rows.get().size() == 3);
                assertTrue(rows.get().stream().anyMatch(r -> r.getText().contains(topic + "-0@0")
                        && r.getText().contains(InvalidEventException.class.getName())
                        && r.getText().contains("refused once (simulated)")), "a dead letter's context: " + texts(rows.get()));

                pick(page, "dlq-source", topic);
                await().atMost(Duration.ofSeconds(10)).until(() -> rows.get().size() == 2);
                page.findElement(By.id("replay-dry")).click();
                WebElement result = page.findElement(By.id("replay-result"));
                await().atMost(Duration.ofSeconds(30)).until(() -> result.getText().equals("dry run: 2 of 3 dead letters match"));
                assertEquals(2, endOffsetTotal(topic), "the dry run sent nothing");
                WebElement confirm = page.findElement(By.id("replay-confirm"));
                assertTrue(confirm.isDisplayed(), "confirm offered after the dry run");
                confirm.click();
                await().atMost(Duration.ofSeconds(30)).until(() -> result.getText().equals("replayed 2, parked 0"));
                await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(props.getProperty("flows.consumer.group-id"), topic) == 4);
                assertEquals(4, endOffsetTotal(topic), "the two replayed records came back to their topic");

                pick(page, "browse-topic", topic);
                page.findElement(By.id("browse")).click();
                Supplier<List<WebElement>> records = () -> page.findElements(By.cssSelector("#records tr.record"));
                await().atMost(Duration.ofSeconds(30)).until(() -> records.get().size() == 4);
                assertTrue(records.get().stream().anyMatch(r -> r.getText().contains("k2") && r.getText().contains("{\"id\":2}")
                        && r.getText().contains("dlq.replay.count=1")), "a replayed record in the browser: " + texts(records.get()));

                // while the page watches: a third refusal, and a group left 4 behind
                produce(topic, "k3", "{\"id\":3}");
                await().atMost(Duration.ofSeconds(60)).until(() -> endOffsetTotal(dlq) == 4);
                admin().alterConsumerGroupOffsets(lagging, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                        .all().get(30, TimeUnit.SECONDS);
                assertChartsMatchTheMetrics(page, app, lagging);
                Path shot = Path.of("target", "dashboard-dead-letters.png");
                Files.write(shot, page.getScreenshotAs(OutputType.BYTES));
                assertTrue(Files.size(shot) > 1000, "screenshot written");
            } finally {
                page.quit();
            }
        }
    }

    /**
     * The rate and failure charts of the consumer flow's route have series that are not all zero, and once the flow
     * is idle the page's last exchange and failure counts for it equal camel_exchanges_total and
     * camel_exchanges_failed_total + camel_exchanges_failures_handled_total on /observe/metrics (three refusals); the
     * lag chart's series of the lagging group ends at its lag, 4, which kafkaflows_consumer_lag reports too.
     */
    @SuppressWarnings("unchecked")
    private static void assertChartsMatchTheMetrics(ChromeDriver page, InProcessApp app, String lagging) {
        String route = "consumer-records";
        for (String chart : List.of("chart-rates", "chart-failures")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !page.findElements(
                    By.cssSelector("#" + chart + " polyline[data-series='" + route + "']")).isEmpty());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String metrics = app.get(app.property("camel.management.port"), "/observe/metrics").body();
            Object shown = page.executeScript("return window.kafkaFlowsCharts.totals['" + route + "']");
            Object failed = page.executeScript("return window.kafkaFlowsCharts.failedTotals['" + route + "']");
            return shown != null && failed != null && metric(metrics, "camel_exchanges_total", "routeId", route) == ((Number) shown).longValue()
                    && metric(metrics, "camel_exchanges_failed_total", "routeId", route)
                    + metric(metrics, "camel_exchanges_failures_handled_total", "routeId", route) == ((Number) failed).longValue()
                    && ((Number) failed).longValue() == 3;
        });
        for (String series : List.of("rates", "failures")) {
            List<List<Number>> points = (List<List<Number>>) page.executeScript("return window.kafkaFlowsCharts." + series + "['" + route + "']");
            assertTrue(points.stream().anyMatch(p -> p.get(1).doubleValue() > 0), "a non-zero " + series + " series: " + points);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<List<Number>> lag = (List<List<Number>>) page.executeScript("return window.kafkaFlowsCharts.lag['" + lagging + "']");
            return lag != null && !lag.isEmpty() && lag.get(lag.size() - 1).get(1).longValue() == 4
                    && !page.findElements(By.cssSelector("#chart-lag polyline[data-series='" + lagging + "']")).isEmpty();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(app.get(app.property("camel.management.port"),
                "/observe/metrics").body(), "kafkaflows_consumer_lag", "group", lagging) == 4);
    }

    /** The sum of a Prometheus metric's series whose label {@code label} is {@code value}. */
    private static long metric(String exposition, String name, String label, String value) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.eE+-]+)$").matcher(exposition);
        long sum = 0;
        while (m.find()) {
            if (m.group(1).contains(label + "=\"" + value + "\"")) {
                sum += (long) Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private static List<String> texts(List<WebElement> rows) {
        return rows.stream().map(WebElement::getText).toList();
    }

    /** Picks an option of a select the page re-renders while it refreshes: retried while the option goes stale. */
    private static void pick(WebDriver page, String id, String option) {
        await().atMost(Duration.ofSeconds(10)).ignoreException(StaleElementReferenceException.class).until(() -> {
            new Select(page.findElement(By.id(id))).selectByVisibleText(option);
            return option.equals(new Select(page.findElement(By.id(id))).getFirstSelectedOption().getText());
        });
    }
}
