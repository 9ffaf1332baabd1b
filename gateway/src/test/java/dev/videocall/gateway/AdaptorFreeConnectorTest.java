package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videocall.testkit.RawHttp;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** Accepted sockets are served as with Jetty's own connector, with TCP_NODELAY set on the channel. */
class AdaptorFreeConnectorTest {

  @Test
  void acceptedSocketsAreServedWithNoDelaySet() throws Exception {
    Server server = new Server();
    AdaptorFreeConnector connector = new AdaptorFreeConnector(server, new HttpConnectionFactory());
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        SocketChannel channel = (SocketChannel) ((SocketChannelEndPoint) request.getConnectionMetaData().getConnection().getEndPoint()).getChannel();
        String body = "nodelay=" + channel.getOption(StandardSocketOptions.TCP_NODELAY);
        response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)), callback);
        return true;
      }
    });
    server.start();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp.Answer answer = RawHttp.get(connector.getLocalPort(), "/");
        assertEquals(200, answer.status());
        assertEquals("nodelay=true", answer.body());
      }
    } finally {
      server.stop();
    }
  }
}
