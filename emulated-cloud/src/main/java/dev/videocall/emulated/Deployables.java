package dev.videocall.emulated;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the emulated cloud runs, as Maven builds it: the Functions Framework invoker, the functions'
 * shaded jar (what Terraform uploads) and the cloud gateway's runnable jar (what Jib puts in the
 * image); and the Terraform that declares its Pub/Sub resources (terraform/, read by {@link
 * CloudResources}).
 */
public record Deployables(Path invokerJar, Path functionsJar, Path gatewayJar, Path terraformDir) {

  public Deployables {
    for (Path p : new Path[] {invokerJar, functionsJar, gatewayJar}) {
      if (p == null || !Files.isRegularFile(p)) {
        throw new IllegalStateException("missing " + p + ": build first (mvn -DskipTests package, or scripts/run --emulated-cloud)");
      }
    }
    if (terraformDir == null || !Files.isRegularFile(terraformDir.resolve("pubsub.tf"))) {
      throw new IllegalStateException("no pubsub.tf in " + terraformDir + ": the emulated cloud creates its resources from terraform/");
    }
  }

  /** The jars where a build of this repository leaves them, under {@code root}. */
  public static Deployables inRepository(Path root) {
    return new Deployables(
        root.resolve("emulated-cloud/target/invoker/java-function-invoker.jar"),
        only(root.resolve("functions/target"), "videocall-functions-", "-shaded.jar"),
        root.resolve("gateway-gcp/target/videocall-gateway-gcp.jar"),
        root.resolve("terraform"));
  }

  private static Path only(Path dir, String prefix, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix))
          .findFirst().orElse(dir.resolve(prefix + "*" + suffix));
    } catch (IOException e) {
      if (!Files.isDirectory(dir)) {
        return dir.resolve(prefix + "*" + suffix);
      }
      throw new UncheckedIOException(e);
    }
  }
}
