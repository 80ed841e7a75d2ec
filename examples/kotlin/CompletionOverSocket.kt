// JVM example: a server streams a completion over a TCP socket as it is generated, compressed with the
// stream codec through java.io (codec.compressingStream), and the client reads the text as it arrives
// (codec.decompressingStream). Each flush() sends a chunk the client can decode at once. The JVM test
// suite (bindings/kotlin, StreamsTest) runs it over a real local socket.
package examples.tacc

import dev.tacc.Codec
import dev.tacc.compressingStream
import dev.tacc.decompressingStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import kotlin.concurrent.thread

/** Sends [pieces] (tokens as the model yields them) over a socket and returns what the client read. */
fun completionOverSocket(codec: Codec, pieces: List<String>): String =
    ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { server ->
        val sender = thread {
            server.accept().use { socket ->
                // close() writes the last chunk (with the stream's CRC-32) and closes the socket's stream
                codec.compressingStream(socket.getOutputStream()).use { out ->
                    for (piece in pieces) {
                        out.write(piece.toByteArray())
                        out.flush() // one chunk per piece: the client shows it now
                    }
                }
            }
        }
        val text = Socket(server.inetAddress, server.localPort).use { socket ->
            codec.decompressingStream(socket.getInputStream()).bufferedReader().readText()
        }
        sender.join()
        text
    }
