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

  AdaptorFreeConnector(Server server, ConnectionFactory factory) {
    super(server, factory);
  }

  @Override
  public void accept(int acceptorId) throws IOException {
    if (getTransport() instanceof ServerSocketChannel server && server.isOpen()) {
      SocketChannel channel = server.accept();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, getAcceptedTcpNoDelay());
      getSelectorManager().accept(channel);
    }
  }
}
