package dev.videocall.gateway;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty's connector, accepting as Jetty does except for one step: Jetty sets {@code TCP_NODELAY}
 * through the channel's {@code socket()}, and the JDK keeps the {@code Socket} adaptor it makes for
 * that (80 bytes) for the socket's whole life. The option is set on the channel instead.
 */
final class AdaptorFreeConnector extends ServerConnector {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AdaptorFreeConnector.class);

  AdaptorFreeConnector(Server server, ConnectionFactory factory) {
    super(server, factory);
  }

  @Override
  public void accept(int acceptorId) throws IOException {
    if (getTransport() instanceof ServerSocketChannel server && server.isOpen()) {
      SocketChannel channel = server.accept();
      try {
        channel.configureBlocking(false);
        configure(channel);
      } catch (IOException gone) {
        // The client reset the connection before it was set up (as Jetty's own accept tolerates).
        log.atDebug().setCause(gone).log("accepted socket could not be set up; closed");
        channel.close();
        return;
      }
      getSelectorManager().accept(channel);
    }
  }

  /** The options Jetty's connector sets on an accepted socket, set on the channel. */
  private void configure(SocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.TCP_NODELAY, getAcceptedTcpNoDelay());
    if (getAcceptedReceiveBufferSize() > -1) {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, getAcceptedReceiveBufferSize());
    }
    if (getAcceptedSendBufferSize() > -1) {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, getAcceptedSendBufferSize());
    }
  }
}
