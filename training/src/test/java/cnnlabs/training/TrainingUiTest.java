package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.onednn.OneDnnRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dui=true}: DL4J's training UI (on the test class path; at run time with {@code -Pui}) receives a real fit's
 * statistics, and its overview page, opened in headless Chromium, draws the score chart.
 */
class TrainingUiTest {

    @AfterEach
    void stop() {
        TrainingUi.stop();
        System.clearProperty(TrainingUi.PORT_PROPERTY);
    }

    @Test
    void theOverviewPageDrawsTheScoreChartOfARunningFit() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        System.setProperty(TrainingUi.PORT_PROPERTY, String.valueOf(port));
        TrainingUi ui = TrainingUi.start();
        assertTrue(ui.address().equals("http://localhost:" + port + "/train/overview"), ui.address());

        ComputationGraph graph = OneDnnRuntime.graph(Architectures.get("lenet5").configure(BuildOptions.defaults()));
        new Trainer(TrainerConfig.DEFAULTS.withMaxBatches(8), new Console(new PrintStream(new ByteArrayOutputStream()),
                Console.Mode.OFF)).withCallback(ui::callback)
                .fit("lenet5", graph, RandomImages.of(256, 1).batches(16, true, 1),
                        RandomImages.of(64, 2).batches(16, false, 1), 3);
        assertTrue(graph.getListeners().isEmpty(), "the UI's listener is removed when the fit ends");
        // the UI routes statistics to its pages on its own thread: wait until the overview has the fit's scores
        String data = "";
        for (int i = 0; i < 300 && !SCORES.matcher(data).find(); i++) {
            Thread.sleep(100);
            data = get("http://localhost:" + port + "/train/overview/data");
        }
        assertTrue(SCORES.matcher(data).find(), "the UI never received the fit's scores: " + data);

        String dom = Chromium.dumpDom(ui.address(), 20_000);
        Matcher chart = Pattern.compile("id=\"scoreiterchart\"(.*?)id=\"hoverdata\"", Pattern.DOTALL).matcher(dom);
        assertTrue(chart.find(), "no score chart on the overview page:\n" + dom);
        assertTrue(chart.group(1).contains("<canvas class=\"flot-base\""), "the score chart was not drawn:\n" + chart.group(1));
        // an empty flot chart spans -1 to 1; this one's iteration axis reaches the fit's reports (every 10 iterations)
        Matcher ticks = Pattern.compile("flot-x-axis.*?</div></div>", Pattern.DOTALL).matcher(chart.group(1));
        assertTrue(ticks.find(), chart.group(1));
        double largest = Pattern.compile(">(-?[0-9.]+)<").matcher(ticks.group()).results()
                .mapToDouble(r -> Double.parseDouble(r.group(1))).max().orElse(Double.NaN);
        assertTrue(largest >= 10, "the score chart shows no iteration of the fit (x axis up to " + largest + ")");
    }

    private static final Pattern SCORES = Pattern.compile("\"scores\"\\s*:\\s*\\[\\s*[0-9]");

    private static String get(String url) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
