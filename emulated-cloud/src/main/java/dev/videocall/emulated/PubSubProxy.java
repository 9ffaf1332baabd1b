package dev.videocall.emulated;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.StreamingPullResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Google's Pub/Sub emulator behind a gRPC proxy of our own, for two things the emulator does not do.
 * Every call is passed through byte for byte, except:
 *
 * <ul>
 *   <li>a streaming pull's keepalive ping (an empty request, sent by the Java client every 30 s) is
 *       answered here with an empty response. The emulator answers none, so an idle subscriber closes
 *       its stream after 20 s of "no response from server", and the emulator, which fails to notice a
 *       cancelled stream, goes on sending part of the messages into the dead one (docs/emulators.md):
 *       an idle gateway would lose deliveries;
 *   <li>a call whose first request a {@link Rule} refuses ends at once with the rule's status and never
 *       reaches the emulator: the faults a test needs that the emulator cannot be told to make.
 * </ul>
 *
 * Point PUBSUB_EMULATOR_HOST at {@link #host}.
 */
public final class PubSubProxy implements AutoCloseable {
  /** Decides, from a call's method and first request, whether to refuse it (null: pass it on). */
  @FunctionalInterface
  public interface Rule {
    Status refuse(String fullMethodName, byte[] firstRequest);
  }

  private static final String PUBLISH = "google.pubsub.v1.Publisher/Publish";
  private static final String CREATE_SUBSCRIPTION = "google.pubsub.v1.Subscriber/CreateSubscription";
  private static final String STREAMING_PULL = "google.pubsub.v1.Subscriber/StreamingPull";
  /** Refuses nothing. */
  public static final Rule PASS_ALL = (method, request) -> null;

  private final ManagedChannel upstream;
  private final Server server;
  /** host:port, for PUBSUB_EMULATOR_HOST. */
  public final String host;

  private PubSubProxy(String emulator, Rule rule) throws IOException {
    this.upstream = ManagedChannelBuilder.forTarget(emulator).usePlaintext().build();
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .fallbackHandlerRegistry(new PassThrough(upstream, rule))
        .build()
        .start();
    this.host = "127.0.0.1:" + server.getPort();
  }

  /** In front of {@code emulator} (host:port), refusing what {@code rule} refuses. */
  public static PubSubProxy start(String emulator, Rule rule) throws IOException {
    return new PubSubProxy(emulator, rule);
  }

  /**
   * The first Publish of each ordering key that starts with {@code prefix} fails with
   * FAILED_PRECONDITION (which the client does not retry); later ones pass.
   */
  public static Rule failFirstPublishOfKeysStartingWith(String prefix) {
    Set<String> failed = ConcurrentHashMap.newKeySet();
    return (method, request) -> {
      if (!method.equals(PUBLISH)) {
        return null;
      }
      for (PubsubMessage m : parsePublish(request).getMessagesList()) {
        if (m.getOrderingKey().startsWith(prefix) && failed.add(m.getOrderingKey())) {
          return Status.FAILED_PRECONDITION.withDescription("injected publish failure for ordering key " + m.getOrderingKey());
        }
      }
      return null;
    };
  }

  /**
   * While {@code file} exists, CreateSubscription and Publish fail with PERMISSION_DENIED, as they do on
   * Google Cloud until new IAM grants have propagated; a test grants them by deleting the file.
   */
  public static Rule refuseWhileFileExists(Path file) {
    return (method, request) -> (method.equals(CREATE_SUBSCRIPTION) || method.equals(PUBLISH)) && Files.exists(file)
        ? Status.PERMISSION_DENIED.withDescription("injected refusal while " + file + " exists")
        : null;
  }

  private static PublishRequest parsePublish(byte[] request) {
    try {
      return PublishRequest.parseFrom(request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a PublishRequest", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    upstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Every method, as raw bytes, forwarded to the emulator unless the rule refuses its first request. */
  private static final class PassThrough extends HandlerRegistry implements ServerCallHandler<byte[], byte[]> {
    private final ManagedChannel upstream;
    private final Rule rule;

    PassThrough(ManagedChannel upstream, Rule rule) {
      this.upstream = upstream;
      this.rule = rule;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .setFullMethodName(methodName)
          .setRequestMarshaller(Bytes.INSTANCE)
          .setResponseMarshaller(Bytes.INSTANCE)
          .build();
      return ServerMethodDefinition.create(method, this);
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
      Forwarded forwarded = new Forwarded(call, upstream, headers, rule);
      call.request(1);
      return forwarded;
    }
  }

  /**
   * One call: the emulator's side is made and started with the first request, unless the rule refuses
   * that. Made only then: a call made and never started stays pending in the channel, and gRPC fails
   * the whole channel ("Panic!") when its name resolution later finds it so.
   */
  private static final class Forwarded extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], byte[]> call;
    private final ManagedChannel upstream;
    private final Metadata headers;
    private final Rule rule;
    private boolean started;
    /** Null until the first request is forwarded, and for good when it was refused. */
    private ClientCall<byte[], byte[]> toEmulator;
    private boolean closed;
    private boolean headersSent;

    Forwarded(ServerCall<byte[], byte[]> call, ManagedChannel upstream, Metadata headers, Rule rule) {
      this.call = call;
      this.upstream = upstream;
      this.headers = headers;
      this.rule = rule;
    }

    @Override
    public void onMessage(byte[] request) {
      if (!started) {
        started = true;
        Status refusal = rule.refuse(call.getMethodDescriptor().getFullMethodName(), request);
        if (refusal != null) {
          close(refusal, new Metadata());
          return;
        }
        toEmulator = upstream.newCall(call.getMethodDescriptor(), CallOptions.DEFAULT);
        toEmulator.start(new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata h) {
            synchronized (call) {
              sendHeadersOnce(h);
            }
          }

          @Override
          public void onMessage(byte[] response) {
            synchronized (call) {
              sendHeadersOnce(new Metadata());
              call.sendMessage(response);
            }
            toEmulator.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            close(status, trailers);
          }
        }, headers);
        toEmulator.request(1);
      }
      synchronized (call) {
        if (closed) {
          return;
        }
        if (isPing(request)) {
          // Answered here: the emulator would not, and the client would give up on the stream.
          sendHeadersOnce(new Metadata());
          call.sendMessage(StreamingPullResponse.getDefaultInstance().toByteArray());
          call.request(1);
          return;
        }
      }
      toEmulator.sendMessage(request);
      synchronized (call) {
        call.request(1);
      }
    }

    @Override
    public void onHalfClose() {
      if (toEmulator != null) {
        toEmulator.halfClose();
      }
    }

    @Override
    public void onCancel() {
      if (toEmulator != null) {
        toEmulator.cancel("the caller cancelled", null);
      }
    }

    /** A streaming pull's keepalive: the Java client sends an empty request. */
    private boolean isPing(byte[] request) {
      return STREAMING_PULL.equals(call.getMethodDescriptor().getFullMethodName()) && request.length == 0;
    }

    private void sendHeadersOnce(Metadata headers) {
      if (!headersSent && !closed) {
        headersSent = true;
        call.sendHeaders(headers);
      }
    }

    private void close(Status status, Metadata trailers) {
      synchronized (call) {
        if (!closed) {
          closed = true;
          call.close(status, trailers);
        }
      }
    }
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
