package dev.videocall.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Latency percentiles against pairs, one colour per server and one dash per percentile, drawn with
 * the JDK's own 2D graphics (headless) so the chart needs no plotting library. Axes are logarithmic.
 */
final class LatencyChart {
  private static final int W = 960;
  private static final int H = 560;
  private static final int LEFT = 90;
  private static final int RIGHT = 250;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;
  private static final double[] PERCENTILES = {50, 99, 99.9};
  private static final float[][] DASHES = {null, {10f, 6f}, {3f, 5f}};
  private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

  static void write(Map<String, ? extends List<? extends LatencyPoint>> byTarget, String title, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double minMs = Double.MAX_VALUE;
    double maxMs = 0;
    int minPairs = Integer.MAX_VALUE;
    int maxPairs = 0;
    for (List<? extends LatencyPoint> results : byTarget.values()) {
      for (LatencyPoint r : results) {
        for (double p : PERCENTILES) {
          minMs = Math.min(minMs, Math.max(0.01, r.millis(p)));
          maxMs = Math.max(maxMs, r.millis(p));
        }
        minPairs = Math.min(minPairs, r.pairs());
        maxPairs = Math.max(maxPairs, r.pairs());
      }
    }
    double yLo = Math.pow(10, Math.floor(Math.log10(minMs)));
    double yHi = Math.pow(10, Math.ceil(Math.log10(Math.max(maxMs, yLo * 10))));
    double xLo = Math.pow(10, Math.floor(Math.log10(minPairs)));
    double xHi = Math.pow(10, Math.ceil(Math.log10(Math.max(maxPairs, xLo * 10))));

    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    // Grid and labels at each power of ten.
    for (double y = yLo; y <= yHi * 1.0001; y *= 10) {
      int py = yPixel(y, yLo, yHi, plotH);
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT, py, LEFT + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(label(y) + " ms", 10, py + 4);
    }
    for (double x = xLo; x <= xHi * 1.0001; x *= 10) {
      int px = xPixel(x, xLo, xHi, plotW);
      g.setColor(new Color(0xdddddd));
      g.drawLine(px, TOP, px, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(label(x), px - 10, TOP + plotH + 18);
    }
    g.drawString("concurrent pairs (log scale)", LEFT + plotW / 2 - 80, H - 20);
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);

    int series = 0;
    int legendY = TOP + 10;
    for (Map.Entry<String, ? extends List<? extends LatencyPoint>> entry : byTarget.entrySet()) {
      Color colour = COLOURS[series++ % COLOURS.length];
      for (int k = 0; k < PERCENTILES.length; k++) {
        g.setColor(colour);
        g.setStroke(DASHES[k] == null
            ? new BasicStroke(2.5f)
            : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, DASHES[k], 0f));
        int prevX = -1;
        int prevY = -1;
        for (LatencyPoint r : entry.getValue()) {
          int px = xPixel(r.pairs(), xLo, xHi, plotW);
          int py = yPixel(Math.max(yLo, r.millis(PERCENTILES[k])), yLo, yHi, plotH);
          if (prevX >= 0) {
            g.drawLine(prevX, prevY, px, py);
          }
          g.fillOval(px - 3, py - 3, 7, 7);
          prevX = px;
          prevY = py;
        }
        g.drawLine(W - RIGHT + 20, legendY, W - RIGHT + 60, legendY);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(entry.getKey() + " p" + label(PERCENTILES[k]), W - RIGHT + 68, legendY + 4);
        legendY += 22;
      }
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static int xPixel(double x, double lo, double hi, int width) {
    return LEFT + (int) Math.round((Math.log10(x) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * width);
  }

  private static int yPixel(double y, double lo, double hi, int height) {
    return TOP + height - (int) Math.round((Math.log10(y) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * height);
  }

  private static String label(double v) {
    return v == Math.rint(v) ? String.format("%,d", (long) v) : String.valueOf(v);
  }
}
