package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.Test;

/** The plumbing below our sockets, against a recording session (real sockets: GatewayTest). */
class FrameEndpointTest {

  /** Counts demands and keeps what is sent, completing each send at once. */
  static final class RecordingSession extends CoreSession.Empty {
    int demands;
    final List<Frame> sent = new ArrayList<>();

    @Override
    public void demand() {
      demands++;
    }

    @Override
    public void sendFrame(Frame frame, Callback callback, boolean batch) {
      sent.add(frame);
      callback.succeeded();
    }
  }

  static final class Recorder extends FrameEndpoint {
    final List<String> events = new ArrayList<>();
    boolean failOnData;
    boolean failOnOpen;

    @Override
    void opened(CoreSession session) {
      if (failOnOpen) {
        throw new IllegalStateException("open bug");
      }
      events.add("open");
    }

    @Override
    void data(Frame frame) {
      if (failOnData) {
        throw new IllegalStateException("data bug");
      }
      events.add("data " + frame.getPayloadAsUTF8());
    }

    @Override
    void closed(int code, String reason) {
      events.add("closed " + code);
    }

    @Override
    void failed(Throwable cause) {
      events.add("failed " + cause.getMessage());
    }
  }

  static Callback.Completable completable() {
    return new Callback.Completable();
  }

  @Test
  void readsOneFrameAtATimeAnswersPingsAndLeavesTheCloseToJetty() {
    RecordingSession session = new RecordingSession();
    Recorder endpoint = new Recorder();
    Callback.Completable open = completable();
    endpoint.onOpen(session, open);
    assertTrue(open.isDone() && !open.isCompletedExceptionally());
    assertEquals(1, session.demands, "the first frame is asked for once open");

    Callback.Completable text = completable();
    endpoint.onFrame(new Frame(OpCode.TEXT, "hello"), text);
    assertTrue(text.isDone() && !text.isCompletedExceptionally());
    assertEquals(2, session.demands);

    Callback.Completable ping = completable();
    endpoint.onFrame(new Frame(OpCode.PING, ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))), ping);
    assertEquals(OpCode.PONG, session.sent.get(0).getOpCode());
    assertEquals("are you there", session.sent.get(0).getPayloadAsUTF8(), "the pong carries the ping's payload");
    assertTrue(ping.isDone());
    assertEquals(3, session.demands);

    endpoint.onFrame(new Frame(OpCode.PONG), completable());
    assertEquals(4, session.demands);

    Callback.Completable close = completable();
    endpoint.onFrame(CloseStatus.toFrame(1000, "bye"), close);
    assertTrue(close.isDone() && !close.isCompletedExceptionally(), "Jetty answers the close when this completes");
    assertEquals(4, session.demands, "nothing more is read after a close");
    endpoint.onClosed(new CloseStatus(1000, "bye"), completable());

    assertEquals(List.of("open", "data hello", "closed 1000"), endpoint.events, "pings and pongs are not data");
  }

  @Test
  void aFailureOfOursFailsTheCallbackSoJettyClosesWith1011() {
    RecordingSession session = new RecordingSession();
    Recorder endpoint = new Recorder();
    endpoint.onOpen(session, completable());
    endpoint.failOnData = true;
    Callback.Completable text = completable();
    endpoint.onFrame(new Frame(OpCode.TEXT, "boom"), text);
    assertTrue(text.isCompletedExceptionally());
    assertEquals(1, session.demands, "no further frame is asked for");

    Recorder badOpen = new Recorder();
    badOpen.failOnOpen = true;
    RecordingSession other = new RecordingSession();
    Callback.Completable open = completable();
    badOpen.onOpen(other, open);
    assertTrue(open.isCompletedExceptionally());
    assertEquals(0, other.demands);
    assertFalse(badOpen.events.contains("open"));
  }
}
